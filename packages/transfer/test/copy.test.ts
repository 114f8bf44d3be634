import { createHash } from 'node:crypto';
import { isStowageError, type Driver } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { copy, upload, type Progress } from '../src/index.js';
import { instrumentedStore, KiB, pattern, SMALL_PARTS } from './support/stores.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest();
type PartCopyRequest = Parameters<NonNullable<Driver['uploadPartCopy']>>[0];

describe('copy', () => {
  it('memory → another memory store: streamed, verified, headers and metadata carried', async () => {
    const a = instrumentedStore();
    const b = instrumentedStore();
    await a.store.createBucket('src-bucket');
    await b.store.createBucket('dst-bucket');
    const data = pattern(300 * KiB);
    await upload(a.store, 'src-bucket', 'obj', data, { partSize: 16 * KiB, contentType: 'application/x-test', metadata: { owner: 'Zoë' } });
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: b.store, bucket: 'dst-bucket', key: 'copy' }, { partSize: 32 * KiB, download: { strategy: 'ranges', rangeSize: 16 * KiB } });
    expect(r.mode).toBe('streamed');
    expect(r.source.verified).toBe(true);
    expect(r.upload!.integrity.etagVerified).toBe(true);
    expect(Buffer.compare(Buffer.from(await b.store.getBytes('dst-bucket', 'copy')), Buffer.from(data))).toBe(0);
    const info = await b.store.head('dst-bucket', 'copy');
    expect(info.contentType).toBe('application/x-test');
    expect(info.metadata.owner).toBe('Zoë');
    expect(info.metadata['stowage-parts']).toBe('v1 32768 0 32768');
  });

  it('within one store: a server-side copy', async () => {
    const a = instrumentedStore();
    await a.store.createBucket('src-bucket');
    const data = pattern(100 * KiB);
    await a.store.put('src-bucket', 'obj', data);
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: a.store, bucket: 'src-bucket', key: 'copy' });
    expect(r.mode).toBe('server-side');
    expect(a.count('copyObject')).toBe(1);
    expect(a.count('uploadPart')).toBe(0);
    expect(Buffer.compare(Buffer.from(await a.store.getBytes('src-bucket', 'copy')), Buffer.from(data))).toBe(0);
  });

  it('within one store, above the single-copy limit, without server-side part copy: streamed', async () => {
    const a = instrumentedStore({ capabilities: { maxPutSize: 64 * KiB, maxCopySize: 64 * KiB, multipart: { ...SMALL_PARTS.multipart!, copyPart: false } as never } });
    await a.store.createBucket('src-bucket');
    const data = pattern(100 * KiB);
    await upload(a.store, 'src-bucket', 'obj', data, { partSize: 16 * KiB });
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: a.store, bucket: 'src-bucket', key: 'copy' }, { partSize: 16 * KiB });
    expect(r.mode).toBe('streamed');
    expect(Buffer.compare(Buffer.from(await a.store.getBytes('src-bucket', 'copy')), Buffer.from(data))).toBe(0);
  });

  describe('within one store, above the threshold: parts copied by the server', () => {
    async function setup(options: { versioned?: boolean; size?: number } = {}) {
      const a = instrumentedStore();
      await a.store.createBucket('src-bucket');
      if (options.versioned) await a.store.setVersioning('src-bucket', 'Enabled');
      const data = pattern(options.size ?? 100 * KiB, 7);
      const put = await a.store.put('src-bucket', 'obj', data, { contentType: 'application/x-test', cacheControl: 'no-cache', metadata: { owner: 'Zoë' } });
      return { ...a, data, put };
    }
    const src = (store: ReturnType<typeof instrumentedStore>['store']) => ({ store, bucket: 'src-bucket', key: 'obj' });
    const dst = (store: ReturnType<typeof instrumentedStore>['store']) => ({ store, bucket: 'src-bucket', key: 'copy' });

    it('copies every range once, pinned by If-Match, with the source metadata and headers; progress reaches the total', async () => {
      const a = await setup();
      const seen: Progress[] = [];
      const r = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 10 * KiB, partSize: 16 * KiB, onProgress: (p) => seen.push(p) });
      expect(r.mode).toBe('server-side-multipart');
      expect(r.parts).toEqual({ count: 7, partSize: 16 * KiB });
      expect(a.count('copyObject')).toBe(0);
      expect(a.count('uploadPart')).toBe(0);
      expect(a.count('getObject')).toBe(0);
      const reqs = a.calls.filter((c) => c.op === 'uploadPartCopy').map((c) => c.req as unknown as PartCopyRequest);
      expect(reqs.map((q) => [q.partNumber, q.range!.start, q.range!.end]).sort((x, y) => x[0]! - y[0]!)).toEqual(
        [0, 1, 2, 3, 4, 5, 6].map((i) => [i + 1, i * 16 * KiB, Math.min(100 * KiB, (i + 1) * 16 * KiB) - 1]),
      );
      expect(new Set(reqs.map((q) => q.ifMatch))).toEqual(new Set([a.put.etag]));
      expect(reqs.every((q) => q.sourceVersionId === undefined)).toBe(true);
      expect(same(await a.store.getBytes('src-bucket', 'copy'), a.data)).toBe(true);
      const info = await a.store.head('src-bucket', 'copy');
      expect(info).toMatchObject({ contentType: 'application/x-test', cacheControl: 'no-cache', etag: r.etag });
      expect(info.metadata.owner).toBe('Zoë');
      expect(info.metadata['stowage-parts']).toBe(`v1 ${16 * KiB} 0 ${16 * KiB}`);
      const spans = [0, 1, 2, 3, 4, 5, 6].map((i) => a.data.subarray(i * 16 * KiB, (i + 1) * 16 * KiB));
      expect(r.etag).toBe(`"${createHash('md5').update(Buffer.concat(spans.map(md5))).digest('hex')}-7"`);
      expect(seen.at(-1)).toMatchObject({ bytesDone: 100 * KiB, totalBytes: 100 * KiB, partsDone: 7, partsTotal: 7 });
      expect(await a.store.listUploads('src-bucket')).toEqual({ uploads: [] });
    });

    it('runs `concurrency` part copies at once', async () => {
      const a = await setup();
      let inFlight = 0;
      let most = 0;
      a.intercept.uploadPartCopy = async (req) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return a.inner.uploadPartCopy(req);
      };
      await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 8 * KiB, concurrency: 3 });
      expect(most).toBe(3);
      expect(same(await a.store.getBytes('src-bucket', 'copy'), a.data)).toBe(true);
    });

    it('pins a versioned source by version id: a new version written mid-copy does not leak in', async () => {
      const a = await setup({ versioned: true });
      let first = true;
      a.intercept.uploadPartCopy = async (req) => {
        const out = await a.inner.uploadPartCopy(req);
        if (first) {
          first = false;
          await a.inner.putObject({ bucket: 'src-bucket', key: 'obj', body: pattern(100 * KiB, 99), metadata: {}, signal: req.signal });
        }
        return out;
      };
      const r = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 16 * KiB, concurrency: 1 });
      expect(r.source.versionId).toBe(a.put.versionId);
      const reqs = a.calls.filter((c) => c.op === 'uploadPartCopy').map((c) => c.req as unknown as PartCopyRequest);
      expect(reqs.every((q) => q.sourceVersionId === a.put.versionId && q.ifMatch === undefined)).toBe(true);
      expect(same(await a.store.getBytes('src-bucket', 'copy'), a.data)).toBe(true);
    });

    it('an unversioned source changed mid-copy: SourceChangedError, the upload aborted, no object', async () => {
      const a = await setup();
      let first = true;
      a.intercept.uploadPartCopy = async (req) => {
        const out = await a.inner.uploadPartCopy(req);
        if (first) {
          first = false;
          await a.inner.putObject({ bucket: 'src-bucket', key: 'obj', body: pattern(100 * KiB, 99), metadata: {}, signal: req.signal });
        }
        return out;
      };
      const err = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 16 * KiB, concurrency: 1 }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('SourceChangedError');
      expect(a.count('abortMultipartUpload')).toBeGreaterThan(0);
      expect(await a.store.listUploads('src-bucket')).toEqual({ uploads: [] });
      expect(await a.store.bucketExists('src-bucket')).toBe(true);
      await expect(a.store.head('src-bucket', 'copy')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    });

    it('without a version id or conditional copies, a changed source is caught before completing', async () => {
      const a = instrumentedStore({ capabilities: { conditionalCopy: false } });
      await a.store.createBucket('src-bucket');
      await a.store.put('src-bucket', 'obj', pattern(100 * KiB, 7));
      let first = true;
      a.intercept.uploadPartCopy = async (req) => {
        expect(req.ifMatch).toBeUndefined();
        const out = await a.inner.uploadPartCopy(req);
        if (first) {
          first = false;
          await a.inner.putObject({ bucket: 'src-bucket', key: 'obj', body: pattern(100 * KiB, 99), metadata: {}, signal: req.signal });
        }
        return out;
      };
      const err = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 16 * KiB }).catch((e: unknown) => e);
      expect((err as Error).name).toBe('SourceChangedError');
      expect(a.count('completeMultipartUpload')).toBe(0);
      expect(await a.store.listUploads('src-bucket')).toEqual({ uploads: [] });
    });

    it('abort: part copies in flight are cancelled, the upload is aborted, the result is Aborted', async () => {
      const a = await setup();
      const controller = new AbortController();
      let started = 0;
      a.intercept.uploadPartCopy = async (req) => {
        if (++started === 3) controller.abort();
        if (started >= 2) {
          // hangs until cancelled: only the signal ends it
          await new Promise((_, reject) => {
            if (req.signal.aborted) reject(req.signal.reason);
            req.signal.addEventListener('abort', () => reject(req.signal.reason), { once: true });
          });
        }
        return a.inner.uploadPartCopy(req);
      };
      const err = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 16 * KiB, concurrency: 2, signal: controller.signal }).catch((e: unknown) => e);
      expect(isStowageError(err, 'Aborted')).toBe(true);
      expect(started).toBe(3);
      expect(a.count('completeMultipartUpload')).toBe(0);
      expect(await a.store.listUploads('src-bucket')).toEqual({ uploads: [] });
      await expect(a.store.head('src-bucket', 'copy')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    });

    it('a part that fails (after the store retries) fails the copy and aborts the upload', async () => {
      const a = await setup();
      a.intercept.uploadPartCopy = async (req) => {
        if (req.partNumber === 4) throw Object.assign(new Error('access denied'), { name: 'AccessDenied' });
        return a.inner.uploadPartCopy(req);
      };
      await expect(copy(src(a.store), dst(a.store), { multipartCopyThreshold: 0, partSize: 16 * KiB })).rejects.toThrow('access denied');
      expect(await a.store.listUploads('src-bucket')).toEqual({ uploads: [] });
    });

    it('by default, objects over the single-copy limit (maxCopySize) are copied in parts', async () => {
      const a = instrumentedStore({ capabilities: { maxCopySize: 64 * KiB } });
      await a.store.createBucket('src-bucket');
      const data = pattern(100 * KiB, 3);
      await a.store.put('src-bucket', 'obj', data);
      const r = await copy(src(a.store), dst(a.store), { partSize: 32 * KiB });
      expect(r.mode).toBe('server-side-multipart');
      expect(r.parts).toEqual({ count: 4, partSize: 32 * KiB });
      expect(same(await a.store.getBytes('src-bucket', 'copy'), data)).toBe(true);
    });

    it('at or under the threshold, one server-side copy as before', async () => {
      const a = await setup();
      const r = await copy(src(a.store), dst(a.store), { multipartCopyThreshold: 100 * KiB });
      expect(r.mode).toBe('server-side');
      expect(a.count('uploadPartCopy')).toBe(0);
      await expect(copy(src(a.store), dst(a.store), { multipartCopyThreshold: -1 })).rejects.toMatchObject({ field: 'multipartCopyThreshold' });
    });
  });
});
