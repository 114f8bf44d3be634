import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, upload, type Progress } from '../src/index.js';
import { instrumentedStore, KiB, pattern, readAll } from './support/stores.js';

const B = 'bucket-d';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-dl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup(options: Parameters<typeof instrumentedStore>[0] = {}) {
  const t = instrumentedStore(options);
  await t.store.createBucket(B);
  return t;
}

/** A wrapper stream that flips one byte at `offset` of the object (ranges know their start). */
function corrupting(body: ReadableStream<Uint8Array>, start: number, offset: number): ReadableStream<Uint8Array> {
  let pos = start;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        if (offset >= pos && offset < pos + chunk.length) {
          const copy = chunk.slice();
          copy[offset - pos]! ^= 0x01;
          chunk = copy;
        }
        pos += chunk.length;
        c.enqueue(chunk);
      },
    }),
  );
}

const strategies = ['single', 'ranges', 'auto'] as const;

/** A body paced to 64 KiB per `everyMs` (a slow link), counting the bodies open at once. */
function paced(body: ReadableStream<Uint8Array>, everyMs: number, open: { now: number; max: number }): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let pending: Uint8Array | undefined;
  open.now++;
  open.max = Math.max(open.max, open.now);
  let closed = false;
  const close = () => {
    if (!closed) open.now--;
    closed = true;
  };
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      if (!pending || pending.length === 0) {
        const { value, done } = await reader.read();
        if (done) {
          close();
          return c.close();
        }
        pending = value;
      }
      await new Promise((r) => setTimeout(r, everyMs));
      c.enqueue(pending.subarray(0, 64 * KiB));
      pending = pending.subarray(64 * KiB);
    },
    cancel(reason) {
      close();
      return reader.cancel(reason);
    },
  });
}

describe('download', () => {
  it.each(strategies)('streams and writes files byte-exact and verified (%s): multipart and single-put objects', async (strategy) => {
    const { store } = await setup();
    const data = pattern(300 * KiB + 123);
    await upload(store, B, 'mp', data, { partSize: 16 * KiB });
    await upload(store, B, 'sp', data, { multipartThreshold: 1024 * KiB });
    for (const [key, method] of [['mp', 'composite-md5'], ['sp', 'md5']] as const) {
      const d = download(store, B, key, { strategy, rangeSize: 32 * KiB, concurrency: 3 });
      const bytes = await readAll(d.stream());
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
      const r = await d.result;
      expect(r.integrity).toEqual({ method, verified: true });
      if (strategy === 'ranges') expect(r.requests).toBeGreaterThan(3);
      // the reader's range and `concurrency` more, each queueing at most rangeSize
      if (strategy === 'ranges') expect(r.stats.maxBufferedBytes).toBeLessThanOrEqual((3 + 1) * 32 * KiB);
      const file = join(dir, `${key}-${strategy}.bin`);
      const f = await download(store, B, key, { strategy, rangeSize: 32 * KiB, concurrency: 3 }).toFile(file);
      expect(f.integrity).toEqual({ method, verified: true });
      expect(Buffer.compare(await readFile(file), Buffer.from(data))).toBe(0);
    }
  });

  it.each(strategies)('hashing in a worker thread: verified, and a corrupted byte is still caught (%s)', async (strategy) => {
    const t = await setup();
    const data = pattern(3 * 1024 * KiB + 77);
    await upload(t.store, B, 'mp', data, { partSize: 256 * KiB });
    await t.store.put(B, 'sp', data);
    for (const key of ['mp', 'sp']) {
      const d = download(t.store, B, key, { strategy, rangeSize: 512 * KiB, hashThread: true });
      expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(data))).toBe(0);
      expect((await d.result).integrity.verified).toBe(true);
      const file = join(dir, `wt-${key}-${strategy}.bin`);
      expect((await download(t.store, B, key, { strategy, rangeSize: 512 * KiB, hashThread: true }).toFile(file)).integrity.verified).toBe(true);
      expect(Buffer.compare(await readFile(file), Buffer.from(data))).toBe(0);
    }
    t.intercept.getObject = async (req) => {
      const res = await t.inner.getObject(req);
      return { ...res, body: corrupting(res.body, res.contentRange?.start ?? 0, 2 * 1024 * KiB + 1) };
    };
    for (const key of ['mp', 'sp']) {
      const err = await readAll(download(t.store, B, key, { strategy, rangeSize: 512 * KiB, hashThread: true }).stream()).catch((e) => e);
      expect(isStowageError(err, 'IntegrityError'), `${key}: ${err}`).toBe(true);
      await expect(download(t.store, B, key, { strategy, rangeSize: 512 * KiB, hashThread: true }).toFile(join(dir, `wtbad-${key}.bin`))).rejects.toSatisfy((e) => isStowageError(e, 'IntegrityError'));
    }
  });

  it('auto stays on one stream when the first connection is fast, and goes parallel when it is slow', async () => {
    const t = await setup();
    const data = pattern(4096 * KiB);
    await upload(t.store, B, 'obj', data, { partSize: 256 * KiB });
    const fast = download(t.store, B, 'obj', { rangeSize: 256 * KiB, probeBytes: 64 * KiB, singleStreamRate: 1 });
    await readAll(fast.stream());
    expect((await fast.result).strategy).toBe('single');
    expect((await fast.result).requests).toBe(1);
    // a slow link: 64 KiB every 2 ms, this thread mostly waiting
    const open = { now: 0, max: 0 };
    t.intercept.getObject = async (req: Parameters<typeof t.inner.getObject>[0]) => {
      const res = await t.inner.getObject(req);
      return { ...res, body: paced(res.body, 2, open) };
    };
    const slow = download(t.store, B, 'obj', { rangeSize: 256 * KiB, probeBytes: 64 * KiB });
    expect(Buffer.compare(Buffer.from(await readAll(slow.stream())), Buffer.from(data))).toBe(0);
    const r = await slow.result;
    expect(r.strategy).toBe('ranges');
    expect(r.stats.probeRate).toBeGreaterThan(0);
    expect(r.stats.probeBusy).toBeLessThan(0.6);
    expect(r.integrity.verified).toBe(true);
  });

  it('auto stays on one stream when this thread is the limit, however slow the rate (loopback: parsing and hashing)', async () => {
    const t = await setup();
    const data = pattern(48 * 1024 * KiB);
    await t.store.put(B, 'busy', data);
    const d = download(t.store, B, 'busy', { probeBytes: 64 * KiB, singleStreamRate: 1e15 });
    expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(data))).toBe(0);
    const r = await d.result;
    expect(r.stats.probeBusy).toBeGreaterThanOrEqual(0.6);
    expect(r.strategy).toBe('single');
    expect(r.requests).toBe(1);
  });

  it('an empty object', async () => {
    const { store } = await setup();
    await store.put(B, 'empty', new Uint8Array(0));
    const d = download(store, B, 'empty');
    expect((await readAll(d.stream())).length).toBe(0);
    expect((await d.result).integrity.verified).toBe(true);
  });

  it.each(strategies)('a corrupted byte is an IntegrityError, never a clean end (%s)', async (strategy) => {
    const t = await setup();
    const data = pattern(200 * KiB);
    await upload(t.store, B, 'mp', data, { partSize: 16 * KiB });
    await t.store.put(B, 'sp', data);
    const bad = 150 * KiB + 7;
    t.intercept.getObject = async (req) => {
      const res = await t.inner.getObject(req);
      const start = res.contentRange?.start ?? 0;
      return { ...res, body: corrupting(res.body, start, bad) };
    };
    for (const key of ['mp', 'sp']) {
      const d = download(t.store, B, key, { strategy, rangeSize: 32 * KiB });
      const err = await readAll(d.stream()).catch((e) => e);
      expect(isStowageError(err, 'IntegrityError'), `${key}: ${err}`).toBe(true);
      await expect(d.result).rejects.toSatisfy((e) => isStowageError(e, 'IntegrityError'));
      const file = join(dir, `bad-${key}-${strategy}.bin`);
      await expect(download(t.store, B, key, { strategy, rangeSize: 32 * KiB }).toFile(file)).rejects.toSatisfy((e) => isStowageError(e, 'IntegrityError'));
      expect((await readdir(dir)).filter((f) => f.startsWith(`bad-${key}-${strategy}`))).toEqual([]);
    }
  });

  it('an object changed mid-download is an error, not a mixed file (unversioned: If-Match)', async () => {
    const t = await setup();
    await upload(t.store, B, 'obj', pattern(256 * KiB, 1), { partSize: 16 * KiB });
    let gets = 0;
    let seed = 2;
    t.intercept.getObject = async (req) => {
      if (++gets === 3) await t.inner.putObject({ bucket: B, key: 'obj', body: pattern(256 * KiB, seed++), contentLength: 256 * KiB, metadata: {}, signal: req.signal });
      return t.inner.getObject(req);
    };
    const d = download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB, concurrency: 2 });
    const err = await readAll(d.stream()).catch((e) => e);
    expect(isStowageError(err, 'PreconditionFailed')).toBe(true);
    expect(String(err.message)).toMatch(/changed during the download/);
    gets = 0;
    const file = join(dir, 'changed.bin');
    await expect(download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB, concurrency: 2 }).toFile(file)).rejects.toThrow(/changed during the download/);
    await expect(readFile(file)).rejects.toThrow();
  });

  it('a versioned object is pinned to its version: an overwrite mid-download does not mix in', async () => {
    const t = await setup();
    await t.store.setVersioning(B, 'Enabled');
    const v1 = pattern(256 * KiB, 1);
    await upload(t.store, B, 'obj', v1, { partSize: 16 * KiB });
    let gets = 0;
    t.intercept.getObject = async (req) => {
      if (++gets === 3) await t.inner.putObject({ bucket: B, key: 'obj', body: pattern(256 * KiB, 2), contentLength: 256 * KiB, metadata: {}, signal: req.signal });
      return t.inner.getObject(req);
    };
    const d = download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB, concurrency: 2 });
    expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(v1))).toBe(0);
    const gotVersion = t.calls.filter((c) => c.op === 'getObject').slice(1).map((c) => c.req.versionId);
    expect(new Set(gotVersion)).toEqual(new Set([(await d.result).versionId]));
  });

  it("a multipart object without a recorded schedule is reported unverified; verify: 'required' refuses it", async () => {
    const { store } = await setup();
    const up = await store.createMultipartUpload(B, 'foreign');
    const p1 = await store.uploadPart(up, 1, pattern(8 * KiB));
    const p2 = await store.uploadPart(up, 2, pattern(1 * KiB));
    await store.completeMultipartUpload(up, [p1, p2]);
    const d = download(store, B, 'foreign');
    await readAll(d.stream());
    expect((await d.result).integrity).toMatchObject({ method: 'none', verified: false, reason: expect.stringMatching(/part schedule/) });
    await expect(readAll(download(store, B, 'foreign', { verify: 'required' }).stream())).rejects.toThrow(/Cannot verify/);
  });

  it.each(['stream', 'file'] as const)('on a slow link: the next range is asked before a body ends, idle connections split the tail, never more than two bodies per connection (%s)', async (sink) => {
    const t = await setup();
    // 5 ranges and a tiny sixth for 4 connections: three of them run out of ranges while the fifth has most of its bytes to come
    const data = pattern(5 * 4096 * KiB + 777);
    await upload(t.store, B, 'slow', data, { partSize: 1024 * KiB });
    const open = { now: 0, max: 0 };
    t.intercept.getObject = async (req: Parameters<typeof t.inner.getObject>[0]) => {
      const res = await t.inner.getObject(req);
      return { ...res, body: paced(res.body, 1, open) };
    };
    const options = { strategy: 'ranges' as const, rangeSize: 4096 * KiB, concurrency: 4 };
    let r;
    if (sink === 'stream') {
      const d = download(t.store, B, 'slow', options);
      expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(data))).toBe(0);
      r = await d.result;
      expect(r.stats.maxBufferedBytes).toBeLessThanOrEqual((4 + 1) * 4096 * KiB);
    } else {
      const file = join(dir, 'slow.bin');
      r = await download(t.store, B, 'slow', options).toFile(file);
      expect(Buffer.compare(await readFile(file), Buffer.from(data))).toBe(0);
    }
    expect(r.integrity.verified).toBe(true);
    expect(r.stats.tailSplits).toBeGreaterThanOrEqual(1);
    expect(r.requests).toBe(t.count('getObject'));
    expect(r.requests).toBeGreaterThan(Math.ceil(data.length / (4096 * KiB)));
    expect(open.max).toBeLessThanOrEqual(2 * 4);
  });

  it('abort cancels the ranged reads', async () => {
    const t = await setup();
    await upload(t.store, B, 'obj', pattern(512 * KiB), { partSize: 16 * KiB });
    const ac = new AbortController();
    const d = download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB, signal: ac.signal });
    const reader = d.stream().getReader();
    await reader.read();
    ac.abort();
    const err = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((e) => e);
    expect(isStowageError(err, 'Aborted')).toBe(true);
    const file = join(dir, 'aborted.bin');
    const ac2 = new AbortController();
    const p = download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB, signal: ac2.signal, onProgress: () => ac2.abort(), progressIntervalMs: 0 }).toFile(file);
    await expect(p).rejects.toSatisfy((e) => isStowageError(e, 'Aborted'));
    expect((await readdir(dir)).filter((f) => f.startsWith('aborted'))).toEqual([]);
  });

  it('progress is monotonic and ends at the total', async () => {
    const { store } = await setup();
    await upload(store, B, 'obj', pattern(200 * KiB), { partSize: 16 * KiB });
    for (const strategy of strategies) {
      const events: Progress[] = [];
      const d = download(store, B, 'obj', { strategy, rangeSize: 16 * KiB, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
      await readAll(d.stream());
      for (let i = 1; i < events.length; i++) expect(events[i]!.bytesDone).toBeGreaterThanOrEqual(events[i - 1]!.bytesDone);
      expect(events.at(-1)).toMatchObject({ bytesDone: 200 * KiB, totalBytes: 200 * KiB, etaSeconds: 0 });
    }
  });

  it('nodeStream delivers the same bytes', async () => {
    const { store } = await setup();
    const data = pattern(100 * KiB);
    await upload(store, B, 'obj', data, { partSize: 16 * KiB });
    const chunks: Buffer[] = [];
    for await (const c of download(store, B, 'obj', { strategy: 'ranges', rangeSize: 16 * KiB }).nodeStream()) chunks.push(c as Buffer);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(data))).toBe(0);
  });
});
