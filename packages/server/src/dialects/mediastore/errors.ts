import { isStowageError } from '@stowage/core';
import { HttpError, isHttpError } from '../../http/errors.js';

/** A MediaStore error: the status, the `x-amzn-ErrorType` and the JSON `Message`. */
export function mediaStoreError(status: number, type: string, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, type, message, {}, headers);
}

/** The model's ErrorMessage pattern is `[ \w:\.\?-]+`, at most 255 characters. */
export function errorMessage(message: string): string {
  const cleaned = message.replace(/[^ \w:.?-]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255);
  return cleaned === '' ? 'Error' : cleaned;
}

/**
 * What the auth and body layers throw (S3 names) in the conventions of AWS
 * JSON services, since the MediaStore model names no authentication errors.
 */
const AUTH_TYPES: Record<string, string> = {
  SignatureDoesNotMatch: 'InvalidSignatureException',
  InvalidAccessKeyId: 'UnrecognizedClientException',
  AccessDenied: 'AccessDeniedException',
  RequestTimeTooSkewed: 'InvalidSignatureException',
  AuthorizationHeaderMalformed: 'IncompleteSignatureException',
  AuthorizationQueryParametersError: 'IncompleteSignatureException',
  MissingContentLength: 'LengthRequiredException',
  NotImplemented: 'NotImplementedException',
  MethodNotAllowed: 'MethodNotAllowedException',
};

/** The types this dialect itself answers with (already MediaStore names). */
const OWN_TYPES = new Set([
  'ObjectNotFoundException',
  'ContainerNotFoundException',
  'RequestedRangeNotSatisfiableException',
  'InternalServerError',
  'ValidationException',
  'ExpiredNextTokenException',
  'MethodNotAllowedException',
  'RequestTimeoutException',
]);

/** Any error → the MediaStore JSON error (status, type, message, extra headers). */
export function toMediaStoreError(error: unknown): { status: number; type: string; message: string; headers: Record<string, string> } {
  if (isHttpError(error)) {
    if (OWN_TYPES.has(error.code)) return { status: error.status, type: error.code, message: errorMessage(error.message), headers: error.headers };
    const type = AUTH_TYPES[error.code] ?? (error.status >= 500 ? 'InternalServerError' : 'ValidationException');
    return { status: error.status, type, message: errorMessage(error.message), headers: error.headers };
  }
  if (isStowageError(error)) {
    switch (error.code) {
      case 'ObjectNotFound':
      case 'VersionNotFound':
        return { status: 404, type: 'ObjectNotFoundException', message: 'The object does not exist', headers: {} };
      case 'BucketNotFound':
        return { status: 404, type: 'ContainerNotFoundException', message: 'The specified container was not found for the specified account', headers: {} };
      case 'InvalidRange':
        return { status: 416, type: 'RequestedRangeNotSatisfiableException', message: errorMessage(error.message), headers: {} };
      case 'InvalidArgument':
      case 'NotSupported':
      case 'IntegrityError':
        return { status: 400, type: 'ValidationException', message: errorMessage(error.message), headers: {} };
      case 'AccessDenied':
        return { status: 403, type: 'AccessDeniedException', message: errorMessage(error.message), headers: {} };
      case 'Throttled':
        return { status: 429, type: 'ThrottlingException', message: errorMessage(error.message), headers: {} };
      default:
        return { status: 500, type: 'InternalServerError', message: 'The service is temporarily unavailable', headers: {} };
    }
  }
  return { status: 500, type: 'InternalServerError', message: 'The service is temporarily unavailable', headers: {} };
}
