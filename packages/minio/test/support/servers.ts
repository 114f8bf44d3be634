import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isStowageError, Store } from '@stowage/core';
import { MinioDriver, MinioStore, type MinioStoreConfig } from '../../src/index.js';
import { ENV_JSON } from './global-setup.js';

export interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  server: string;
  caFile?: string;
  kmsKeyId?: string;
  webhook?: { id: string; port: number; path: string; arn: string };
  replication?: {
    sourceBucket: string;
    targetBucket: string;
    arn: string;
    targetEndpoint: string;
    targetRegion: string;
    targetAccessKeyId: string;
    targetSecretAccessKey: string;
  };
  mc?: { bin: string; configDir: string };
}

/** `.servers/env.json` (global-setup made sure it lists every server). */
export function serversEnv(): { minio: ServerEnv; features: ServerEnv; ceph: ServerEnv } {
  const env = JSON.parse(readFileSync(ENV_JSON, 'utf8')) as Record<string, ServerEnv>;
  return { minio: env.minio!, features: env['minio-features']!, ceph: env.ceph! };
}

export type Target = 'minio' | 'features' | 'ceph';

export function configFor(target: Target, extra: Partial<MinioStoreConfig> = {}): MinioStoreConfig {
  const s = serversEnv()[target];
  return {
    endpoint: s.endpoint,
    region: s.region,
    accessKey: s.accessKeyId,
    secretKey: s.secretAccessKey,
    serverProfile: target === 'ceph' ? 'ceph-rgw' : 'minio',
    ...(s.caFile ? { caFile: s.caFile } : {}),
    ...extra,
  };
}

/** A MinioStore on one of the servers; core retries off unless asked (tests see first answers). */
export function storeFor(target: Target, extra: Partial<MinioStoreConfig> = {}, retry = false): MinioStore {
  return new MinioStore(new MinioDriver(configFor(target, extra)), retry ? {} : { retry: false });
}

/** A unique, valid bucket name. */
export function bucketName(tag: string): string {
  return `stowage-minio-${tag}-${randomBytes(4).toString('hex')}`.slice(0, 63);
}

/** Deletes every version, marker, hold and upload in a bucket, then the bucket. */
export async function dropBucket(store: Store, bucket: string): Promise<void> {
  if (!(await store.bucketExists(bucket))) return;
  for (;;) {
    const page = await store.listUploads(bucket).catch(() => ({ uploads: [] }));
    for (const u of page.uploads) await store.abortMultipartUpload(u).catch(() => {});
    if (page.uploads.length === 0) break;
  }
  const versions = store.capabilities.listVersions
    ? await collect(store.listVersions(bucket)).catch(() => [])
    : (await collect(store.list(bucket))).map((o) => ({ key: o.key, versionId: undefined as string | undefined }));
  for (const v of versions) {
    if (store.capabilities.objectLock?.legalHold && v.versionId) await store.setLegalHold(bucket, v.key, false, { versionId: v.versionId }).catch(() => {});
    await store.delete(bucket, v.key, { ...(v.versionId ? { versionId: v.versionId } : {}), bypassGovernanceRetention: true }).catch((e: unknown) => {
      if (!isStowageError(e, 'ObjectNotFound') && !isStowageError(e, 'VersionNotFound')) throw e;
    });
  }
  await store.deleteBucket(bucket);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Rejects with the error a promise rejects with (fails when it resolves). */
export async function failure(p: Promise<unknown> | (() => Promise<unknown>)): Promise<Error & { code?: string; statusCode?: number; capability?: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection, got a result');
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 200): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Makes sure the features instance has its replication remote target (and a
 * rule naming it): MinIO's DeleteBucketReplication removes the bucket's remote
 * targets too, so after a test deleted the rule it is registered again with
 * `mc replicate add`, as scripts/servers/minio-features.sh does. Returns the ARN.
 */
export async function ensureReplicationTarget(store: import('../../src/index.js').MinioStore): Promise<string> {
  const f = serversEnv().features;
  const repl = f.replication!;
  const current = await store.getBucketReplication(repl.sourceBucket);
  const existing = (current?.rules[0] as { Destination?: { Bucket?: string } } | undefined)?.Destination?.Bucket;
  if (existing) return existing;
  const { execFileSync } = await import('node:child_process');
  const feat = new URL(f.endpoint);
  const target = new URL(repl.targetEndpoint);
  execFileSync(
    f.mc!.bin,
    ['--no-color', '--quiet', 'replicate', 'add', `feat/${repl.sourceBucket}`, '--priority', '1', '--remote-bucket', `${target.protocol}//${repl.targetAccessKeyId}:${repl.targetSecretAccessKey}@${target.host}/${repl.targetBucket}`],
    {
      env: { ...process.env, MC_CONFIG_DIR: f.mc!.configDir, MC_HOST_feat: `${feat.protocol}//${f.accessKeyId}:${f.secretAccessKey}@${feat.host}` },
      stdio: 'pipe',
      timeout: 30_000,
    },
  );
  const made = await store.getBucketReplication(repl.sourceBucket);
  const arn = (made?.rules[0] as { Destination?: { Bucket?: string } } | undefined)?.Destination?.Bucket;
  if (!arn) throw new Error('mc replicate add left no replication rule');
  return arn;
}
