import type { ByteRange } from './validation/range.js';
import type { DefaultRetention, Retention, RetentionMode } from './validation/retention.js';
import type { Metadata } from './validation/metadata.js';
import type { Readable } from 'node:stream';
import type { ChecksumAlgorithm } from './capabilities.js';
import type { StoreHooks } from './retry/retry-policy.js';

export type { ByteRange, DefaultRetention, Retention, RetentionMode, Metadata };

/** Every async call takes one. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Hooks for this call only, run after the store's own (e.g. to count a transfer's retries). */
  hooks?: StoreHooks;
}

/**
 * A checksum of the body for the server to verify (`x-amz-checksum-*` on S3),
 * base64 of the big-endian digest. Only algorithms in `capabilities.checksums`;
 * MD5 goes in `contentMd5`.
 */
export interface BodyChecksum {
  algorithm: Exclude<ChecksumAlgorithm, 'md5'>;
  value: string;
}

/** What a put accepts as a body. Only streams of unknown length cannot be retried. */
export type BodyInput =
  | Uint8Array
  | string
  | Blob
  | ReadableStream<Uint8Array>
  | Readable
  | AsyncIterable<Uint8Array>;

export interface BucketInfo {
  name: string;
  createdAt?: Date;
  region?: string;
}

export interface CreateBucketOptions extends CallOptions {
  region?: string;
  objectLock?: boolean;
}

export interface ContentHeaders {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
}

/**
 * A whole-object checksum the server stored and returned (S3: `x-amz-checksum-*`
 * and `x-amz-checksum-type` on a read with `x-amz-checksum-mode: ENABLED`).
 */
export interface StoredChecksum {
  algorithm: Exclude<ChecksumAlgorithm, 'md5'>;
  /**
   * `full-object`: the checksum of every byte (single puts, FULL_OBJECT multipart);
   * `composite`: the checksum of the parts' checksums, `value` ending in `-<parts>`.
   */
  type: 'full-object' | 'composite';
  /** Base64 of the big-endian digest (plus `-<parts>` when composite). */
  value: string;
}

export interface ObjectInfo extends ContentHeaders {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as S3 returns it: `"d41d8cd98f00b204e9800998ecf8427e"`. */
  etag: string;
  lastModified: Date;
  versionId?: string;
  /** User metadata: names lower-case, values decoded. */
  metadata: Metadata;
  storageClass?: string;
  retention?: Retention;
  legalHold?: boolean;
  /** The stored whole-object checksum, when asked for (`checksum: true`) and the server keeps one. */
  checksum?: StoredChecksum;
}

export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  storageClass?: string;
}

export interface VersionSummary extends ObjectSummary {
  /** `null` for the null version of an unversioned or suspended bucket. */
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
}

export interface PutOptions extends CallOptions, ContentHeaders {
  metadata?: Metadata;
  /** Required for streams by some backends; known automatically for bytes, strings and Blobs. */
  contentLength?: number;
  /** Write only if the current object's ETag matches. */
  ifMatch?: string;
  /** `'*'`: write only if no object exists at the key. */
  ifNoneMatch?: '*';
  retention?: Retention;
  legalHold?: boolean;
  /** Base64 MD5 of the body, sent as Content-MD5 for the server to verify. */
  contentMd5?: string;
  /** Another checksum for the server to verify (see `BodyChecksum`). */
  checksum?: BodyChecksum;
}

export interface PutResult {
  etag: string;
  versionId?: string;
}

export interface ReadConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

export interface GetOptions extends CallOptions, ReadConditions {
  range?: ByteRange;
  versionId?: string;
  /** Ask for the object's stored whole-object checksum (`info.checksum`); whole-object reads only. */
  checksum?: boolean;
}

export interface HeadOptions extends CallOptions, ReadConditions {
  versionId?: string;
  /** Ask for the object's stored whole-object checksum (`info.checksum`). */
  checksum?: boolean;
}

export interface DeleteOptions extends CallOptions {
  versionId?: string;
  bypassGovernanceRetention?: boolean;
}

export interface DeleteResult {
  versionId?: string;
  /** The delete created (or removed) a delete marker. */
  deleteMarker?: boolean;
}

export interface DeleteManyEntry {
  key: string;
  versionId?: string;
}

export interface DeleteManyOptions extends CallOptions {
  bypassGovernanceRetention?: boolean;
}

export type DeleteManyResult =
  | { key: string; versionId?: string; deleted: true; deleteMarker?: boolean; deleteMarkerVersionId?: string }
  | { key: string; versionId?: string; deleted: false; error: import('./errors/stowage-error.js').StowageError };

export interface CopyOptions extends CallOptions, ContentHeaders {
  sourceVersionId?: string;
  /** `'copy'` (default) keeps the source's metadata and headers; `'replace'` uses the ones given. */
  metadataDirective?: 'copy' | 'replace';
  metadata?: Metadata;
  /** Conditions on the source. */
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
  retention?: Retention;
  legalHold?: boolean;
}

export interface CopyResult {
  etag: string;
  versionId?: string;
  sourceVersionId?: string;
  lastModified?: Date;
}

export interface ListOptions extends CallOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  /** Keys per page (1..backend max, default 1000). */
  pageSize?: number;
  cursor?: string;
}

export interface ListPage {
  objects: ObjectSummary[];
  commonPrefixes: string[];
  /** Opaque and integrity-protected; absent on the last page. */
  nextCursor?: string;
}

export interface ListVersionsPage {
  versions: VersionSummary[];
  commonPrefixes: string[];
  nextCursor?: string;
}

export type ListVersionsOptions = Omit<ListOptions, 'startAfter'>;

export interface MultipartUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated?: Date;
}

export interface CreateMultipartOptions extends CallOptions, ContentHeaders {
  metadata?: Metadata;
  retention?: Retention;
  legalHold?: boolean;
  /**
   * Have the server keep a checksum of the object (one of `capabilities.storedChecksums`):
   * every part then carries its `checksum`, and the completion names each part's and,
   * for `full-object`, the whole object's.
   */
  checksum?: UploadChecksum;
}

export interface UploadChecksum {
  algorithm: Exclude<ChecksumAlgorithm, 'md5'>;
  type: 'full-object' | 'composite';
}

export interface UploadPartOptions extends CallOptions {
  contentLength?: number;
  /** Base64 MD5 of the part, sent as Content-MD5 for the server to verify. */
  contentMd5?: string;
  /** Another checksum for the server to verify (see `BodyChecksum`). */
  checksum?: BodyChecksum;
}

/**
 * Options of `Store.uploadPartCopy`: the part's bytes come from an existing
 * object, copied by the server (S3 UploadPartCopy).
 */
export interface UploadPartCopyOptions extends CallOptions {
  /**
   * The inclusive byte span of the source to copy (S3's
   * `x-amz-copy-source-range: bytes=start-end`); default the whole source.
   * At most `multipart.maxPartSize` bytes.
   */
  range?: { start: number; end: number };
  /** Copy only if the source's ETag is this one (`x-amz-copy-source-if-match`; needs `conditionalCopy`). */
  ifMatch?: string;
}

export interface UploadPartCopyResult {
  partNumber: number;
  /** The part's ETag (the MD5 of the copied bytes on S3), for the completion. */
  etag: string;
  lastModified?: Date;
  /** The source version the bytes came from, when the server says. */
  sourceVersionId?: string;
}

export interface PartInfo {
  partNumber: number;
  etag: string;
  size?: number;
  lastModified?: Date;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
  /** The part's checksum, for an upload created with `checksum` (the same algorithm). */
  checksum?: BodyChecksum;
}

export interface CompleteMultipartOptions extends CallOptions {
  ifNoneMatch?: '*';
  /** The whole object's checksum, for an upload created with a `full-object` checksum: the server checks it. */
  checksum?: BodyChecksum;
}

export interface ListPartsOptions extends CallOptions {
  pageSize?: number;
  cursor?: string;
}

export interface ListPartsPage {
  parts: PartInfo[];
  nextCursor?: string;
}

export interface ListUploadsOptions extends CallOptions {
  prefix?: string;
  pageSize?: number;
  cursor?: string;
}

export interface ListUploadsPage {
  uploads: MultipartUpload[];
  nextCursor?: string;
}

export interface PresignOptions extends CallOptions {
  method: 'GET' | 'PUT';
  /** Seconds until the URL expires (default 900). */
  expiresIn?: number;
  versionId?: string;
  contentType?: string;
}

export type VersioningState = 'Unversioned' | 'Enabled' | 'Suspended';

export interface ObjectLockConfiguration {
  enabled: boolean;
  defaultRetention?: DefaultRetention;
}

export interface RetentionOptions extends CallOptions {
  versionId?: string;
  bypassGovernanceRetention?: boolean;
}

export interface VersionOptions extends CallOptions {
  versionId?: string;
}
