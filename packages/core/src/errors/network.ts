/**
 * Node's socket and DNS failure codes, and the HTTP clients' names for the
 * same (the AWS SDK v2 family's NetworkingError, a body cut short): a request
 * that failed before any answer, worth retrying.
 */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
  'NetworkingError',
  'StreamContentLengthMismatch',
]);

/**
 * The network failure code of an error or of one it wraps (`cause`, or the
 * v2 SDKs' `originalError`, five levels deep), or undefined when it is no
 * network failure. A socket closed mid-answer ("socket hang up", "other side
 * closed") counts as ECONNRESET. `alsoCodes` adds an adapter's own names
 * (ibm-cos-sdk's `TimeoutError`).
 */
export function networkErrorCode(e: unknown, alsoCodes: readonly string[] = []): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const { code, message, originalError, cause } = cur as { code?: unknown; message?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || alsoCodes.includes(code))) return code;
    if (typeof message === 'string' && /socket hang up|other side closed|ECONNRESET|ECONNREFUSED/i.test(message)) return 'ECONNRESET';
    cur = originalError ?? cause;
  }
  return undefined;
}
