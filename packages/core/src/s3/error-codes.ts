import {
  AccessDeniedError,
  AlreadyExistsError,
  BucketNotEmptyError,
  BucketNotFoundError,
  IntegrityError,
  InvalidArgumentError,
  InvalidRangeError,
  NotModifiedError,
  NotSupportedError,
  ObjectLockedError,
  ObjectNotFoundError,
  PreconditionFailedError,
  ProviderError,
  ThrottledError,
  TransientError,
  UploadNotFoundError,
  VersionNotFoundError,
  type LockReason,
  type StowageError,
  type StowageErrorOptions,
} from '../errors/stowage-error.js';

/**
 * The S3 wire protocol's error codes mapped to the core taxonomy, for every
 * adapter that speaks S3 whatever its SDK (@stowage/s3 on the AWS SDK,
 * @stowage/minio on the MinIO client). The codes are the servers' (AWS, Ceph
 * RGW, MinIO), so the mapping is shared; how an SDK exposes code, message and
 * status stays in the adapter.
 */

/** What the driver was doing when an error came back: the mapping depends on it. */
export interface S3ErrorContext {
  operation: string;
  bucket?: string;
  key?: string;
  versionId?: string;
  uploadId?: string;
  sourceBucket?: string;
  sourceKey?: string;
  sourceVersionId?: string;
}

const MULTIPART_OPERATIONS = new Set(['uploadPart', 'completeMultipartUpload', 'abortMultipartUpload', 'listParts']);
/**
 * Operations that read a copy source: a missing key or version is the source's.
 * (UploadPartCopy names an upload too: AWS and MinIO say NoSuchUpload for it;
 * Ceph 16 answers NoSuchKey for a missing source and a gone upload alike.)
 */
const COPY_OPERATIONS = new Set(['copyObject', 'uploadPartCopy']);
/** Operations where a refusal may come from object lock (a retention or a legal hold on a version). */
const LOCK_OPERATIONS = new Set(['deleteObject', 'deleteObjects', 'putObjectRetention']);

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequests', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException', 'BandwidthLimitExceeded', 'EC2ThrottledException', 'PriorRequestNotComplete']);
const TRANSIENT = new Set(['InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException', 'XMinioServerNotInitialized', 'XMinioReadQuorum', 'XMinioWriteQuorum', 'OperationAborted']);
const INTEGRITY = new Set(['BadDigest', 'XAmzContentSHA256Mismatch', 'XAmzContentChecksumMismatch', 'InvalidChecksum']);
const AUTH = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'AllAccessDisabled', 'AccountProblem', 'Forbidden', 'InvalidSecurity', 'RequestTimeTooSkewed', 'AuthorizationHeaderMalformed']);

/** True for the S3 codes that mean "there is no such thing". */
export function isS3NotFoundCode(code: string | undefined): boolean {
  return code === 'NoSuchKey' || code === 'NoSuchBucket' || code === 'NoSuchVersion' || code === 'NoSuchUpload' || code === 'NotFound';
}

/** The code a bodiless answer (a HEAD) implies from its status alone. */
export function s3StatusCode(status: number | undefined): string {
  switch (status) {
    case 304:
      return 'NotModified';
    case 404:
      return 'NotFound';
    case 412:
      return 'PreconditionFailed';
    case 416:
      return 'InvalidRange';
    case 403:
      return 'AccessDenied';
    case 503:
      return 'ServiceUnavailable';
    default:
      return status !== undefined ? `Http${status}` : 'UnknownError';
  }
}

/**
 * Maps an S3 error code (from an exception, or from one entry of a
 * DeleteObjects answer) to the core taxonomy. `base` carries the provider,
 * request id and native error (`cause`); without a cause, one is made from the
 * code and message so the server's words stay reachable.
 */
export function mapS3ErrorCode(code: string, message: string, status: number | undefined, context: S3ErrorContext, base: StowageErrorOptions = {}): StowageError {
  const options: StowageErrorOptions = { ...base, provider: base.provider ?? 's3' };
  if (status !== undefined) options.statusCode = status;
  if (options.cause === undefined) options.cause = Object.assign(new Error(message), { name: code, Code: code });
  const { bucket = '', key = '' } = context;
  const detail = `${code}${status !== undefined ? ` ${status}` : ''}${message && message !== code ? `: ${message}` : ''}`;
  const inMultipart = MULTIPART_OPERATIONS.has(context.operation) && context.uploadId !== undefined;

  switch (code) {
    case 'NoSuchBucket':
      return new BucketNotFoundError(COPY_OPERATIONS.has(context.operation) && /source/i.test(message) ? (context.sourceBucket ?? bucket) : bucket, options);
    case 'NoSuchUpload':
      return new UploadNotFoundError(bucket, key, context.uploadId ?? '', options);
    case 'NoSuchKey':
      // Ceph RGW answers NoSuchKey for an upload id it no longer knows (after an abort).
      if (inMultipart) return new UploadNotFoundError(bucket, key, context.uploadId!, options);
      if (COPY_OPERATIONS.has(context.operation)) {
        if (context.sourceVersionId !== undefined) return new VersionNotFoundError(context.sourceBucket ?? bucket, context.sourceKey ?? key, context.sourceVersionId, options);
        return new ObjectNotFoundError(context.sourceBucket ?? bucket, context.sourceKey ?? key, options);
      }
      if (context.versionId !== undefined) return new VersionNotFoundError(bucket, key, context.versionId, options);
      return new ObjectNotFoundError(bucket, key, options);
    case 'NoSuchVersion':
      if (COPY_OPERATIONS.has(context.operation)) return new VersionNotFoundError(context.sourceBucket ?? bucket, context.sourceKey ?? key, context.sourceVersionId ?? '', options);
      return new VersionNotFoundError(bucket, key, context.versionId ?? '', options);
    case 'NotFound':
      // A HEAD has no body: the status is all there is.
      if (context.operation === 'headBucket') return new BucketNotFoundError(bucket, options);
      if (context.versionId !== undefined) return new VersionNotFoundError(bucket, key, context.versionId, options);
      if (context.key !== undefined) return new ObjectNotFoundError(bucket, key, options);
      return new BucketNotFoundError(bucket, options);
    case 'BucketAlreadyExists':
    case 'BucketAlreadyOwnedByYou':
      return new AlreadyExistsError(`Bucket already exists: ${bucket} (${detail})`, options);
    case 'BucketNotEmpty':
      return new BucketNotEmptyError(bucket, options);
    case 'NotModified':
      return new NotModifiedError(`Not modified: ${bucket}/${key}`, options);
    case 'PreconditionFailed':
      return new PreconditionFailedError(`Precondition failed: ${bucket}/${key} (${detail})`, options);
    case 'ConditionalRequestConflict':
      return new PreconditionFailedError(`Conditional request conflict: ${bucket}/${key} (${detail})`, { ...options, retryable: true });
    case 'InvalidRange':
      return new InvalidRangeError(`Range not satisfiable: ${bucket}/${key} (${detail})`, options);
    case 'ObjectLocked':
      return new ObjectLockedError('unknown', `Object is locked: ${bucket}/${key} (${detail})`, options);
    case 'NotImplemented':
      return new NotSupportedError(context.operation, `The server does not implement ${context.operation} (${detail})`, options);
  }

  if (context.versionId !== undefined) {
    // A delete-marker version cannot be read: MinIO (and AWS) answer 405, Ceph NoSuchKey.
    const versionRead = context.operation === 'getObject' || context.operation === 'headObject';
    if (versionRead && (code === 'MethodNotAllowed' || status === 405)) return new VersionNotFoundError(bucket, key, context.versionId, options);
    // MinIO: 400 InvalidArgument "Invalid version id specified" for an id not in its format, on
    // every call that names a version (measured: GET, HEAD, DELETE, Get/PutObjectRetention,
    // Get/PutObjectLegalHold; a HEAD carries no message: 400 alone). No version has such an id.
    if ((code === 'InvalidArgument' && /version id/i.test(message)) || (context.operation === 'headObject' && status === 400)) {
      return new VersionNotFoundError(bucket, key, context.versionId, options);
    }
  }
  // A copy source's version id in another format: 400 InvalidArgument "Invalid version id
  // specified" (@stowage/server; MinIO answers 404 NoSuchVersion, Ceph 404 NoSuchKey).
  if (context.sourceVersionId !== undefined && code === 'InvalidArgument' && /version id/i.test(message)) {
    return new VersionNotFoundError(context.sourceBucket ?? bucket, context.sourceKey ?? key, context.sourceVersionId, options);
  }

  if (LOCK_OPERATIONS.has(context.operation)) {
    const reason = s3LockReason(code, message);
    if (reason !== undefined) return new ObjectLockedError(reason, `Object is locked: ${bucket}/${key}${context.versionId ? `?versionId=${context.versionId}` : ''} (${detail})`, options);
  }

  if (THROTTLING.has(code) || status === 429 || status === 503) return new ThrottledError(`Throttled during ${context.operation} (${detail})`, options);
  if (INTEGRITY.has(code)) return new IntegrityError(`The server found the body corrupt during ${context.operation} (${detail})`, options);
  if (AUTH.has(code) || status === 403) return new AccessDeniedError(`Access denied during ${context.operation} on ${target(context)} (${detail})`, options);
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500)) return new TransientError(`Server error during ${context.operation} (${detail})`, options);
  if (status === 404) return new ProviderError(`Not found during ${context.operation} (${detail})`, options);
  if (status === 304) return new NotModifiedError(`Not modified: ${bucket}/${key}`, options);
  if (status === 412) return new PreconditionFailedError(`Precondition failed: ${bucket}/${key} (${detail})`, options);
  if (status === 416) return new InvalidRangeError(`Range not satisfiable: ${bucket}/${key} (${detail})`, options);
  if (status !== undefined && status >= 400 && status < 500) return new InvalidArgumentError(argumentField(code, context), `the server refused ${context.operation} (${detail})`, options);
  return new ProviderError(`Unexpected answer to ${context.operation} (${detail})`, options);
}

/**
 * Whether a refused delete / retention change is object lock at work. Only
 * the messages servers use for it count: an AccessDenied from a policy stays
 * an AccessDenied.
 */
export function s3LockReason(code: string, message: string): LockReason | undefined {
  if (code !== 'AccessDenied' && code !== 'InvalidRequest' && code !== 'ObjectLocked' && code !== 'InvalidArgument') return undefined;
  const m = message.toLowerCase();
  // "Bucket is missing Object Lock Configuration" (AWS, MinIO), "bucket object lock not
  // configured" (Ceph): no lock at all, so not a locked object.
  if (/missing|not configured|not enabled|no object ?lock/.test(m)) return undefined;
  if (/legal ?hold/.test(m)) return 'legal-hold';
  if (/compliance/.test(m)) return 'compliance';
  if (/retention period|retain-?until|under retention|governance/.test(m)) return 'retention';
  // Ceph: "forbidden by object lock"; MinIO: "Object is WORM protected and cannot be overwritten".
  if (/forbidden by object ?lock|worm protected|object is locked|locked by object ?lock/.test(m)) return 'unknown';
  return undefined;
}

function argumentField(code: string, context: S3ErrorContext): string {
  switch (code) {
    case 'InvalidBucketName':
      return 'bucket';
    case 'KeyTooLongError':
      return 'key';
    case 'InvalidDigest':
      return 'contentMd5';
    case 'MetadataTooLarge':
      return 'metadata';
    case 'EntityTooSmall':
    case 'EntityTooLarge':
    case 'IncompleteBody':
      return 'body';
    case 'InvalidPart':
    case 'InvalidPartOrder':
      return 'parts';
    case 'InvalidLocationConstraint':
    case 'IllegalLocationConstraintException':
      return 'region';
    default:
      return context.key !== undefined ? 'request' : 'bucket';
  }
}

function target(context: S3ErrorContext): string {
  return context.key !== undefined ? `${context.bucket}/${context.key}` : (context.bucket ?? 'the account');
}
