import { randomBytes } from 'node:crypto';
import {
  isStowageError,
  type Store,
  type BodyInput,
  type Capabilities,
  type Driver,
  type ListOptions,
  type ListVersionsOptions,
  type ObjectSummary,
  type PutOptions,
  type PutResult,
  type VersionSummary,
} from '@stowage/core';
import { equal, fail, ok } from './assert.js';
import { SuiteClock } from './clock.js';
import { mapLimit } from './data.js';
import { countingDriver } from './driver-proxy.js';
import { guardStore } from './guard.js';
import type { ConformanceOptions } from './types.js';

/** The declared capabilities as the suite uses them: COMPLIANCE is off unless the target allows it. */
export function effectiveCapabilities(caps: Capabilities, allowCompliance: boolean | undefined): Capabilities {
  if (caps.multipart && caps.multipart.completeSubset === undefined) caps = { ...caps, multipart: { ...caps.multipart, completeSubset: true } };
  if (caps.multipart && caps.multipart.listUploadsPrefix === undefined) caps = { ...caps, multipart: { ...caps.multipart, listUploadsPrefix: true } };
  caps = { ...caps, listing: { ...caps.listing, keyAlsoPrefix: caps.listing.keyAlsoPrefix ?? true, exactEnd: caps.listing.exactEnd ?? true } };
  if (caps.suspendedDeleteMarkerReported === undefined) caps = { ...caps, suspendedDeleteMarkerReported: true };
  if (!caps.objectLock) return caps;
  // Optional flags whose absence means true, made explicit so `requires` can name them.
  const objectLock = { ...caps.objectLock, removeRetention: caps.objectLock.removeRetention ?? true };
  if (!allowCompliance) objectLock.compliance = false;
  return { ...caps, objectLock };
}

type BucketKind = 'plain' | 'versioned' | 'lock';

/**
 * State shared by every case of one run: the Store, the run's buckets (made on
 * first use, emptied and deleted at the end), the clock and the guard.
 */
export class RunContext {
  readonly runId: string;
  readonly caps: Capabilities;
  readonly clock: SuiteClock;
  readonly allowCompliance: boolean;
  readonly store: Store;
  /** The target's Store without the guard (the guard wraps every view made of it). */
  private readonly rawStore: Store;
  private readonly shared = new Map<BucketKind, Promise<string>>();
  private readonly created: string[] = [];
  private bucketCounter = 0;

  private constructor(
    readonly options: ConformanceOptions,
    rawStore: Store,
  ) {
    this.runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    this.allowCompliance = options.allowCompliance === true;
    this.caps = effectiveCapabilities(options.capabilities ?? rawStore.capabilities, options.allowCompliance);
    this.rawStore = rawStore;
    this.store = guardStore(rawStore, this.allowCompliance);
    this.clock = new SuiteClock(() => this.store, options.clock);
  }

  static async create(options: ConformanceOptions, store?: Store): Promise<RunContext> {
    return new RunContext(options, store ?? (await options.open()));
  }

  get managedBuckets(): boolean {
    return this.caps.managedBuckets;
  }

  /** Prefix of everything this run writes in a bucket it did not create. */
  get runPrefix(): string {
    return this.managedBuckets ? '' : `stowage-conformance/${this.runId}/`;
  }

  async freshStore(): Promise<Store> {
    return guardStore(await this.options.open(), this.allowCompliance);
  }

  /**
   * The target's Store (same options: cursor codec, retries, hooks) with its
   * backend calls going through `wrap(driver)`: to count I/O, or to simulate
   * a misbehaving server.
   */
  storeVia(wrap: (driver: Driver) => Driver): Store {
    return guardStore(withDriver(this.rawStore, wrap(this.rawStore.unwrapDriver())), this.allowCompliance);
  }

  sharedBucket(kind: BucketKind): Promise<string> {
    let bucket = this.shared.get(kind);
    if (!bucket) {
      bucket = this.makeShared(kind);
      this.shared.set(kind, bucket);
      // A failed creation is retried by the next case that asks.
      bucket.catch(() => this.shared.delete(kind));
    }
    return bucket;
  }

  private async makeShared(kind: BucketKind): Promise<string> {
    if (!this.managedBuckets) {
      const given = kind === 'plain' ? this.options.bucket : kind === 'versioned' ? this.options.versionedBucket : this.options.lockBucket;
      if (!given) fail(`this target does not manage buckets and its options name no ${kind === 'plain' ? 'bucket' : `${kind}Bucket`}`);
      return given;
    }
    return this.newBucket({ versioning: kind === 'versioned', objectLock: kind === 'lock' });
  }

  /** A new, uniquely named bucket, deleted at the end of the run. */
  async newBucket(options: { versioning?: boolean; objectLock?: boolean } = {}): Promise<string> {
    if (!this.managedBuckets) fail('this case needs a bucket of its own: the target does not manage buckets');
    const name = `${this.options.bucketPrefix ?? 'stowage-conf'}-${this.runId}-${++this.bucketCounter}`;
    await this.store.createBucket(name, options.objectLock ? { objectLock: true } : {});
    this.created.push(name);
    if (options.versioning) await this.store.setVersioning(name, 'Enabled');
    return name;
  }

  /** A bucket name that was never created (for not-found cases). */
  missingBucketName(): string {
    return `${this.options.bucketPrefix ?? 'stowage-conf'}-${this.runId}-missing-${++this.bucketCounter}`;
  }

  /**
   * Empties and deletes every bucket the run created (or, on unmanaged
   * buckets, everything under the run prefix): aborts open uploads, releases
   * legal holds, deletes GOVERNANCE-retained versions with bypass, and waits
   * out (or advances the clock past) the short COMPLIANCE dates the guard allowed.
   */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    const targets: Array<{ bucket: string; prefix?: string; drop: boolean }> = this.managedBuckets
      ? this.created.map((bucket) => ({ bucket, drop: true }))
      : [...new Set([...this.shared.keys()].map((k) => (k === 'plain' ? this.options.bucket : k === 'versioned' ? this.options.versionedBucket : this.options.lockBucket)))]
          .filter((b): b is string => b !== undefined)
          .flatMap((bucket) => [
            { bucket, prefix: this.runPrefix, drop: false },
            { bucket, prefix: `/${this.runPrefix}`, drop: false },
            { bucket, prefix: `../${this.runPrefix}`, drop: false },
            { bucket, prefix: `./${this.runPrefix}`, drop: false },
          ]);
    for (const t of targets) {
      try {
        await emptyBucket(this.store, this.caps, this.clock, t.bucket, t.prefix);
        if (t.drop) await this.store.deleteBucket(t.bucket);
      } catch (e) {
        if (isStowageError(e, 'BucketNotFound')) continue;
        problems.push(`${t.bucket}${t.prefix ? `/${t.prefix}` : ''}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.created.length = 0;
    this.shared.clear();
    return problems;
  }
}

/** Deletes every object, version and open upload (under `prefix`) of a bucket. */
export async function emptyBucket(store: Store, caps: Capabilities, clock: SuiteClock, bucket: string, prefix?: string): Promise<void> {
  if (caps.multipart) {
    const aborted = new Set<string>();
    for (;;) {
      const page = await store.listUploads(bucket, { prefix });
      const fresh = page.uploads.filter((u) => !aborted.has(u.uploadId));
      if (fresh.length === 0) {
        if (page.uploads.length > 0) fail(`aborted uploads are still listed in ${bucket}`);
        break;
      }
      for (const u of fresh) {
        await store.abortMultipartUpload(u).catch((e) => (isStowageError(e, 'UploadNotFound') ? undefined : Promise.reject(e)));
        aborted.add(u.uploadId);
      }
      if (!page.nextCursor) break;
    }
  }
  if (caps.listVersions) {
    for (let round = 0; round < 5; round++) {
      const versions: VersionSummary[] = [];
      for await (const v of store.listVersions(bucket, { prefix })) versions.push(v);
      if (versions.length === 0) return;
      let waitFor: Date | undefined;
      await mapLimit(versions, 8, async (v) => {
        const until = await deleteVersion(store, caps, bucket, v);
        if (until && (!waitFor || until > waitFor)) waitFor = until;
      });
      if (waitFor) await clock.waitUntilPast(waitFor);
    }
    fail(`could not empty ${bucket}`);
  }
  for (let round = 0; ; round++) {
    const keys: string[] = [];
    for await (const o of store.list(bucket, { prefix })) keys.push(o.key);
    if (keys.length === 0) return;
    if (round >= 5) fail(`could not empty ${bucket}: ${keys.length} keys stay listed after deletes`);
    const results = await store.deleteMany(bucket, keys, { bypassGovernanceRetention: true });
    const failed = results.find((r) => !r.deleted);
    if (failed && !failed.deleted) throw failed.error;
  }
}

/** Deletes one version; returns the COMPLIANCE date to wait for when it is still retained. */
async function deleteVersion(store: Store, caps: Capabilities, bucket: string, v: VersionSummary): Promise<Date | undefined> {
  const versionId = v.versionId;
  try {
    await store.delete(bucket, v.key, { versionId, bypassGovernanceRetention: caps.objectLock?.governance ? true : undefined });
    return undefined;
  } catch (e) {
    if (isStowageError(e, 'ObjectNotFound') || isStowageError(e, 'VersionNotFound')) return undefined;
    if (!isStowageError(e, 'ObjectLocked') && !isStowageError(e, 'AccessDenied')) throw e;
  }
  if (caps.objectLock?.legalHold && !v.isDeleteMarker) {
    const held = await store.getLegalHold(bucket, v.key, { versionId }).catch(() => false);
    if (held) await store.setLegalHold(bucket, v.key, false, { versionId });
  }
  const retention = v.isDeleteMarker ? undefined : await store.getRetention(bucket, v.key, { versionId }).catch(() => undefined);
  if (retention?.mode === 'COMPLIANCE' && retention.retainUntil > store.now()) return retention.retainUntil;
  await store.delete(bucket, v.key, { versionId, bypassGovernanceRetention: caps.objectLock?.governance ? true : undefined });
  return undefined;
}

/** What one case sees: the run's resources plus its own key prefix. */
export class CaseContext {
  /** Keys of this case start with it: unique within the run. */
  readonly prefix: string;

  constructor(
    readonly run: RunContext,
    readonly id: string,
  ) {
    this.prefix = `${run.runPrefix}${id}/`;
  }

  get store(): Store {
    return this.run.store;
  }

  /** The declared capabilities (COMPLIANCE masked unless allowed). */
  get caps(): Capabilities {
    return this.run.caps;
  }

  get clock(): SuiteClock {
    return this.run.clock;
  }

  /** The target's driver (for wrapping, and for asking the server directly). */
  get driver(): Driver {
    return this.store.unwrapDriver();
  }

  /** A key under this case's prefix. */
  key(name = ''): string {
    return `${this.prefix}${name}`;
  }

  bucket(): Promise<string> {
    return this.run.sharedBucket('plain');
  }

  versionedBucket(): Promise<string> {
    return this.run.sharedBucket('versioned');
  }

  lockBucket(): Promise<string> {
    return this.run.sharedBucket('lock');
  }

  newBucket(options?: { versioning?: boolean; objectLock?: boolean }): Promise<string> {
    return this.run.newBucket(options);
  }

  freshStore(): Promise<Store> {
    return this.run.freshStore();
  }

  /** The target's Store with its backend calls going through `wrap(driver)`. */
  storeVia(wrap: (driver: Driver) => Driver): Store {
    return this.run.storeVia(wrap);
  }

  /** The target's Store, recording every backend call (to prove "rejected before I/O"). */
  spy(): { store: Store; calls: string[] } {
    const calls: string[] = [];
    return { store: this.storeVia((d) => countingDriver(d, calls)), calls };
  }

  /** Asserts `fn` fails with InvalidArgument (or `code`) and sends nothing to the backend. */
  async rejectedBeforeIo(fn: (store: Store) => Promise<unknown>, what: string, code: 'InvalidArgument' | 'NotSupported' | 'InvalidRange' = 'InvalidArgument'): Promise<void> {
    const { store, calls } = this.spy();
    let error: unknown;
    try {
      await fn(store);
    } catch (e) {
      error = e;
    }
    if (error === undefined) fail(`${what}: expected ${code} before any I/O, but it succeeded`);
    ok(isStowageError(error, code), `${what}: expected ${code}, got ${isStowageError(error) ? error.code : String(error)}`);
    equal(calls.length, 0, `${what}: backend calls made before the rejection (${calls.join(', ')})`);
  }

  /** `seconds` from the backend's now. */
  retainUntil(seconds: number): Date {
    return this.clock.inSeconds(seconds);
  }

  async put(bucket: string, key: string, body: BodyInput = '', options?: PutOptions): Promise<PutResult> {
    return this.store.put(bucket, key, body, options);
  }

  /** Puts many small objects, 16 at a time. */
  async putMany(bucket: string, keys: readonly string[], body: (key: string) => BodyInput = (k) => k): Promise<void> {
    await mapLimit(keys, 16, (k) => this.store.put(bucket, k, body(k)));
  }

  async text(bucket: string, key: string, versionId?: string): Promise<string> {
    return (await this.store.get(bucket, key, versionId ? { versionId } : {})).body.text();
  }

  /** Follows every page; returns keys, common prefixes, the page count and every cursor seen. */
  async listAll(bucket: string, options: ListOptions = {}, store: Store = this.store): Promise<{ keys: string[]; prefixes: string[]; objects: ObjectSummary[]; pages: number; entries: string[] }> {
    const keys: string[] = [];
    const prefixes: string[] = [];
    const objects: ObjectSummary[] = [];
    const entries: string[] = [];
    let pages = 0;
    const cursors = new Set<string>();
    for await (const page of store.listPages(bucket, options)) {
      pages++;
      if (pages > 10_000) fail('listing did not end after 10 000 pages');
      if (page.nextCursor !== undefined) {
        if (cursors.has(page.nextCursor)) fail(`the listing handed out the same cursor twice after ${pages} pages: it would never end`);
        cursors.add(page.nextCursor);
      }
      if (options.pageSize !== undefined) ok(page.objects.length + page.commonPrefixes.length <= options.pageSize, `a page holds at most pageSize ${options.pageSize} entries (got ${page.objects.length + page.commonPrefixes.length})`);
      objects.push(...page.objects);
      keys.push(...page.objects.map((o) => o.key));
      prefixes.push(...page.commonPrefixes);
      // Objects and prefixes in one combined order, as the backend paged them.
      entries.push(...[...page.objects.map((o) => o.key), ...page.commonPrefixes].sort(compareBytes));
    }
    return { keys, prefixes, objects, pages, entries };
  }

  async listVersionsAll(bucket: string, options: ListVersionsOptions = {}): Promise<VersionSummary[]> {
    const out: VersionSummary[] = [];
    for await (const v of this.store.listVersions(bucket, options)) out.push(v);
    return out;
  }
}

/**
 * A view of `store` whose methods reach `driver` instead of its own: every
 * other part of the Store (options, cursor codec, retries) stays the target's.
 * Relies on core's Store keeping its driver in the `driver` property; checked.
 */
function withDriver(store: Store, driver: Driver): Store {
  if ((store as unknown as { driver?: unknown }).driver !== store.unwrapDriver()) {
    throw new Error("@stowage/core's Store no longer keeps its driver in `driver`: update withDriver in conformance/src/context.ts");
  }
  return new Proxy(store, {
    get(target, prop, receiver) {
      return prop === 'driver' ? driver : Reflect.get(target, prop, receiver);
    },
  });
}

/** UTF-8 byte order, the order S3 lists keys in. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
