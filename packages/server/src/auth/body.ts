import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import { authErrors, HttpError, isHttpError } from '../http/errors.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import type { AuthResult, SignedRequest } from './authenticate.js';
import { AMZ_CHECKSUMS, createChecksum, parseDigest, type Checksum, type ChecksumName } from './checksums.js';

/** A request body after decoding and with every integrity check the request asked for attached. */
export interface VerifiedBody {
  /** The payload bytes; errors (before its end) if any check fails. */
  stream: Readable;
  /** Payload length when known (Content-Length, or x-amz-decoded-content-length for aws-chunked). */
  length: number | undefined;
  /** The first verification failure, once the stream has errored (the error a consumer may have wrapped). */
  failure(): HttpError | undefined;
  /** The checksum values the client declared (header or trailer), by algorithm, once the body is read. */
  checksums(): Partial<Record<ChecksumName, string>>;
}

interface Check {
  name: string;
  checksum: Checksum;
  /** Called with the computed digest at the end; throws on mismatch. */
  verify(digest: Buffer): void;
}

/**
 * Builds the body pipeline: request → (aws-chunked decoder verifying chunk
 * signatures) → one pass computing every digest asked for (x-amz-content-sha256,
 * Content-MD5, x-amz-checksum-* headers or trailers, the deferred signature)
 * and checking the length. Nothing is buffered beyond stream chunks; every
 * check runs before the stream ends, so a store never commits a bad body.
 * Header-format errors throw at once (before any byte is read).
 */
export function verifiedBody(source: Readable, req: SignedRequest, auth: AuthResult | undefined): VerifiedBody {
  let failure: HttpError | undefined;
  const record = (e: unknown) => {
    if (failure === undefined && isHttpError(e)) failure = e;
  };
  const payload = auth?.payload ?? { kind: 'unsigned' as const };
  const chunked = payload.kind === 'chunked-signed' || payload.kind === 'chunked-unsigned-trailer' || /(^|,)\s*aws-chunked\s*(,|$)/i.test(req.header('content-encoding') ?? '');

  const contentLength = parseLength(req.header('content-length'), 'Content-Length');
  let length: number | undefined;
  let decoder: AwsChunkedDecoder | undefined;
  if (chunked) {
    const decodedLength = parseLength(req.header('x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
    if (decodedLength === undefined) throw authErrors.missingLength();
    length = decodedLength;
    const trailerNames = (req.header('x-amz-trailer') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const trailer = payload.kind === 'chunked-unsigned-trailer' || (payload.kind === 'chunked-signed' && payload.trailer) || trailerNames.length > 0;
    decoder = new AwsChunkedDecoder({
      signing: payload.kind === 'chunked-signed' && auth ? { datetime: auth.datetime, scope: auth.scope, key: auth.signingKey, seedSignature: auth.signature } : undefined,
      trailer,
      decodedLength,
    });
  } else {
    length = contentLength ?? (req.hasBody ? undefined : 0);
  }

  const declared: Partial<Record<ChecksumName, string>> = {};
  const checks: Check[] = [];
  if (payload.kind === 'sha256') {
    checks.push({
      name: 'sha256-payload',
      checksum: createChecksum('sha256'),
      verify: (digest) => {
        const computed = digest.toString('hex');
        if (computed !== payload.hash) throw authErrors.sha256Mismatch(payload.hash, computed);
      },
    });
  } else if (payload.kind === 'deferred') {
    checks.push({ name: 'signature', checksum: createChecksum('sha256'), verify: (digest) => payload.verify(digest.toString('hex')) });
  }

  const md5 = req.header('content-md5');
  if (md5 !== undefined) {
    const expected = parseDigest('md5', md5);
    if (!expected) throw authErrors.invalidDigest();
    declared.md5 = md5.trim();
    checks.push({
      name: 'md5',
      checksum: createChecksum('md5'),
      verify: (digest) => {
        if (!digest.equals(expected)) throw authErrors.badDigest();
      },
    });
  }

  const trailerNames = new Set((req.header('x-amz-trailer') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  // On CompleteMultipartUpload (POST ?uploadId) an x-amz-checksum-* header is the whole object's, not the XML body's.
  const objectChecksumHeaders = req.method === 'POST' && req.queryPairs.some(([name]) => name === 'uploadId');
  for (const name of AMZ_CHECKSUMS) {
    const header = `x-amz-checksum-${name}`;
    const value = objectChecksumHeaders ? undefined : req.header(header);
    const inTrailer = trailerNames.has(header);
    if (value === undefined && !inTrailer) continue;
    if (value !== undefined && inTrailer) throw authErrors.invalidRequest(`Expecting a single x-amz-checksum- header; ${header} is both a header and a trailer.`);
    if (inTrailer && !decoder) throw authErrors.invalidRequest(`x-amz-trailer ${header} needs an aws-chunked body.`);
    let expected: Buffer | undefined;
    if (value !== undefined) {
      expected = parseDigest(name, value);
      if (!expected) throw authErrors.invalidRequest(`Value for ${header} header is invalid.`);
      declared[name] = value.trim();
    }
    checks.push({
      name,
      checksum: createChecksum(name),
      verify: (digest) => {
        let want = expected;
        if (inTrailer) {
          const trailerValue = decoder!.trailers.get(header);
          if (trailerValue === undefined) throw authErrors.invalidRequest(`The trailing header ${header} declared in x-amz-trailer was not sent.`);
          want = parseDigest(name, trailerValue);
          if (!want) throw authErrors.invalidRequest(`Value for ${header} trailing header is invalid.`);
          declared[name] = trailerValue;
        }
        if (!digest.equals(want!)) throw authErrors.badDigest(`The ${name.toUpperCase()} you specified did not match the calculated checksum.`);
      },
    });
  }
  for (const name of trailerNames) {
    if (name.startsWith('x-amz-checksum-') && !AMZ_CHECKSUMS.includes(name.slice(15) as ChecksumName)) {
      throw authErrors.invalidRequest(`The trailing header ${name} names an unknown checksum algorithm.`);
    }
  }

  const verifier = new DigestVerifier(checks, length);
  const stages: NodeJS.ReadWriteStream[] = decoder ? [decoder, verifier] : [verifier];
  for (const s of stages) (s as Transform).once('error', record);
  source.once('error', record);
  // pipeline destroys every stage when one fails or the consumer stops reading.
  const stream = pipeline([source, ...stages] as unknown as [Readable, Transform], (e) => {
    if (e) record(e);
  }) as unknown as Readable;
  return { stream, length, failure: () => failure, checksums: () => declared };
}

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) throw authErrors.invalidRequest(`Invalid ${name}: ${value}`);
  return Number(v);
}

/** One pass over the payload: every digest, the byte count; all verified in flush (before the stream ends). */
class DigestVerifier extends Transform {
  private count = 0;

  constructor(
    private readonly checks: Check[],
    private readonly expectedLength: number | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.expectedLength !== undefined && this.count > this.expectedLength) {
      callback(authErrors.incompleteBody('The body is longer than its declared length.'));
      return;
    }
    for (const c of this.checks) c.checksum.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.expectedLength !== undefined && this.count !== this.expectedLength) throw authErrors.incompleteBody();
      for (const c of this.checks) c.verify(c.checksum.digest());
      callback();
    } catch (e) {
      callback(e instanceof HttpError ? e : new HttpError(400, 'InvalidRequest', (e as Error).message));
    }
  }
}
