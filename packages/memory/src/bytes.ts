import { createHash } from 'node:crypto';
import { abortError, checksumBase64 as checksumOf, InvalidArgumentError, IntegrityError, NotSupportedError, type BodyChecksum, type DriverBody } from '@stowage/core';

const PROVIDER = { provider: 'memory' } as const;

/** Chunk size of object bodies handed out by the memory store. */
export const CHUNK_SIZE = 64 * 1024;

export const EMPTY = new Uint8Array(0);

export function md5(data: Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

/** The quoted hex MD5 ETag S3 gives a single-request object or part. */
export function etagOf(data: Uint8Array): string {
  return data.length === 0 ? EMPTY_ETAG : `"${md5(data).toString('hex')}"`;
}

const EMPTY_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"';

/** The multipart ETag: MD5 of the concatenated binary part MD5s, then `-N`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const hash = createHash('md5');
  for (const e of partEtags) hash.update(Buffer.from(e.replace(/"/g, ''), 'hex'));
  return `"${hash.digest('hex')}-${partEtags.length}"`;
}

/**
 * Reads a request body into a fresh buffer the caller cannot reach: bytes are
 * copied, streams are read to the end (with the signal honoured between
 * chunks). Checks the declared length, a size limit and Content-MD5.
 */
export async function readBody(
  body: DriverBody,
  options: { contentLength?: number; maxBytes: number; contentMd5?: string; checksum?: BodyChecksum; signal: AbortSignal; what: string },
): Promise<Uint8Array> {
  if (options.checksum !== undefined && checksumOf(options.checksum.algorithm, EMPTY) === undefined) {
    throw new NotSupportedError(`checksums.${options.checksum.algorithm}`, `The memory store does not verify ${options.checksum.algorithm} checksums`, PROVIDER);
  }
  const expectedMd5 = options.contentMd5 === undefined ? undefined : parseContentMd5(options.contentMd5);
  let data: Uint8Array;
  if (body instanceof Uint8Array) {
    if (body.length > options.maxBytes) throw tooLarge(body.length, options);
    data = body.length === 0 ? EMPTY : body.slice();
  } else if (body instanceof ReadableStream) {
    data = await readStream(body, options);
  } else {
    throw new InvalidArgumentError('body', 'must be bytes or a ReadableStream', PROVIDER);
  }
  if (options.contentLength !== undefined && data.length !== options.contentLength) {
    throw new InvalidArgumentError('contentLength', `declared ${options.contentLength} bytes but the body had ${data.length} (S3: IncompleteBody)`, PROVIDER);
  }
  if (expectedMd5 !== undefined && !md5(data).equals(expectedMd5)) {
    throw new IntegrityError(`The Content-MD5 given does not match the ${options.what} received (S3: BadDigest)`, { ...PROVIDER, statusCode: 400 });
  }
  if (options.checksum !== undefined && checksumOf(options.checksum.algorithm, data) !== options.checksum.value) {
    throw new IntegrityError(`The ${options.checksum.algorithm} checksum given does not match the ${options.what} received (S3: BadDigest)`, { ...PROVIDER, statusCode: 400 });
  }
  return data;
}


function parseContentMd5(value: string): Buffer {
  const bytes = /^[A-Za-z0-9+/]{22}==$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (!bytes || bytes.length !== 16) throw new InvalidArgumentError('contentMd5', 'must be the base64 of a 16-byte MD5 digest (S3: InvalidDigest)', PROVIDER);
  return bytes;
}

function tooLarge(size: number, options: { maxBytes: number; what: string }) {
  return new InvalidArgumentError('body', `the ${options.what} is ${size} bytes or more, over the limit of ${options.maxBytes} (S3: EntityTooLarge)`, PROVIDER);
}

async function readStream(stream: ReadableStream<Uint8Array>, options: { contentLength?: number; maxBytes: number; signal: AbortSignal; what: string }): Promise<Uint8Array> {
  const { signal } = options;
  const reader = stream.getReader();
  const onAbort = () => {
    reader.cancel(signal.reason).catch(() => {});
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (signal.aborted) throw abortError(signal);
    for (;;) {
      const { value, done } = await reader.read();
      if (signal.aborted) throw abortError(signal);
      if (done) break;
      if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('body', 'stream chunks must be Uint8Array', PROVIDER);
      total += value.length;
      if (total > options.maxBytes) throw tooLarge(total, options);
      if (options.contentLength !== undefined && total > options.contentLength) {
        throw new InvalidArgumentError('contentLength', `declared ${options.contentLength} bytes but the body is longer`, PROVIDER);
      }
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (total === 0) return EMPTY;
  // always a fresh buffer: the caller keeps its chunks and may reuse them
  if (chunks.length === 1) return chunks[0]!.slice();
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** A body stream over `data[start, end)`, handing out fresh copies of at most CHUNK_SIZE bytes, on demand. */
export function bodyStream(data: Uint8Array, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (position >= end) {
          controller.close();
          return;
        }
        const next = Math.min(end, position + CHUNK_SIZE);
        controller.enqueue(data.slice(position, next));
        position = next;
        if (position >= end) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}
