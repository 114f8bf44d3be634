import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, upload } from '../src/index.js';
import { instrumentedStore, KiB, pattern, readAll } from './support/stores.js';

const B = 'bucket-r';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-dlr-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A body that errors (like a reset socket) after `after` bytes. */
function cutting(body: ReadableStream<Uint8Array>, after: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        if (seen + chunk.length > after) {
          if (after > seen) c.enqueue(chunk.subarray(0, after - seen));
          seen = after;
          c.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
          return;
        }
        seen += chunk.length;
        c.enqueue(chunk);
      },
    }),
  );
}

describe('download: a body that fails part-way is asked again for the rest', () => {
  for (const strategy of ['single', 'ranges'] as const) {
    it(`${strategy}: every first body of each range is cut; the object is still byte-identical (stream and file)`, async () => {
      const t = instrumentedStore();
      await t.store.createBucket(B);
      const data = pattern(300 * KiB + 11);
      await upload(t.store, B, 'obj', data, { partSize: 32 * KiB });
      const seen = new Set<number>();
      t.intercept.getObject = async (req) => {
        const res = await t.inner.getObject(req);
        const start = res.contentRange?.start ?? 0;
        // The first GET at each offset is cut after 10 KiB.
        if (seen.has(start)) return res;
        seen.add(start);
        return { ...res, body: cutting(res.body, 10 * KiB) };
      };
      const d = download(t.store, B, 'obj', { strategy, rangeSize: 64 * KiB, concurrency: 3 });
      expect(Buffer.compare(Buffer.from(await readAll(d.stream())), Buffer.from(data))).toBe(0);
      const r = await d.result;
      expect(r.integrity.verified).toBe(true);
      expect(r.stats.retries).toBeGreaterThan(0);
      seen.clear();
      const file = join(dir, `${strategy}.bin`);
      await download(t.store, B, 'obj', { strategy, rangeSize: 64 * KiB, concurrency: 3 }).toFile(file);
      expect(Buffer.compare(await readFile(file), Buffer.from(data))).toBe(0);
    });
  }

  it('a body that keeps failing ends with an error after a bounded number of asks', async () => {
    const t = instrumentedStore();
    await t.store.createBucket(B);
    await upload(t.store, B, 'obj', pattern(100 * KiB), { partSize: 32 * KiB });
    t.intercept.getObject = async (req) => {
      const res = await t.inner.getObject(req);
      return { ...res, body: cutting(res.body, 1 * KiB) };
    };
    const err = await readAll(download(t.store, B, 'obj', { strategy: 'ranges', rangeSize: 32 * KiB }).stream()).catch((e) => e);
    expect(isStowageError(err), String(err)).toBe(true);
    expect(t.count('getObject')).toBeLessThan(40);
  });
});
