import { Readable } from 'node:stream';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { isStowageError, type Driver } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, upload, type Progress } from '../src/index.js';
import { crc32, crcBytes } from '@stowage/core';
import { countingSource, CRC_STORE, deferred, instrumentedStore, KiB, pattern, readAll, transient } from './support/stores.js';

const B = 'bucket-a';

async function setup(options: Parameters<typeof instrumentedStore>[0] = {}) {
  const t = instrumentedStore(options);
  await t.store.createBucket(B);
  return t;
}

describe('upload: bodies and paths', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-transfer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads every kind of body, known and unknown length, byte-exact', async () => {
    const { store } = await setup();
    const data = pattern(50 * KiB);
    const file = join(dir, 'body.bin');
    await writeFile(file, data);
    const bodies: Array<[string, () => unknown]> = [
      ['bytes', () => data],
      ['web stream', () => new Blob([data as Uint8Array<ArrayBuffer>]).stream()],
      ['node stream', () => Readable.from([data.subarray(0, 7000), data.subarray(7000)])],
      ['async iterable', () => countingSource(data, 3000).iterable],
      ['blob', () => new Blob([data as Uint8Array<ArrayBuffer>])],
      ['file path', () => ({ path: file })],
      ['file URL', () => new URL(`file://${file}`)],
    ];
    for (const [name, make] of bodies) {
      const r = await upload(store, B, `k-${name}`, make() as never, { partSize: 8 * KiB, concurrency: 3 });
      expect(r.multipart, name).toBe(true);
      expect(r.size, name).toBe(data.length);
      expect(r.integrity, name).toEqual({ serverVerified: 'md5', etagVerified: true });
      expect(Buffer.compare(Buffer.from(await store.getBytes(B, `k-${name}`)), Buffer.from(data)), name).toBe(0);
    }
  });

  it('sends one put below the threshold, with Content-MD5', async () => {
    const t = await setup();
    const data = pattern(5000);
    const r = await upload(t.store, B, 'small', Readable.from([data]), { partSize: 8 * KiB });
    expect(r.multipart).toBe(false);
    expect(t.count('createMultipartUpload')).toBe(0);
    const put = t.calls.find((c) => c.op === 'putObject')!;
    expect(put.req.contentMd5).toBe(createHash('md5').update(data).digest('base64'));
    expect(r.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    // known length at exactly the threshold: one put as well
    const exact = await upload(t.store, B, 'exact', pattern(8 * KiB), { partSize: 8 * KiB });
    expect(exact.multipart).toBe(false);
  });

  it('an unknown-length stream that ends exactly at one part is one put', async () => {
    const t = await setup();
    const r = await upload(t.store, B, 'one', countingSource(pattern(8 * KiB), 1000).iterable, { partSize: 8 * KiB });
    expect(r.multipart).toBe(false);
    expect(r.size).toBe(8 * KiB);
  });

  it('uploads an empty body', async () => {
    const { store } = await setup();
    for (const body of [new Uint8Array(0), Readable.from([])]) {
      const r = await upload(store, B, 'empty', body);
      expect(r).toMatchObject({ size: 0, multipart: false });
      expect((await store.head(B, 'empty')).size).toBe(0);
    }
  });

  it('fails a declared length the stream does not match, and aborts the upload', async () => {
    const { store } = await setup();
    const data = pattern(40 * KiB);
    await expect(upload(store, B, 'short', Readable.from([data]), { contentLength: 50 * KiB, partSize: 8 * KiB })).rejects.toThrow(/ended after/);
    await expect(upload(store, B, 'long', Readable.from([data]), { contentLength: 30 * KiB, partSize: 8 * KiB })).rejects.toThrow(/longer than/);
    expect((await store.listUploads(B)).uploads).toEqual([]);
  });
});

describe('upload: memory bound and backpressure', () => {
  it('never holds more than (concurrency + 1) × partSize of part buffers, and never pulls further ahead', async () => {
    const t = await setup();
    const partSize = 16 * KiB;
    const concurrency = 3;
    const chunk = 1000;
    const src = countingSource(pattern(400 * KiB), chunk);
    // Parts are acknowledged only when the test releases them: the reader must stop pulling.
    const gates: Array<ReturnType<typeof deferred<void>>> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    t.intercept.uploadPart = async (req) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const g = deferred<void>();
      gates.push(g);
      await g.promise;
      inFlight--;
      return t.inner.uploadPart!(req);
    };
    const done = upload(t.store, B, 'big', src.iterable, { partSize, concurrency, hashThreads: 0 });
    // Let the pipeline run until it stalls on the gates.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(gates.length).toBe(concurrency);
    // concurrency parts in flight + one full buffer waiting + at most one chunk pulled into the next
    const bound = (concurrency + 1) * partSize + chunk;
    expect(src.state.pulledBytes).toBeLessThanOrEqual(bound);
    const stalledAt = src.state.pulls;
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(src.state.pulls).toBe(stalledAt);
    // Release parts one by one, checking the bound each time.
    let released = 0;
    while (released < gates.length || !src.state.finished) {
      if (released < gates.length) gates[released++]!.resolve();
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
      const acked = released * partSize;
      expect(src.state.pulledBytes - acked).toBeLessThanOrEqual(bound);
      if (released > 100) break;
    }
    while (released < gates.length) gates[released++]!.resolve();
    const r = await done;
    expect(r.parts).toBe(25);
    expect(maxInFlight).toBe(concurrency);
    expect(r.stats.maxBufferedBytes).toBeLessThanOrEqual((concurrency + 1) * partSize);
    expect(r.stats.maxBufferedBytes).toBe((concurrency + 1) * partSize);
  });

  it('keeps the bound with hashing in worker threads (shared buffers)', async () => {
    const { store } = await setup();
    const r = await upload(store, B, 'shared', countingSource(pattern(300 * KiB), 4096).iterable, { partSize: 16 * KiB, concurrency: 2, hashThreads: 2 });
    expect(r.stats.maxBufferedBytes).toBeLessThanOrEqual(3 * 16 * KiB);
    expect(r.integrity.etagVerified).toBe(true);
  });
});

describe('upload: capabilities and limits', () => {
  it('no multipart: one put, and a body over the max object size fails before any byte is sent', async () => {
    const t = await setup({ capabilities: { multipart: null, maxObjectSize: 25 * KiB, maxPutSize: 25 * KiB } });
    // known length over the cap: nothing read, nothing sent
    const src = countingSource(pattern(30 * KiB), 1000);
    await expect(upload(t.store, B, 'big', src.iterable, { contentLength: 30 * KiB })).rejects.toThrow(/max object size/);
    expect(src.state.pulls).toBe(0);
    expect(t.count('putObject')).toBe(0);
    // unknown length over the cap: read cap + 1 bytes at most, still nothing sent
    const src2 = countingSource(pattern(30 * KiB), 1000);
    await expect(upload(t.store, B, 'big', src2.iterable)).rejects.toThrow(/nothing was sent/);
    expect(src2.state.pulledBytes).toBeLessThanOrEqual(26 * KiB);
    expect(t.count('putObject')).toBe(0);
    // at the cap: one put
    const r = await upload(t.store, B, 'fits', countingSource(pattern(25 * KiB), 1000).iterable);
    expect(r).toMatchObject({ multipart: false, size: 25 * KiB });
  });

  it('ifNoneMatch: refused up front where the store has no conditional write; honoured where it has', async () => {
    const t = await setup({ capabilities: { conditionalWrite: { ifMatch: false, ifNoneMatch: false } } });
    const src = countingSource(pattern(100 * KiB), 1000);
    await expect(upload(t.store, B, 'x', src.iterable, { ifNoneMatch: '*' })).rejects.toThrow(/conditionalWrite.ifNoneMatch/);
    expect(src.state.pulls).toBe(0);
    const u = await setup();
    await upload(u.store, B, 'exists', pattern(100 * KiB), { partSize: 16 * KiB, ifNoneMatch: '*' });
    await expect(upload(u.store, B, 'exists', pattern(100 * KiB), { partSize: 16 * KiB, ifNoneMatch: '*' })).rejects.toSatisfy((e) => isStowageError(e, 'PreconditionFailed'));
    expect((await u.store.listUploads(B)).uploads).toEqual([]);
  });

  it('a known length over maxObjectSize fails before any request', async () => {
    const t = await setup({ capabilities: { maxObjectSize: 100 * KiB } });
    await expect(upload(t.store, B, 'x', pattern(101 * KiB))).rejects.toThrow(/max object size/);
    expect(t.calls.filter((c) => c.op !== 'createBucket')).toEqual([]);
  });

  it('sends the checksum the capabilities say the server verifies, the cheapest first', async () => {
    const t = await setup({ capabilities: { checksums: ['md5', 'sha256', 'crc32'] } });
    // auto: CRC32 (native zlib) before SHA-256 before MD5
    const r = await upload(t.store, B, 'c', pattern(40 * KiB), { partSize: 16 * KiB });
    expect(r.integrity).toEqual({ serverVerified: 'crc32', etagVerified: false });
    const parts = t.calls.filter((c) => c.op === 'uploadPart');
    expect(parts).toHaveLength(3);
    for (const p of parts) {
      expect(p.req.contentMd5).toBeUndefined();
      expect(p.req.checksum).toMatchObject({ algorithm: 'crc32' });
    }
    const s = await upload(t.store, B, 'd', pattern(40 * KiB), { partSize: 16 * KiB, checksum: 'sha256', etagCheck: true });
    expect(s.integrity).toEqual({ serverVerified: 'sha256', etagVerified: true });
    const sha = t.calls.filter((c) => c.op === 'uploadPart').at(-1)!;
    expect((sha.req.checksum as { value: string }).value).toBe(createHash('sha256').update(sha.req.body as Uint8Array).digest('base64'));
    const m = await upload(t.store, B, 'm', pattern(40 * KiB), { partSize: 16 * KiB, checksum: 'md5' });
    expect(m.integrity).toEqual({ serverVerified: 'md5', etagVerified: true });
    await expect(upload(t.store, B, 'e', pattern(10), { checksum: 'crc32c' })).rejects.toThrow(/crc32c/);
  });

  it('where the store keeps whole-object CRC32s: a FULL_OBJECT upload whose CRC, combined from the parts, the store checks; downloads verify by it', async () => {
    const t = await setup({ capabilities: CRC_STORE });
    const data = pattern(40 * KiB + 7);
    const r = await upload(t.store, B, 'crc', data, { partSize: 16 * KiB });
    const whole = Buffer.from(crcBytes(crc32(data))).toString('base64');
    expect(r.integrity).toEqual({ serverVerified: 'crc32', etagVerified: false, objectChecksum: { algorithm: 'crc32', value: whole } });
    const create = t.calls.find((c) => c.op === 'createMultipartUpload')!;
    expect(create.req.checksum).toEqual({ algorithm: 'crc32', type: 'full-object' });
    const complete = t.calls.find((c) => c.op === 'completeMultipartUpload')!;
    expect(complete.req.checksum).toEqual({ algorithm: 'crc32', value: whole });
    expect((complete.req.parts as Array<{ checksum?: unknown }>).every((p) => p.checksum !== undefined)).toBe(true);
    expect((await t.store.head(B, 'crc', { checksum: true })).checksum).toEqual({ algorithm: 'crc32', type: 'full-object', value: whole });
    for (const strategy of ['single', 'ranges'] as const) {
      const d = download(t.store, B, 'crc', { strategy, rangeSize: 16 * KiB });
      expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(data))).toBe(0);
      expect((await d.result).integrity).toEqual({ method: 'crc32', verified: true });
    }
    // one flipped byte on the way back: the CRC catches it
    t.intercept.getObject = async (req) => {
      const res = await t.inner.getObject(req);
      const bytes = new Uint8Array(await new Response(res.body).arrayBuffer());
      const at = 20 * KiB - (res.contentRange?.start ?? 0);
      if (at >= 0 && at < bytes.length) bytes[at]! ^= 0x01;
      return { ...res, body: new Response(bytes).body! };
    };
    const bad = await readAll(download(t.store, B, 'crc', { strategy: 'ranges', rangeSize: 16 * KiB }).stream()).catch((e) => e);
    expect(isStowageError(bad, 'IntegrityError'), String(bad)).toBe(true);
    // objectChecksum: false keeps none
    const off = await upload(t.store, B, 'no-crc', data, { partSize: 16 * KiB, objectChecksum: false });
    expect(off.integrity.objectChecksum).toBeUndefined();
  });

  it('objectChecksum: true on a store that keeps no CRC is refused before any request', async () => {
    const t = await setup();
    await expect(upload(t.store, B, 'x', pattern(40 * KiB), { partSize: 16 * KiB, objectChecksum: true })).rejects.toSatisfy((e) => isStowageError(e, 'NotSupported'));
    expect(t.count('createMultipartUpload')).toBe(0);
  });

  it.each(['crc32', 'md5'] as const)('a part corrupted on the way is refused by the server (%s), and the upload aborted', async (checksum) => {
    const t = await setup({ capabilities: { checksums: ['md5', 'crc32'] }, store: { retry: false } });
    t.intercept.uploadPart = async (req) => {
      const body = (req.body as Uint8Array).slice();
      if (req.partNumber === 2) body[100]! ^= 0x01; // after the checksum was computed
      return t.inner.uploadPart!({ ...req, body });
    };
    const err = await upload(t.store, B, 'bad', pattern(40 * KiB), { partSize: 16 * KiB, checksum }).catch((e) => e);
    expect(isStowageError(err, 'IntegrityError'), String(err)).toBe(true);
    expect((await t.store.listUploads(B)).uploads).toEqual([]);
    expect(await t.store.bucketExists(B)).toBe(true);
    await expect(t.store.head(B, 'bad')).rejects.toSatisfy((e) => isStowageError(e, 'ObjectNotFound'));
  });

});

describe('upload: failures, retries and abort', () => {
  it('a retried part resends the same bytes', async () => {
    const t = await setup();
    const seen = new Map<number, string[]>();
    t.intercept.uploadPart = async (req) => {
      const body = req.body as Uint8Array;
      const list = seen.get(req.partNumber) ?? [];
      list.push(createHash('md5').update(body).digest('hex'));
      seen.set(req.partNumber, list);
      if (req.partNumber === 2 && list.length === 1) throw transient();
      return t.inner.uploadPart!(req);
    };
    const events: Progress[] = [];
    const r = await upload(t.store, B, 'retry', countingSource(pattern(40 * KiB), 999).iterable, { partSize: 16 * KiB, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
    expect(seen.get(2)).toHaveLength(2);
    expect(seen.get(2)![0]).toBe(seen.get(2)![1]);
    expect(r.stats.retries).toBe(1);
    expect(events.at(-1)!.partsRetried).toBe(1);
  });

  it('a lost CompleteMultipartUpload answer is reconciled with a HEAD', async () => {
    const t = await setup();
    let attempts = 0;
    t.intercept.completeMultipartUpload = async (req) => {
      attempts++;
      const res = await t.inner.completeMultipartUpload!(req);
      if (attempts === 1) throw transient('socket hang up'); // the object exists; the answer is lost
      return res;
    };
    const data = pattern(40 * KiB);
    const r = await upload(t.store, B, 'lost', data, { partSize: 16 * KiB });
    expect(attempts).toBe(2);
    expect(r.reconciled).toBe(true);
    expect(r.etag).toBe((await t.store.head(B, 'lost')).etag);
    expect(t.count('uploadPart')).toBe(3);
  });

  it('a reconcile that finds another object fails', async () => {
    const t = await setup();
    t.intercept.completeMultipartUpload = async (req) => {
      await t.inner.abortMultipartUpload!(req);
      throw await t.inner.completeMultipartUpload!(req).catch((e) => e);
    };
    await t.store.put(B, 'other', 'something else');
    await expect(upload(t.store, B, 'other', pattern(40 * KiB), { partSize: 16 * KiB })).rejects.toSatisfy((e) => isStowageError(e, 'UploadNotFound'));
  });

  it('a failed part aborts the upload and stops the source', async () => {
    const t = await setup({ store: { retry: false } });
    t.intercept.uploadPart = async (req) => {
      if (req.partNumber === 3) throw transient('boom');
      return t.inner.uploadPart!(req);
    };
    const src = countingSource(pattern(400 * KiB), 1000);
    const events: Progress[] = [];
    await expect(upload(t.store, B, 'fail', src.iterable, { partSize: 16 * KiB, onProgress: (p) => events.push(p) })).rejects.toThrow(/boom/);
    expect(src.state.cancelled).toBe(true);
    expect(src.state.pulledBytes).toBeLessThan(400 * KiB);
    expect((await t.store.listUploads(B)).uploads).toEqual([]);
    expect(events.at(-1)!.partsFailed).toBe(1);
  });

  it('abort: the source stops, parts in flight are cancelled, the multipart upload is aborted', async () => {
    const t = await setup();
    const ac = new AbortController();
    let cancelledInFlight = 0;
    t.intercept.uploadPart = async (req) => {
      if (req.partNumber === 3) ac.abort();
      await new Promise<void>((resolve, reject) => {
        if (req.signal.aborted) {
          cancelledInFlight++;
          return reject(req.signal.reason);
        }
        const timer = setTimeout(resolve, 50);
        req.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          cancelledInFlight++;
          reject(req.signal.reason);
        });
      });
      return t.inner.uploadPart!(req);
    };
    const src = countingSource(pattern(1000 * KiB), 1000);
    const err = await upload(t.store, B, 'abort', src.iterable, { partSize: 16 * KiB, concurrency: 4, signal: ac.signal }).catch((e) => e);
    expect(isStowageError(err, 'Aborted')).toBe(true);
    expect(src.state.cancelled).toBe(true);
    expect(cancelledInFlight).toBeGreaterThan(0);
    expect(t.count('abortMultipartUpload')).toBe(1);
    expect((await t.store.listUploads(B)).uploads).toEqual([]);
  });

  it('an already-aborted signal sends nothing', async () => {
    const t = await setup();
    const ac = new AbortController();
    ac.abort();
    await expect(upload(t.store, B, 'x', pattern(100))).resolves.toBeDefined();
    const before = t.calls.length;
    await expect(upload(t.store, B, 'x', pattern(100), { signal: ac.signal })).rejects.toSatisfy((e) => isStowageError(e, 'Aborted'));
    expect(t.calls.length).toBe(before);
  });
});

describe('upload: progress', () => {
  it('is monotonic and ends at the total', async () => {
    const { store } = await setup();
    for (const [name, body, known] of [
      ['known', pattern(100 * KiB), true],
      ['unknown', countingSource(pattern(100 * KiB), 3000).iterable, false],
    ] as const) {
      const events: Progress[] = [];
      await upload(store, B, name, body, { partSize: 8 * KiB, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
      expect(events.length).toBeGreaterThan(5);
      for (let i = 1; i < events.length; i++) {
        expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
        expect(events[i]!.partsDone).toBeGreaterThanOrEqual(events[i - 1]!.partsDone);
      }
      const last = events.at(-1)!;
      expect(last.bytesDone).toBe(100 * KiB);
      expect(last.totalBytes).toBe(100 * KiB);
      expect(last.partsDone).toBe(13);
      expect(last.partsTotal).toBe(13);
      expect(last.etaSeconds).toBe(0);
      if (known) expect(events[0]!.totalBytes).toBe(100 * KiB);
    }
  });
});

export type { Driver };
