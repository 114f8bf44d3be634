import { randomBytes } from 'node:crypto';
import {
  abortError,
  AlreadyExistsError,
  BucketNotEmptyError,
  BucketNotFoundError,
  compareUtf8,
  InvalidArgumentError,
  InvalidRangeError,
  isStowageError,
  NotModifiedError,
  NotSupportedError,
  ObjectLockedError,
  ObjectNotFoundError,
  PreconditionFailedError,
  refineCapabilities,
  resolveRange,
  s3Capabilities,
  UploadNotFoundError,
  VersionNotFoundError,
  type BucketInfo,
  type BodyChecksum,
  checksumBase64 as checksumOf,
  IntegrityError,
  type StoredChecksum,
  type UploadChecksum,
  type BucketRequest,
  type Capabilities,
  type CapabilityOverrides,
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
  type DriverPartCopyRequest,
  type DriverPartCopyResult,
  type DriverPutRequest,
  type Metadata,
  type MultipartCapabilities,
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
  type VersioningState,
  type VersionSummary,
} from '@stowage/core';
import { bodyStream, EMPTY, etagOf, multipartEtag, readBody } from './bytes.js';
import { decodeVersionToken, listObjectsPage, listVersionsPage } from './listing.js';
import { bareEtag, defaultRules, type LockViolation, type MemoryRules } from './rules/index.js';
import type { ContentHeaderSet, VersionLockState } from './rules/types.js';
import { newBucket, type BucketState, type KeyEntry, type StoredPart, type StoredVersion, type UploadState } from './state.js';

export interface PresignRequest {
  bucket: string;
  key: string;
  method: 'GET' | 'PUT';
  expiresIn: number;
  versionId?: string;
  contentType?: string;
}

export interface MemoryDriverOptions {
  /** The store's clock: timestamps and retention expiry (default `() => new Date()`; see ManualClock). */
  clock?: () => Date;
  /** Refinements of the declared capabilities (e.g. a small `multipart.minPartSize` for tests). */
  capabilities?: CapabilityOverrides;
  /**
   * Signs URLs for this store. Presigning needs an HTTP endpoint, so without
   * this the `presign` capability is absent; a running @stowage/server supplies it.
   */
  presign?: (req: PresignRequest) => Promise<string>;
  /**
   * Substitutes individual semantic rules. ONLY for certifying test suites,
   * which build deliberately broken stores from these to prove they catch them.
   */
  rules?: Partial<MemoryRules>;
}

const PROVIDER = 'memory';
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const SEVEN_DAYS = 7 * 24 * 3600;

function opts(statusCode?: number) {
  return statusCode === undefined ? { provider: PROVIDER } : { provider: PROVIDER, statusCode };
}

function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** What the memory store declares: all of S3, except presigning unless a presigner is given. */
export function memoryCapabilities(options: { presign?: boolean; overrides?: CapabilityOverrides } = {}): Capabilities {
  const base = s3Capabilities();
  base.presign = options.presign ? { get: true, put: true, maxExpirySeconds: SEVEN_DAYS } : null;
  base.keyRules = [];
  base.checksums = ['md5', 'crc32', 'crc32c', 'sha1', 'sha256'];
  base.storedChecksums = ['crc32', 'crc32c'];
  base.unknownLengthPut = true;
  return refineCapabilities(base, options.overrides);
}

const copyRetention = (r: Retention): Retention => ({ mode: r.mode, retainUntil: new Date(r.retainUntil.getTime()) });

/** What the lock rules see of a version: a copy, so a rule cannot touch the store. */
function lockView(v: StoredVersion | undefined): VersionLockState | undefined {
  if (!v) return undefined;
  const view: VersionLockState = {};
  if (v.retention) view.retention = copyRetention(v.retention);
  if (v.legalHold !== undefined) view.legalHold = v.legalHold;
  return view;
}

/** The retain-until date a bucket default gives a version created at `now`. */
export function defaultRetainUntil(rule: DefaultRetention, now: Date): Date {
  const until = new Date(now.getTime());
  if (rule.years !== undefined) until.setUTCFullYear(until.getUTCFullYear() + rule.years);
  else until.setTime(until.getTime() + (rule.days ?? 0) * 86_400_000);
  return until;
}

interface WritePlan {
  bucket: BucketState;
  key: string;
  entry: KeyEntry | undefined;
  /** The current object, unless absent or a delete marker. */
  current: StoredVersion | undefined;
  versionId: string;
  /** The null version this write overwrites in place (unversioned / suspended). */
  replaces: StoredVersion | undefined;
}

/**
 * The in-memory reference store: S3's semantics exactly, in one process.
 * See the package README for the choices where S3 leaves room.
 */
export class MemoryDriver implements Driver {
  readonly provider = PROVIDER;
  readonly capabilities: Capabilities;
  private readonly clock: () => Date;
  private readonly rules: MemoryRules;
  private readonly presigner: MemoryDriverOptions['presign'];
  private readonly buckets = new Map<string, BucketState>();
  private sequence = 0;

  constructor(options: MemoryDriverOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
    this.rules = { ...defaultRules, ...options.rules };
    this.presigner = options.presign;
    this.capabilities = memoryCapabilities({ presign: options.presign !== undefined, overrides: options.capabilities });
  }

  now(): Date {
    return new Date(this.clock().getTime());
  }

  /** The driver itself: there is no other client. */
  native(): MemoryDriver {
    return this;
  }

  async close(): Promise<void> {}

  // ---------------------------------------------------------------- buckets

  async createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void> {
    checkSignal(req.signal);
    if (this.buckets.has(req.bucket)) throw new AlreadyExistsError(`Bucket already exists: ${req.bucket} (S3: BucketAlreadyOwnedByYou)`, opts(409));
    this.buckets.set(req.bucket, newBucket(req.bucket, this.timestamp(), req.region, req.objectLock === true));
  }

  async deleteBucket(req: BucketRequest): Promise<void> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    if (b.keys.size > 0) throw new BucketNotEmptyError(req.bucket, opts(409));
    this.buckets.delete(req.bucket);
  }

  async headBucket(req: BucketRequest): Promise<void> {
    checkSignal(req.signal);
    this.bucket(req.bucket);
  }

  async listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]> {
    checkSignal(req.signal);
    return [...this.buckets.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((b) => {
        const info: BucketInfo = { name: b.name, createdAt: new Date(b.createdAt.getTime()) };
        if (b.region !== undefined) info.region = b.region;
        return info;
      });
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    checkSignal(req.signal);
    this.checkLockRequest(this.bucket(req.bucket), req.retention, req.legalHold);
    const data = await readBody(req.body, { contentLength: req.contentLength, maxBytes: this.capabilities.maxPutSize, contentMd5: req.contentMd5, checksum: req.checksum, signal: req.signal, what: 'body' });
    checkSignal(req.signal);
    // the bucket may have changed while the body was read: decide on the state now
    const b = this.bucket(req.bucket);
    this.checkLockRequest(b, req.retention, req.legalHold);
    const plan = this.planWrite(b, req.key);
    this.checkWriteConditions(plan, req.ifMatch, req.ifNoneMatch);
    this.checkPutAllowed(plan);
    const version = this.makeVersion(plan, data, etagOf(data), pickHeaders(req), req.metadata, req.retention, req.legalHold);
    if (req.checksum !== undefined) version.checksum = { algorithm: req.checksum.algorithm, type: 'full-object', value: req.checksum.value };
    this.applyWrite(plan, version);
    return this.putResult(b, version);
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    const { version } = this.readVersion(b, req.key, req.versionId);
    this.checkReadConditions(version, req.conditions, 'read');
    const info = this.info(b, req.key, version, req.checksumMode === true && req.range === undefined);
    const size = version.data.length;
    if (req.range === undefined) return { info, body: bodyStream(version.data, 0, size) };
    let span: { start: number; end: number };
    try {
      span = resolveRange(req.range, size);
    } catch (e) {
      if (isStowageError(e, 'InvalidRange')) throw new InvalidRangeError(e.message, opts(416));
      throw e;
    }
    return { info, body: bodyStream(version.data, span.start, span.end + 1), contentRange: { start: span.start, end: span.end, total: size } };
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions; checksumMode?: boolean }): Promise<ObjectInfo> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    const { version } = this.readVersion(b, req.key, req.versionId);
    this.checkReadConditions(version, req.conditions, 'read');
    return this.info(b, req.key, version, req.checksumMode === true);
  }

  async deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult> {
    checkSignal(req.signal);
    return this.deleteOne(this.bucket(req.bucket), req.key, req.versionId, req.bypassGovernanceRetention === true);
  }

  async deleteObjects(req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean }): Promise<DeleteManyResult[]> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    return req.entries.map((entry): DeleteManyResult => {
      try {
        const r = this.deleteOne(b, entry.key, entry.versionId, req.bypassGovernanceRetention === true);
        const out: DeleteManyResult = { key: entry.key, versionId: entry.versionId, deleted: true };
        if (r.deleteMarker) {
          out.deleteMarker = true;
          out.deleteMarkerVersionId = r.versionId;
        }
        return out;
      } catch (e) {
        if (!isStowageError(e)) throw e;
        return { key: entry.key, versionId: entry.versionId, deleted: false, error: e };
      }
    });
  }

  async copyObject(req: DriverCopyRequest): Promise<CopyResult> {
    checkSignal(req.signal);
    const source = this.bucket(req.sourceBucket);
    const target = this.bucket(req.bucket);
    const { version: from } = this.readVersion(source, req.sourceKey, req.sourceVersionId, 'sourceVersionId');
    this.checkReadConditions(from, req.conditions, 'copy');
    if (
      req.sourceBucket === req.bucket &&
      req.sourceKey === req.key &&
      req.sourceVersionId === undefined &&
      req.metadataDirective === 'copy' &&
      req.retention === undefined &&
      req.legalHold === undefined
    ) {
      throw new InvalidArgumentError(
        'metadataDirective',
        'copying an object onto itself must change something: use metadataDirective "replace" (S3: InvalidRequest, "This copy request is illegal")',
        opts(400),
      );
    }
    this.checkLockRequest(target, req.retention, req.legalHold);
    const copyLimit = this.capabilities.maxCopySize ?? this.capabilities.maxPutSize;
    if (from.data.length > copyLimit) {
      throw new InvalidArgumentError('source', `is ${from.data.length} bytes, over the single-copy limit of ${copyLimit} (copy it in parts)`, opts(400));
    }
    const copied = this.rules.copyMetadata({
      directive: req.metadataDirective,
      source: { metadata: from.metadata, headers: from.headers },
      request: { metadata: req.metadata, headers: pickHeaders(req) },
    });
    const plan = this.planWrite(target, req.key);
    this.checkPutAllowed(plan);
    // a copy is a new single-part object: a multipart source's ETag becomes the data's MD5
    const etag = from.etag.includes('-') ? etagOf(from.data) : from.etag;
    const version = this.makeVersion(plan, from.data, etag, copied.headers, copied.metadata, req.retention, req.legalHold);
    this.applyWrite(plan, version);
    const out: CopyResult = { etag, lastModified: new Date(version.modified) };
    const versionId = this.putResult(target, version).versionId;
    if (versionId !== undefined) out.versionId = versionId;
    const sourceVersionId = this.exposedVersionId(source, from);
    if (sourceVersionId !== undefined) out.sourceVersionId = sourceVersionId;
    return out;
  }

  // ---------------------------------------------------------------- listing

  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    return listObjectsPage(b.live, { prefix: req.prefix, delimiter: req.delimiter, maxKeys: req.maxKeys, marker: req.token ?? req.startAfter });
  }

  async listObjectVersions(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    const token = req.token === undefined ? undefined : decodeVersionToken(req.token);
    if (req.token !== undefined && token === undefined) throw new InvalidArgumentError('cursor', 'is not a version-listing cursor of the memory store', opts(400));
    return listVersionsPage(b.keys, { prefix: req.prefix, delimiter: req.delimiter, maxKeys: req.maxKeys, token }, (v) => v.versionId);
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(
    req: ObjectRequest & { contentType?: string; cacheControl?: string; contentDisposition?: string; contentEncoding?: string; metadata: Metadata; retention?: Retention; legalHold?: boolean; checksum?: UploadChecksum },
  ): Promise<{ uploadId: string }> {
    checkSignal(req.signal);
    this.multipart();
    const b = this.bucket(req.bucket);
    this.checkLockRequest(b, req.retention, req.legalHold);
    const upload: UploadState = {
      seq: ++this.sequence,
      uploadId: randomId(43),
      key: flatKey(req.key),
      initiated: this.timestamp(),
      headers: pickHeaders(req),
      metadata: { ...req.metadata },
      parts: new Map(),
    };
    if (req.retention !== undefined) upload.retention = copyRetention(req.retention);
    if (req.legalHold !== undefined) upload.legalHold = req.legalHold;
    if (req.checksum !== undefined) {
      if (req.checksum.type === 'full-object' && !req.checksum.algorithm.startsWith('crc')) {
        throw new InvalidArgumentError('checksum', `a full-object checksum must be a CRC, not ${req.checksum.algorithm} (S3: InvalidRequest)`, opts(400));
      }
      upload.checksum = { algorithm: req.checksum.algorithm, type: req.checksum.type };
    }
    b.uploads.set({ key: upload.key, seq: upload.seq }, upload);
    b.uploadsById.set(upload.uploadId, upload);
    return { uploadId: upload.uploadId };
  }

  async uploadPart(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string; checksum?: BodyChecksum }): Promise<{ etag: string }> {
    checkSignal(req.signal);
    const limits = this.multipart();
    this.upload(req);
    const data = await readBody(req.body, { contentLength: req.contentLength, maxBytes: limits.maxPartSize, contentMd5: req.contentMd5, checksum: req.checksum, signal: req.signal, what: 'part' });
    checkSignal(req.signal);
    const upload = this.upload(req); // it may have been aborted or completed meanwhile
    if (upload.checksum && req.checksum && req.checksum.algorithm !== upload.checksum.algorithm) {
      throw new InvalidArgumentError('checksum', `the upload was created with ${upload.checksum.algorithm} checksums, the part carries ${req.checksum.algorithm} (S3: InvalidRequest)`, opts(400));
    }
    const etag = etagOf(data);
    upload.parts.set(req.partNumber, { partNumber: req.partNumber, data, etag, lastModified: this.timestamp(), ...partChecksum(upload, data) });
    return { etag };
  }

  /**
   * UploadPartCopy with S3's rules: the range is inclusive; a start at or past
   * the source's size is InvalidRange (416), an end past it InvalidArgument
   * (400, "Range specified is not valid for source object"); the part's ETag
   * is the MD5 of the bytes copied; the part-size minimum applies at completion.
   */
  async uploadPartCopy(req: DriverPartCopyRequest): Promise<DriverPartCopyResult> {
    checkSignal(req.signal);
    const limits = this.multipart();
    const upload = this.upload(req);
    const source = this.bucket(req.sourceBucket);
    const { version: from } = this.readVersion(source, req.sourceKey, req.sourceVersionId, 'sourceVersionId');
    this.checkReadConditions(from, req.ifMatch !== undefined ? { ifMatch: req.ifMatch } : {}, 'copy');
    const size = from.data.length;
    let start = 0;
    let end = size - 1;
    if (req.range !== undefined) {
      if (req.range.start >= size) throw new InvalidRangeError(`The requested range bytes=${req.range.start}-${req.range.end} is not satisfiable: the source has ${size} bytes`, opts(416));
      if (req.range.end >= size) throw new InvalidArgumentError('range', `Range specified is not valid for source object of size: ${size} (S3: InvalidArgument)`, opts(400));
      ({ start, end } = req.range);
    }
    const length = Math.max(0, end - start + 1);
    if (length > limits.maxPartSize) {
      throw new InvalidArgumentError('source', `is ${length} bytes, over the max part size ${limits.maxPartSize}: copy a range (S3: InvalidRequest)`, opts(400));
    }
    const data = length === 0 ? EMPTY : from.data.slice(start, end + 1);
    const etag = etagOf(data);
    const lastModified = this.timestamp();
    upload.parts.set(req.partNumber, { partNumber: req.partNumber, data, etag, lastModified, ...partChecksum(upload, data) });
    const out: DriverPartCopyResult = { etag, lastModified: new Date(lastModified.getTime()) };
    const sourceVersionId = this.exposedVersionId(source, from);
    if (sourceVersionId !== undefined) out.sourceVersionId = sourceVersionId;
    return out;
  }

  async completeMultipartUpload(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*'; checksum?: BodyChecksum }): Promise<PutResult> {
    checkSignal(req.signal);
    const limits = this.multipart();
    const upload = this.upload(req);
    const b = this.bucket(req.bucket);
    for (let i = 1; i < req.parts.length; i++) {
      if (req.parts[i]!.partNumber <= req.parts[i - 1]!.partNumber) {
        throw new InvalidArgumentError('parts', `must be in ascending part-number order, each number once: parts[${i}] is ${req.parts[i]!.partNumber} after ${req.parts[i - 1]!.partNumber} (S3: InvalidPartOrder)`, opts(400));
      }
    }
    const stored = req.parts.map((p, i) => {
      const part = upload.parts.get(p.partNumber);
      if (!part) throw new InvalidArgumentError(`parts[${i}].partNumber`, `part ${p.partNumber} was not uploaded (S3: InvalidPart)`, opts(400));
      if (bareEtag(p.etag) !== bareEtag(part.etag)) throw new InvalidArgumentError(`parts[${i}].etag`, `${p.etag} is not the ETag of part ${p.partNumber} (S3: InvalidPart)`, opts(400));
      if (upload.checksum && (p.checksum?.algorithm !== upload.checksum.algorithm || p.checksum.value !== part.checksum)) {
        throw new InvalidArgumentError(`parts[${i}].checksum`, `must be the part's ${upload.checksum.algorithm} checksum (S3: InvalidPart)`, opts(400));
      }
      return part;
    });
    if (req.checksum !== undefined && upload.checksum?.type !== 'full-object') {
      throw new InvalidArgumentError('checksum', 'a whole-object checksum is for uploads created with a full-object checksum (S3: InvalidRequest)', opts(400));
    }
    const tooSmall = this.rules.partSizes({ parts: stored.map((p) => ({ partNumber: p.partNumber, size: p.data.length })), minPartSize: limits.minPartSize });
    if (tooSmall) throw new InvalidArgumentError(`parts[${tooSmall.index}]`, tooSmall.message, opts(400));
    const total = stored.reduce((n, p) => n + p.data.length, 0);
    if (total > this.capabilities.maxObjectSize) throw new InvalidArgumentError('parts', `total ${total} bytes, over the maximum object size ${this.capabilities.maxObjectSize} (S3: EntityTooLarge)`, opts(400));
    const plan = this.planWrite(b, req.key);
    this.checkWriteConditions(plan, undefined, req.ifNoneMatch);
    this.checkPutAllowed(plan);
    const data = total === 0 ? EMPTY : new Uint8Array(total);
    let offset = 0;
    for (const p of stored) {
      data.set(p.data, offset);
      offset += p.data.length;
    }
    const checksum = upload.checksum ? objectChecksum(upload.checksum, data, stored) : undefined;
    if (checksum && req.checksum && (req.checksum.algorithm !== checksum.algorithm || req.checksum.value !== checksum.value)) {
      throw new IntegrityError(`The ${req.checksum.algorithm} checksum given is not the checksum of the parts joined (S3: BadDigest)`, opts(400));
    }
    const version = this.makeVersion(plan, data, multipartEtag(stored.map((p) => p.etag)), upload.headers, upload.metadata, upload.retention, upload.legalHold);
    if (checksum) version.checksum = checksum;
    this.forgetUpload(b, upload);
    this.applyWrite(plan, version);
    return this.putResult(b, version);
  }

  async abortMultipartUpload(req: UploadRequest): Promise<void> {
    checkSignal(req.signal);
    this.multipart();
    const upload = this.upload(req);
    this.forgetUpload(this.bucket(req.bucket), upload);
  }

  async listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }> {
    checkSignal(req.signal);
    this.multipart();
    const upload = this.upload(req);
    let after = 0;
    if (req.token !== undefined) {
      after = Number(req.token);
      if (!/^\d+$/.test(req.token) || !Number.isSafeInteger(after)) throw new InvalidArgumentError('cursor', 'is not a part-listing cursor of the memory store', opts(400));
    }
    const numbers = [...upload.parts.keys()].filter((n) => n > after).sort((a, b) => a - b);
    const page = numbers.slice(0, req.maxParts);
    const parts = page.map((n): PartInfo => {
      const p = upload.parts.get(n)!;
      return { partNumber: n, etag: p.etag, size: p.data.length, lastModified: new Date(p.lastModified.getTime()) };
    });
    return numbers.length > page.length ? { parts, nextToken: String(page[page.length - 1]) } : { parts };
  }

  async listMultipartUploads(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }> {
    checkSignal(req.signal);
    this.multipart();
    const b = this.bucket(req.bucket);
    const prefix = req.prefix ?? '';
    let marker: { key: string; seq: number } | undefined;
    if (req.token !== undefined) {
      try {
        const parsed: unknown = JSON.parse(req.token);
        if (Array.isArray(parsed) && typeof parsed[0] === 'string' && Number.isSafeInteger(parsed[1])) marker = { key: parsed[0], seq: parsed[1] as number };
      } catch {
        // handled below
      }
      if (!marker) throw new InvalidArgumentError('cursor', 'is not an upload-listing cursor of the memory store', opts(400));
    }
    const cursor = marker !== undefined && compareUtf8(marker.key, prefix) >= 0 ? b.uploads.seekGT(marker) : b.uploads.seekGE({ key: prefix, seq: -Infinity });
    const uploads: MultipartUpload[] = [];
    let truncated = false;
    let last: UploadState | undefined;
    for (; cursor.valid; cursor.next()) {
      const u = cursor.value;
      if (!u.key.startsWith(prefix)) break;
      if (uploads.length === req.maxUploads) {
        truncated = true;
        break;
      }
      uploads.push({ bucket: b.name, key: u.key, uploadId: u.uploadId, initiated: new Date(u.initiated.getTime()) });
      last = u;
    }
    return truncated && last ? { uploads, nextToken: JSON.stringify([last.key, last.seq]) } : { uploads };
  }

  // ---------------------------------------------------------------- presign

  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string> {
    checkSignal(req.signal);
    if (!this.presigner) throw new NotSupportedError('presign', 'The memory store has no HTTP endpoint to presign for (pass a presign function, e.g. from @stowage/server)', opts());
    const { signal: _signal, ...request } = req;
    return this.presigner(request);
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getBucketVersioning(req: BucketRequest): Promise<VersioningState> {
    checkSignal(req.signal);
    return this.bucket(req.bucket).versioning;
  }

  async putBucketVersioning(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    if (b.objectLock && req.state !== 'Enabled') {
      throw new InvalidArgumentError('state', 'a bucket with object lock is always versioned: versioning cannot be suspended (S3: InvalidBucketState)', opts(409));
    }
    b.versioning = req.state;
  }

  async getObjectLockConfiguration(req: BucketRequest): Promise<ObjectLockConfiguration> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    const out: ObjectLockConfiguration = { enabled: b.objectLock };
    if (b.defaultRetention) out.defaultRetention = { ...b.defaultRetention };
    return out;
  }

  async putObjectLockConfiguration(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    if (!b.objectLock) {
      throw new InvalidArgumentError('bucket', `${b.name} has no object lock, so no default retention: object lock is enabled when the bucket is created (S3: InvalidBucketState)`, opts(409));
    }
    if (req.defaultRetention === undefined) delete b.defaultRetention;
    else {
      const { mode, days, years } = req.defaultRetention;
      b.defaultRetention = days !== undefined ? { mode, days } : { mode, years };
    }
  }

  async getObjectRetention(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    this.requireObjectLock(b, 'retention');
    const { version } = this.readVersion(b, req.key, req.versionId);
    return version.retention ? copyRetention(version.retention) : undefined;
  }

  async putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    this.requireObjectLock(b, 'retention');
    const { version } = this.readVersion(b, req.key, req.versionId);
    const violation = this.rules.retentionChange({
      current: version.retention && copyRetention(version.retention),
      next: req.retention && copyRetention(req.retention),
      now: this.now(),
      bypassGovernanceRetention: req.bypassGovernanceRetention === true,
    });
    if (violation) throw this.locked(violation);
    if (req.retention === null) delete version.retention;
    else version.retention = copyRetention(req.retention);
  }

  async getObjectLegalHold(req: ObjectRequest & { versionId?: string }): Promise<boolean> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    this.requireObjectLock(b, 'legalHold');
    return this.readVersion(b, req.key, req.versionId).version.legalHold === true;
  }

  async putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void> {
    checkSignal(req.signal);
    const b = this.bucket(req.bucket);
    this.requireObjectLock(b, 'legalHold');
    this.readVersion(b, req.key, req.versionId).version.legalHold = req.on;
  }

  // ---------------------------------------------------------------- internals

  private bucket(name: string): BucketState {
    const b = this.buckets.get(name);
    if (!b) throw new BucketNotFoundError(name, opts(404));
    return b;
  }

  private multipart(): MultipartCapabilities {
    const m = this.capabilities.multipart;
    if (!m) throw new NotSupportedError('multipart', undefined, opts());
    return m;
  }

  private upload(req: UploadRequest): UploadState {
    const upload = this.bucket(req.bucket).uploadsById.get(req.uploadId);
    if (!upload || upload.key !== req.key) throw new UploadNotFoundError(req.bucket, req.key, req.uploadId, opts(404));
    return upload;
  }

  private forgetUpload(b: BucketState, upload: UploadState): void {
    b.uploads.delete({ key: upload.key, seq: upload.seq });
    b.uploadsById.delete(upload.uploadId);
  }

  /** S3 timestamps have whole seconds. */
  private timestamp(): Date {
    const t = this.clock().getTime();
    return new Date(t - (((t % 1000) + 1000) % 1000));
  }

  private newVersionId(): string {
    return randomId(32);
  }

  /** The version id S3 shows for a version: none in a bucket that was never versioned. */
  private exposedVersionId(b: BucketState, v: StoredVersion): string | undefined {
    return b.versioning === 'Unversioned' ? undefined : v.versionId;
  }

  private putResult(b: BucketState, v: StoredVersion): PutResult {
    // S3 answers a put with a version id only when versioning is enabled (none for a suspended bucket's null version)
    return b.versioning === 'Enabled' ? { etag: v.etag, versionId: v.versionId } : { etag: v.etag };
  }

  /** `checksum`: include the stored whole-object checksum (a checksum-mode read of the whole object). */
  private info(b: BucketState, key: string, v: StoredVersion, checksum = false): ObjectInfo {
    const out: ObjectInfo = {
      bucket: b.name,
      key,
      size: v.size,
      etag: v.etag,
      lastModified: new Date(v.modified),
      metadata: { ...v.metadata },
      storageClass: 'STANDARD',
      ...v.headers,
    };
    const versionId = this.exposedVersionId(b, v);
    if (versionId !== undefined) out.versionId = versionId;
    if (v.retention) out.retention = copyRetention(v.retention);
    if (v.legalHold !== undefined) out.legalHold = v.legalHold;
    if (checksum && v.checksum) out.checksum = { ...v.checksum };
    return out;
  }

  /**
   * The version a read names: the current one (a delete marker there means
   * the object is not found), or a given version id (a delete marker there is
   * an InvalidArgumentError: S3 answers 405 MethodNotAllowed, it has no content).
   */
  private readVersion(b: BucketState, key: string, versionId: string | undefined, field = 'versionId'): { entry: KeyEntry; version: StoredVersion } {
    const entry = b.keys.get(key);
    if (versionId === undefined) {
      const v = entry?.versions[0];
      if (!entry || !v || v.deleteMarker) throw new ObjectNotFoundError(b.name, key, opts(404));
      return { entry, version: v };
    }
    const v = entry?.versions.find((x) => x.versionId === versionId);
    if (!entry || !v) throw new VersionNotFoundError(b.name, key, versionId, opts(404));
    if (v.deleteMarker) {
      throw new InvalidArgumentError(field, `${versionId} of ${b.name}/${key} is a delete marker, which has no content (S3: 405 MethodNotAllowed)`, opts(405));
    }
    return { entry, version: v };
  }

  private checkReadConditions(v: StoredVersion, conditions: ReadConditions, operation: 'read' | 'copy'): void {
    if (!conditions) return;
    const failure = this.rules.conditionalRead({ object: { etag: v.etag, lastModified: new Date(v.modified) }, conditions, operation });
    if (!failure) return;
    if (failure.error === 'NotModified') throw new NotModifiedError(failure.message, opts(304));
    throw new PreconditionFailedError(failure.message, opts(412));
  }

  private requireObjectLock(b: BucketState, field: 'retention' | 'legalHold'): void {
    if (!b.objectLock) {
      throw new InvalidArgumentError(field, `${b.name} has no object lock (S3: InvalidRequest, "Bucket is missing Object Lock Configuration")`, opts(400));
    }
  }

  /** Lock settings on a write need an object-lock bucket. */
  private checkLockRequest(b: BucketState, retention: Retention | undefined, legalHold: boolean | undefined): void {
    if (retention !== undefined) this.requireObjectLock(b, 'retention');
    if (legalHold !== undefined) this.requireObjectLock(b, 'legalHold');
  }

  private locked(violation: LockViolation): ObjectLockedError {
    return new ObjectLockedError(violation.reason, violation.message, opts(403));
  }

  private planWrite(b: BucketState, key: string): WritePlan {
    const entry = b.keys.get(key);
    const latest = entry?.versions[0];
    const current = latest && !latest.deleteMarker ? latest : undefined;
    if (b.versioning === 'Enabled') return { bucket: b, key, entry, current, versionId: this.newVersionId(), replaces: undefined };
    return { bucket: b, key, entry, current, versionId: 'null', replaces: entry?.versions.find((v) => v.versionId === 'null') };
  }

  private checkWriteConditions(plan: WritePlan, ifMatch: string | undefined, ifNoneMatch: '*' | undefined): void {
    if (ifMatch === undefined && ifNoneMatch === undefined) return;
    const failure = this.rules.conditionalWrite({ current: plan.current && { etag: plan.current.etag }, ifMatch, ifNoneMatch });
    if (!failure) return;
    if (failure.error === 'NoSuchKey') throw new ObjectNotFoundError(plan.bucket.name, plan.key, opts(404));
    throw new PreconditionFailedError(failure.message, opts(412));
  }

  private checkPutAllowed(plan: WritePlan): void {
    const violation = this.rules.putAllowed({ current: lockView(plan.current), replaces: lockView(plan.replaces), now: this.now() });
    if (violation) throw this.locked(violation);
  }

  private makeVersion(
    plan: WritePlan,
    data: Uint8Array,
    etag: string,
    headers: ContentHeaderSet,
    metadata: Metadata,
    retention: Retention | undefined,
    legalHold: boolean | undefined,
  ): StoredVersion {
    const now = this.now();
    // the fields a listing reads come first (same order for delete markers: one hidden class)
    const v: StoredVersion = {
      size: data.length,
      etag,
      modified: this.timestamp().getTime(),
      deleteMarker: false,
      seq: ++this.sequence,
      versionId: plan.versionId,
      data,
      headers: storedHeaders(headers),
      metadata: Object.keys(metadata).length === 0 ? NO_METADATA : { ...metadata },
    };
    const b = plan.bucket;
    if (retention !== undefined) v.retention = copyRetention(retention);
    else if (b.objectLock && b.defaultRetention) v.retention = { mode: b.defaultRetention.mode, retainUntil: defaultRetainUntil(b.defaultRetention, now) };
    if (legalHold !== undefined) v.legalHold = legalHold;
    return v;
  }

  /** Makes `version` the key's newest, dropping the null version it overwrites, if any. */
  private applyWrite(plan: WritePlan, version: StoredVersion): void {
    const b = plan.bucket;
    let entry = plan.entry;
    if (!entry) {
      const key = flatKey(plan.key);
      entry = { key, versions: [] };
      b.keys.set(key, entry);
    }
    if (plan.replaces) {
      const i = entry.versions.indexOf(plan.replaces);
      if (i >= 0) entry.versions.splice(i, 1);
    }
    entry.versions.unshift(version);
    this.reindex(b, entry);
  }

  /** Keeps both indexes in step with an entry's versions. */
  private reindex(b: BucketState, entry: KeyEntry): void {
    const latest = entry.versions[0];
    if (!latest) {
      b.keys.delete(entry.key);
      b.live.delete(entry.key);
      return;
    }
    if (latest.deleteMarker) b.live.delete(entry.key);
    else b.live.set(entry.key, latest);
  }

  private deleteOne(b: BucketState, key: string, versionId: string | undefined, bypass: boolean): DeleteResult {
    const entry = b.keys.get(key);
    if (versionId !== undefined) {
      const i = entry ? entry.versions.findIndex((v) => v.versionId === versionId) : -1;
      // deleting a version that does not exist succeeds, as in S3
      if (!entry || i < 0) return { versionId };
      const v = entry.versions[i]!;
      if (!v.deleteMarker) {
        const violation = this.rules.versionDeleteLock({ version: lockView(v)!, now: this.now(), bypassGovernanceRetention: bypass });
        if (violation) throw this.locked(violation);
      }
      entry.versions.splice(i, 1);
      this.reindex(b, entry);
      return v.deleteMarker ? { versionId, deleteMarker: true } : { versionId };
    }
    if (b.versioning === 'Unversioned') {
      // removes the (null) object, if any; S3 answers success either way
      const v = entry?.versions[0];
      if (entry && v) {
        const violation = this.rules.versionDeleteLock({ version: lockView(v)!, now: this.now(), bypassGovernanceRetention: bypass });
        if (violation) throw this.locked(violation);
        entry.versions.length = 0;
        this.reindex(b, entry);
      }
      return {};
    }
    // versioned: a delete marker becomes current (even for a key that never existed);
    // in a suspended bucket it is the null version, replacing any null version there was
    let replaces: StoredVersion | undefined;
    if (b.versioning === 'Suspended') {
      replaces = entry?.versions.find((v) => v.versionId === 'null');
      if (replaces && !replaces.deleteMarker) {
        const violation = this.rules.versionDeleteLock({ version: lockView(replaces)!, now: this.now(), bypassGovernanceRetention: bypass });
        if (violation) throw this.locked(violation);
      }
    }
    const marker: StoredVersion = {
      size: 0,
      etag: '',
      modified: this.timestamp().getTime(),
      deleteMarker: true,
      seq: ++this.sequence,
      versionId: b.versioning === 'Enabled' ? this.newVersionId() : 'null',
      data: EMPTY,
      headers: NO_HEADERS,
      metadata: NO_METADATA,
    };
    this.applyWrite({ bucket: b, key, entry, current: undefined, versionId: marker.versionId, replaces }, marker);
    return { deleteMarker: true, versionId: marker.versionId };
  }
}

// Stored headers and metadata are never changed in place, so the common empty cases share one frozen object.
const NO_METADATA: Metadata = Object.freeze({}) as Metadata;
const NO_HEADERS: ContentHeaderSet = Object.freeze({});
const DEFAULT_HEADERS: ContentHeaderSet = Object.freeze({ contentType: DEFAULT_CONTENT_TYPE });

/** The headers a new version keeps: the content type defaults to S3's binary/octet-stream. */
function storedHeaders(headers: ContentHeaderSet): ContentHeaderSet {
  if (headers.contentType === undefined && headers.cacheControl === undefined && headers.contentDisposition === undefined && headers.contentEncoding === undefined) return DEFAULT_HEADERS;
  return { ...headers, contentType: headers.contentType ?? DEFAULT_CONTENT_TYPE };
}

/**
 * A flat copy of a key for the index. A key built by concatenation is a rope
 * in V8; kept as is, every comparison in a seek would walk it (and it holds
 * its pieces). The UTF-16 round trip is exact for any string.
 */
function flatKey(key: string): string {
  return Buffer.from(key, 'utf16le').toString('utf16le');
}

function pickHeaders(source: { contentType?: string; cacheControl?: string; contentDisposition?: string; contentEncoding?: string }): ContentHeaderSet {
  const out: ContentHeaderSet = {};
  if (source.contentType !== undefined) out.contentType = source.contentType;
  if (source.cacheControl !== undefined) out.cacheControl = source.cacheControl;
  if (source.contentDisposition !== undefined) out.contentDisposition = source.contentDisposition;
  if (source.contentEncoding !== undefined) out.contentEncoding = source.contentEncoding;
  return out;
}

/** The checksum a part of an upload created with one keeps. */
function partChecksum(upload: UploadState, data: Uint8Array): { checksum?: string } {
  return upload.checksum ? { checksum: checksumOf(upload.checksum.algorithm, data)! } : {};
}

/** The object's checksum at completion: of all its bytes (full-object), or of its parts' checksums joined, `-N` (composite). */
function objectChecksum(kind: UploadChecksum, data: Uint8Array, parts: readonly StoredPart[]): StoredChecksum {
  if (kind.type === 'full-object') return { algorithm: kind.algorithm, type: 'full-object', value: checksumOf(kind.algorithm, data)! };
  const joined = Buffer.concat(parts.map((p) => Buffer.from(p.checksum!, 'base64')));
  return { algorithm: kind.algorithm, type: 'composite', value: `${checksumOf(kind.algorithm, joined)!}-${parts.length}` };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random id of letters and digits. Not base64url: an id beginning with "-" reads
 * as an option on a command line (`stowage rm --version-id -x…` was a usage error).
 */
function randomId(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}
