import {
  AbortedError,
  AccessDeniedError,
  BucketNotFoundError,
  InvalidArgumentError,
  InvalidRangeError,
  isStowageError,
  ObjectNotFoundError,
  ProviderError,
  ThrottledError,
  TimeoutError,
  TransientError,
  type StowageError,
  type StowageErrorOptions,
} from '@stowage/core';

export interface ErrorContext {
  operation: string;
  bucket: string;
  key?: string;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number };
  code?: string;
}

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);
const AUTH = new Set(['AccessDeniedException', 'InvalidSignatureException', 'UnrecognizedClientException', 'IncompleteSignatureException', 'MissingAuthenticationTokenException', 'ExpiredTokenException', 'InvalidClientTokenId']);
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestLimitExceeded', 'LimitExceededException']);

/** The MediaStore error type (the SDK names the exception after `x-amzn-ErrorType`). */
export function mediaStoreErrorType(e: unknown): string | undefined {
  const err = (isStowageError(e) ? e.cause : e) as SdkError | undefined;
  return err && typeof err.name === 'string' ? err.name : undefined;
}

/** Anything the SDK threw → a Stowage error naming the provider, the native error as `cause`. */
export function mapMediaStoreError(e: unknown, context: ErrorContext): StowageError {
  if (isStowageError(e)) return e;
  const err = (e ?? {}) as SdkError & Error;
  const name = typeof err.name === 'string' ? err.name : '';
  if (name === 'AbortError') return new AbortedError(err.message || 'The operation was aborted', { provider: 'mediastore', cause: e });
  const status = err.$metadata?.httpStatusCode ?? err.$response?.statusCode;
  const options: StowageErrorOptions = { provider: 'mediastore', cause: e, statusCode: status, requestId: err.$metadata?.requestId };
  const net = networkCode(e);
  if (status === undefined && net !== undefined) return new TransientError(`Network failure (${net}) during ${context.operation}`, options);
  if (status === undefined && (name === 'TimeoutError' || /timed? ?out/i.test(err.message ?? ''))) return new TimeoutError(`${context.operation} timed out`, options);
  const detail = `${name || 'Error'}${status !== undefined ? ` ${status}` : ''}${err.message && err.message !== name ? `: ${err.message}` : ''}`;
  switch (name) {
    case 'ObjectNotFoundException':
      return new ObjectNotFoundError(context.bucket, context.key ?? '', options);
    case 'ContainerNotFoundException':
      return new BucketNotFoundError(context.bucket, options);
    case 'RequestedRangeNotSatisfiableException':
      return new InvalidRangeError(`The range is not satisfiable (${detail})`, options);
    case 'InternalServerError':
      return new TransientError(`MediaStore is temporarily unavailable (${detail})`, options);
    case 'ExpiredNextTokenException':
      return new InvalidArgumentError('cursor', `has expired: MediaStore ListItems tokens expire after 15 minutes; start the listing again (${detail})`, options);
    case 'ValidationException':
      return new InvalidArgumentError('request', `refused by MediaStore (${detail})`, options);
  }
  if (AUTH.has(name) || status === 401 || status === 403) return new AccessDeniedError(`Access denied (${detail})`, options);
  if (THROTTLING.has(name) || status === 429 || status === 503) return new ThrottledError(`Throttled (${detail})`, options);
  if (status !== undefined && status >= 500) return new TransientError(`Server error (${detail})`, options);
  if (status === 404 && context.key !== undefined) return new ObjectNotFoundError(context.bucket, context.key, options);
  return new ProviderError(`${context.operation} failed (${detail})`, options);
}

function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK.has(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
