import { createHash } from 'node:crypto';
import {
  collectStream,
  NotSupportedError,
  ObjectNotFoundError,
  resolveRange,
  s3Capabilities,
  type Capabilities,
  type Driver,
  type ObjectInfo,
} from '../../src/index.js';

/**
 * A small driver for core's own unit tests: objects in a Map, every call
 * recorded, and a `before` hook that can fail or stall chosen calls. Core's
 * behaviour (retries, ranges, unknown-length puts) is asserted through it; the
 * real semantics are the memory store's and the real servers'.
 */
export class ScriptedDriver implements Driver {
  readonly provider = 'scripted';
  readonly capabilities: Capabilities;
  readonly calls: Array<{ op: string; req: Record<string, unknown> }> = [];
  readonly objects = new Map<string, { bytes: Uint8Array; info: ObjectInfo }>();
  readonly parts = new Map<string, Map<number, Uint8Array>>();
  before: (op: string, attempt: number) => Promise<void> | void = () => {};
  /** When set, ranged gets answer with the whole object (as a server ignoring Range would). */
  ignoreRanges = false;
  private attempts = new Map<string, number>();

  constructor(capabilities: Partial<Capabilities> = {}) {
    this.capabilities = { ...s3Capabilities(), ...capabilities };
  }

  native() {
    return this;
  }

  private async record(op: string, req: Record<string, unknown>) {
    this.calls.push({ op, req });
    const n = (this.attempts.get(op) ?? 0) + 1;
    this.attempts.set(op, n);
    await this.before(op, n);
    (req.signal as AbortSignal | undefined)?.throwIfAborted();
  }

  count(op: string) {
    return this.calls.filter((c) => c.op === op).length;
  }

  async createBucket(req: { bucket: string; signal: AbortSignal }) {
    await this.record('createBucket', req);
  }
  async deleteBucket(req: { bucket: string; signal: AbortSignal }) {
    await this.record('deleteBucket', req);
  }
  async headBucket(req: { bucket: string; signal: AbortSignal }) {
    await this.record('headBucket', req);
  }
  async listBuckets(req: { signal: AbortSignal }) {
    await this.record('listBuckets', req);
    return [];
  }
  async putObject(req: Parameters<Driver['putObject']>[0]) {
    await this.record('putObject', req as never);
    const bytes = req.body instanceof Uint8Array ? req.body : await collectStream(req.body);
    return this.store(req.bucket, req.key, bytes, req.metadata);
  }
  private store(bucket: string, key: string, bytes: Uint8Array, metadata: Record<string, string>) {
    const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
    this.objects.set(`${bucket}/${key}`, { bytes, info: { bucket, key, size: bytes.length, etag, lastModified: new Date(), metadata } });
    return { etag };
  }
  async getObject(req: Parameters<Driver['getObject']>[0]) {
    await this.record('getObject', req as never);
    const o = this.objects.get(`${req.bucket}/${req.key}`);
    if (!o) throw new ObjectNotFoundError(req.bucket, req.key);
    let bytes = o.bytes;
    let contentRange: { start: number; end: number; total: number } | undefined;
    if (req.range && !this.ignoreRanges) {
      const r = resolveRange(req.range, o.bytes.length);
      bytes = o.bytes.subarray(r.start, r.end + 1);
      contentRange = { ...r, total: o.bytes.length };
    }
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3)];
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next === undefined) c.close();
        else c.enqueue(next);
      },
    });
    return { info: { ...o.info }, body, contentRange };
  }
  async headObject(req: Parameters<Driver['headObject']>[0]) {
    await this.record('headObject', req as never);
    const o = this.objects.get(`${req.bucket}/${req.key}`);
    if (!o) throw new ObjectNotFoundError(req.bucket, req.key);
    return { ...o.info };
  }
  async deleteObject(req: Parameters<Driver['deleteObject']>[0]) {
    await this.record('deleteObject', req as never);
    this.objects.delete(`${req.bucket}/${req.key}`);
    return {};
  }
  async copyObject(): Promise<never> {
    throw new NotSupportedError('copy');
  }
  async listObjects(req: Parameters<Driver['listObjects']>[0]) {
    await this.record('listObjects', req as never);
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(`${req.bucket}/`)).map((k) => k.slice(req.bucket.length + 1)).sort();
    const after = req.token ?? req.startAfter;
    const rest = keys.filter((k) => after === undefined || k > after);
    const page = rest.slice(0, req.maxKeys);
    const objects = page.map((k) => {
      const { info } = this.objects.get(`${req.bucket}/${k}`)!;
      return { key: k, size: info.size, etag: info.etag, lastModified: info.lastModified };
    });
    return { objects, commonPrefixes: [], nextToken: rest.length > page.length ? page.at(-1) : undefined };
  }
  async createMultipartUpload(req: Parameters<NonNullable<Driver['createMultipartUpload']>>[0]) {
    await this.record('createMultipartUpload', req as never);
    const uploadId = `u${this.parts.size + 1}`;
    this.parts.set(uploadId, new Map());
    return { uploadId };
  }
  async uploadPart(req: Parameters<NonNullable<Driver['uploadPart']>>[0]) {
    await this.record('uploadPart', req as never);
    const bytes = req.body instanceof Uint8Array ? req.body : await collectStream(req.body);
    this.parts.get(req.uploadId)!.set(req.partNumber, bytes);
    return { etag: `"${createHash('md5').update(bytes).digest('hex')}"` };
  }
  async completeMultipartUpload(req: Parameters<NonNullable<Driver['completeMultipartUpload']>>[0]) {
    await this.record('completeMultipartUpload', req as never);
    const parts = this.parts.get(req.uploadId)!;
    const bytes = Buffer.concat(req.parts.map((p) => parts.get(p.partNumber)!));
    this.parts.delete(req.uploadId);
    return this.store(req.bucket, req.key, bytes, {});
  }
  async abortMultipartUpload(req: Parameters<NonNullable<Driver['abortMultipartUpload']>>[0]) {
    await this.record('abortMultipartUpload', req as never);
    this.parts.delete(req.uploadId);
  }
}
