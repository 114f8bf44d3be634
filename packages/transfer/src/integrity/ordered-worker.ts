import { Worker } from 'node:worker_threads';
import { IntegrityError } from '@stowage/core';
import { compositeEtag } from './etag.js';
import type { IntegrityPlan } from './verifier.js';

const SEGMENT = 4 * 1024 * 1024;
const SEGMENTS = 4;

/**
 * The ordered MD5 of `OrderedHasher`, computed by a worker thread: bytes are
 * copied into a ring of shared segments (at most 4 × 4 MiB) and hashed in
 * object order over there, so the thread reading sockets does not also spend
 * ≈ 1.7 CPU-seconds per GiB on MD5. `update` returns a promise only when
 * every segment is in flight (backpressure).
 */
export class OffThreadOrderedHasher {
  private readonly worker: Worker;
  private readonly buffer = new SharedArrayBuffer(SEGMENT * SEGMENTS);
  private readonly free: number[] = [];
  private current = -1;
  private fill = 0;
  private waiters: Array<() => void> = [];
  private finished: { resolve: (d: Uint8Array[]) => void; reject: (e: unknown) => void } | undefined;
  private failure: unknown;
  offset = 0;

  constructor(private readonly plan: IntegrityPlan) {
    for (let i = 0; i < SEGMENTS; i++) this.free.push(i);
    const bounds = plan.units.map((u) => u.end);
    this.worker = new Worker(SOURCE, { eval: true, workerData: { buffer: this.buffer, segment: SEGMENT, bounds } });
    this.worker.on('message', (m: { ack?: number; digests?: Uint8Array[]; error?: string }) => {
      if (m.ack !== undefined) {
        this.free.push(m.ack);
        this.waiters.shift()?.();
      } else if (m.digests) this.finished?.resolve(m.digests);
      else if (m.error) this.fail(new Error(m.error));
    });
    this.worker.on('error', (e) => this.fail(e));
  }

  private fail(e: unknown) {
    this.failure ??= e;
    this.finished?.reject(e);
    for (const w of this.waiters.splice(0)) w();
  }

  update(chunk: Uint8Array): Promise<void> | void {
    if (this.plan.method === 'none') {
      this.offset += chunk.length;
      return;
    }
    let c = chunk;
    while (c.length > 0) {
      if (this.failure !== undefined) throw this.failure;
      if (this.current < 0) {
        const seg = this.free.shift();
        if (seg === undefined) return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.update(c));
        this.current = seg;
        this.fill = 0;
      }
      const n = Math.min(c.length, SEGMENT - this.fill);
      new Uint8Array(this.buffer, this.current * SEGMENT + this.fill, n).set(n === c.length ? c : c.subarray(0, n));
      this.fill += n;
      this.offset += n;
      c = c.subarray(n);
      if (this.fill === SEGMENT) this.flush();
    }
  }

  private flush() {
    if (this.current < 0) return;
    this.worker.postMessage({ segment: this.current, length: this.fill });
    this.current = -1;
    this.fill = 0;
  }

  /** Throws IntegrityError on a mismatch; resolves to whether anything was verified. */
  async finish(size: number): Promise<boolean> {
    try {
      if (this.offset !== size) throw new IntegrityError(`Received ${this.offset} bytes, the object has ${size}`);
      const plan = this.plan;
      if (plan.method === 'none') return false;
      this.flush();
      const digests = await new Promise<Uint8Array[]>((resolve, reject) => {
        this.finished = { resolve, reject };
        if (this.failure !== undefined) reject(this.failure);
        else this.worker.postMessage({ finish: true });
      });
      if (plan.method === 'md5') {
        const got = Buffer.from(digests[0]!).toString('hex');
        if (got !== plan.expected) throw new IntegrityError(`The MD5 of the bytes received (${got}) is not the object's ETag (${plan.expected})`);
        return true;
      }
      const got = compositeEtag(digests);
      if (got !== plan.expected) throw new IntegrityError(`The composite MD5 of the bytes received (${got}) is not the object's ETag (${plan.expected})`);
      return true;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { buffer, segment, bounds } = workerData;
let unit = 0, offset = 0, hash = null;
const digests = [];
parentPort.on('message', (m) => {
  try {
    if (m.finish) {
      if (bounds.length === 1 && bounds[0] === 0 && digests.length === 0) digests.push(createHash('md5').digest());
      parentPort.postMessage({ digests });
      return;
    }
    let view = new Uint8Array(buffer, m.segment * segment, m.length);
    while (view.length > 0) {
      const end = bounds[unit];
      if (end === undefined) throw new Error('more bytes than the object has');
      hash = hash || createHash('md5');
      const take = Math.min(view.length, end - offset);
      hash.update(take === view.length ? view : view.subarray(0, take));
      offset += take;
      view = view.subarray(take);
      if (offset === end) { digests.push(hash.digest()); hash = null; unit++; }
    }
    parentPort.postMessage({ ack: m.segment });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.message || e) });
  }
});
`;
