import { redact } from './redact.js';

/** Brand shared by every copy of @stowage/core loaded in a process. */
export const STOWAGE_ERROR_BRAND: unique symbol = Symbol.for('@stowage/core/error') as never;

export type ErrorCode =
  | 'BucketNotFound'
  | 'ObjectNotFound'
  | 'VersionNotFound'
  | 'UploadNotFound'
  | 'AlreadyExists'
  | 'BucketNotEmpty'
  | 'PreconditionFailed'
  | 'NotModified'
  | 'InvalidArgument'
  | 'InvalidRange'
  | 'ObjectLocked'
  | 'AccessDenied'
  | 'NotSupported'
  | 'Throttled'
  | 'Transient'
  | 'Timeout'
  | 'Aborted'
  | 'IntegrityError'
  | 'ProviderError';

export interface StowageErrorOptions {
  provider?: string;
  retryable?: boolean;
  requestId?: string;
  statusCode?: number;
  /** The native error; reachable as `cause`, never printed unredacted. */
  cause?: unknown;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The base of the one error taxonomy. `code` is stable across releases and
 * providers; `cause` holds the native SDK error (the escape hatch) but is never
 * rendered by `util.inspect` or `JSON.stringify`, only a redacted summary of it.
 */
export class StowageError extends Error {
  readonly code: ErrorCode;
  provider: string;
  readonly retryable: boolean;
  readonly requestId: string | undefined;
  readonly statusCode: number | undefined;
  declare readonly cause: unknown;
  readonly [STOWAGE_ERROR_BRAND] = true;

  constructor(code: ErrorCode, message: string, options: StowageErrorOptions = {}) {
    super(redact(message));
    this.name = new.target.name;
    this.code = code;
    this.provider = options.provider ?? 'unknown';
    this.retryable = options.retryable ?? false;
    this.requestId = options.requestId;
    this.statusCode = options.statusCode;
    Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: false, configurable: true });
    Object.defineProperty(this, 'stack', {
      value: redact(this.stack ?? ''),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }

  /** Fields specific to a subclass (field, capability, reason…), shown in JSON and inspect. */
  protected details(): Record<string, unknown> {
    return {};
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      retryable: this.retryable,
      ...this.details(),
    };
    if (this.requestId !== undefined) out.requestId = this.requestId;
    if (this.statusCode !== undefined) out.statusCode = this.statusCode;
    const cause = describeCause(this.cause);
    if (cause !== undefined) out.cause = cause;
    return out;
  }

  [INSPECT](): string {
    const json = this.toJSON();
    const { name, message, ...rest } = json;
    const stackLines = (this.stack ?? '').split('\n').slice(1).join('\n');
    return `${String(name)}: ${String(message)} ${JSON.stringify(rest)}${stackLines ? `\n${stackLines}` : ''}`;
  }
}

/** A redacted one-line summary of a native error: name, code, status and message only. */
function describeCause(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) {
    const c = cause as Error & { code?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number } };
    const code = typeof c.code === 'string' ? c.code : typeof c.Code === 'string' ? c.Code : undefined;
    const status = c.$metadata?.httpStatusCode;
    return redact(`${c.name}${code ? ` (${code})` : ''}${status ? ` [${status}]` : ''}: ${c.message}`);
  }
  return redact(typeof cause === 'string' ? cause : Object.prototype.toString.call(cause));
}

export class NotFoundError extends StowageError {}

export interface ObjectRef {
  bucket?: string;
  key?: string;
  versionId?: string;
  uploadId?: string;
}

export class BucketNotFoundError extends NotFoundError {
  constructor(readonly bucket: string, options?: StowageErrorOptions) {
    super('BucketNotFound', `Bucket not found: ${bucket}`, options);
  }
  protected override details() {
    return { bucket: this.bucket };
  }
}

export class ObjectNotFoundError extends NotFoundError {
  constructor(readonly bucket: string, readonly key: string, options?: StowageErrorOptions) {
    super('ObjectNotFound', `Object not found: ${bucket}/${key}`, options);
  }
  protected override details() {
    return { bucket: this.bucket, key: this.key };
  }
}

export class VersionNotFoundError extends NotFoundError {
  constructor(readonly bucket: string, readonly key: string, readonly versionId: string, options?: StowageErrorOptions) {
    super('VersionNotFound', `Version not found: ${bucket}/${key}?versionId=${versionId}`, options);
  }
  protected override details() {
    return { bucket: this.bucket, key: this.key, versionId: this.versionId };
  }
}

export class UploadNotFoundError extends NotFoundError {
  constructor(readonly bucket: string, readonly key: string, readonly uploadId: string, options?: StowageErrorOptions) {
    super('UploadNotFound', `Multipart upload not found: ${bucket}/${key} (upload ${uploadId})`, options);
  }
  protected override details() {
    return { bucket: this.bucket, key: this.key, uploadId: this.uploadId };
  }
}

export class AlreadyExistsError extends StowageError {
  constructor(message: string, options?: StowageErrorOptions) {
    super('AlreadyExists', message, options);
  }
}

export class BucketNotEmptyError extends StowageError {
  constructor(readonly bucket: string, options?: StowageErrorOptions) {
    super('BucketNotEmpty', `Bucket not empty: ${bucket}`, options);
  }
  protected override details() {
    return { bucket: this.bucket };
  }
}

export class PreconditionFailedError extends StowageError {
  constructor(message = 'Precondition failed', options?: StowageErrorOptions) {
    super('PreconditionFailed', message, options);
  }
}

export class NotModifiedError extends StowageError {
  constructor(message = 'Not modified', options?: StowageErrorOptions) {
    super('NotModified', message, options);
  }
}

export class InvalidArgumentError extends StowageError {
  /** The request field at fault, e.g. `key`, `bucket`, `range`, `metadata.x-foo`, `cursor`. */
  constructor(readonly field: string, message: string, options?: StowageErrorOptions) {
    super('InvalidArgument', `Invalid ${field}: ${message}`, options);
  }
  protected override details() {
    return { field: this.field };
  }
}

export class InvalidRangeError extends StowageError {
  constructor(message: string, options?: StowageErrorOptions) {
    super('InvalidRange', message, options);
  }
}

export type LockReason = 'retention' | 'legal-hold' | 'compliance' | 'unknown';

export class ObjectLockedError extends StowageError {
  constructor(readonly reason: LockReason, message: string, options?: StowageErrorOptions) {
    super('ObjectLocked', message, options);
  }
  protected override details() {
    return { reason: this.reason };
  }
}

export class AccessDeniedError extends StowageError {
  constructor(message = 'Access denied', options?: StowageErrorOptions) {
    super('AccessDenied', message, options);
  }
}

export class NotSupportedError extends StowageError {
  /** The capability (dotted path in `Capabilities`) the backend lacks. */
  constructor(readonly capability: string, message?: string, options?: StowageErrorOptions) {
    super('NotSupported', message ?? `Not supported by this backend (capability: ${capability})`, options);
  }
  protected override details() {
    return { capability: this.capability };
  }
}

export class ThrottledError extends StowageError {
  constructor(message = 'Throttled by the server', options?: StowageErrorOptions) {
    super('Throttled', message, { retryable: true, ...options });
  }
}

export class TransientError extends StowageError {
  constructor(message = 'Transient failure', options?: StowageErrorOptions) {
    super('Transient', message, { retryable: true, ...options });
  }
}

export class TimeoutError extends StowageError {
  constructor(message = 'Timed out', options?: StowageErrorOptions) {
    super('Timeout', message, { retryable: true, ...options });
  }
}

export class AbortedError extends StowageError {
  constructor(message = 'Aborted', options?: StowageErrorOptions) {
    super('Aborted', message, { retryable: false, ...options });
  }
}

export class IntegrityError extends StowageError {
  constructor(message: string, options?: StowageErrorOptions) {
    super('IntegrityError', message, options);
  }
}

/** A provider answer no other class describes; `cause` has the native error. */
export class ProviderError extends StowageError {
  constructor(message: string, options?: StowageErrorOptions) {
    super('ProviderError', message, options);
  }
}

/** True for any Stowage error, from any copy of this package; optionally of one code. */
export function isStowageError(value: unknown, code?: ErrorCode): value is StowageError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[STOWAGE_ERROR_BRAND] !== true) return false;
  return code === undefined || (value as StowageError).code === code;
}

/** True for the four not-found codes. */
export function isNotFound(value: unknown): value is NotFoundError {
  return (
    isStowageError(value) &&
    (value.code === 'BucketNotFound' ||
      value.code === 'ObjectNotFound' ||
      value.code === 'VersionNotFound' ||
      value.code === 'UploadNotFound')
  );
}
