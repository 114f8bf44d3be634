import { Store, TransientError, type CapabilityOverrides, type Driver, type StoreOptions } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';

export const KiB = 1024;

/**
 * Test capabilities: S3's shape with a 1 KiB minimum part so multipart runs on small bodies,
 * and MD5 as the only checksum (Ceph Pacific's case: Content-MD5 parts, ETag verification).
 * The CRC path (parts and kept whole-object CRC32) is what `CRC_STORE` turns back on.
 */
export const SMALL_PARTS: CapabilityOverrides = {
  multipart: { minPartSize: 1024, maxPartSize: 5 * 1024 ** 3, maxParts: 10_000, listPartsPagination: true },
  checksums: ['md5'],
  storedChecksums: [],
};

/** The memory store's own checksums: CRC32 parts, whole-object CRC32 kept (MinIO's and AWS's case). */
export const CRC_STORE: CapabilityOverrides = { checksums: ['md5', 'crc32', 'crc32c', 'sha1', 'sha256'], storedChecksums: ['crc32', 'crc32c'] };

export type Intercept = Partial<{ [K in keyof Driver]: Driver[K] }>;

/**
 * A memory store whose driver calls can be intercepted: `intercept.uploadPart =
 * async (req) => …` replaces one method; `inner` is the real driver.
 */
export function instrumentedStore(options: { capabilities?: CapabilityOverrides; store?: StoreOptions } = {}) {
  const inner = new MemoryDriver({ capabilities: { ...SMALL_PARTS, ...options.capabilities } });
  const intercept: Intercept = {};
  const calls: Array<{ op: string; req: Record<string, unknown> }> = [];
  const driver = new Proxy(inner, {
    get(target, prop, receiver) {
      const own = (intercept as Record<string | symbol, unknown>)[prop];
      const value = own ?? Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (req: Record<string, unknown>) => {
        calls.push({ op: String(prop), req });
        return own ? (value as (r: unknown) => unknown)(req) : (value as (r: unknown) => unknown).call(target, req);
      };
    },
  }) as Driver;
  const store = new Store(driver, { retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...options.store });
  const count = (op: string) => calls.filter((c) => c.op === op).length;
  return { store, inner, intercept, calls, count };
}

export function pattern(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** An async generator over `data` in `chunk`-byte pieces that counts what was pulled. */
export function countingSource(data: Uint8Array, chunk: number) {
  const state = { pulledBytes: 0, pulls: 0, finished: false, cancelled: false };
  async function* gen() {
    try {
      for (let i = 0; i < data.length; i += chunk) {
        state.pulls++;
        const piece = data.slice(i, i + chunk);
        state.pulledBytes += piece.length;
        yield piece;
      }
      state.finished = true;
    } finally {
      if (!state.finished) state.cancelled = true;
    }
  }
  return { state, iterable: gen() };
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function transient(message = 'connection reset'): TransientError {
  return new TransientError(message, { provider: 'memory' });
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}
