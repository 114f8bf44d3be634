import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { authErrors, HttpError } from '../http/errors.js';
import { chunkStringToSign, EMPTY_SHA256, sha256Hex, signatureOf, signaturesEqual, trailerStringToSign } from './sigv4.js';

export interface ChunkSigning {
  datetime: string;
  scope: string;
  key: Buffer;
  /** The request's own signature: the first chunk's signature chains on it. */
  seedSignature: string;
}

export interface AwsChunkedOptions {
  /** Per-chunk signatures to verify; absent for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  signing?: ChunkSigning;
  /** Trailing headers follow the last chunk (x-amz-trailer). */
  trailer: boolean;
  /** The number of payload bytes the client declared (x-amz-decoded-content-length). */
  decodedLength?: number;
}

const MAX_LINE = 4096;
const CRLF_ERROR = 'The aws-chunked body is malformed';

type State = 'header' | 'data' | 'data-end' | 'trailer' | 'final' | 'done';

/**
 * Decodes an `aws-chunked` body (`hex-size[;chunk-signature=sig]\r\n data \r\n`
 * … `0…\r\n` [trailers] `\r\n`) as a stream. Payload bytes are passed on as
 * they arrive (never a whole chunk buffered); each chunk's signature is
 * checked at its end, chained on the previous one, and a bad one errors the
 * stream before it ends, so a consumer never sees a clean end of a forged
 * body. Trailing headers (e.g. `x-amz-checksum-crc32`) are collected in
 * `trailers` and, when signed, verified with `x-amz-trailer-signature`.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private state: State = 'header';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  private decoded = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature: string | undefined;
  private previousSignature: string;

  constructor(private readonly options: AwsChunkedOptions) {
    super();
    this.previousSignature = options.signing?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const rest = Buffer.concat(this.line).toString('latin1');
      if (this.state === 'trailer') {
        // Lenient about a missing final blank line after the trailers.
        if (rest.trim() !== '') this.onLine(rest.replace(/\r$/, ''));
        if (this.state === 'trailer') this.endTrailers();
      } else if (this.state === 'final' && rest.trim() === '') {
        this.state = 'done';
      }
      if (this.state !== 'done') throw authErrors.incompleteBody('The aws-chunked body ended before its final chunk.');
      if (this.options.decodedLength !== undefined && this.decoded !== this.options.decodedLength) {
        throw authErrors.incompleteBody(`The aws-chunked body carried ${this.decoded} bytes; x-amz-decoded-content-length says ${this.options.decodedLength}.`);
      }
      callback();
    } catch (e) {
      callback(e as Error);
    }
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, buf.length - i);
        const part = buf.subarray(i, i + take);
        this.chunkHash?.update(part);
        this.decoded += take;
        if (this.options.decodedLength !== undefined && this.decoded > this.options.decodedLength) {
          throw authErrors.incompleteBody('The aws-chunked body carries more bytes than x-amz-decoded-content-length.');
        }
        this.push(part);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        // Only whitespace may follow the end.
        for (; i < buf.length; i++) if (buf[i] !== 0x0d && buf[i] !== 0x0a) throw authErrors.invalidRequest(`${CRLF_ERROR}: data after the final chunk.`);
        return;
      }
      const nl = buf.indexOf(0x0a, i);
      const end = nl === -1 ? buf.length : nl + 1;
      this.line.push(buf.subarray(i, end));
      this.lineLength += end - i;
      i = end;
      if (this.lineLength > MAX_LINE) throw authErrors.invalidRequest(`${CRLF_ERROR}: a chunk header or trailer line is too long.`);
      if (nl === -1) return;
      const text = Buffer.concat(this.line).toString('latin1').replace(/\r?\n$/, '');
      this.line = [];
      this.lineLength = 0;
      this.onLine(text);
    }
  }

  private onLine(text: string): void {
    switch (this.state) {
      case 'data-end':
        if (text !== '') throw authErrors.invalidRequest(`${CRLF_ERROR}: a chunk is longer than its declared size.`);
        if (this.chunkHash) this.verifyChunk(this.chunkHash.digest('hex'));
        this.state = 'header';
        return;
      case 'header': {
        const [sizeText, ...extensions] = text.split(';');
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText?.trim() ?? '')) throw authErrors.invalidRequest(`${CRLF_ERROR}: bad chunk size "${sizeText}".`);
        const size = Number.parseInt(sizeText!.trim(), 16);
        if (!Number.isSafeInteger(size)) throw authErrors.invalidRequest(`${CRLF_ERROR}: chunk size too large.`);
        this.chunkSignature = undefined;
        for (const ext of extensions) {
          const eq = ext.indexOf('=');
          if (eq > 0 && ext.slice(0, eq).trim() === 'chunk-signature') this.chunkSignature = ext.slice(eq + 1).trim();
        }
        if (this.options.signing && this.chunkSignature === undefined) throw authErrors.signatureMismatch();
        if (size > 0) {
          this.remaining = size;
          this.chunkHash = this.options.signing ? createHash('sha256') : undefined;
          this.state = 'data';
        } else {
          this.verifyChunk(EMPTY_SHA256);
          this.state = this.options.trailer ? 'trailer' : 'final';
        }
        return;
      }
      case 'trailer': {
        if (text === '') return this.endTrailers();
        const colon = text.indexOf(':');
        if (colon <= 0) throw authErrors.invalidRequest(`${CRLF_ERROR}: bad trailing header.`);
        this.trailers.set(text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim());
        return;
      }
      case 'final':
        if (text !== '') throw authErrors.invalidRequest(`${CRLF_ERROR}: data after the final chunk.`);
        this.state = 'done';
        return;
      default:
        throw authErrors.invalidRequest(CRLF_ERROR);
    }
  }

  private verifyChunk(hash: string): void {
    const signing = this.options.signing;
    if (!signing) return;
    const expected = signatureOf(signing.key, chunkStringToSign(signing.datetime, signing.scope, this.previousSignature, hash));
    if (!signaturesEqual(expected, this.chunkSignature ?? '')) throw chunkSignatureError();
    this.previousSignature = expected;
  }

  private endTrailers(): void {
    const signing = this.options.signing;
    if (signing) {
      const given = this.trailers.get('x-amz-trailer-signature');
      if (given === undefined) throw chunkSignatureError();
      const canonical = [...this.trailers].filter(([n]) => n !== 'x-amz-trailer-signature').map(([n, v]) => `${n}:${v}\n`).join('');
      const expected = signatureOf(signing.key, trailerStringToSign(signing.datetime, signing.scope, this.previousSignature, sha256Hex(canonical)));
      if (!signaturesEqual(expected, given)) throw chunkSignatureError();
    }
    this.state = 'done';
  }
}

function chunkSignatureError(): HttpError {
  return new HttpError(403, 'SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
}

/**
 * Encodes a payload as aws-chunked with chunk signatures (what a signing client
 * sends). For tests and tools; the server only decodes.
 */
export function encodeAwsChunked(
  payload: Uint8Array,
  chunkSize: number,
  signing?: ChunkSigning,
  trailers?: Record<string, string>,
): Buffer {
  const parts: Buffer[] = [];
  let previous = signing?.seedSignature ?? '';
  const chunk = (data: Uint8Array) => {
    let header = data.length.toString(16);
    if (signing) {
      previous = signatureOf(signing.key, chunkStringToSign(signing.datetime, signing.scope, previous, sha256Hex(data)));
      header += `;chunk-signature=${previous}`;
    }
    parts.push(Buffer.from(`${header}\r\n`, 'latin1'), Buffer.from(data));
    if (data.length > 0) parts.push(Buffer.from('\r\n'));
  };
  for (let offset = 0; offset < payload.length; offset += chunkSize) chunk(payload.subarray(offset, Math.min(payload.length, offset + chunkSize)));
  chunk(new Uint8Array(0));
  if (trailers) {
    const lines = Object.entries(trailers).map(([n, v]) => `${n}:${v}\n`);
    let text = Object.entries(trailers).map(([n, v]) => `${n}:${v}\r\n`).join('');
    if (signing) {
      const sig = signatureOf(signing.key, trailerStringToSign(signing.datetime, signing.scope, previous, sha256Hex(lines.join(''))));
      text += `x-amz-trailer-signature:${sig}\r\n`;
    }
    parts.push(Buffer.from(text, 'latin1'));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
