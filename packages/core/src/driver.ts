import type { Capabilities } from './capabilities.js';
import type {
  BodyChecksum,
  UploadChecksum,
  BucketInfo,
  CompletedPart,
  ContentHeaders,
  CopyResult,
  DefaultRetention,
  DeleteManyResult,
  DeleteResult,
  Metadata,
  MultipartUpload,
  ObjectInfo,
  ObjectLockConfiguration,
  ObjectSummary,
  PartInfo,
  PutResult,
  ReadConditions,
  Retention,
  VersioningState,
  VersionSummary,
} from './types.js';
import type { ByteRange, ResolvedRange } from './validation/range.js';

/**
 * The driver contract: what an adapter implements. Small and dumb on purpose —
 * each method gets a request already validated by the portable `Store` (keys,
 * ranges, dates, part numbers checked; metadata names lower-cased and values
 * encoded for the wire) and makes one SDK call, translating the answer into
 * core types and any SDK error into a `StowageError`. Retries, cursors,
 * validation and capability checks live in core, never here.
 */
export interface Driver {
  /** Provider id, e.g. `s3`, `memory`. */
  readonly provider: string;
  /** The server profile this driver talks to, e.g. `ceph-rgw`, `minio`, `aws`, `ibm-cloud`. */
  readonly server?: string;
  readonly capabilities: Capabilities;

  /** The backend's clock (injectable in the memory store); defaults to the local one. */
  now?(): Date;
  /** The native client, for escape hatches. */
  native(): unknown;
  /** Releases sockets or timers. */
  close?(): Promise<void>;

  createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void>;
  deleteBucket(req: BucketRequest): Promise<void>;
  /** Resolves when the bucket exists; rejects with BucketNotFoundError otherwise. */
  headBucket(req: BucketRequest): Promise<void>;
  listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]>;

  putObject(req: DriverPutRequest): Promise<PutResult>;
  getObject(req: DriverGetRequest): Promise<DriverGetResult>;
  headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions; checksumMode?: boolean }): Promise<ObjectInfo>;
  deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult>;
  /** At most `capabilities.batchDeleteMax` entries; absent when the backend has no batch delete. */
  deleteObjects?(req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean }): Promise<DeleteManyResult[]>;
  copyObject(req: DriverCopyRequest): Promise<CopyResult>;

  listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }>;
  listObjectVersions?(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }>;

  createMultipartUpload?(req: ObjectRequest & ContentHeaders & { metadata: Metadata; retention?: Retention; legalHold?: boolean; checksum?: UploadChecksum }): Promise<{ uploadId: string }>;
  /** `checksum`, when set, is one of `capabilities.checksums`: send it for the server to verify. */
  uploadPart?(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string; checksum?: BodyChecksum }): Promise<{ etag: string }>;
  /** Present when `capabilities.multipart.copyPart`: part `partNumber` from (a range of) an existing object, copied by the server. */
  uploadPartCopy?(req: DriverPartCopyRequest): Promise<DriverPartCopyResult>;
  /** `checksum`: the whole object's, for an upload created with a full-object checksum. */
  completeMultipartUpload?(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*'; checksum?: BodyChecksum }): Promise<PutResult>;
  abortMultipartUpload?(req: UploadRequest): Promise<void>;
  listParts?(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }>;
  listMultipartUploads?(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }>;

  presign?(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string>;

  getBucketVersioning?(req: BucketRequest): Promise<VersioningState>;
  putBucketVersioning?(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void>;
  getObjectLockConfiguration?(req: BucketRequest): Promise<ObjectLockConfiguration>;
  putObjectLockConfiguration?(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void>;
  /** Resolves undefined when the version has no retention. */
  getObjectRetention?(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined>;
  /** `retention: null` removes it (GOVERNANCE with bypass only). */
  putObjectRetention?(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void>;
  getObjectLegalHold?(req: ObjectRequest & { versionId?: string }): Promise<boolean>;
  putObjectLegalHold?(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void>;
}

export interface BucketRequest {
  bucket: string;
  signal: AbortSignal;
}

export interface ObjectRequest extends BucketRequest {
  key: string;
}

export interface UploadRequest extends ObjectRequest {
  uploadId: string;
}

/** Bytes (replayable) or a one-shot stream. */
export type DriverBody = Uint8Array | ReadableStream<Uint8Array>;

export interface DriverPutRequest extends ObjectRequest, ContentHeaders {
  body: DriverBody;
  /** Known for bytes; for streams when the caller said so. */
  contentLength?: number;
  metadata: Metadata;
  ifMatch?: string;
  ifNoneMatch?: '*';
  retention?: Retention;
  legalHold?: boolean;
  contentMd5?: string;
  /** One of `capabilities.checksums` (never MD5: that is `contentMd5`), for the server to verify. */
  checksum?: BodyChecksum;
}

export interface DriverGetRequest extends ObjectRequest {
  versionId?: string;
  range?: ByteRange;
  conditions: ReadConditions;
  /** Ask for the stored whole-object checksum (S3 `x-amz-checksum-mode: ENABLED`) into `info.checksum`. */
  checksumMode?: boolean;
}

export interface DriverGetResult {
  info: ObjectInfo;
  body: ReadableStream<Uint8Array>;
  /**
   * The span the server says it sent (from Content-Range). Undefined when it
   * answered a ranged request with the whole object (HTTP 200): core detects that.
   */
  contentRange?: { start: number; end: number; total?: number };
}

export interface DriverCopyRequest extends ObjectRequest, ContentHeaders {
  sourceBucket: string;
  sourceKey: string;
  sourceVersionId?: string;
  metadataDirective: 'copy' | 'replace';
  metadata: Metadata;
  conditions: ReadConditions;
  retention?: Retention;
  legalHold?: boolean;
}

export interface DriverPartCopyRequest extends UploadRequest {
  partNumber: number;
  sourceBucket: string;
  sourceKey: string;
  sourceVersionId?: string;
  /** Inclusive, validated (start <= end, at most `multipart.maxPartSize` bytes); absent: the whole source. */
  range?: ResolvedRange;
  /** The source's ETag must be this one (only when `capabilities.conditionalCopy`). */
  ifMatch?: string;
}

export interface DriverPartCopyResult {
  /** Quoted. */
  etag: string;
  lastModified?: Date;
  sourceVersionId?: string;
}

export interface DriverListRequest extends BucketRequest {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /** The driver's own continuation token from the previous page. */
  token?: string;
}
