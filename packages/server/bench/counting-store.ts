import { createHash } from 'node:crypto';
import {
  BucketNotFoundError,
  ObjectNotFoundError,
  s3Capabilities,
  Store,
  type Driver,
  type DriverBody,
  type DriverGetResult,
  type ObjectInfo,
} from '@stowage/core';

/**
 * A minimal Store for measuring the server, not the store: it reads every
 * body to the end (counting bytes and hashing them for the ETag) and keeps
 * only the size and ETag. A GET generates the bytes again (a fixed pattern)
 * as a stream. The memory store would hold the 1 GiB object in RAM and so
 * measure itself; with this one the server's RSS is what the server holds.
 */
export function countingStore(): { store: Store; counted: () => number } {
  let counted = 0;
  const buckets = new Map<string, Map<string, { size: number; etag: string; lastModified: Date }>>();
  const bucket = (name: string) => {
    const b = buckets.get(name);
    if (!b) throw new BucketNotFoundError(name);
    return b;
  };
  async function drain(body: DriverBody): Promise<{ size: number; etag: string }> {
    const md5 = createHash('md5');
    let size = 0;
    if (body instanceof Uint8Array) {
      md5.update(body);
      size = body.length;
    } else {
      const reader = body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        md5.update(value);
        size += value.length;
      }
    }
    counted += size;
    return { size, etag: `"${md5.digest('hex')}"` };
  }
  const info = (b: string, key: string, o: { size: number; etag: string; lastModified: Date }): ObjectInfo => ({ bucket: b, key, size: o.size, etag: o.etag, lastModified: o.lastModified, metadata: {} });
  const capabilities = { ...s3Capabilities(), versioning: false, versioningSuspend: false, objectLock: null, presign: null, unknownLengthPut: true, listVersions: false };
  const driver: Driver = {
    provider: 'counting',
    capabilities,
    native: () => null,
    async createBucket(req) {
      buckets.set(req.bucket, buckets.get(req.bucket) ?? new Map());
    },
    async deleteBucket(req) {
      buckets.delete(req.bucket);
    },
    async headBucket(req) {
      bucket(req.bucket);
    },
    async listBuckets() {
      return [...buckets.keys()].map((name) => ({ name }));
    },
    async putObject(req) {
      const b = bucket(req.bucket);
      const { size, etag } = await drain(req.body);
      b.set(req.key, { size, etag, lastModified: new Date() });
      return { etag };
    },
    async getObject(req): Promise<DriverGetResult> {
      const o = bucket(req.bucket).get(req.key);
      if (!o) throw new ObjectNotFoundError(req.bucket, req.key);
      let left = o.size;
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (left <= 0) return controller.close();
            const n = Math.min(left, chunk.length);
            left -= n;
            controller.enqueue(new Uint8Array(chunk.subarray(0, n)));
          },
        },
        { highWaterMark: 0 },
      );
      return { info: info(req.bucket, req.key, o), body };
    },
    async headObject(req) {
      const o = bucket(req.bucket).get(req.key);
      if (!o) throw new ObjectNotFoundError(req.bucket, req.key);
      return info(req.bucket, req.key, o);
    },
    async deleteObject(req) {
      bucket(req.bucket).delete(req.key);
      return {};
    },
    async copyObject() {
      throw new Error('not in this bench');
    },
    async listObjects(req) {
      return { objects: [...bucket(req.bucket)].map(([key, o]) => ({ key, size: o.size, etag: o.etag, lastModified: o.lastModified })), commonPrefixes: [] };
    },
  };
  return { store: new Store(driver, { retry: false }), counted: () => counted };
}
