import { AlreadyExistsError, BucketNotFoundError, isStowageError, ObjectNotFoundError, UploadNotFoundError, VersionNotFoundError, type StowageError } from '../errors/stowage-error.js';
import type { BucketRequest, ObjectRequest, UploadRequest } from '../driver.js';
import type { CopyResult, ObjectInfo, ObjectLockConfiguration, ReadConditions, Retention } from '../types.js';
import type { S3ServerQuirks } from './server-quirks.js';

/**
 * How an S3-family driver puts right what a server answers wrong (see
 * S3_SERVER_QUIRKS for which server does what): one more request on a rare
 * path, made through the driver's own portable calls. Shared by every
 * S3-family adapter whatever its SDK; the adapter decides when a quirk
 * applies and reads its SDK's answer, these functions do the rest.
 */
export interface S3QuirkDriver {
  readonly provider: string;
  headBucket(req: BucketRequest): Promise<void>;
  headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions }): Promise<ObjectInfo>;
  listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<unknown>;
  putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void>;
  putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void>;
}

/** A retention and / or legal hold to set on a version the server made without them. */
export interface S3LockToApply {
  retention?: Retention;
  legalHold?: boolean;
}

/**
 * `createIgnoresExistingBucket` (Ceph; AWS in us-east-1 answers 200 to
 * re-creating a bucket you own): ask first, and refuse as S3 documents.
 */
export async function refuseOwnedBucket(driver: S3QuirkDriver, req: BucketRequest): Promise<void> {
  const exists = await driver.headBucket(req).then(
    () => true,
    (e: unknown) => {
      if (isStowageError(e, 'BucketNotFound') || isStowageError(e, 'AccessDenied')) return false;
      throw e;
    },
  );
  if (exists) throw new AlreadyExistsError(`Bucket already exists: ${req.bucket} (you own it)`, { provider: driver.provider, statusCode: 409 });
}

/** `phantomObjectsWithoutEtag` (Ceph 16's ETag-less 200 for a key that only saw multipart activity): no object there. */
export function phantomObjectError(provider: string, req: { bucket: string; key: string; versionId?: string }): StowageError {
  return req.versionId !== undefined
    ? new VersionNotFoundError(req.bucket, req.key, req.versionId, { provider, statusCode: 404 })
    : new ObjectNotFoundError(req.bucket, req.key, { provider, statusCode: 404 });
}

/**
 * A HEAD's 404 has no body, so no code: a missing bucket looks like a missing
 * key. Call with such a failure (the adapter knows its SDK's "no code"): asks
 * HeadBucket, and answers BucketNotFound when that is what is missing, else
 * the failure as it was.
 */
export async function headNotFoundCause(driver: S3QuirkDriver, req: BucketRequest, failure: unknown): Promise<unknown> {
  const bucketMissing = await driver.headBucket({ bucket: req.bucket, signal: req.signal }).then(
    () => false,
    (f: unknown) => isStowageError(f, 'BucketNotFound'),
  );
  if (!bucketMissing) return failure;
  const e = failure as { cause?: unknown; requestId?: string };
  return new BucketNotFoundError(req.bucket, { provider: driver.provider, cause: e.cause, statusCode: 404, requestId: e.requestId });
}

/**
 * `copyOmitsVersionId` (Ceph 16): the copy's answer does not say which version
 * it made. HEAD it, and take the id only when the HEAD shows this very copy
 * (same ETag and time), not a later write.
 */
export async function copyVersionFromHead(driver: S3QuirkDriver, req: ObjectRequest, result: CopyResult): Promise<void> {
  const head = await driver.headObject({ bucket: req.bucket, key: req.key, conditions: {}, signal: req.signal }).catch(() => undefined);
  if (head?.versionId && head.etag === result.etag && (result.lastModified === undefined || Math.abs(head.lastModified.getTime() - result.lastModified.getTime()) < 1000)) {
    result.versionId = head.versionId;
  }
}

/**
 * A copy's result put right for a server that omits the new version id
 * (`copyOmitsVersionId`) or ignores the copy's lock headers
 * (`lockIgnoredOnCopyAndMultipart`): the version id from a HEAD, the
 * retention and legal hold set on the new version.
 */
export async function settleCopy(
  driver: S3QuirkDriver,
  quirks: Pick<S3ServerQuirks, 'copyOmitsVersionId' | 'lockIgnoredOnCopyAndMultipart'>,
  req: ObjectRequest & { retention?: Retention; legalHold?: boolean },
  result: CopyResult,
): Promise<CopyResult> {
  if (result.versionId === undefined && quirks.copyOmitsVersionId) await copyVersionFromHead(driver, req, result);
  const lock = quirks.lockIgnoredOnCopyAndMultipart ? requestedLock(req) : undefined;
  if (lock) await applyLockAfterWrite(driver, req, result.versionId, lock);
  return result;
}

/** The lock a write asked for, when it asked for one. */
export function requestedLock(req: { retention?: Retention; legalHold?: boolean }): S3LockToApply | undefined {
  return req.retention !== undefined || req.legalHold !== undefined ? { retention: req.retention, legalHold: req.legalHold } : undefined;
}

/**
 * `lockIgnoredOnCopyAndMultipart` (Ceph 16 ignores x-amz-object-lock-* on
 * CopyObject and CreateMultipartUpload): set the retention and legal hold on
 * the version just written.
 */
export async function applyLockAfterWrite(driver: S3QuirkDriver, req: ObjectRequest, versionId: string | undefined, lock: S3LockToApply): Promise<void> {
  const target = { bucket: req.bucket, key: req.key, signal: req.signal, ...(versionId !== undefined ? { versionId } : {}) };
  if (lock.retention) await driver.putObjectRetention({ ...target, retention: lock.retention });
  if (lock.legalHold !== undefined) await driver.putObjectLegalHold({ ...target, on: lock.legalHold });
}

/**
 * The locks of uploads this process started on a server that ignores them at
 * the upload's creation (`lockIgnoredOnCopyAndMultipart`), set once the upload
 * completes. Off (remembers nothing) for other servers.
 */
export class PendingUploadLocks {
  private readonly locks = new Map<string, S3LockToApply>();

  constructor(private readonly enabled: boolean) {}

  remember(uploadId: string, req: { retention?: Retention; legalHold?: boolean }): void {
    const lock = this.enabled ? requestedLock(req) : undefined;
    if (lock) this.locks.set(uploadId, lock);
  }

  /** The upload's lock, forgotten (on completion or abort). */
  take(uploadId: string): S3LockToApply | undefined {
    const lock = this.locks.get(uploadId);
    this.locks.delete(uploadId);
    return lock;
  }

  /** On completion: sets the upload's remembered lock (if any) on the version it made. */
  async settle(driver: S3QuirkDriver, req: UploadRequest, versionId: string | undefined): Promise<void> {
    const lock = this.take(req.uploadId);
    if (lock) await applyLockAfterWrite(driver, req, versionId || undefined, lock);
  }
}

/**
 * Ceph RGW 16 answers CompleteMultipartUpload of an upload id it does not
 * know with 500 "This multipart completion is already in progress" (its
 * completion lock fails on the missing upload). Call with a failed
 * completion and the server's message: when it is that answer and the
 * upload does not exist (ListParts says so), UploadNotFound; otherwise the
 * failure as it was.
 */
export async function completionFailure(driver: S3QuirkDriver, req: UploadRequest, failure: unknown, serverMessage: string): Promise<unknown> {
  if (!isStowageError(failure, 'Transient') || !/completion is already in progress/i.test(serverMessage)) return failure;
  const exists = await driver.listParts({ ...req, maxParts: 1 }).then(
    () => true,
    (f: unknown) => !isStowageError(f, 'UploadNotFound'),
  );
  if (exists) return failure;
  return new UploadNotFoundError(req.bucket, req.key, req.uploadId, { provider: driver.provider, cause: failure.cause, statusCode: failure.statusCode });
}

/**
 * GetObjectLockConfiguration answered "this bucket has none" (see
 * isS3LockConfigMissing): no lock, unless the bucket itself is missing —
 * which MinIO answers the same way (`lockConfigIgnoresMissingBucket`): then
 * HeadBucket says BucketNotFound.
 */
export async function noLockConfiguration(driver: S3QuirkDriver, req: BucketRequest, quirks: Pick<S3ServerQuirks, 'lockConfigIgnoresMissingBucket'>): Promise<ObjectLockConfiguration> {
  if (quirks.lockConfigIgnoresMissingBucket) await driver.headBucket(req);
  return { enabled: false };
}

/** GetObjectLockConfiguration's "this bucket has none" codes (AWS, MinIO, Ceph). */
export function isS3LockConfigMissing(code: string | undefined): boolean {
  return code === 'ObjectLockConfigurationNotFoundError' || code === 'ObjectLockConfigurationNotFound';
}

/**
 * "This version has no retention / legal hold": AWS and MinIO answer
 * NoSuchObjectLockConfiguration; on a bucket without object lock, AWS, Ceph
 * ("bucket object lock not configured") and MinIO ("Bucket is missing
 * ObjectLockConfiguration") answer InvalidRequest — no lock, so no retention.
 */
export function isS3NoRetention(code: string | undefined, message: string): boolean {
  if (code === 'NoSuchObjectLockConfiguration' || code === 'ObjectLockConfigurationNotFoundError') return true;
  return code === 'InvalidRequest' && /object ?lock ?config|object lock not configured/i.test(message);
}
