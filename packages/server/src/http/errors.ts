/**
 * A protocol error with the AWS error code and HTTP status it answers with.
 * Thrown by the dialect-independent layers (auth, body verification, request
 * parsing) and by dialects; each dialect renders it in its own format (S3:
 * an XML `<Error>` document; MediaStore: JSON).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields the error document carries (e.g. `Key`, `BucketName`, `ArgumentName`). */
    readonly fields: Record<string, string> = {},
    /** Extra response headers. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function isHttpError(value: unknown): value is HttpError {
  return value instanceof HttpError;
}

// The auth and integrity errors every AWS REST protocol shares.
export const authErrors = {
  accessDenied: (message = 'Access Denied') => new HttpError(403, 'AccessDenied', message),
  missingAuth: () => new HttpError(403, 'AccessDenied', 'Anonymous access is not allowed: sign the request with AWS Signature Version 4'),
  invalidAccessKey: (id: string) =>
    new HttpError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: id }),
  signatureMismatch: (stringToSign?: string, canonical?: string) =>
    new HttpError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      stringToSign !== undefined ? { StringToSign: stringToSign, CanonicalRequest: canonical ?? '' } : {},
    ),
  malformedHeader: (message: string) => new HttpError(400, 'AuthorizationHeaderMalformed', message),
  malformedQuery: (message: string) => new HttpError(400, 'AuthorizationQueryParametersError', message),
  skewed: (requestTime: string, serverTime: string) =>
    new HttpError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
      RequestTime: requestTime,
      ServerTime: serverTime,
      MaxAllowedSkewMilliseconds: '900000',
    }),
  expired: (expires: string, serverTime: string) =>
    new HttpError(403, 'AccessDenied', 'Request has expired', { Expires: expires, ServerTime: serverTime }),
  invalidRequest: (message: string) => new HttpError(400, 'InvalidRequest', message),
  badDigest: (message = 'The Content-MD5 you specified did not match what we received.') => new HttpError(400, 'BadDigest', message),
  invalidDigest: (message = 'The Content-MD5 you specified was invalid.') => new HttpError(400, 'InvalidDigest', message),
  sha256Mismatch: (client: string, computed: string) =>
    new HttpError(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
      ClientComputedContentSHA256: client,
      S3ComputedContentSHA256: computed,
    }),
  incompleteBody: (message = 'You did not provide the number of bytes specified by the Content-Length HTTP header.') =>
    new HttpError(400, 'IncompleteBody', message),
  missingLength: () => new HttpError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
};
