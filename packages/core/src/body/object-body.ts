import { Readable } from 'node:stream';
import { collectStream } from './body-input.js';

/**
 * A streamed object body. Nothing is buffered unless `bytes()` / `text()` is
 * called. A body that will not be read must be released with `cancel()` (or
 * `await using`) so its connection goes back to the pool.
 */
export class ObjectBody implements AsyncIterable<Uint8Array>, AsyncDisposable {
  private used = false;

  constructor(private readonly source: ReadableStream<Uint8Array>) {}

  private take(): ReadableStream<Uint8Array> {
    if (this.used) throw new TypeError('The object body has already been consumed');
    this.used = true;
    return this.source;
  }

  /** The body as a web ReadableStream. */
  stream(): ReadableStream<Uint8Array> {
    return this.take();
  }

  /** The body as a Node Readable. */
  nodeStream(): Readable {
    return Readable.fromWeb(this.take() as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  /** Reads the whole body into memory. */
  async bytes(): Promise<Uint8Array> {
    return collectStream(this.take());
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const reader = this.take().getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  /** Releases the body without reading it. Safe to call more than once. */
  async cancel(reason?: unknown): Promise<void> {
    if (this.used) return;
    this.used = true;
    await this.source.cancel(reason).catch(() => {});
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cancel();
  }
}
