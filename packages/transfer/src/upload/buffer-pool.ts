import { abortError } from '@stowage/core';

export interface PooledBuffer {
  /** The whole buffer; a part uses a prefix of it. */
  readonly bytes: Uint8Array;
}

/**
 * A fixed number of part buffers (concurrency + 1: one filling while
 * `concurrency` parts are in flight). `acquire` waits while every buffer is
 * out, which is the backpressure: the source is read only into a free buffer.
 * Buffers are reused; one is replaced only when parts grow past its size.
 * `held` counts the bytes of every live buffer, in the pool or out.
 */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  private out = 0;
  private waiters: Array<() => void> = [];
  held = 0;
  maxHeld = 0;

  constructor(
    readonly slots: number,
    private readonly shared = false,
  ) {}

  async acquire(size: number, signal?: AbortSignal): Promise<PooledBuffer> {
    while (this.out >= this.slots) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(abortError(signal));
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      }).catch((e) => {
        throw signal?.aborted ? abortError(signal) : e;
      });
    }
    this.out++;
    let bytes = this.free.pop();
    if (bytes && bytes.length < size) {
      this.held -= bytes.length;
      bytes = undefined;
    }
    if (!bytes) {
      bytes = this.shared ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
      this.held += size;
      if (this.held > this.maxHeld) this.maxHeld = this.held;
    }
    return { bytes };
  }

  release(buffer: PooledBuffer): void {
    this.out--;
    this.free.push(buffer.bytes);
    const w = this.waiters.shift();
    w?.();
  }

  /** Drops every free buffer (the ones still out are dropped as they come back). */
  drain(): void {
    for (const b of this.free) this.held -= b.length;
    this.free.length = 0;
  }
}
