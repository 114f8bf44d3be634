import { createHash } from 'node:crypto';
import { isStowageError, type Store } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copy } from '../src/index.js';
import { dropBucket, hasServer, openServer, pendingUploads, wrappedStore } from './support/servers.js';
import { pattern } from './support/stores.js';

/**
 * Server-side multipart copy (UploadPartCopy) against the real servers
 * (scripts/servers, .servers/env.json): a 12 MiB object copied in 5 MiB parts
 * by forcing a small `multipartCopyThreshold`.
 */
const MiB = 1024 * 1024;
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const SIZE = 12 * MiB;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

for (const name of ['minio', 'ceph'] as const) {
  describe.skipIf(!hasServer(name))(`copy in parts on ${name}`, { timeout: 180_000 }, () => {
    let store: Store;
    const bucket = `stowage-pcopy-${name}-${RUN}`;
    const data = pattern(SIZE, 11);

    beforeAll(async () => {
      store = openServer(name);
      await store.createBucket(bucket);
      await store.put(bucket, 'src', data, { contentType: 'application/x-test', metadata: { origin: 'part-copy' } });
    }, 180_000);
    afterAll(async () => {
      await dropBucket(store, bucket);
      await store.close();
    }, 180_000);

    it('12 MiB in 5 MiB parts: bytes, headers and metadata equal; no upload left', async () => {
      let last = 0;
      const r = await copy({ store, bucket, key: 'src' }, { store, bucket, key: 'copy' }, { multipartCopyThreshold: MiB, partSize: 5 * MiB, onProgress: (p) => (last = p.bytesDone) });
      expect(r.mode).toBe('server-side-multipart');
      expect(r.parts).toEqual({ count: 3, partSize: 5 * MiB });
      expect(last).toBe(SIZE);
      const copied = await store.getBytes(bucket, 'copy');
      expect(copied.length).toBe(SIZE);
      expect(sha(copied)).toBe(sha(data));
      const info = await store.head(bucket, 'copy');
      expect(info.etag).toBe(r.etag);
      expect(info.contentType).toBe('application/x-test');
      expect(info.metadata.origin).toBe('part-copy');
      expect(await pendingUploads(store, bucket, 'copy')).toEqual([]);
    });

    it('abort after the first part: Aborted, the upload is gone, no object', async () => {
      const controller = new AbortController();
      const err = await copy(
        { store, bucket, key: 'src' },
        { store, bucket, key: 'aborted' },
        { multipartCopyThreshold: MiB, partSize: 5 * MiB, concurrency: 1, signal: controller.signal, onProgress: (p) => p.partsDone >= 1 && controller.abort() },
      ).catch((e: unknown) => e);
      expect(isStowageError(err, 'Aborted')).toBe(true);
      expect(await pendingUploads(store, bucket, 'aborted')).toEqual([]);
      await expect(store.head(bucket, 'aborted')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    });

    it('the source overwritten after the first part: SourceChangedError, the upload is gone, no object', async () => {
      await store.put(bucket, 'moving', data);
      let first = true;
      const wrapped = wrappedStore(store, {
        uploadPartCopy: async (inner, req) => {
          const out = await inner.uploadPartCopy!(req);
          if (first) {
            first = false;
            await inner.putObject({ bucket, key: 'moving', body: pattern(SIZE, 12), contentLength: SIZE, metadata: {}, signal: req.signal });
          }
          return out;
        },
      });
      const err = await copy({ store: wrapped, bucket, key: 'moving' }, { store: wrapped, bucket, key: 'from-moving' }, { multipartCopyThreshold: MiB, partSize: 5 * MiB, concurrency: 1 }).catch(
        (e: unknown) => e,
      );
      expect((err as Error).name).toBe('SourceChangedError');
      expect(await pendingUploads(store, bucket, 'from-moving')).toEqual([]);
      await expect(store.head(bucket, 'from-moving')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    });
  });
}
