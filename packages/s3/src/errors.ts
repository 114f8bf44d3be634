import {
  AbortedError,
  isStowageError,
  mapS3ErrorCode,
  networkErrorCode,
  s3StatusCode,
  TimeoutError,
  TransientError,
  type S3ErrorContext,
  type StowageError,
  type StowageErrorOptions,
} from '@stowage/core';

/**
 * The AWS SDK v3 side of error mapping: reading an SDK exception's fields
 * (`Code` / `name`, `$metadata`, `$response`) into the S3 code, message and
 * status that core's shared `mapS3ErrorCode` maps (the codes are the
 * servers', so the mapping is shared by every S3-family adapter).
 */
export type ErrorContext = S3ErrorContext;

interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string> };
  $retryable?: { throttling?: boolean };
}

/** The S3 error code of an SDK error (or of the SDK error under a Stowage error). */
export function s3ErrorCode(e: unknown): string | undefined {
  const err = (isStowageError(e) ? e.cause : e) as SdkErrorShape | undefined;
  if (err === null || typeof err !== 'object') return undefined;
  return err.Code ?? (typeof err.name === 'string' ? err.name : undefined);
}

/**
 * The server's message of an SDK error (or of the SDK error under a Stowage
 * error); '' when it sent none (the SDK then says "UnknownError").
 */
export function s3ErrorMessage(e: unknown): string {
  const err = (isStowageError(e) ? e.cause : e) as { message?: unknown } | undefined;
  const message = err && typeof err.message === 'string' ? err.message : '';
  return message === 'UnknownError' ? '' : message;
}

/** Turns anything the SDK threw into a Stowage error, keeping the request id and the native error as `cause`. */
export function mapS3Error(e: unknown, context: ErrorContext): StowageError {
  if (isStowageError(e)) return e;
  const err = (e ?? {}) as SdkErrorShape & Error & { cause?: unknown };
  const name = typeof err.name === 'string' ? err.name : '';
  if (name === 'AbortError' || name === 'AbortedError') return new AbortedError(err.message || 'The operation was aborted', { provider: 's3', cause: e });
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  if (status === undefined) {
    const netCode = networkErrorCode(e);
    if (netCode !== undefined) return new TransientError(`Network failure (${netCode}) during ${context.operation}: ${err.message ?? ''}`.trim(), { provider: 's3', cause: e });
    if (name === 'TimeoutError' || /timed? ?out/i.test(err.message ?? '')) return new TimeoutError(`${context.operation} timed out: ${err.message ?? ''}`, { provider: 's3', cause: e });
  }
  const code = err.Code ?? (name && name !== 'Error' && name !== 'S3ServiceException' ? name : undefined) ?? s3StatusCode(status);
  const options: StowageErrorOptions = { provider: 's3', cause: e, requestId: err.$metadata?.requestId, statusCode: status };
  return mapS3ErrorCode(code, s3ErrorMessage(e), status, context, options);
}
