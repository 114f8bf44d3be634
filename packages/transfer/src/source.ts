import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceIdentity } from './resume/checkpoint.js';
import { Readable } from 'node:stream';
import { InvalidArgumentError, type BodyInput } from '@stowage/core';

/** Upload from a file on disk: `{ path: '/data/big.iso' }` (a plain string is a text body, as in core). */
export interface FileBody {
  path: string;
}

/** Everything `upload` accepts: core's bodies (bytes, text, Blob, web or Node stream, async iterable) or a file. */
export type TransferBody = BodyInput | FileBody | URL;

/**
 * A pull-based byte source: the uploader asks for bytes only when it has a free
 * buffer to put them in, so the source is never read ahead without bound.
 */
export interface ByteSource {
  /** Total bytes when known up front. */
  readonly length: number | undefined;
  /** The whole body, when it is already in memory: parts are views of it, never copies. */
  readonly inMemory: Uint8Array | undefined;
  /** Fills `target` completely unless the source ends first; resolves to the bytes written. */
  fill(target: Uint8Array): Promise<number>;
  /** Resolves true when the source has no byte left (may pull one chunk and keep it). */
  atEnd(): Promise<boolean>;
  /** What the bytes are (file path, size, mtime; or bytes of a size): for resume. Streams have none. */
  readonly identity?: SourceIdentity;
  /** Skips `n` bytes without reading them (sources that can seek: files and bytes). */
  skip?(n: number): void;
  /** Stops the source (cancels the stream, closes the file). Safe to call more than once. */
  close(reason?: unknown): Promise<void>;
}

const utf8 = new TextEncoder();

function isFileBody(body: unknown): body is FileBody {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array) && typeof (body as FileBody).path === 'string' && !(Symbol.asyncIterator in body);
}

export async function openSource(body: TransferBody, declaredLength: number | undefined): Promise<ByteSource> {
  if (declaredLength !== undefined && (!Number.isSafeInteger(declaredLength) || declaredLength < 0)) {
    throw new InvalidArgumentError('contentLength', 'must be a non-negative integer');
  }
  if (typeof body === 'string') return new MemorySource(utf8.encode(body));
  if (body instanceof Uint8Array) return new MemorySource(body);
  if (body instanceof URL) {
    if (body.protocol !== 'file:') throw new InvalidArgumentError('body', 'a URL body must be a file: URL');
    return FileSource.open(body);
  }
  if (isFileBody(body)) return FileSource.open(body.path);
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return new ChunkSource(webChunks(body.stream() as ReadableStream<Uint8Array>), body.size);
  }
  if (body instanceof ReadableStream) return new ChunkSource(webChunks(body as ReadableStream<Uint8Array>), declaredLength);
  if (body instanceof Readable) return new ChunkSource(iterChunks(body), declaredLength);
  if (body !== null && typeof body === 'object' && Symbol.asyncIterator in body) {
    return new ChunkSource(iterChunks(body as AsyncIterable<Uint8Array | string>), declaredLength);
  }
  throw new InvalidArgumentError('body', 'must be Uint8Array, string, Blob, ReadableStream, Node Readable, AsyncIterable<Uint8Array>, { path } or a file: URL');
}

interface Chunks {
  next(): Promise<Uint8Array | null>;
  cancel(reason?: unknown): Promise<void>;
}

function webChunks(stream: ReadableStream<Uint8Array>): Chunks {
  const reader = stream.getReader();
  return {
    async next() {
      const { value, done } = await reader.read();
      if (done) return null;
      if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('body', 'stream chunks must be Uint8Array');
      return value;
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
    },
  };
}

function iterChunks(iterable: AsyncIterable<Uint8Array | string>): Chunks {
  const it = iterable[Symbol.asyncIterator]();
  return {
    async next() {
      const { value, done } = await it.next();
      if (done) return null;
      if (typeof value === 'string') return utf8.encode(value);
      if (!(value instanceof Uint8Array)) throw new InvalidArgumentError('body', 'stream chunks must be Uint8Array or string');
      return value;
    },
    async cancel(reason) {
      if (iterable instanceof Readable) iterable.destroy();
      await it.return?.(reason)?.catch?.(() => {});
    },
  };
}

class MemorySource implements ByteSource {
  private offset = 0;
  readonly length: number;
  readonly identity: SourceIdentity;
  constructor(readonly inMemory: Uint8Array) {
    this.length = inMemory.length;
    this.identity = { kind: 'bytes', size: inMemory.length };
  }
  skip(n: number) {
    this.offset += n;
  }
  async fill(target: Uint8Array): Promise<number> {
    const n = Math.min(target.length, this.inMemory.length - this.offset);
    target.set(this.inMemory.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }
  async atEnd() {
    return this.offset >= this.inMemory.length;
  }
  async close() {}
}

/** Stream chunks copied into the caller's buffer; a chunk that straddles two buffers is kept as a view, not copied twice. */
class ChunkSource implements ByteSource {
  readonly inMemory = undefined;
  private pending: Uint8Array | undefined;
  private done = false;
  private closed = false;
  constructor(
    private readonly chunks: Chunks,
    readonly length: number | undefined,
  ) {}

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    for (;;) {
      const chunk = await this.chunks.next();
      if (chunk === null) {
        this.done = true;
        return false;
      }
      if (chunk.length === 0) continue;
      this.pending = chunk;
      return true;
    }
  }

  async fill(target: Uint8Array): Promise<number> {
    let written = 0;
    while (written < target.length) {
      if (!this.pending && !(await this.pull())) break;
      const p = this.pending!;
      const n = Math.min(p.length, target.length - written);
      target.set(n === p.length ? p : p.subarray(0, n), written);
      written += n;
      this.pending = n === p.length ? undefined : p.subarray(n);
    }
    return written;
  }

  async atEnd(): Promise<boolean> {
    if (this.pending) return false;
    return !(await this.pull());
  }

  async close(reason?: unknown) {
    if (this.closed) return;
    this.closed = true;
    this.pending = undefined;
    if (!this.done) await this.chunks.cancel(reason);
  }
}

/** Reads straight from the file into the part buffers at known positions. */
class FileSource implements ByteSource {
  readonly inMemory = undefined;
  private position = 0;
  private closed = false;
  private constructor(
    private readonly handle: FileHandle,
    readonly length: number,
    readonly identity: SourceIdentity,
  ) {}

  skip(n: number) {
    this.position += n;
  }

  static async open(path: string | URL): Promise<FileSource> {
    const handle = await open(path, 'r');
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw new InvalidArgumentError('body', `${String(path)} is not a regular file`);
      const abs = resolve(path instanceof URL ? fileURLToPath(path) : path);
      return new FileSource(handle, st.size, { kind: 'file', path: abs, size: st.size, mtimeMs: st.mtimeMs });
    } catch (e) {
      await handle.close().catch(() => {});
      throw e;
    }
  }

  async fill(target: Uint8Array): Promise<number> {
    let written = 0;
    while (written < target.length) {
      const { bytesRead } = await this.handle.read(target, written, target.length - written, this.position);
      if (bytesRead === 0) break;
      written += bytesRead;
      this.position += bytesRead;
    }
    return written;
  }

  async atEnd(): Promise<boolean> {
    if (this.position < this.length) return false;
    const probe = new Uint8Array(1);
    const { bytesRead } = await this.handle.read(probe, 0, 1, this.position);
    return bytesRead === 0;
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => {});
  }
}
