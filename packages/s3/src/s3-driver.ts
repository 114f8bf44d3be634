import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type PutObjectCommandInput,
  S3Client,
  UploadPartCommand,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  compareUtf8,
  AlreadyExistsError,
  BucketNotFoundError,
  isStowageError,
  ObjectNotFoundError,
  VersionNotFoundError,
  UploadNotFoundError,
  parseContentRange,
  rangeHeader,
  refineCapabilities,
  s3Capabilities,
  type BodyChecksum,
  type BucketInfo,
  type Capabilities,
  type CompletedPart,
  type CopyResult,
  type DefaultRetention,
  type DeleteManyResult,
  type DeleteResult,
  type Driver,
  type DriverBody,
  type DriverCopyRequest,
  type DriverGetRequest,
  type DriverGetResult,
  type DriverListRequest,
  type DriverPutRequest,
  type Metadata,
  type MultipartUpload,
  type ObjectInfo,
  type ObjectLockConfiguration,
  type ObjectRequest,
  type ObjectSummary,
  type PartInfo,
  type PutResult,
  type ReadConditions,
  type Retention,
  type UploadRequest,
  type BucketRequest,
  type VersioningState,
  type VersionSummary,
} from '@stowage/core';
import { resolveConfig, type ResolvedS3Config, type S3CallOptions, type S3StoreConfig } from './config.js';
import { useContentMd5 } from './content-md5.js';
import { mapS3Error, mapS3ErrorCode, s3ErrorCode, s3ErrorMessage, type ErrorContext } from './errors.js';
import { profileCapabilities, SERVER_PROFILE_QUIRKS, type ServerQuirks } from './server-profiles.js';
import { getObjectTorrent, type GetObjectTorrentRequest } from './extensions/torrent.js';
import { writeGetObjectResponse, type WriteGetObjectResponseRequest } from './extensions/write-get-object-response.js';

/** At most this many batch-delete refusals are re-asked one by one (see deleteObjects). */
const RECHECK_LIMIT = 100;

/** What every SDK command input of ours may carry. */
type Owner = { ExpectedBucketOwner?: string; RequestPayer?: 'requester' };

/** The parts of a driver that derived drivers share (one client, one set of sockets). */
interface Shared {
  client: S3Client;
  config: ResolvedS3Config;
  capabilities: Capabilities;
  presigner?: S3Client;
  closed: boolean;
  /** Lock settings of uploads this process started, for servers that ignore them (quirks). */
  pendingLocks: Map<string, { retention?: Retention; legalHold?: boolean }>;
}

/** Set by withCallOptions for the one synchronous constructor call it makes. */
let deriving: { shared: Shared; callOptions: S3CallOptions } | undefined;

/**
 * The S3 driver: each method makes one SDK call. Build one with
 * `createDriver(config)` or `new S3Driver(config)`; wrap it in core's `Store`
 * (or use `createS3Store`).
 */
export class S3Driver implements Driver {
  readonly provider = 's3';
  readonly server: string;
  readonly capabilities: Capabilities;
  /** The per-store (or, for a derived driver, per-call) owner / payer settings. */
  readonly callOptions: Readonly<S3CallOptions>;
  private readonly shared: Shared;

  constructor(config: S3StoreConfig | Record<string, unknown> = {}) {
    const derived = deriving;
    deriving = undefined;
    if (derived) {
      this.shared = derived.shared;
      this.callOptions = Object.freeze({ ...derived.callOptions });
    } else {
      const resolved = resolveConfig(config);
      const client = new S3Client(clientConfig(resolved, resolved.requestChecksumCalculation, resolved.responseChecksumValidation));
      if (resolved.contentMd5) useContentMd5(client);
      const capabilities = refineCapabilities(profileCapabilities(resolved.serverProfile, s3Capabilities()), resolved.capabilities);
      this.shared = { client, config: resolved, capabilities, closed: false, pendingLocks: new Map() };
      this.callOptions = Object.freeze({ ...resolved.callOptions });
    }
    this.server = this.shared.config.serverProfile;
    this.capabilities = this.shared.capabilities;
  }

  /** The profile's server quirks the driver works around (see server-profiles.ts). */
  get quirks(): Readonly<ServerQuirks> {
    return SERVER_PROFILE_QUIRKS[this.shared.config.serverProfile];
  }

  /** The resolved settings (secrets included: do not log). */
  get config(): Readonly<ResolvedS3Config> {
    return this.shared.config;
  }

  /** The S3Client: the escape hatch for anything the Store does not cover. */
  native(): S3Client {
    return this.shared.client;
  }

  /**
   * A driver that sends other `expectedBucketOwner` / `requestPayer` values
   * (merged over this one's; `undefined` clears a value). Shares this driver's
   * client: closing either closes both.
   */
  withCallOptions(options: S3CallOptions): S3Driver {
    const merged: S3CallOptions = { ...this.callOptions };
    for (const name of ['expectedBucketOwner', 'requestPayer'] as const) {
      if (name in options) {
        const value = options[name];
        if (value === undefined) delete merged[name];
        else (merged as Record<string, string>)[name] = value;
      }
    }
    if (merged.requestPayer !== undefined && merged.requestPayer !== 'requester') throw new TypeError('requestPayer must be "requester"');
    deriving = { shared: this.shared, callOptions: merged };
    return new S3Driver();
  }

  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    this.shared.client.destroy();
    this.shared.presigner?.destroy();
  }

  /** Sends one command with the call's abort signal; SDK errors become Stowage errors. */
  async send<T = unknown>(command: { readonly input: object }, signal: AbortSignal | undefined, context: ErrorContext): Promise<T> {
    try {
      return (await this.shared.client.send(command as never, { abortSignal: signal })) as T;
    } catch (e) {
      throw mapS3Error(e, context, this.capabilities);
    }
  }

  /** `ExpectedBucketOwner` and `RequestPayer` for a command input. */
  owner(): Owner {
    const out: Owner = {};
    if (this.callOptions.expectedBucketOwner !== undefined) out.ExpectedBucketOwner = this.callOptions.expectedBucketOwner;
    if (this.callOptions.requestPayer !== undefined) out.RequestPayer = this.callOptions.requestPayer;
    return out;
  }

  // ---------------------------------------------------------------- S3 extensions

  /** GetObjectTorrent: the bencoded .torrent of an object (see extensions/torrent.ts). */
  getObjectTorrent(req: GetObjectTorrentRequest): Promise<Uint8Array> {
    return getObjectTorrent(this, req);
  }

  /** WriteGetObjectResponse, for S3 Object Lambda handlers (see extensions/write-get-object-response.ts). */
  writeGetObjectResponse(req: WriteGetObjectResponseRequest): Promise<void> {
    return writeGetObjectResponse(this, req);
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void> {
    if (this.quirks.createIgnoresExistingBucket) {
      // Ceph answers 200 to re-creating a bucket you own: ask first.
      const exists = await this.headBucket(req).then(
        () => true,
        (e: unknown) => {
          if (isStowageError(e, 'BucketNotFound') || isStowageError(e, 'AccessDenied')) return false;
          throw e;
        },
      );
      if (exists) throw new AlreadyExistsError(`Bucket already exists: ${req.bucket} (you own it)`, { provider: 's3', statusCode: 409 });
    }
    const region = req.region;
    // us-east-1 is the one region S3 wants no LocationConstraint for.
    const configuration = region !== undefined && region !== 'us-east-1' ? { LocationConstraint: region as BucketLocationConstraint } : undefined;
    await this.send(
      new CreateBucketCommand({
        Bucket: req.bucket,
        ...(configuration ? { CreateBucketConfiguration: configuration } : {}),
        ...(req.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
      }),
      req.signal,
      { operation: 'createBucket', bucket: req.bucket },
    );
  }

  async deleteBucket(req: BucketRequest): Promise<void> {
    await this.send(new DeleteBucketCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, { operation: 'deleteBucket', bucket: req.bucket });
  }

  async headBucket(req: BucketRequest): Promise<void> {
    await this.send(new HeadBucketCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, { operation: 'headBucket', bucket: req.bucket });
  }

  async listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]> {
    const out: BucketInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<import('@aws-sdk/client-s3').ListBucketsCommandOutput>(
        new ListBucketsCommand(token !== undefined ? { ContinuationToken: token } : {}),
        req.signal,
        { operation: 'listBuckets' },
      );
      for (const b of page.Buckets ?? []) {
        if (b.Name === undefined) continue;
        const info: BucketInfo = { name: b.Name };
        if (b.CreationDate) info.createdAt = b.CreationDate;
        if (b.BucketRegion) info.region = b.BucketRegion;
        out.push(info);
      }
      token = page.ContinuationToken || undefined;
    } while (token !== undefined);
    return out;
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    const { body, release } = toSdkBody(req.body);
    const input: PutObjectCommandInput = {
      Bucket: req.bucket,
      Key: req.key,
      Body: body,
      ...contentHeaders(req),
      ...metadataInput(req.metadata),
      ...lockInput(req.retention, req.legalHold),
      ...this.owner(),
    };
    if (req.contentLength !== undefined) input.ContentLength = req.contentLength;
    if (req.contentMd5 !== undefined) input.ContentMD5 = req.contentMd5;
    Object.assign(input, checksumInput(req.checksum));
    if (req.ifMatch !== undefined) input.IfMatch = req.ifMatch;
    if (req.ifNoneMatch !== undefined) input.IfNoneMatch = req.ifNoneMatch;
    try {
      const out = await this.send<import('@aws-sdk/client-s3').PutObjectCommandOutput>(new PutObjectCommand(input), req.signal, {
        operation: 'putObject',
        bucket: req.bucket,
        key: req.key,
      });
      return putResult(out.ETag, out.VersionId);
    } finally {
      release();
    }
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    const out = await this.send<import('@aws-sdk/client-s3').GetObjectCommandOutput>(
      new GetObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        ...(req.range !== undefined ? { Range: rangeHeader(req.range) } : {}),
        ...conditionsInput(req.conditions),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'getObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
    const body = out.Body
      ? (out.Body.transformToWebStream() as ReadableStream<Uint8Array>)
      : new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    if (this.quirks.phantomObjectsWithoutEtag && !out.ETag) {
      await body.cancel().catch(() => {});
      throw this.phantom(req);
    }
    const range = parseContentRange(out.ContentRange);
    const size = range?.total ?? (range === undefined ? (out.ContentLength ?? 0) : undefined);
    const info = objectInfo(req.bucket, req.key, out, size ?? 0);
    // MinIO omits x-amz-version-id when serving the null version by id.
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    const result: DriverGetResult = { info, body };
    if (range !== undefined) {
      result.contentRange = range.total !== undefined ? { start: range.start, end: range.end, total: range.total } : { start: range.start, end: range.end };
    }
    return result;
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions }): Promise<ObjectInfo> {
    let out: import('@aws-sdk/client-s3').HeadObjectCommandOutput;
    try {
      out = await this.send(
        new HeadObjectCommand({
          Bucket: req.bucket,
          Key: req.key,
          ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
          ...conditionsInput(req.conditions),
          ...this.owner(),
        }),
        req.signal,
        { operation: 'headObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
    } catch (e) {
      // A HEAD's 404 has no body, so no code: a missing bucket looks like a missing key.
      // Only then, ask HeadBucket which it is.
      if (s3ErrorCode(e) === 'NotFound') {
        const bucketMissing = await this.headBucket({ bucket: req.bucket, signal: req.signal }).then(
          () => false,
          (f: unknown) => isStowageError(f, 'BucketNotFound'),
        );
        if (bucketMissing) throw new BucketNotFoundError(req.bucket, { provider: 's3', cause: (e as Error).cause, statusCode: 404, requestId: (e as { requestId?: string }).requestId });
      }
      throw e;
    }
    if (this.quirks.phantomObjectsWithoutEtag && !out.ETag) throw this.phantom(req);
    const info = objectInfo(req.bucket, req.key, out, out.ContentLength ?? 0);
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    return info;
  }

  /** Ceph 16's ETag-less 200 for a key that only saw multipart activity: no object there. */
  private phantom(req: { bucket: string; key: string; versionId?: string }) {
    return req.versionId !== undefined
      ? new VersionNotFoundError(req.bucket, req.key, req.versionId, { provider: 's3', statusCode: 404 })
      : new ObjectNotFoundError(req.bucket, req.key, { provider: 's3', statusCode: 404 });
  }

  /**
   * For servers that ignore object-lock headers on copy / multipart: set the
   * retention and legal hold on the version just written.
   */
  private async applyLock(req: { bucket: string; key: string; signal: AbortSignal }, versionId: string | undefined, lock: { retention?: Retention; legalHold?: boolean }): Promise<void> {
    const target = { bucket: req.bucket, key: req.key, signal: req.signal, ...(versionId !== undefined ? { versionId } : {}) };
    if (lock.retention) await this.putObjectRetention({ ...target, retention: lock.retention });
    if (lock.legalHold !== undefined) await this.putObjectLegalHold({ ...target, on: lock.legalHold });
  }

  async deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult> {
    const out = await this.send<import('@aws-sdk/client-s3').DeleteObjectCommandOutput>(
      new DeleteObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'deleteObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
    const result: DeleteResult = {};
    if (out.VersionId) result.versionId = out.VersionId;
    if (out.DeleteMarker) result.deleteMarker = true;
    return result;
  }

  async deleteObjects(
    req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean },
  ): Promise<DeleteManyResult[]> {
    const out = await this.send<import('@aws-sdk/client-s3').DeleteObjectsCommandOutput>(
      new DeleteObjectsCommand({
        Bucket: req.bucket,
        Delete: {
          Objects: req.entries.map((e) => (e.versionId !== undefined ? { Key: e.key, VersionId: e.versionId } : { Key: e.key })),
          Quiet: false,
        },
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'deleteObjects', bucket: req.bucket },
    );
    // The answer lists deletions and errors apart; give one result per entry, in input order.
    type Answer = { deleted: true; deleteMarker?: boolean; deleteMarkerVersionId?: string } | { deleted: false; code: string; message: string };
    const answers = new Map<string, Answer[]>();
    const push = (key: string | undefined, versionId: string | undefined, answer: Answer) => {
      const id = `${key ?? ''}\u0000${versionId ?? ''}`;
      const list = answers.get(id) ?? [];
      list.push(answer);
      answers.set(id, list);
    };
    for (const d of out.Deleted ?? []) {
      const answer: Answer = { deleted: true };
      if (d.DeleteMarker) answer.deleteMarker = true;
      if (d.DeleteMarkerVersionId) answer.deleteMarkerVersionId = d.DeleteMarkerVersionId;
      push(d.Key, d.VersionId, answer);
    }
    for (const e of out.Errors ?? []) {
      const code = e.Code ?? 'InternalError';
      // Ceph repeats the code as the message ("AccessDenied"): that says nothing more.
      push(e.Key, e.VersionId, { deleted: false, code, message: e.Message && e.Message !== code ? e.Message : '' });
    }
    const lastFor = new Map<string, Answer>();
    const take = (key: string, versionId: string | undefined): Answer | undefined => {
      const id = `${key}\u0000${versionId ?? ''}`;
      let answer = answers.get(id)?.shift();
      // Some servers echo a version id we did not send, or drop one we did.
      if (answer === undefined) {
        for (const [other, list] of answers) {
          if (list.length && other.slice(0, other.indexOf('\u0000')) === key) {
            answer = list.shift();
            break;
          }
        }
      }
      // MinIO answers the same key twice with one <Deleted><Key> and one empty <Deleted/>.
      if (answer === undefined) answer = answers.get('\u0000')?.shift();
      // A key listed twice may be answered once: the second entry shares the first's fate.
      if (answer === undefined) answer = lastFor.get(id);
      if (answer !== undefined) lastFor.set(id, answer);
      return answer;
    };
    const results = req.entries.map((entry): DeleteManyResult => {
      const answer = take(entry.key, entry.versionId);
      const base = entry.versionId !== undefined ? { key: entry.key, versionId: entry.versionId } : { key: entry.key };
      const context: ErrorContext = { operation: 'deleteObjects', bucket: req.bucket, key: entry.key, versionId: entry.versionId };
      if (answer === undefined) {
        // Quiet mode is off, so every entry should be answered.
        return { ...base, deleted: false, error: mapS3ErrorCode('InternalError', 'The server did not report on this key', undefined, context) };
      }
      if (answer.deleted) {
        const r: DeleteManyResult = { ...base, deleted: true };
        if (answer.deleteMarker) r.deleteMarker = true;
        if (answer.deleteMarkerVersionId) r.deleteMarkerVersionId = answer.deleteMarkerVersionId;
        return r;
      }
      return { ...base, deleted: false, error: mapS3ErrorCode(answer.code, answer.message, undefined, context) };
    });
    // Ceph RGW 16 reports a locked version in a batch as a bare AccessDenied (no
    // message), which a bucket policy could also cause. A single DeleteObject of
    // that version says which ("forbidden by object lock"): ask, for a bounded few.
    let asked = 0;
    for (let i = 0; i < results.length && asked < RECHECK_LIMIT; i++) {
      const r = results[i]!;
      if (r.deleted || r.versionId === undefined || r.error.code !== 'AccessDenied' || s3ErrorMessage(r.error) !== '') continue;
      asked++;
      try {
        const single = await this.deleteObject({ bucket: req.bucket, key: r.key, versionId: r.versionId, bypassGovernanceRetention: req.bypassGovernanceRetention, signal: req.signal });
        results[i] = { key: r.key, versionId: r.versionId, deleted: true, ...(single.deleteMarker ? { deleteMarker: true } : {}) };
      } catch (e) {
        if (isStowageError(e, 'Aborted')) throw e;
        if (isStowageError(e)) results[i] = { key: r.key, versionId: r.versionId, deleted: false, error: e };
      }
    }
    return results;
  }

  async copyObject(req: DriverCopyRequest): Promise<CopyResult> {
    const source =
      `${req.sourceBucket}/${encodeKey(req.sourceKey)}` + (req.sourceVersionId !== undefined ? `?versionId=${encodeURIComponent(req.sourceVersionId)}` : '');
    const c = req.conditions;
    const out = await this.send<import('@aws-sdk/client-s3').CopyObjectCommandOutput>(
      new CopyObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        CopySource: source,
        MetadataDirective: req.metadataDirective === 'replace' ? 'REPLACE' : 'COPY',
        ...(req.metadataDirective === 'replace' ? { ...contentHeaders(req), ...metadataInput(req.metadata) } : {}),
        ...(c.ifMatch !== undefined ? { CopySourceIfMatch: c.ifMatch } : {}),
        ...(c.ifNoneMatch !== undefined ? { CopySourceIfNoneMatch: c.ifNoneMatch } : {}),
        ...(c.ifModifiedSince !== undefined ? { CopySourceIfModifiedSince: c.ifModifiedSince } : {}),
        ...(c.ifUnmodifiedSince !== undefined ? { CopySourceIfUnmodifiedSince: c.ifUnmodifiedSince } : {}),
        ...lockInput(req.retention, req.legalHold),
        ...this.owner(),
        ...(this.callOptions.expectedBucketOwner !== undefined ? { ExpectedSourceBucketOwner: this.callOptions.expectedBucketOwner } : {}),
      }),
      req.signal,
      {
        operation: 'copyObject',
        bucket: req.bucket,
        key: req.key,
        sourceBucket: req.sourceBucket,
        sourceKey: req.sourceKey,
        sourceVersionId: req.sourceVersionId,
      },
    );
    const result: CopyResult = { etag: quoteEtag(out.CopyObjectResult?.ETag) };
    if (out.VersionId) result.versionId = out.VersionId;
    if (out.CopySourceVersionId) result.sourceVersionId = out.CopySourceVersionId;
    if (out.CopyObjectResult?.LastModified) result.lastModified = out.CopyObjectResult.LastModified;
    if (result.versionId === undefined && this.quirks.copyOmitsVersionId) {
      // Ceph does not say which version the copy made: HEAD it, and take the id only when
      // the HEAD shows this very copy (same ETag and time), not a later write.
      const head = await this.headObject({ bucket: req.bucket, key: req.key, conditions: {}, signal: req.signal }).catch(() => undefined);
      if (head?.versionId && head.etag === result.etag && (result.lastModified === undefined || Math.abs(head.lastModified.getTime() - result.lastModified.getTime()) < 1000)) {
        result.versionId = head.versionId;
      }
    }
    if (this.quirks.lockIgnoredOnCopyAndMultipart && (req.retention !== undefined || req.legalHold !== undefined)) {
      await this.applyLock(req, result.versionId, { retention: req.retention, legalHold: req.legalHold });
    }
    return result;
  }

  // ---------------------------------------------------------------- listing

  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListObjectsV2CommandOutput>(
      new ListObjectsV2Command({
        Bucket: req.bucket,
        MaxKeys: req.maxKeys,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...(req.delimiter !== undefined ? { Delimiter: req.delimiter } : {}),
        ...(req.token !== undefined ? { ContinuationToken: req.token } : {}),
        ...(req.startAfter !== undefined ? { StartAfter: req.startAfter } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listObjects', bucket: req.bucket },
    );
    const encoded = out.EncodingType === 'url';
    const objects = (out.Contents ?? []).map((o): ObjectSummary => {
      const summary: ObjectSummary = {
        key: decodeListed(o.Key ?? '', encoded),
        size: o.Size ?? 0,
        etag: quoteEtag(o.ETag),
        lastModified: o.LastModified ?? new Date(0),
      };
      if (o.StorageClass) summary.storageClass = o.StorageClass;
      return summary;
    });
    const commonPrefixes = (out.CommonPrefixes ?? []).map((p) => decodeListed(p.Prefix ?? '', encoded));
    const page: { objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string } = { objects, commonPrefixes };
    if (out.IsTruncated && out.NextContinuationToken) page.nextToken = out.NextContinuationToken;
    return page;
  }

  async listObjectVersions(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    if (req.token !== undefined) {
      const parsed = JSON.parse(req.token) as { k?: string; v?: string };
      keyMarker = parsed.k;
      versionIdMarker = parsed.v;
    }
    const out = await this.send<import('@aws-sdk/client-s3').ListObjectVersionsCommandOutput>(
      new ListObjectVersionsCommand({
        Bucket: req.bucket,
        MaxKeys: req.maxKeys,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...(req.delimiter !== undefined ? { Delimiter: req.delimiter } : {}),
        ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
        ...(versionIdMarker !== undefined ? { VersionIdMarker: versionIdMarker } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listObjectVersions', bucket: req.bucket },
    );
    const encoded = out.EncodingType === 'url';
    const versions: Array<VersionSummary & { order: number }> = [];
    for (const v of out.Versions ?? []) {
      const s: VersionSummary & { order: number } = {
        key: decodeListed(v.Key ?? '', encoded),
        versionId: v.VersionId ?? 'null',
        isLatest: v.IsLatest ?? false,
        isDeleteMarker: false,
        size: v.Size ?? 0,
        etag: quoteEtag(v.ETag),
        lastModified: v.LastModified ?? new Date(0),
        order: versions.length,
      };
      if (v.StorageClass) s.storageClass = v.StorageClass;
      versions.push(s);
    }
    for (const m of out.DeleteMarkers ?? []) {
      versions.push({
        key: decodeListed(m.Key ?? '', encoded),
        versionId: m.VersionId ?? 'null',
        isLatest: m.IsLatest ?? false,
        isDeleteMarker: true,
        size: 0,
        etag: '',
        lastModified: m.LastModified ?? new Date(0),
        order: versions.length,
      });
    }
    // The SDK splits <Version> and <DeleteMarker> apart: restore S3's order
    // (key order, then newest first within a key).
    versions.sort(
      (a, b) =>
        compareUtf8(a.key, b.key) ||
        Number(b.isLatest) - Number(a.isLatest) ||
        b.lastModified.getTime() - a.lastModified.getTime() ||
        a.order - b.order,
    );
    const page: { versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string } = {
      versions: versions.map(({ order: _order, ...v }) => v),
      commonPrefixes: (out.CommonPrefixes ?? []).map((p) => decodeListed(p.Prefix ?? '', encoded)),
    };
    if (out.IsTruncated) {
      const k = out.NextKeyMarker !== undefined ? decodeListed(out.NextKeyMarker, encoded) : undefined;
      page.nextToken = JSON.stringify({ k, v: out.NextVersionIdMarker });
    }
    return page;
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(req: ObjectRequest & import('@stowage/core').ContentHeaders & { metadata: Metadata; retention?: Retention; legalHold?: boolean }): Promise<{ uploadId: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').CreateMultipartUploadCommandOutput>(
      new CreateMultipartUploadCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...contentHeaders(req),
        ...metadataInput(req.metadata),
        ...lockInput(req.retention, req.legalHold),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key },
    );
    if (!out.UploadId) throw mapS3ErrorCode('InternalError', 'CreateMultipartUpload answered without an UploadId', 200, { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key }, this.capabilities);
    if (this.quirks.lockIgnoredOnCopyAndMultipart && (req.retention !== undefined || req.legalHold !== undefined)) {
      this.shared.pendingLocks.set(out.UploadId, { retention: req.retention, legalHold: req.legalHold });
    }
    return { uploadId: out.UploadId };
  }

  async uploadPart(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string; checksum?: BodyChecksum }): Promise<{ etag: string }> {
    const { body, release } = toSdkBody(req.body);
    try {
      const out = await this.send<import('@aws-sdk/client-s3').UploadPartCommandOutput>(
        new UploadPartCommand({
          Bucket: req.bucket,
          Key: req.key,
          UploadId: req.uploadId,
          PartNumber: req.partNumber,
          Body: body,
          ...(req.contentLength !== undefined ? { ContentLength: req.contentLength } : {}),
          ...(req.contentMd5 !== undefined ? { ContentMD5: req.contentMd5 } : {}),
          ...checksumInput(req.checksum),
          ...this.owner(),
        }),
        req.signal,
        { operation: 'uploadPart', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
      );
      return { etag: quoteEtag(out.ETag) };
    } finally {
      release();
    }
  }

  async completeMultipartUpload(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*' }): Promise<PutResult> {
    const context: ErrorContext = { operation: 'completeMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId };
    let out: import('@aws-sdk/client-s3').CompleteMultipartUploadCommandOutput;
    try {
      out = await this.send(
        new CompleteMultipartUploadCommand({
          Bucket: req.bucket,
          Key: req.key,
          UploadId: req.uploadId,
          MultipartUpload: { Parts: req.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
          ...(req.ifNoneMatch !== undefined ? { IfNoneMatch: req.ifNoneMatch } : {}),
          ...this.owner(),
        }),
        req.signal,
        context,
      );
    } catch (e) {
      // Ceph RGW 16 answers an upload id it does not know with 500 "This multipart
      // completion is already in progress" (its completion lock fails on the missing
      // upload). Ask whether the upload exists before calling that transient.
      if (isStowageError(e, 'Transient') && /completion is already in progress/i.test(s3ErrorMessage(e))) {
        const exists = await this.listParts({ ...req, maxParts: 1, signal: req.signal }).then(
          () => true,
          (f: unknown) => (isStowageError(f, 'UploadNotFound') ? false : true),
        );
        if (!exists) throw new UploadNotFoundError(req.bucket, req.key, req.uploadId, { provider: 's3', cause: (e as Error).cause, statusCode: (e as { statusCode?: number }).statusCode });
      }
      throw e;
    }
    // Ceph RGW 16 answers with an empty <ETag/>: the multipart ETag is the MD5 of
    // the parts' binary MD5s, then "-" and the part count, which we can compute.
    const etag = out.ETag ? out.ETag : multipartEtag(req.parts);
    const lock = this.shared.pendingLocks.get(req.uploadId);
    if (lock) {
      this.shared.pendingLocks.delete(req.uploadId);
      await this.applyLock(req, out.VersionId || undefined, lock);
    }
    return putResult(etag, out.VersionId);
  }

  async abortMultipartUpload(req: UploadRequest): Promise<void> {
    this.shared.pendingLocks.delete(req.uploadId);
    if (this.quirks.abortIgnoresMissingUpload) {
      // MinIO answers 204 to aborting an upload it does not know: ask first (throws UploadNotFound).
      await this.listParts({ ...req, maxParts: 1 });
    }
    await this.send(
      new AbortMultipartUploadCommand({ Bucket: req.bucket, Key: req.key, UploadId: req.uploadId, ...this.owner() }),
      req.signal,
      { operation: 'abortMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
    );
  }

  async listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListPartsCommandOutput>(
      new ListPartsCommand({
        Bucket: req.bucket,
        Key: req.key,
        UploadId: req.uploadId,
        MaxParts: req.maxParts,
        ...(req.token !== undefined ? { PartNumberMarker: req.token } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listParts', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
    );
    const parts = (out.Parts ?? []).map((p): PartInfo => {
      const part: PartInfo = { partNumber: p.PartNumber ?? 0, etag: quoteEtag(p.ETag) };
      if (p.Size !== undefined) part.size = p.Size;
      if (p.LastModified) part.lastModified = p.LastModified;
      return part;
    });
    const page: { parts: PartInfo[]; nextToken?: string } = { parts };
    if (out.IsTruncated && out.NextPartNumberMarker !== undefined) page.nextToken = String(out.NextPartNumberMarker);
    return page;
  }

  async listMultipartUploads(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    if (req.token !== undefined) {
      const parsed = JSON.parse(req.token) as { k?: string; u?: string };
      keyMarker = parsed.k;
      uploadIdMarker = parsed.u;
    }
    const out = await this.send<import('@aws-sdk/client-s3').ListMultipartUploadsCommandOutput>(
      new ListMultipartUploadsCommand({
        Bucket: req.bucket,
        MaxUploads: req.maxUploads,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
        ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listMultipartUploads', bucket: req.bucket },
    );
    const encoded = out.EncodingType === 'url';
    const uploads = (out.Uploads ?? []).map((u): MultipartUpload => {
      const upload: MultipartUpload = { bucket: req.bucket, key: decodeListed(u.Key ?? '', encoded), uploadId: u.UploadId ?? '' };
      if (u.Initiated) upload.initiated = u.Initiated;
      return upload;
    });
    const page: { uploads: MultipartUpload[]; nextToken?: string } = { uploads };
    if (out.IsTruncated) {
      page.nextToken = JSON.stringify({ k: out.NextKeyMarker !== undefined ? decodeListed(out.NextKeyMarker, encoded) : undefined, u: out.NextUploadIdMarker });
    }
    return page;
  }

  // ---------------------------------------------------------------- presign

  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string> {
    // Always WHEN_REQUIRED: with the default, a presigned PUT carries the CRC32 of an empty body.
    this.shared.presigner ??= new S3Client(clientConfig(this.shared.config, 'WHEN_REQUIRED', 'WHEN_REQUIRED'));
    const command =
      req.method === 'GET'
        ? new GetObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() })
        : new PutObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.contentType !== undefined ? { ContentType: req.contentType } : {}), ...this.owner() });
    try {
      return await getSignedUrl(this.shared.presigner, command, { expiresIn: req.expiresIn });
    } catch (e) {
      throw mapS3Error(e, { operation: 'presign', bucket: req.bucket, key: req.key }, this.capabilities);
    }
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getBucketVersioning(req: BucketRequest): Promise<VersioningState> {
    const out = await this.send<import('@aws-sdk/client-s3').GetBucketVersioningCommandOutput>(
      new GetBucketVersioningCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }),
      req.signal,
      { operation: 'getBucketVersioning', bucket: req.bucket },
    );
    return out.Status === 'Enabled' ? 'Enabled' : out.Status === 'Suspended' ? 'Suspended' : 'Unversioned';
  }

  async putBucketVersioning(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void> {
    // MinIO answers 200 to PutBucketVersioning on a missing bucket: check it exists.
    if (this.quirks.versioningIgnoresMissingBucket) await this.headBucket(req);
    await this.send(
      new PutBucketVersioningCommand({ Bucket: req.bucket, VersioningConfiguration: { Status: req.state }, ...ownerOnly(this.owner()) }),
      req.signal,
      { operation: 'putBucketVersioning', bucket: req.bucket },
    );
  }

  async getObjectLockConfiguration(req: BucketRequest): Promise<ObjectLockConfiguration> {
    let out: import('@aws-sdk/client-s3').GetObjectLockConfigurationCommandOutput;
    try {
      out = await this.send(new GetObjectLockConfigurationCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, {
        operation: 'getObjectLockConfiguration',
        bucket: req.bucket,
      });
    } catch (e) {
      if (isLockConfigMissing(e)) {
        // MinIO answers a missing bucket this way too.
        if (this.quirks.lockConfigIgnoresMissingBucket) await this.headBucket(req);
        return { enabled: false };
      }
      throw e;
    }
    const config = out.ObjectLockConfiguration;
    const result: ObjectLockConfiguration = { enabled: config?.ObjectLockEnabled === 'Enabled' };
    const rule = config?.Rule?.DefaultRetention;
    if (rule?.Mode) {
      const defaultRetention: DefaultRetention = { mode: rule.Mode };
      if (rule.Days !== undefined && rule.Days !== null) defaultRetention.days = rule.Days;
      if (rule.Years !== undefined && rule.Years !== null) defaultRetention.years = rule.Years;
      result.defaultRetention = defaultRetention;
    }
    return result;
  }

  async putObjectLockConfiguration(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void> {
    const r = req.defaultRetention;
    await this.send(
      new PutObjectLockConfigurationCommand({
        Bucket: req.bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          ...(r
            ? { Rule: { DefaultRetention: { Mode: r.mode, ...(r.days !== undefined ? { Days: r.days } : {}), ...(r.years !== undefined ? { Years: r.years } : {}) } } }
            : {}),
        },
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectLockConfiguration', bucket: req.bucket },
    );
  }

  async getObjectRetention(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined> {
    let out: import('@aws-sdk/client-s3').GetObjectRetentionCommandOutput;
    try {
      out = await this.send(
        new GetObjectRetentionCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() }),
        req.signal,
        { operation: 'getObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
    } catch (e) {
      if (isNoRetention(e)) return undefined;
      throw e;
    }
    const r = out.Retention;
    if (!r?.Mode || !r.RetainUntilDate) return undefined;
    return { mode: r.Mode, retainUntil: r.RetainUntilDate };
  }

  async putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void> {
    await this.send(
      new PutObjectRetentionCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        Retention: req.retention ? { Mode: req.retention.mode, RetainUntilDate: req.retention.retainUntil } : {},
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
  }

  async getObjectLegalHold(req: ObjectRequest & { versionId?: string }): Promise<boolean> {
    try {
      const out = await this.send<import('@aws-sdk/client-s3').GetObjectLegalHoldCommandOutput>(
        new GetObjectLegalHoldCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() }),
        req.signal,
        { operation: 'getObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
      return out.LegalHold?.Status === 'ON';
    } catch (e) {
      if (isNoRetention(e)) return false;
      throw e;
    }
  }

  async putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void> {
    await this.send(
      new PutObjectLegalHoldCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        LegalHold: { Status: req.on ? 'ON' : 'OFF' },
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
  }
}

// ---------------------------------------------------------------- helpers

const QUIET_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function clientConfig(config: ResolvedS3Config, request: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED', response: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'): S3ClientConfig {
  const out: S3ClientConfig = {
    ...config.clientConfig,
    // Core's retry layer owns retries.
    maxAttempts: 1,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: request,
    responseChecksumValidation: response,
    disableHostPrefix: config.disableHostPrefix,
    // The SDK prints warnings on the console unless given a logger: errors reach the caller typed instead.
    logger: config.clientConfig.logger ?? QUIET_LOGGER,
  };
  if (config.endpoint !== undefined) out.endpoint = config.endpoint;
  if (config.region !== undefined) out.region = config.region;
  if (config.credentials !== undefined) out.credentials = config.credentials as S3ClientConfig['credentials'];
  if (config.profile !== undefined) out.profile = config.profile;
  return out;
}

/** Only ExpectedBucketOwner: bucket-level calls take no RequestPayer. */
function ownerOnly(owner: Owner): { ExpectedBucketOwner?: string } {
  return owner.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: owner.ExpectedBucketOwner } : {};
}

/** Bytes as they are; a web stream as a Node Readable (the SDK's Node handler pipes Readables). */
function toSdkBody(body: DriverBody): { body: Uint8Array | Readable; release: () => void } {
  if (body instanceof Uint8Array) return { body, release: () => {} };
  const readable = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  return {
    body: readable,
    // On failure the SDK may leave the stream half read: destroying it cancels the source.
    release: () => {
      if (!readable.readableEnded) readable.destroy();
    },
  };
}

/** `x-amz-checksum-*` for a checksum core already checked against `capabilities.checksums`. */
function checksumInput(checksum: BodyChecksum | undefined) {
  if (checksum === undefined) return {};
  switch (checksum.algorithm) {
    case 'crc32':
      return { ChecksumCRC32: checksum.value };
    case 'crc32c':
      return { ChecksumCRC32C: checksum.value };
    case 'sha1':
      return { ChecksumSHA1: checksum.value };
    case 'sha256':
      return { ChecksumSHA256: checksum.value };
  }
}

/** ETags as S3 documents them, quoted (Ceph RGW 16 answers CopyObject with a bare one). */
export function quoteEtag(etag: string | undefined): string {
  if (etag === undefined || etag === '') return '';
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}

function contentHeaders(req: import('@stowage/core').ContentHeaders) {
  const out: { ContentType?: string; CacheControl?: string; ContentDisposition?: string; ContentEncoding?: string } = {};
  if (req.contentType !== undefined) out.ContentType = req.contentType;
  if (req.cacheControl !== undefined) out.CacheControl = req.cacheControl;
  if (req.contentDisposition !== undefined) out.ContentDisposition = req.contentDisposition;
  if (req.contentEncoding !== undefined) out.ContentEncoding = req.contentEncoding;
  return out;
}

function metadataInput(metadata: Metadata): { Metadata?: Record<string, string> } {
  return Object.keys(metadata).length > 0 ? { Metadata: metadata } : {};
}

function lockInput(retention: Retention | undefined, legalHold: boolean | undefined) {
  const out: { ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE'; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: 'ON' | 'OFF' } = {};
  if (retention) {
    out.ObjectLockMode = retention.mode;
    out.ObjectLockRetainUntilDate = retention.retainUntil;
  }
  if (legalHold !== undefined) out.ObjectLockLegalHoldStatus = legalHold ? 'ON' : 'OFF';
  return out;
}

function conditionsInput(c: ReadConditions) {
  const out: { IfMatch?: string; IfNoneMatch?: string; IfModifiedSince?: Date; IfUnmodifiedSince?: Date } = {};
  // `If-Match: *` on a read holds whenever there is an object, which a read needs anyway;
  // Ceph 16 answers it 412 on an existing object, so it is not sent.
  if (c.ifMatch !== undefined && c.ifMatch !== '*') out.IfMatch = c.ifMatch;
  if (c.ifNoneMatch !== undefined) out.IfNoneMatch = c.ifNoneMatch;
  if (c.ifModifiedSince !== undefined) out.IfModifiedSince = c.ifModifiedSince;
  if (c.ifUnmodifiedSince !== undefined) out.IfUnmodifiedSince = c.ifUnmodifiedSince;
  return out;
}

function putResult(etag: string | undefined, versionId: string | undefined): PutResult {
  const result: PutResult = { etag: quoteEtag(etag) };
  if (versionId) result.versionId = versionId;
  return result;
}

interface HeadLike {
  ETag?: string;
  LastModified?: Date;
  VersionId?: string;
  Metadata?: Record<string, string>;
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  StorageClass?: string;
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: string;
}

function objectInfo(bucket: string, key: string, out: HeadLike, size: number): ObjectInfo {
  const info: ObjectInfo = {
    bucket,
    key,
    size,
    etag: quoteEtag(out.ETag),
    lastModified: out.LastModified ?? new Date(0),
    metadata: { ...(out.Metadata ?? {}) },
  };
  if (out.VersionId) info.versionId = out.VersionId;
  if (out.ContentType !== undefined) info.contentType = out.ContentType;
  if (out.CacheControl !== undefined) info.cacheControl = out.CacheControl;
  if (out.ContentDisposition !== undefined) info.contentDisposition = out.ContentDisposition;
  if (out.ContentEncoding !== undefined) info.contentEncoding = out.ContentEncoding;
  if (out.StorageClass !== undefined) info.storageClass = out.StorageClass;
  if ((out.ObjectLockMode === 'GOVERNANCE' || out.ObjectLockMode === 'COMPLIANCE') && out.ObjectLockRetainUntilDate) {
    info.retention = { mode: out.ObjectLockMode, retainUntil: out.ObjectLockRetainUntilDate };
  }
  if (out.ObjectLockLegalHoldStatus !== undefined) info.legalHold = out.ObjectLockLegalHoldStatus === 'ON';
  return info;
}

/** S3's multipart ETag from the parts' ETags, when they are plain MD5s; '' otherwise. */
export function multipartEtag(parts: readonly CompletedPart[]): string {
  const digests: Buffer[] = [];
  for (const p of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    const hex = p.etag.replace(/^"|"$/g, '');
    if (!/^[0-9a-f]{32}$/i.test(hex)) return '';
    digests.push(Buffer.from(hex, 'hex'));
  }
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}"`;
}

/** A key in `CopySource`: percent-encoded, slashes kept. */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** Listing values under `encoding-type=url` (S3 encodes a space as `+`, a plus as `%2B`). */
function decodeListed(value: string, encoded: boolean): string {
  if (!encoded) return value;
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function isLockConfigMissing(e: unknown): boolean {
  const code = s3ErrorCode(e);
  return code === 'ObjectLockConfigurationNotFoundError' || code === 'ObjectLockConfigurationNotFound';
}

/**
 * "This version has no retention / legal hold": AWS and MinIO answer
 * NoSuchObjectLockConfiguration; on a bucket without object lock, AWS, Ceph
 * ("bucket object lock not configured") and MinIO ("Bucket is missing
 * ObjectLockConfiguration") answer InvalidRequest — no lock, so no retention.
 */
function isNoRetention(e: unknown): boolean {
  const code = s3ErrorCode(e);
  if (code === 'NoSuchObjectLockConfiguration' || code === 'ObjectLockConfigurationNotFoundError') return true;
  return code === 'InvalidRequest' && /object ?lock ?config|object lock not configured/i.test(s3ErrorMessage(e));
}
