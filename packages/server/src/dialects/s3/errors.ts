import { isStowageError, type StowageError } from '@stowage/core';
import { HttpError, isHttpError } from '../../http/errors.js';

/** Where an error happened, for the fields of the error document. */
export interface ErrorScope {
  bucket?: string;
  key?: string;
  versionId?: string;
  uploadId?: string;
}

/** S3 codes by status for hints that name only a code. */
const STATUS_OF: Record<string, number> = {
  BadDigest: 400,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InvalidArgument: 400,
  InvalidBucketState: 409,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRequest: 400,
  KeyTooLongError: 400,
  MetadataTooLarge: 400,
  MethodNotAllowed: 405,
  NoSuchKey: 404,
  NoSuchVersion: 404,
  BucketAlreadyOwnedByYou: 409,
  BucketAlreadyExists: 409,
  IllegalLocationConstraintException: 400,
};

/**
 * A Store error → the S3 error code and status AWS would answer with.
 * Core codes map one to one (ObjectNotFound → NoSuchKey 404, ObjectLocked →
 * AccessDenied 403 as AWS does…); a store may refine an InvalidArgument with
 * an `(S3: Code)` hint in its message (the memory store does: InvalidPart,
 * EntityTooSmall, InvalidBucketState, MethodNotAllowed…).
 */
export function toS3Error(e: unknown, scope: ErrorScope = {}): HttpError {
  if (isHttpError(e)) return e;
  if (!isStowageError(e)) {
    return new HttpError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
  const err = e as StowageError;
  const message = err.message;
  const fields: Record<string, string> = {};
  if (scope.bucket !== undefined) fields.BucketName = scope.bucket;
  switch (err.code) {
    case 'BucketNotFound':
      return new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucketOf(err) ?? scope.bucket ?? '' });
    case 'ObjectNotFound':
      return new HttpError(404, 'NoSuchKey', 'The specified key does not exist.', withKey(fields, scope));
    case 'VersionNotFound':
      return new HttpError(404, 'NoSuchVersion', 'The specified version does not exist.', { ...withKey(fields, scope), VersionId: (err as { versionId?: string }).versionId ?? scope.versionId ?? '' });
    case 'UploadNotFound':
      return new HttpError(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
        UploadId: (err as { uploadId?: string }).uploadId ?? scope.uploadId ?? '',
      });
    case 'AlreadyExists':
      return new HttpError(409, hinted(message)?.code ?? 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', fields);
    case 'BucketNotEmpty':
      return new HttpError(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', fields);
    case 'PreconditionFailed':
      return new HttpError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { ...fields, Condition: conditionOf(message) });
    case 'NotModified':
      return new HttpError(304, 'NotModified', 'Not Modified');
    case 'InvalidRange':
      return new HttpError(416, 'InvalidRange', 'The requested range is not satisfiable', fields);
    case 'ObjectLocked':
      return new HttpError(403, 'AccessDenied', `Access Denied because object protected by object lock. ${message}`, withKey(fields, scope));
    case 'AccessDenied':
      return new HttpError(403, 'AccessDenied', message || 'Access Denied', fields);
    case 'NotSupported':
      return new HttpError(501, 'NotImplemented', `A header or query you provided implies functionality that is not implemented. ${message}`, fields);
    case 'Throttled':
      return new HttpError(503, 'SlowDown', 'Please reduce your request rate.');
    case 'Transient':
    case 'Timeout':
      return new HttpError(503, 'ServiceUnavailable', 'Service is unable to handle request.');
    case 'Aborted':
      return new HttpError(400, 'RequestAborted', 'The request was aborted.');
    case 'IntegrityError':
      return new HttpError(400, hinted(message)?.code ?? 'BadDigest', message);
    case 'InvalidArgument': {
      const hint = hinted(message);
      const field = (err as { field?: string }).field ?? '';
      if (hint) {
        const status = hint.status ?? err.statusCode ?? STATUS_OF[hint.code] ?? 400;
        // S3's own wording when the store quotes it (clients match on it), else the store's message.
        return new HttpError(status, hint.code, hint.message ?? message, hint.code === 'InvalidArgument' ? { ArgumentName: field } : withKey(fields, scope));
      }
      if (field === 'bucket' || field === 'source.bucket' || field === 'target.bucket') return new HttpError(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: scope.bucket ?? '' });
      if (field === 'key' && /bytes/.test(message)) return new HttpError(400, 'KeyTooLongError', 'Your key is too long', withKey(fields, scope));
      if (field === 'metadata' && /total/.test(message)) return new HttpError(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', fields);
      if (field === 'cursor') return new HttpError(400, 'InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
      if (field === 'versionId' || field === 'sourceVersionId') return new HttpError(400, 'InvalidArgument', 'Invalid version id specified', { ArgumentName: 'versionId' });
      return new HttpError(err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400, 'InvalidArgument', message, { ArgumentName: field });
    }
    default:
      return new HttpError(500, 'InternalError', 'We encountered an internal error. Please try again.');
  }
}

/** `(S3: InvalidPart)`, `(S3: 405 MethodNotAllowed)`, `(S3: InvalidRequest, "…")`, `S3: EntityTooSmall)`. */
function hinted(message: string): { code: string; status?: number; message?: string } | undefined {
  const m = /S3: (?:(\d{3}) )?([A-Z][A-Za-z]+)(?:, "([^"]*)")?/.exec(message);
  if (!m) return undefined;
  const out: { code: string; status?: number; message?: string } = { code: m[2]! };
  if (m[1]) out.status = Number(m[1]);
  if (m[3]) out.message = m[3];
  return out;
}

function withKey(fields: Record<string, string>, scope: ErrorScope): Record<string, string> {
  return scope.key !== undefined ? { ...fields, Key: scope.key } : fields;
}

function bucketOf(err: StowageError): string | undefined {
  return (err as { bucket?: string }).bucket;
}

function conditionOf(message: string): string {
  const m = /(If-[A-Za-z-]+|x-amz-copy-source-if-[a-z-]+)/i.exec(message);
  return m ? m[1]! : 'If-Match';
}
