import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4, the parts shared by the verifier (header and
 * presigned-query auth, aws-chunked chunk signatures) and by the presigner:
 * URI encoding, the canonical request, the string to sign and the signing key.
 * Nothing here is S3-specific: the service name is a parameter.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-._~` (and `/` when asked) as %XX of UTF-8 bytes. */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || c === '-' || c === '.' || c === '_' || c === '~' || (keepSlash && c === '/')) {
      out += c;
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** The canonical query string from decoded name/value pairs. */
export function canonicalQueryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** A header's canonical value: each value trimmed, inner runs of spaces collapsed, joined by commas. */
export function canonicalHeaderValue(values: readonly string[]): string {
  return values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
}

export interface CanonicalRequestInput {
  method: string;
  /** The canonical URI (already encoded). */
  path: string;
  /** Decoded query pairs (without X-Amz-Signature). */
  query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header name → its values. */
  headers: (name: string) => readonly string[] | undefined;
  /** Lower-case, sorted. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  const headerLines = input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(input.headers(name) ?? [])}\n`).join('');
  return [input.method, input.path, canonicalQueryString(input.query), headerLines, input.signedHeaders.join(';'), input.payloadHash].join('\n');
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function stringToSign(datetime: string, scope: string, canonical: string): string {
  return `${ALGORITHM}\n${datetime}\n${scope}\n${sha256Hex(canonical)}`;
}

const keyCache = new Map<string, Buffer>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"); cached per day. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${sha256Hex(secretAccessKey)}/${date}/${region}/${service}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const key = hmac(kService, 'aws4_request');
  if (keyCache.size > 256) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

export function signatureOf(key: Uint8Array, toSign: string): string {
  return hmac(key, toSign).toString('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `20150830T123600Z` for a Date. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Parses `20150830T123600Z`; undefined when malformed. */
export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) || amzDate(d) !== value ? undefined : d;
}

/** The string to sign for one aws-chunked chunk (the chunk signature chains on the previous one). */
export function chunkStringToSign(datetime: string, scope: string, previousSignature: string, chunkHash: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${datetime}\n${scope}\n${previousSignature}\n${EMPTY_SHA256}\n${chunkHash}`;
}

/** The string to sign for the trailing headers of an aws-chunked body. */
export function trailerStringToSign(datetime: string, scope: string, previousSignature: string, trailerHash: string): string {
  return `AWS4-HMAC-SHA256-TRAILER\n${datetime}\n${scope}\n${previousSignature}\n${trailerHash}`;
}

export interface PresignInput {
  method: string;
  url: URL;
  credentials: Credentials;
  region: string;
  service: string;
  expiresIn: number;
  now?: Date;
  /** Extra headers the URL's user must send, signed (e.g. content-type). `host` is always signed. */
  headers?: Record<string, string>;
  sessionToken?: string;
}

/**
 * A presigned URL (query-string SigV4) — the same canonical-request code the
 * verifier uses. The path of `url` must already be URI-encoded the S3 way.
 */
export function presignUrl(input: PresignInput): string {
  const now = input.now ?? new Date();
  const datetime = amzDate(now);
  const date = datetime.slice(0, 8);
  const scope = credentialScope(date, input.region, input.service);
  const headers = new Map<string, string>([['host', input.url.host]]);
  for (const [name, value] of Object.entries(input.headers ?? {})) headers.set(name.toLowerCase(), value);
  const signedHeaders = [...headers.keys()].sort();
  const url = new URL(input.url.href);
  const params: Array<[string, string]> = [];
  for (const [name, value] of url.searchParams) params.push([name, value]);
  params.push(
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${input.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', datetime],
    ['X-Amz-Expires', String(input.expiresIn)],
    ['X-Amz-SignedHeaders', signedHeaders.join(';')],
  );
  if (input.sessionToken !== undefined) params.push(['X-Amz-Security-Token', input.sessionToken]);
  const canonical = canonicalRequest({
    method: input.method,
    path: url.pathname,
    query: params,
    headers: (name) => {
      const v = headers.get(name);
      return v === undefined ? undefined : [v];
    },
    signedHeaders,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const key = signingKey(input.credentials.secretAccessKey, date, input.region, input.service);
  const signature = signatureOf(key, stringToSign(datetime, scope, canonical));
  const query = [...params, ['X-Amz-Signature', signature] as [string, string]].map(([n, v]) => `${uriEncode(n)}=${uriEncode(v)}`).join('&');
  return `${url.origin}${url.pathname}?${query}`;
}
