import type { RequestContext } from '../../http/context.js';
import { HttpError } from '../../http/errors.js';

export interface S3Address {
  bucket: string | undefined;
  key: string | undefined;
  style: 'path' | 'virtual';
}

/**
 * Path-style (`/bucket/key`) or virtual-host style (`bucket.localhost/key`):
 * a Host that ends with `.<suffix>` for one of the configured suffixes names
 * the bucket; anything else (an IP, `localhost`) is path-style.
 */
export function resolveAddress(ctx: RequestContext, suffixes: readonly string[]): S3Address {
  const host = (ctx.header('host') ?? '').replace(/:\d+$/, '').toLowerCase();
  for (const suffix of suffixes) {
    const s = suffix.toLowerCase();
    if (host.length > s.length + 1 && host.endsWith(`.${s}`)) {
      const bucket = host.slice(0, host.length - s.length - 1);
      const key = decodePath(ctx.rawPath.replace(/^\//, ''));
      return { bucket, key: key === '' ? undefined : key, style: 'virtual' };
    }
  }
  const path = ctx.rawPath.startsWith('/') ? ctx.rawPath.slice(1) : ctx.rawPath;
  if (path === '') return { bucket: undefined, key: undefined, style: 'path' };
  const slash = path.indexOf('/');
  const bucket = decodePath(slash === -1 ? path : path.slice(0, slash));
  const key = slash === -1 ? '' : decodePath(path.slice(slash + 1));
  return { bucket, key: key === '' ? undefined : key, style: 'path' };
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'InvalidURI', "Couldn't parse the specified URI.");
  }
}

export type S3Operation =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'GetBucketVersioning'
  | 'PutBucketVersioning'
  | 'GetObjectLockConfiguration'
  | 'PutObjectLockConfiguration'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListObjectVersions'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'GetObjectRetention'
  | 'PutObjectRetention'
  | 'GetObjectLegalHold'
  | 'PutObjectLegalHold';

/** Sub-resources S3 has that this server does not serve: answered 501 NotImplemented. */
const UNSUPPORTED = [
  'acl', 'policy', 'policyStatus', 'cors', 'lifecycle', 'tagging', 'encryption', 'website', 'logging', 'notification',
  'replication', 'ownershipControls', 'publicAccessBlock', 'accelerate', 'requestPayment', 'intelligent-tiering',
  'inventory', 'metrics', 'analytics', 'restore', 'select', 'torrent', 'attributes', 'object-lambda', 'session', 'metadataTable',
];

function notImplemented(what: string): HttpError {
  return new HttpError(501, 'NotImplemented', `A header or query you provided implies functionality that is not implemented: ${what}`);
}

function methodNotAllowed(): HttpError {
  return new HttpError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

/** Method + address + sub-resource → the S3 operation. */
export function resolveOperation(ctx: RequestContext, address: S3Address): S3Operation {
  const q = ctx.query;
  const m = ctx.method;
  for (const name of UNSUPPORTED) if (q.has(name)) throw notImplemented(`?${name}`);
  if (address.bucket === undefined) {
    if (m === 'GET') return 'ListBuckets';
    throw methodNotAllowed();
  }
  if (address.key === undefined) {
    switch (m) {
      case 'GET':
        if (q.has('versioning')) return 'GetBucketVersioning';
        if (q.has('object-lock')) return 'GetObjectLockConfiguration';
        if (q.has('location')) return 'GetBucketLocation';
        if (q.has('uploads')) return 'ListMultipartUploads';
        if (q.has('versions')) return 'ListObjectVersions';
        if (q.get('list-type') === '2') return 'ListObjectsV2';
        if (q.has('list-type') && q.get('list-type') !== '1') throw new HttpError(400, 'InvalidArgument', 'Invalid list-type', { ArgumentName: 'list-type' });
        return 'ListObjects';
      case 'PUT':
        if (q.has('versioning')) return 'PutBucketVersioning';
        if (q.has('object-lock')) return 'PutObjectLockConfiguration';
        return 'CreateBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'DELETE':
        return 'DeleteBucket';
      case 'POST':
        if (q.has('delete')) return 'DeleteObjects';
        throw notImplemented('POST object upload (HTML forms)');
      default:
        throw methodNotAllowed();
    }
  }
  switch (m) {
    case 'GET':
      if (q.has('uploadId')) return 'ListParts';
      if (q.has('retention')) return 'GetObjectRetention';
      if (q.has('legal-hold')) return 'GetObjectLegalHold';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (q.has('retention')) return 'PutObjectRetention';
      if (q.has('legal-hold')) return 'PutObjectLegalHold';
      if (q.has('uploadId') || q.has('partNumber')) return ctx.header('x-amz-copy-source') !== undefined ? 'UploadPartCopy' : 'UploadPart';
      return ctx.header('x-amz-copy-source') !== undefined ? 'CopyObject' : 'PutObject';
    case 'DELETE':
      if (q.has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (q.has('uploadId')) return 'CompleteMultipartUpload';
      throw methodNotAllowed();
    default:
      throw methodNotAllowed();
  }
}
