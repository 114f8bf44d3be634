import { isStowageError, AccessDeniedError, type Store } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../src/index.js';
import { runChild } from './support/child.js';
import { pattern } from './support/stores.js';
import { dropBucket, hasServer, openServer, pendingUploads, wrappedStore, type ServerName } from './support/servers.js';

const MiB = 1024 * 1024;
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;

for (const name of ['minio', 'ceph'] as ServerName[]) {
  describe.skipIf(!hasServer(name))(`aborts and failures leave no multipart upload: ${name}`, { timeout: 120_000 }, () => {
    let store: Store;
    const bucket = `transfer-abort-${name}-${RUN}`;
    const data = pattern(24 * MiB + 17);
    const opts = { partSize: 5 * MiB, concurrency: 2, cleanupTimeoutMs: 30_000 };

    beforeAll(async () => {
      store = openServer(name);
      await store.createBucket(bucket);
    });
    afterAll(async () => {
      await dropBucket(store, bucket);
      await store.close();
    });

    it('a signal aborted before the call: AbortedError, nothing created', async () => {
      const ac = new AbortController();
      ac.abort();
      const err = await upload(store, bucket, 'pre', data, { ...opts, signal: ac.signal }).catch((e) => e);
      expect(isStowageError(err, 'Aborted'), String(err)).toBe(true);
      expect(await pendingUploads(store, bucket, 'pre')).toEqual([]);
    });

    it('aborted while CreateMultipartUpload runs (before the first part): the created upload is aborted', async () => {
      const ac = new AbortController();
      const s = wrappedStore(store, {
        createMultipartUpload: async (inner, req) => {
          ac.abort();
          return inner.createMultipartUpload!(req);
        },
      });
      const err = await upload(s, bucket, 'create', data, { ...opts, signal: ac.signal }).catch((e) => e);
      expect(isStowageError(err, 'Aborted'), String(err)).toBe(true);
      expect(await pendingUploads(store, bucket, 'create')).toEqual([]);
    });

    it('aborted mid-part: no upload left', async () => {
      const ac = new AbortController();
      let calls = 0;
      const s = wrappedStore(store, {
        uploadPart: (inner, req) => {
          if (++calls === 2) setTimeout(() => ac.abort(), 5);
          return inner.uploadPart!(req);
        },
      });
      const err = await upload(s, bucket, 'mid', data, { ...opts, signal: ac.signal }).catch((e) => e);
      expect(isStowageError(err, 'Aborted'), String(err)).toBe(true);
      expect(await pendingUploads(store, bucket, 'mid')).toEqual([]);
    });

    for (const delay of [0, 3]) {
      it(`aborted during CompleteMultipartUpload (+${delay} ms): no upload left`, async () => {
        const ac = new AbortController();
        const s = wrappedStore(store, {
          completeMultipartUpload: (inner, req) => {
            if (delay === 0) ac.abort();
            else setTimeout(() => ac.abort(), delay);
            return inner.completeMultipartUpload!(req);
          },
        });
        const key = `complete-${delay}`;
        const out = await upload(s, bucket, key, data, { ...opts, signal: ac.signal }).catch((e) => e);
        // The complete may have won the race (then the object exists); either way no upload is left.
        if (out instanceof Error) expect(isStowageError(out, 'Aborted'), String(out)).toBe(true);
        expect(await pendingUploads(store, bucket, key)).toEqual([]);
      });
    }

    it('a part failing for good ends the upload with its typed error, and no upload is left', async () => {
      const s = wrappedStore(store, {
        uploadPart: (inner, req) => (req.partNumber === 3 ? Promise.reject(new AccessDeniedError('injected: part 3 refused')) : inner.uploadPart!(req)),
      });
      const err = await upload(s, bucket, 'fail', data, opts).catch((e) => e);
      expect(isStowageError(err, 'AccessDenied'), String(err)).toBe(true);
      expect(await pendingUploads(store, bucket, 'fail')).toEqual([]);
    });

    it('an abort that does not take at first is sent again until listUploads is empty', async () => {
      let aborts = 0;
      const s = wrappedStore(store, {
        uploadPart: (inner, req) => (req.partNumber === 2 ? Promise.reject(new AccessDeniedError('injected')) : inner.uploadPart!(req)),
        // The first abort "succeeds" without reaching the server.
        abortMultipartUpload: (inner, req) => (++aborts === 1 ? Promise.resolve() : inner.abortMultipartUpload!(req)),
      });
      const err = await upload(s, bucket, 'reabort', data, opts).catch((e) => e);
      expect(isStowageError(err, 'AccessDenied'), String(err)).toBe(true);
      expect(aborts).toBeGreaterThanOrEqual(2);
      expect(await pendingUploads(store, bucket, 'reabort')).toEqual([]);
    });

    it('keepPartsOnFailure keeps the upload (for resume)', async () => {
      const s = wrappedStore(store, {
        uploadPart: (inner, req) => (req.partNumber === 3 ? Promise.reject(new AccessDeniedError('injected')) : inner.uploadPart!(req)),
      });
      const err = await upload(s, bucket, 'keep', data, { ...opts, keepPartsOnFailure: true }).catch((e) => e);
      expect(isStowageError(err, 'AccessDenied'), String(err)).toBe(true);
      expect(await pendingUploads(store, bucket, 'keep')).toHaveLength(1);
    });

    it('a child process aborted mid-upload exits promptly, with no upload left', async () => {
      const key = 'child-abort';
      const r = await runChild({ server: name, bucket, key, size: 64 * MiB, partSize: 8 * MiB, concurrency: 2, abortAfterParts: 2 });
      const last = r.lines.at(-1)!;
      expect(last.error, JSON.stringify(r.lines)).toMatchObject({ code: 'Aborted' });
      expect(r.code).toBe(0);
      expect(r.exitLagMs).toBeLessThan(10_000);
      expect(await pendingUploads(store, bucket, key)).toEqual([]);
    });
  });
}
