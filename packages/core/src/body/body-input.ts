import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errors/stowage-error.js';
import type { BodyInput } from '../types.js';

/** A put body made ready for a driver. `replay()` is set when a retry can resend it. */
export interface PreparedBody {
  /** Bytes when the input was bytes or text; otherwise a stream. */
  first: Uint8Array | ReadableStream<Uint8Array>;
  length: number | undefined;
  replay: (() => Uint8Array | ReadableStream<Uint8Array>) | undefined;
}

const utf8 = new TextEncoder();

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value;
}

/** Turns any async iterable of bytes into a pull-based web stream (backpressure kept). */
export function iterableToStream(iterable: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array | string> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= iterable[Symbol.asyncIterator]();
        const { value, done } = await iterator.next();
        if (done) return controller.close();
        if (typeof value === 'string') controller.enqueue(utf8.encode(value));
        else if (value instanceof Uint8Array) controller.enqueue(value);
        else controller.error(new InvalidArgumentError('body', 'stream chunks must be Uint8Array or string'));
      },
      async cancel(reason) {
        await iterator?.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

export function prepareBody(body: BodyInput, declaredLength: number | undefined): PreparedBody {
  if (declaredLength !== undefined && (!Number.isSafeInteger(declaredLength) || declaredLength < 0)) {
    throw new InvalidArgumentError('contentLength', 'must be a non-negative integer');
  }
  if (typeof body === 'string') {
    const bytes = utf8.encode(body);
    return { first: bytes, length: bytes.length, replay: () => bytes };
  }
  if (body instanceof Uint8Array) {
    return { first: body, length: body.length, replay: () => body };
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    const stream = () => body.stream() as ReadableStream<Uint8Array>;
    return { first: stream(), length: body.size, replay: stream };
  }
  if (body instanceof ReadableStream) {
    return { first: body as ReadableStream<Uint8Array>, length: declaredLength, replay: undefined };
  }
  if (body instanceof Readable) {
    return { first: iterableToStream(body), length: declaredLength, replay: undefined };
  }
  if (isAsyncIterable(body)) {
    return { first: iterableToStream(body), length: declaredLength, replay: undefined };
  }
  throw new InvalidArgumentError('body', 'must be Uint8Array, string, Blob, ReadableStream, Node Readable or AsyncIterable<Uint8Array>');
}

/** Reads a whole stream into one buffer: only where the caller asked for bytes. */
export async function collectStream(stream: ReadableStream<Uint8Array>, limit = Number.POSITIVE_INFINITY): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) throw new InvalidArgumentError('body', `is larger than ${limit} bytes`);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
