import {
  AbortedError,
  AccessDeniedError,
  isStowageError,
  mapS3ErrorCode,
  networkErrorCode,
  s3StatusCode,
  TimeoutError,
  TransientError,
  type S3ErrorContext,
  type StowageError,
} from '@stowage/core';

export type ErrorContext = S3ErrorContext;

/** What ibm-cos-sdk (the v2-style AWS SDK) puts on its errors. */
interface SdkError {
  code?: string;
  name?: string;
  message?: string;
  statusCode?: number;
  requestId?: string;
  retryable?: boolean;
  originalError?: unknown;
}

/** The S3 error code of an SDK error (or of the SDK error under a Stowage error). */
export function sdkErrorCode(e: unknown): string | undefined {
  const err = (isStowageError(e) ? e.cause : e) as SdkError | undefined;
  if (err === null || typeof err !== 'object') return undefined;
  return err.code ?? (typeof err.name === 'string' ? err.name : undefined);
}

/** The server's message ('' when it sent none; the SDK repeats the code then, or says null). */
export function sdkErrorMessage(e: unknown): string {
  const err = (isStowageError(e) ? e.cause : e) as SdkError | undefined;
  const message = err && typeof err.message === 'string' ? err.message : '';
  return message === sdkErrorCode(err) || message === 'null' ? '' : message;
}

/**
 * Turns anything ibm-cos-sdk threw (or passed to a callback) into a Stowage
 * error, with the request id, status and the SDK error as `cause`. The S3
 * codes map through core's shared S3 table.
 */
export function mapIbmError(e: unknown, context: ErrorContext): StowageError {
  if (isStowageError(e)) return e;
  const err = (e ?? {}) as SdkError & Error;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const base = { provider: 'ibm-cos', cause: e, requestId: err.requestId || undefined };
  if (code === 'RequestAbortedError' || err.name === 'AbortError') return new AbortedError(err.message || 'The operation was aborted', base);
  const status = typeof err.statusCode === 'number' && err.statusCode > 0 ? err.statusCode : undefined;
  // The IAM token could not be had: a bad key is refused (400 / 401 at the token endpoint),
  // an unreachable endpoint is transient. The key itself is never in the message.
  if (/IAM token|IAM authentication|authentication mechanism/i.test(err.message ?? '') || code === 'CredentialsError') {
    if (status !== undefined && status >= 500) return new TransientError(`The IAM token endpoint failed during ${context.operation}: ${err.message}`, { ...base, statusCode: status });
    if (status === undefined && networkCode(e)) return new TransientError(`The IAM token endpoint is unreachable during ${context.operation}: ${err.message}`, base);
    return new AccessDeniedError(`No IAM token for ${context.operation}: ${err.message}`, { ...base, statusCode: status });
  }
  if (status === undefined) {
    const net = networkCode(e);
    if (net === 'TimeoutError' || code === 'TimeoutError') return new TimeoutError(`${context.operation} timed out: ${err.message ?? ''}`, base);
    if (net !== undefined) return new TransientError(`Network failure (${net}) during ${context.operation}: ${err.message ?? ''}`.trim(), base);
  }
  const effective = code && code !== 'UnknownError' && !/^\d+$/.test(code) ? code : s3StatusCode(status);
  const message = err.message && err.message !== effective && err.message !== 'null' ? err.message : '';
  return mapS3ErrorCode(effective, message, status, context, { ...base, statusCode: status });
}

/** A network failure (core's list), or the SDK's own TimeoutError. */
function networkCode(e: unknown): string | undefined {
  return networkErrorCode(e, ['TimeoutError']);
}
