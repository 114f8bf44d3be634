import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { crc32, crc32c, crcBytes } from '@stowage/core';

export type PartAlgorithm = 'md5' | 'crc32' | 'crc32c' | 'sha256' | 'sha1';

/** Digests of one part, raw bytes (CRCs big-endian, as S3 sends them). */
export type PartDigests = Partial<Record<PartAlgorithm, Uint8Array>>;

export function digestNow(bytes: Uint8Array, algorithms: readonly PartAlgorithm[]): PartDigests {
  const out: PartDigests = {};
  for (const a of algorithms) {
    if (a === 'crc32') out.crc32 = crcBytes(crc32(bytes));
    else if (a === 'crc32c') out.crc32c = crcBytes(crc32c(bytes));
    else out[a] = createHash(a).update(bytes).digest();
  }
  return out;
}

/**
 * Hashes whole parts. `threads: 0` hashes on the calling thread; otherwise
 * parts that live in a SharedArrayBuffer are hashed by worker threads without
 * a copy, so a 16 MiB MD5 (≈ 27 ms here) does not stall the event loop that
 * feeds the sockets of the parts in flight.
 */
export class PartHasher {
  private readonly workers: Array<{ worker: Worker; busy: number }> = [];
  private readonly pending = new Map<number, { resolve: (d: PartDigests) => void; reject: (e: unknown) => void }>();
  private nextId = 1;

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on('message', (m: { id: number; digests?: Record<string, Uint8Array>; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        const slot = this.workers.find((w) => w.worker === worker);
        if (slot && --slot.busy === 0) worker.unref();
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.digests as PartDigests);
      });
      worker.on('error', (e) => {
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(e);
        }
      });
      this.workers.push({ worker, busy: 0 });
    }
  }

  /** True when buffers should be SharedArrayBuffers (hashed off-thread). */
  get shared(): boolean {
    return this.threads > 0;
  }

  async digest(bytes: Uint8Array, algorithms: readonly PartAlgorithm[]): Promise<PartDigests> {
    if (algorithms.length === 0) return {};
    if (this.workers.length === 0 || !(bytes.buffer instanceof SharedArrayBuffer)) return digestNow(bytes, algorithms);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    // Referenced only while it has work: an idle pool never keeps the process alive, a busy one always does.
    if (slot.busy++ === 0) slot.worker.ref();
    const id = this.nextId++;
    return new Promise<PartDigests>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength, algorithms });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}

const shared = new Map<number, PartHasher>();

/** One pool per thread count for the whole process, made on first use and reused by every transfer. */
export function sharedHasher(threads: number): PartHasher {
  let h = shared.get(threads);
  if (!h) {
    h = new PartHasher(threads);
    shared.set(threads, h);
  }
  return h;
}

/** CommonJS, evaluated in the worker: no file to resolve from src or dist. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const zlib = require('node:zlib');
function table(poly) {
  const t = new Uint32Array(256 * 8);
  for (let i = 0; i < 256; i++) { let c = i; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1; t[i] = c >>> 0; }
  for (let i = 0; i < 256; i++) for (let s = 1; s < 8; s++) t[s * 256 + i] = ((t[(s - 1) * 256 + i] >>> 8) ^ t[t[(s - 1) * 256 + i] & 0xff]) >>> 0;
  return t;
}
let t32, t32c;
function crc(t, d) {
  let c = ~0 >>> 0, i = 0; const n = d.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24))) >>> 0;
    c = t[1792 + (a & 255)] ^ t[1536 + ((a >>> 8) & 255)] ^ t[1280 + ((a >>> 16) & 255)] ^ t[1024 + (a >>> 24)] ^ t[768 + d[i + 4]] ^ t[512 + d[i + 5]] ^ t[256 + d[i + 6]] ^ t[d[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ d[i]) & 255] ^ (c >>> 8);
  return ~c >>> 0;
}
function be(v) { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }
parentPort.on('message', (m) => {
  try {
    const bytes = new Uint8Array(m.buffer, m.offset, m.length);
    const digests = {};
    for (const a of m.algorithms) {
      if (a === 'crc32') digests.crc32 = be(zlib.crc32 ? zlib.crc32(bytes) : crc(t32 ??= table(0xedb88320), bytes));
      else if (a === 'crc32c') digests.crc32c = be(crc(t32c ??= table(0x82f63b78), bytes));
      else digests[a] = createHash(a).update(bytes).digest();
    }
    parentPort.postMessage({ id: m.id, digests });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;
