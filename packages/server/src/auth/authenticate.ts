import { authErrors, HttpError } from '../http/errors.js';
import {
  ALGORITHM,
  amzDate,
  canonicalRequest,
  credentialScope,
  EMPTY_SHA256,
  parseAmzDate,
  signatureOf,
  signaturesEqual,
  signingKey,
  stringToSign,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
  uriEncode,
} from './sigv4.js';

/** What the verifier needs to know of a request (the HTTP layer's RequestContext provides it). */
export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  rawPath: string;
  /** Decoded query pairs in the order sent. */
  queryPairs: ReadonlyArray<readonly [string, string]>;
  /** Every value of a header (lower-case name), undefined when absent. */
  headerValues(name: string): readonly string[] | undefined;
  header(name: string): string | undefined;
  /** The lower-case names of the headers sent. */
  headerNames(): string[];
  /** True when the request has a body (Content-Length > 0 or Transfer-Encoding). */
  hasBody: boolean;
}

export interface AuthOptions {
  /** The SigV4 service name of the dialect (`s3`, `mediastore`…). */
  service: string;
  region: string;
  /** The secret for an access key id, or undefined if unknown. */
  secretFor(accessKeyId: string): string | undefined;
  now(): Date;
  /** Max clock difference for header auth (default 15 min). */
  maxSkewMs?: number;
  /** The service requires `x-amz-content-sha256` on header-signed requests (S3 does). */
  requirePayloadHashHeader?: boolean;
}

/** How the body is protected, decided by the signature. */
export type PayloadMode =
  | { kind: 'unsigned' }
  /** The body must hash (SHA-256, hex) to this. */
  | { kind: 'sha256'; hash: string }
  /** aws-chunked with per-chunk signatures; `trailer` when trailing headers (checksums) are signed too. */
  | { kind: 'chunked-signed'; trailer: boolean }
  /** aws-chunked without chunk signatures, with trailing checksums. */
  | { kind: 'chunked-unsigned-trailer' }
  /** No payload hash was declared: the signature covers the body's hash and is checked when the body ends. */
  | { kind: 'deferred'; verify(bodyHash: string): void };

export interface AuthResult {
  accessKeyId: string;
  via: 'header' | 'query';
  payload: PayloadMode;
  /** The request's signature: the seed of aws-chunked chunk signatures. */
  signature: string;
  datetime: string;
  scope: string;
  signingKey: Buffer;
}

const MAX_PRESIGN_EXPIRY = 7 * 24 * 3600;

/**
 * Authenticates a request signed with SigV4, in the Authorization header or
 * the query string (a presigned URL). Throws an HttpError with the AWS code.
 */
export function authenticate(req: SignedRequest, options: AuthOptions): AuthResult {
  const authorization = req.header('authorization');
  const hasQuerySignature = req.queryPairs.some(([n]) => n === 'X-Amz-Signature' || n === 'X-Amz-Algorithm' || n === 'X-Amz-Credential');
  if (authorization !== undefined && hasQuerySignature) throw authErrors.invalidRequest('Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
  if (authorization !== undefined) return headerAuth(req, authorization, options);
  if (hasQuerySignature) return queryAuth(req, options);
  if (req.queryPairs.some(([n]) => n === 'AWSAccessKeyId' || n === 'Signature')) {
    throw authErrors.invalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  throw authErrors.missingAuth();
}

interface Parsed {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseCredential(value: string, malformed: (m: string) => HttpError): Omit<Parsed, 'signedHeaders' | 'signature'> {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || parts.some((p) => p === '')) {
    throw malformed(`The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!/^\d{8}$/.test(date)) throw malformed(`Invalid credential date "${date}". This date is not in yyyyMMdd format.`);
  return { accessKeyId, date, region, service };
}

function parseSignedHeaders(value: string, malformed: (m: string) => HttpError): string[] {
  const list = value.split(';');
  if (list.some((h) => h === '' || h !== h.toLowerCase().trim())) throw malformed('SignedHeaders must be lower-case header names separated by ";"');
  return list;
}

function headerAuth(req: SignedRequest, authorization: string, options: AuthOptions): AuthResult {
  const malformed = authErrors.malformedHeader;
  const trimmed = authorization.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    if (/^AWS\s/.test(trimmed)) throw authErrors.invalidRequest('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    throw malformed(`The authorization header is malformed; the authorization mechanism must be ${ALGORITHM}.`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed('The authorization header is malformed.');
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeadersField = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeadersField === undefined || signature === undefined) {
    throw malformed('The authorization header is malformed; it needs Credential, SignedHeaders and Signature.');
  }
  const cred = parseCredential(credential, malformed);
  const signedHeaders = parseSignedHeaders(signedHeadersField, malformed);

  // The request time: x-amz-date, else Date.
  const xAmzDate = req.header('x-amz-date');
  const dateHeader = req.header('date');
  let time: Date | undefined;
  let datetime: string;
  if (xAmzDate !== undefined) {
    time = parseAmzDate(xAmzDate.trim());
    datetime = xAmzDate.trim();
  } else if (dateHeader !== undefined) {
    const t = new Date(dateHeader);
    time = Number.isNaN(t.getTime()) ? undefined : t;
    datetime = time ? amzDate(time) : '';
  } else {
    throw authErrors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  }
  if (time === undefined) throw authErrors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const now = options.now();
  if (Math.abs(now.getTime() - time.getTime()) > (options.maxSkewMs ?? 15 * 60_000)) throw authErrors.skewed(datetime, amzDate(now));
  checkScope(cred, datetime, options, malformed);
  if (!signedHeaders.includes('host')) throw malformed('The host header must be signed.');
  if (xAmzDate !== undefined && !signedHeaders.includes('x-amz-date') && !signedHeaders.includes('date')) throw authErrors.accessDenied('The x-amz-date header must be signed');
  checkUnsignedAmzHeaders(req, signedHeaders);

  const declared = req.header('x-amz-content-sha256')?.trim();
  let payload: PayloadMode;
  let payloadHash: string;
  if (declared === undefined) {
    if (options.requirePayloadHashHeader) throw authErrors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
    payloadHash = req.hasBody ? '' : EMPTY_SHA256;
    payload = { kind: 'unsigned' };
  } else {
    payloadHash = declared;
    payload = payloadModeOf(declared);
  }

  const secret = options.secretFor(cred.accessKeyId);
  if (secret === undefined) throw authErrors.invalidAccessKey(cred.accessKeyId);
  const key = signingKey(secret, cred.date, cred.region, cred.service);
  const scope = credentialScope(cred.date, cred.region, cred.service);
  const check = (hash: string) => verifySignature(req, { signedHeaders, payloadHash: hash, datetime, scope, key, signature, query: req.queryPairs, service: cred.service });

  if (payloadHash === '') {
    // No hash declared and a body follows: the signature is checked once the body has been hashed.
    return {
      accessKeyId: cred.accessKeyId,
      via: 'header',
      payload: { kind: 'deferred', verify: check },
      signature,
      datetime,
      scope,
      signingKey: key,
    };
  }
  check(payloadHash);
  return { accessKeyId: cred.accessKeyId, via: 'header', payload, signature, datetime, scope, signingKey: key };
}

function queryAuth(req: SignedRequest, options: AuthOptions): AuthResult {
  const malformed = authErrors.malformedQuery;
  const get = (name: string) => {
    const found = req.queryPairs.filter(([n]) => n === name);
    if (found.length > 1) throw malformed(`The query parameter ${name} was given more than once.`);
    return found[0]?.[1];
  };
  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const date = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const signedHeadersField = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (algorithm === undefined || credential === undefined || date === undefined || signedHeadersField === undefined || signature === undefined) {
    throw malformed('Query-string authentication requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
  }
  if (algorithm !== ALGORITHM) throw malformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const cred = parseCredential(credential, malformed);
  const time = parseAmzDate(date);
  if (time === undefined) throw authErrors.accessDenied('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (expires === undefined) throw malformed('X-Amz-Expires must be given.');
  if (!/^\d+$/.test(expires)) throw malformed('X-Amz-Expires should be a number');
  const seconds = Number(expires);
  if (seconds < 1) throw malformed('X-Amz-Expires must be non-negative');
  if (seconds > MAX_PRESIGN_EXPIRY) throw malformed('X-Amz-Expires must be less than a week (in seconds) that is 604800');
  const signedHeaders = parseSignedHeaders(signedHeadersField, malformed);
  checkScope(cred, date, options, malformed);
  if (!signedHeaders.includes('host')) throw malformed('The host header must be signed.');
  checkUnsignedAmzHeaders(req, signedHeaders);

  const secret = options.secretFor(cred.accessKeyId);
  if (secret === undefined) throw authErrors.invalidAccessKey(cred.accessKeyId);
  const key = signingKey(secret, cred.date, cred.region, cred.service);
  const scope = credentialScope(cred.date, cred.region, cred.service);
  const declared = req.header('x-amz-content-sha256')?.trim();
  const payloadHash = declared ?? UNSIGNED_PAYLOAD;
  const verify = (hash: string) =>
    verifySignature(req, { signedHeaders, payloadHash: hash, datetime: date, scope, key, signature, query: req.queryPairs.filter(([n]) => n !== 'X-Amz-Signature'), service: cred.service });
  // The signature first: an expired URL with a wrong signature is a wrong signature.
  try {
    verify(payloadHash);
  } catch (e) {
    // S3 presigners sign UNSIGNED-PAYLOAD; the SDKs' generic SigV4 presign (any other
    // service, e.g. MediaStore) signs the payload's hash: for a bodiless request, the empty one.
    if (declared !== undefined || req.hasBody) throw e;
    try {
      verify(EMPTY_SHA256);
    } catch {
      throw e;
    }
  }
  const now = options.now();
  if (now.getTime() > time.getTime() + seconds * 1000) {
    throw authErrors.expired(new Date(time.getTime() + seconds * 1000).toISOString(), now.toISOString());
  }
  if (time.getTime() - now.getTime() > (options.maxSkewMs ?? 15 * 60_000)) throw authErrors.accessDenied('Request is not valid yet');
  return { accessKeyId: cred.accessKeyId, via: 'query', payload: payloadModeOf(payloadHash), signature, datetime: date, scope, signingKey: key };
}

function checkScope(cred: { date: string; region: string; service: string }, datetime: string, options: AuthOptions, malformed: (m: string) => HttpError) {
  if (cred.date !== datetime.slice(0, 8)) throw malformed(`Invalid credential date "${cred.date}". This date is not the same as X-Amz-Date: "${datetime.slice(0, 8)}".`);
  if (cred.region !== options.region) throw malformed(`The authorization header is malformed; the region '${cred.region}' is wrong; expecting '${options.region}'`);
  if (cred.service !== options.service) throw malformed(`The authorization header is malformed; incorrect service "${cred.service}". This endpoint belongs to "${options.service}".`);
}

/** Every x-amz-* header sent must be covered by the signature (else it could be added by anyone). */
function checkUnsignedAmzHeaders(req: SignedRequest, signed: readonly string[]) {
  const unsigned = req.headerNames().filter((n) => n.startsWith('x-amz-') && !signed.includes(n));
  if (unsigned.length > 0) throw new HttpError(403, 'AccessDenied', `There were headers present in the request which were not signed: ${unsigned.join(', ')}`, { HeadersNotSigned: unsigned.join(', ') });
}

function payloadModeOf(declared: string): PayloadMode {
  switch (declared) {
    case UNSIGNED_PAYLOAD:
      return { kind: 'unsigned' };
    case STREAMING_SIGNED:
      return { kind: 'chunked-signed', trailer: false };
    case STREAMING_SIGNED_TRAILER:
      return { kind: 'chunked-signed', trailer: true };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: 'chunked-unsigned-trailer' };
    default:
      if (/^[0-9a-f]{64}$/.test(declared)) return { kind: 'sha256', hash: declared };
      if (declared.startsWith('STREAMING-AWS4-ECDSA')) throw new HttpError(501, 'NotImplemented', 'SigV4a (ECDSA) streaming signatures are not implemented');
      throw authErrors.invalidRequest(`x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-* or a valid sha256 value.`);
  }
}

interface VerifyInput {
  signedHeaders: readonly string[];
  payloadHash: string;
  datetime: string;
  scope: string;
  key: Buffer;
  signature: string;
  query: ReadonlyArray<readonly [string, string]>;
  /** The signing service: every service but S3 signs the path normalised and encoded twice. */
  service: string;
}

/**
 * Checks the signature against the canonical request. The canonical URI is the
 * decoded path re-encoded the S3 way (so any client encoding of the same key
 * matches); the path exactly as sent is tried second.
 */
function verifySignature(req: SignedRequest, input: VerifyInput): void {
  const candidates: string[] = [];
  const normalized = normalizedPath(req.rawPath);
  if (normalized !== undefined) candidates.push(normalized);
  if (!candidates.includes(req.rawPath)) candidates.push(req.rawPath);
  if (input.service !== 's3') {
    const twice = doubleEncodedPath(req.rawPath);
    if (!candidates.includes(twice)) candidates.push(twice);
  }
  let first: { toSign: string; canonical: string } | undefined;
  for (const path of candidates) {
    const canonical = canonicalRequest({
      method: req.method,
      path,
      query: input.query,
      headers: (name) => req.headerValues(name),
      signedHeaders: input.signedHeaders,
      payloadHash: input.payloadHash,
    });
    const toSign = stringToSign(input.datetime, input.scope, canonical);
    if (signaturesEqual(signatureOf(input.key, toSign), input.signature)) return;
    first ??= { toSign, canonical };
  }
  throw authErrors.signatureMismatch(first?.toSign, first?.canonical);
}

/**
 * The canonical URI of SigV4 for services other than S3 (MediaStore…): empty
 * and `.` segments dropped, `..` resolved, then the (already encoded) path
 * URI-encoded once more, as the AWS SDKs' signers make it.
 */
function doubleEncodedPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const path = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(path, true);
}

function normalizedPath(rawPath: string): string | undefined {
  try {
    return uriEncode(decodeURIComponent(rawPath), true);
  } catch {
    return undefined;
  }
}
