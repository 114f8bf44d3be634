import type { Metadata, Retention, StoreHooks } from '@stowage/core';
import type { PartAlgorithm } from './integrity/hasher.js';
import type { CheckpointStore } from './resume/checkpoint.js';
import type { ProgressListener } from './progress.js';

export interface TransferCommonOptions {
  /** Aborts the transfer: the source stops, requests in flight are cancelled, a multipart upload is aborted. */
  signal?: AbortSignal;
  /** Progress snapshots (at most every `progressIntervalMs`, and at the end). */
  onProgress?: ProgressListener;
  progressIntervalMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
}

export interface UploadOptions extends TransferCommonOptions {
  /** Body length, for streams whose length the caller knows (bytes, Blobs and files know theirs). */
  contentLength?: number;
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  metadata?: Metadata;
  retention?: Retention;
  legalHold?: boolean;
  /** `'*'`: only if no object exists at the key. */
  ifNoneMatch?: '*';
  /**
   * Part size (known length), or the first part size (unknown length; parts
   * then grow, see `partGrowth`). Default 16 MiB, raised as needed to fit the
   * store's max part count.
   */
  partSize?: number;
  /** Unknown length: let parts grow so the store's max object size fits (default true). */
  partGrowth?: boolean;
  /** Known length: bodies up to this size go in one put (default: the part size, capped by the store's max put size). */
  multipartThreshold?: number;
  /**
   * The per-part checksum the server verifies: `'auto'` (default) picks the
   * cheapest one `capabilities.checksums` lists (crc32, sha256, sha1, md5,
   * crc32c in that order: CPU per byte is throughput on a busy box); `false`
   * sends none.
   */
  checksum?: 'auto' | PartAlgorithm | false;
  /**
   * Also MD5 every part to check each part ETag the server returns against
   * the bytes sent (≈ 1.7 CPU-seconds per GiB here). Default: only when MD5 is
   * the server-verified checksum anyway (e.g. Ceph Pacific). The final ETag is
   * always checked against the composite of the acknowledged part ETags.
   */
  etagCheck?: boolean;
  /**
   * Worker threads that hash parts (default 1, or 0 when the only hash is CRC32,
   * which is native and cheap; 0 hashes on the main thread).
   * Parts then live in SharedArrayBuffers so workers hash them without a copy.
   */
  hashThreads?: number;
  /**
   * Have the server keep a CRC32 of the whole object (a FULL_OBJECT multipart upload,
   * combined here from the part CRCs; the server checks it at completion), so a
   * download verifies ≈ 6× cheaper than by MD5. Default: where the part checksum is
   * CRC32 and `capabilities.storedChecksums` lists it.
   */
  objectChecksum?: boolean;
  /** Record the part schedule as metadata so downloads can verify the composite ETag (default: when the store has user metadata). */
  recordSchedule?: boolean;
  /**
   * Bound on cleanup after a failure or abort (default 30 s): the abort is sent, and sent again, until
   * listUploads no longer shows the upload or this time has passed.
   */
  cleanupTimeoutMs?: number;
  /**
   * Checkpoint the upload (upload id, part schedule, acknowledged parts with their checksums, the source's
   * identity) after creation and after each acknowledged part: a file path (JSON, replaced atomically) or a
   * {@link CheckpointStore}. Needs a file or bytes body. Removed when the upload completes.
   */
  checkpoint?: CheckpointStore | string;
  /** Continue the upload in `checkpoint` (only missing parts are sent); a changed source is refused. No checkpoint: a new upload. */
  resume?: boolean;
  /**
   * On failure or abort, keep the multipart upload (and the checkpoint) so it can be resumed, instead of
   * aborting it. Default: true when `checkpoint` is set, else false.
   */
  keepPartsOnFailure?: boolean;
}

export interface UploadResult {
  bucket: string;
  key: string;
  etag: string;
  versionId?: string;
  size: number;
  multipart: boolean;
  /** Parts uploaded (1 for a single put). */
  parts: number;
  /** The part schedule used (multipart only). */
  partSize?: number;
  integrity: {
    /** The per-part checksum the server verified, if any. */
    serverVerified: PartAlgorithm | null;
    /** The whole-object checksum the server checked and keeps (multipart with `objectChecksum`), base64. */
    objectChecksum?: { algorithm: 'crc32'; value: string };
    /** The returned ETag matched the MD5 (single put) or composite MD5 (multipart) of the bytes read, hashed here. */
    etagVerified: boolean;
  };
  /** CompleteMultipartUpload's answer was lost and the object was confirmed by a HEAD (size and ETag). */
  reconciled?: boolean;
  stats: {
    /** Most bytes of part buffers alive at once. */
    maxBufferedBytes: number;
    concurrency: number;
    retries: number;
    elapsedMs: number;
  };
}

/** Hooks for the transfer's own requests (merged into the store's hooks per call). */
export type TransferHooks = StoreHooks;
