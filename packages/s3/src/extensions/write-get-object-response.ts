import { Readable } from 'node:stream';
import { WriteGetObjectResponseCommand, type WriteGetObjectResponseCommandInput } from '@aws-sdk/client-s3';
import { prepareBody, type BodyInput, type Metadata } from '@stowage/core';
import type { S3Driver } from '../s3-driver.js';

/**
 * What an S3 Object Lambda handler sends back for the GetObject it was given
 * (`getObjectContext.outputRoute` / `outputToken` of the Lambda event).
 */
export interface WriteGetObjectResponseRequest {
  /** `getObjectContext.outputRoute`: becomes the host prefix (`{route}.s3-object-lambda…`) on AWS. */
  route: string;
  /** `getObjectContext.outputToken`. */
  token: string;
  /** The transformed object (omit for an error answer). Streams are streamed, never buffered. */
  body?: BodyInput;
  /** Bytes of `body`, when it is a stream of known length. */
  contentLength?: number;
  /** The status the caller of GetObject sees (default 200). */
  statusCode?: number;
  /** With a 4xx/5xx status: the S3 error code (e.g. `NoSuchKey`) and message. */
  errorCode?: string;
  errorMessage?: string;
  /** Response headers for the GetObject caller. */
  headers?: {
    contentType?: string;
    cacheControl?: string;
    contentDisposition?: string;
    contentEncoding?: string;
    contentLanguage?: string;
    contentRange?: string;
    acceptRanges?: string;
    etag?: string;
    lastModified?: Date;
    expires?: Date;
    versionId?: string;
    storageClass?: string;
    /** User metadata (sent as x-amz-meta-*): names as given. */
    metadata?: Metadata;
  };
  signal?: AbortSignal;
}

/**
 * WriteGetObjectResponse: the S3 Object Lambda reply. On AWS the SDK sends it
 * to `{route}.s3-object-lambda.{region}.amazonaws.com`; with an `endpoint`
 * (a test double, a proxy) it goes to that endpoint, without the host prefix
 * when `disableHostPrefix` is on (the default for non-AWS endpoints).
 */
export async function writeGetObjectResponse(driver: S3Driver, req: WriteGetObjectResponseRequest): Promise<void> {
  if (typeof req.route !== 'string' || req.route === '') throw new TypeError('writeGetObjectResponse: route must be a non-empty string');
  if (typeof req.token !== 'string' || req.token === '') throw new TypeError('writeGetObjectResponse: token must be a non-empty string');
  const h = req.headers ?? {};
  const input: WriteGetObjectResponseCommandInput = { RequestRoute: req.route, RequestToken: req.token };
  let readable: Readable | undefined;
  if (req.body !== undefined) {
    const prepared = prepareBody(req.body, req.contentLength);
    if (prepared.first instanceof Uint8Array) {
      input.Body = prepared.first;
    } else {
      readable = Readable.fromWeb(prepared.first as import('node:stream/web').ReadableStream<Uint8Array>);
      input.Body = readable;
    }
    if (prepared.length !== undefined) input.ContentLength = prepared.length;
  }
  if (req.statusCode !== undefined) input.StatusCode = req.statusCode;
  if (req.errorCode !== undefined) input.ErrorCode = req.errorCode;
  if (req.errorMessage !== undefined) input.ErrorMessage = req.errorMessage;
  if (h.contentType !== undefined) input.ContentType = h.contentType;
  if (h.cacheControl !== undefined) input.CacheControl = h.cacheControl;
  if (h.contentDisposition !== undefined) input.ContentDisposition = h.contentDisposition;
  if (h.contentEncoding !== undefined) input.ContentEncoding = h.contentEncoding;
  if (h.contentLanguage !== undefined) input.ContentLanguage = h.contentLanguage;
  if (h.contentRange !== undefined) input.ContentRange = h.contentRange;
  if (h.acceptRanges !== undefined) input.AcceptRanges = h.acceptRanges;
  if (h.etag !== undefined) input.ETag = h.etag;
  if (h.lastModified !== undefined) input.LastModified = h.lastModified;
  if (h.expires !== undefined) input.Expires = h.expires;
  if (h.versionId !== undefined) input.VersionId = h.versionId;
  if (h.storageClass !== undefined) input.StorageClass = h.storageClass as WriteGetObjectResponseCommandInput['StorageClass'];
  if (h.metadata !== undefined && Object.keys(h.metadata).length > 0) input.Metadata = h.metadata;
  try {
    await driver.send(new WriteGetObjectResponseCommand(input), req.signal, { operation: 'writeGetObjectResponse' });
  } finally {
    if (readable && !readable.readableEnded) readable.destroy();
  }
}
