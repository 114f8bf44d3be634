import type { IncomingHttpHeaders } from 'node:http';
import {
  AbortedError,
  InvalidArgumentError,
  isStowageError,
  mapS3ErrorCode,
  networkErrorCode,
  ProviderError,
  s3StatusCode,
  TimeoutError,
  TransientError,
  type S3ErrorContext,
  type StowageError,
  type StowageErrorOptions,
} from '@stowage/core';
import type { CallContext } from './transport.js';
import { parseXml, text } from './xml.js';

export type { S3ErrorContext as ErrorContext };

const PROVIDER = 'minio';
/** The MinIO client's argument checks (thrown before any request): their class names. */
const CLIENT_ARGUMENT_ERRORS: Record<string, string> = {
  InvalidBucketNameError: 'bucket',
  IsValidBucketNameError: 'bucket',
  InvalidObjectNameError: 'key',
  InvalidPrefixError: 'prefix',
  InvalidArgumentError: 'request',
  InvalidPortError: 'port',
  InvalidEndpointError: 'endPoint',
  ExpiresParamError: 'expiresIn',
  InvalidDateError: 'date',
  InvalidBucketPolicyError: 'policy',
  InvalidXMLError: 'request',
  AnonymousRequestError: 'credentials',
  AccessKeyRequiredError: 'credentials',
  SecretKeyRequiredError: 'credentials',
};

/** An error answer read by the adapter itself (status, code and message all kept). */
export class MinioServerError extends Error {
  override readonly name = 'S3Error';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    readonly requestId: string | undefined,
    readonly resource?: string,
  ) {
    super(message);
  }
}

/** Builds the error for a non-2xx answer from its status, headers and XML body. */
export function serverError(status: number, headers: IncomingHttpHeaders, body: string): MinioServerError {
  let code: string | undefined;
  let message = '';
  let resource: string | undefined;
  if (body.trim().startsWith('<')) {
    try {
      const doc = parseXml(body);
      const err = doc.Error;
      code = text(err, 'Code');
      message = text(err, 'Message') ?? '';
      resource = text(err, 'Resource');
    } catch {
      // not XML after all
    }
  }
  // A HEAD (or an empty 5xx) has no body: MinIO then says why in headers.
  code ||= header(headers, 'x-minio-error-code') ?? s3StatusCode(status);
  message ||= header(headers, 'x-minio-error-desc')?.replace(/^"|"$/g, '') ?? '';
  return new MinioServerError(code, message, status, header(headers, 'x-amz-request-id'), resource);
}

function header(headers: IncomingHttpHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The S3 error code of a client or adapter error (or of the error under a Stowage error). */
export function errorCode(e: unknown): string | undefined {
  const err = (isStowageError(e) ? e.cause : e) as { code?: unknown; Code?: unknown } | undefined;
  if (err === null || typeof err !== 'object') return undefined;
  return typeof err.code === 'string' ? err.code : typeof err.Code === 'string' ? err.Code : undefined;
}

/** The server's message of an error (or of the error under a Stowage error). */
export function errorMessage(e: unknown): string {
  const err = (isStowageError(e) ? e.cause : e) as { message?: unknown } | undefined;
  return err && typeof err.message === 'string' ? err.message : '';
}

/**
 * Turns anything the MinIO client (or the adapter's own request path) threw
 * into a Stowage error. The client's S3Error carries no HTTP status, and with
 * retries off a 5xx becomes a plain Error: the call context saw the status
 * (and kept the unread body), so both come from there.
 */
export async function mapMinioError(e: unknown, context: S3ErrorContext, call?: CallContext): Promise<StowageError> {
  if (isStowageError(e)) return e;
  const err = (e ?? {}) as Error & { code?: unknown; cause?: unknown; amzRequestid?: string; requestid?: string };
  const name = typeof err.name === 'string' ? err.name : '';
  if (call?.aborted || name === 'AbortError' || name === 'AbortedError') return new AbortedError(err.message || 'The operation was aborted', { provider: PROVIDER, cause: e });

  if (e instanceof MinioServerError) {
    return mapS3ErrorCode(e.code, e.message, e.statusCode, context, { provider: PROVIDER, cause: e, requestId: e.requestId });
  }
  // the client's S3Error: code and message from the XML, the status from the call
  if (name === 'S3Error') {
    const code = (typeof err.code === 'string' && err.code) || s3StatusCode(call?.status);
    const options: StowageErrorOptions = { provider: PROVIDER, cause: e, requestId: err.requestid ?? err.amzRequestid };
    return mapS3ErrorCode(code, err.message ?? '', call?.status, context, options);
  }
  // "Request failed after 0 retries: Error: Retryable HTTP status: 503" — read what the server said
  if (/Retryable HTTP status|Request failed after \d+ retries/.test(err.message ?? '') && call?.status !== undefined) {
    const body = (await call.droppedBody?.catch(() => '')) ?? '';
    const answer = serverError(call.status, call.headers ?? {}, body);
    return mapS3ErrorCode(answer.code, answer.message, answer.statusCode, context, { provider: PROVIDER, cause: answer, requestId: answer.requestId });
  }
  const field = CLIENT_ARGUMENT_ERRORS[name];
  if (field !== undefined) return new InvalidArgumentError(field, `the MinIO client refused ${context.operation}: ${err.message}`, { provider: PROVIDER, cause: e });
  const netCode = networkErrorCode(e);
  if (netCode !== undefined) return new TransientError(`Network failure (${netCode}) during ${context.operation}: ${err.message ?? ''}`.trim(), { provider: PROVIDER, cause: e });
  if (name === 'TimeoutError' || /timed? ?out/i.test(err.message ?? '')) return new TimeoutError(`${context.operation} timed out: ${err.message ?? ''}`, { provider: PROVIDER, cause: e });
  return new ProviderError(`Unexpected failure of ${context.operation}: ${err.message ?? String(e)}`, { provider: PROVIDER, cause: e });
}
