import type { DriverPartCopyRequest } from '../driver.js';
import type { ResolvedRange } from '../validation/range.js';
import { encodeCopySourceKey } from './etag.js';
import type { S3ErrorContext } from './error-codes.js';

/**
 * UploadPartCopy on the wire, once for every S3-family adapter: the copy
 * source, its range and its condition, as AWS-model SDK members (@stowage/s3,
 * @stowage/ibm-cos) or as raw headers (@stowage/minio).
 */

/** `x-amz-copy-source`: `bucket/key[?versionId=…]`, the key percent-encoded with its slashes kept. */
export function s3CopySource(bucket: string, key: string, versionId?: string): string {
  return `${bucket}/${encodeCopySourceKey(key)}` + (versionId !== undefined ? `?versionId=${encodeURIComponent(versionId)}` : '');
}

/** `x-amz-copy-source-range` of a validated inclusive range: `bytes=start-end`. */
export function s3CopySourceRange(range: ResolvedRange): string {
  return `bytes=${range.start}-${range.end}`;
}

/** CopySource, CopySourceRange and CopySourceIfMatch of an UploadPartCopy (plus Bucket, Key, UploadId, PartNumber). */
export function s3PartCopyMembers(req: DriverPartCopyRequest): {
  Bucket: string;
  Key: string;
  UploadId: string;
  PartNumber: number;
  CopySource: string;
  CopySourceRange?: string;
  CopySourceIfMatch?: string;
} {
  return {
    Bucket: req.bucket,
    Key: req.key,
    UploadId: req.uploadId,
    PartNumber: req.partNumber,
    CopySource: s3CopySource(req.sourceBucket, req.sourceKey, req.sourceVersionId),
    ...(req.range !== undefined ? { CopySourceRange: s3CopySourceRange(req.range) } : {}),
    ...(req.ifMatch !== undefined ? { CopySourceIfMatch: req.ifMatch } : {}),
  };
}

/** The request headers of an UploadPartCopy (`PUT /bucket/key?partNumber=N&uploadId=…`). */
export function s3PartCopyHeaders(req: DriverPartCopyRequest): Record<string, string> {
  const out: Record<string, string> = { 'x-amz-copy-source': `/${s3CopySource(req.sourceBucket, req.sourceKey, req.sourceVersionId)}` };
  if (req.range !== undefined) out['x-amz-copy-source-range'] = s3CopySourceRange(req.range);
  if (req.ifMatch !== undefined) out['x-amz-copy-source-if-match'] = req.ifMatch;
  return out;
}

/** What an UploadPartCopy failure is about, for the S3 error mapping (a missing source is the source's not-found). */
export function s3PartCopyContext(req: DriverPartCopyRequest): S3ErrorContext {
  const context: S3ErrorContext = { operation: 'uploadPartCopy', bucket: req.bucket, key: req.key, uploadId: req.uploadId, sourceBucket: req.sourceBucket, sourceKey: req.sourceKey };
  if (req.sourceVersionId !== undefined) context.sourceVersionId = req.sourceVersionId;
  return context;
}
