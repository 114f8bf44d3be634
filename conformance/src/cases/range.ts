import type { ByteRange, Driver, DriverGetResult } from '@stowage/core';
import { bytesEqual, deepEqual, equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { pseudoRandomBytes } from '../data.js';
import { proxyDriver } from '../driver-proxy.js';
import { defineGroup } from '../registry.js';

const SIZE = 1000;
const BODY = pseudoRandomBytes(SIZE, 1000);

async function withObject(ctx: CaseContext, body: Uint8Array = BODY): Promise<{ bucket: string; key: string }> {
  const bucket = await ctx.bucket();
  const key = ctx.key('r');
  await ctx.put(bucket, key, body);
  return { bucket, key };
}

async function expectRange(ctx: CaseContext, range: ByteRange, start: number, end: number, body: Uint8Array = BODY): Promise<void> {
  const { bucket, key } = await withObject(ctx, body);
  const got = await ctx.store.get(bucket, key, { range });
  const bytes = await got.body.bytes();
  bytesEqual(bytes, body.subarray(start, end + 1), `bytes of range ${JSON.stringify(range)}`);
  deepEqual(got.range, { start, end }, `delivered span of ${JSON.stringify(range)}`);
  equal(got.info.size, body.length, 'info.size is the whole object size, not the range length');
}

/** A driver that, like a server ignoring Range, answers every ranged get with the whole object (HTTP 200). */
function ignoresRanges(inner: Driver): Driver {
  return proxyDriver(inner, {
    getObject: async (req) => {
      const { range: _ignored, ...whole } = req;
      const result: DriverGetResult = await inner.getObject(whole);
      return { info: result.info, body: result.body };
    },
  });
}

/** A driver whose server reports a span one byte off from the one asked for. */
function misreportsRanges(inner: Driver): Driver {
  return proxyDriver(inner, {
    getObject: async (req) => {
      const result = await inner.getObject(req);
      if (!result.contentRange) return result;
      return { ...result, contentRange: { ...result.contentRange, start: result.contentRange.start + 1 } };
    },
  });
}

export const rangeCases = defineGroup('range', [], {
  'offset-length': {
    title: '{ offset, length } returns exactly those bytes',
    async run(ctx) {
      await expectRange(ctx, { offset: 10, length: 20 }, 10, 29);
    },
  },
  'to-end': {
    title: '{ offset } without a length returns everything from the offset',
    async run(ctx) {
      await expectRange(ctx, { offset: 990 }, 990, 999);
    },
  },
  suffix: {
    title: '{ suffix } returns the last n bytes',
    async run(ctx) {
      await expectRange(ctx, { suffix: 100 }, 900, 999);
    },
  },
  'suffix-longer-than-object': {
    title: 'a suffix longer than the object returns the whole object',
    async run(ctx) {
      await expectRange(ctx, { suffix: 5000 }, 0, 999);
    },
  },
  'end-past-size-truncated': {
    title: 'a range ending past the object is truncated at the last byte',
    async run(ctx) {
      await expectRange(ctx, { offset: 900, length: 500 }, 900, 999);
    },
  },
  'start-at-size-invalid': {
    title: 'a range starting at the object size fails with InvalidRange',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      await rejects(ctx.store.get(bucket, key, { range: { offset: SIZE } }), 'InvalidRange', 'range starting at the size');
      await rejects(ctx.store.get(bucket, key, { range: { offset: SIZE, length: 10 } }), 'InvalidRange', 'range starting at the size, with a length');
    },
  },
  'start-past-size-invalid': {
    title: 'a range starting past the object fails with InvalidRange',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      await rejects(ctx.store.get(bucket, key, { range: { offset: SIZE + 4000, length: 1 } }), 'InvalidRange', 'range past the size');
    },
  },
  'single-bytes': {
    title: 'one-byte ranges at the first and last byte',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      bytesEqual(await ctx.store.getBytes(bucket, key, { range: { offset: 0, length: 1 } }), BODY.subarray(0, 1), 'first byte');
      bytesEqual(await ctx.store.getBytes(bucket, key, { range: { offset: SIZE - 1, length: 1 } }), BODY.subarray(SIZE - 1), 'last byte');
      bytesEqual(await ctx.store.getBytes(bucket, key, { range: { suffix: 1 } }), BODY.subarray(SIZE - 1), 'suffix 1');
    },
  },
  'zero-length': {
    title: 'a zero-length range returns no bytes (and InvalidRange at the size)',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      const got = await ctx.store.get(bucket, key, { range: { offset: 5, length: 0 } });
      equal((await got.body.bytes()).length, 0, 'bytes of a zero-length range');
      await rejects(ctx.store.get(bucket, key, { range: { offset: SIZE, length: 0 } }), 'InvalidRange', 'zero-length range at the size');
    },
  },
  'empty-object': {
    title: 'any range of an empty object fails with InvalidRange',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx, new Uint8Array(0));
      await rejects(ctx.store.get(bucket, key, { range: { offset: 0 } }), 'InvalidRange', 'offset 0 of an empty object');
      await rejects(ctx.store.get(bucket, key, { range: { suffix: 5 } }), 'InvalidRange', 'suffix of an empty object');
    },
  },
  'partial-response': {
    title: 'the server answers a range with the span it sent (206), exactly the bytes asked for',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      const result = await ctx.driver.getObject({ bucket, key, range: { offset: 100, length: 50 }, conditions: {}, signal: new AbortController().signal });
      const chunks: Uint8Array[] = [];
      for await (const c of result.body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
      const bytes = Buffer.concat(chunks);
      ok(result.contentRange !== undefined, 'the server honours Range with a 206 and Content-Range (it answered 200 with the whole object)');
      deepEqual({ start: result.contentRange.start, end: result.contentRange.end }, { start: 100, end: 149 }, 'Content-Range span');
      if (result.contentRange.total !== undefined) equal(result.contentRange.total, SIZE, 'Content-Range total');
      bytesEqual(bytes, BODY.subarray(100, 150), 'bytes of the 206 answer');
    },
  },
  'whole-body-answer-detected': {
    title: 'a 200 answer to a ranged get (server ignoring Range) is detected and cut to the range',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      const store = ctx.storeVia(ignoresRanges);
      const middle = await store.get(bucket, key, { range: { offset: 123, length: 77 } });
      bytesEqual(await middle.body.bytes(), BODY.subarray(123, 200), 'bytes cut from a whole-object answer');
      deepEqual(middle.range, { start: 123, end: 199 }, 'delivered span');
      bytesEqual(await store.getBytes(bucket, key, { range: { suffix: 10 } }), BODY.subarray(SIZE - 10), 'suffix cut from a whole-object answer');
      bytesEqual(await store.getBytes(bucket, key, { range: { offset: 995 } }), BODY.subarray(995), 'open range cut from a whole-object answer');
    },
  },
  'wrong-span-detected': {
    title: 'an answer whose Content-Range differs from the range asked for fails with IntegrityError',
    async run(ctx) {
      const { bucket, key } = await withObject(ctx);
      const store = ctx.storeVia(misreportsRanges);
      await rejects(store.get(bucket, key, { range: { offset: 10, length: 10 } }), 'IntegrityError', 'a span one byte off');
    },
  },
  'multi-mebibyte-offset': {
    title: 'a range deep inside a multi-MiB object, crossing internal chunk boundaries',
    async run(ctx) {
      const body = pseudoRandomBytes(5 * 1024 * 1024 + 3, 1001);
      await expectRange(ctx, { offset: 1024 * 1024 - 7, length: 2 * 1024 * 1024 + 14 }, 1024 * 1024 - 7, 3 * 1024 * 1024 + 6, body);
    },
  },
  'of-a-version': {
    title: 'a range of an older version reads that version',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const key = ctx.key('v');
      const old = await ctx.put(bucket, key, BODY);
      await ctx.put(bucket, key, pseudoRandomBytes(SIZE, 1002));
      ok(old.versionId, 'put in a versioned bucket returns a versionId');
      const got = await ctx.store.get(bucket, key, { versionId: old.versionId, range: { offset: 500, length: 8 } });
      bytesEqual(await got.body.bytes(), BODY.subarray(500, 508), 'range of the old version');
    },
  },
  'invalid-ranges-rejected-before-io': {
    title: 'negative, fractional and mixed ranges are rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      for (const range of [{ offset: -1 }, { offset: 1.5 }, { offset: 0, length: -2 }, { suffix: 0 }, { suffix: 5, offset: 1 }] as unknown as ByteRange[]) {
        await ctx.rejectedBeforeIo((s) => s.get(bucket, ctx.key('x'), { range }), `range ${JSON.stringify(range)}`);
      }
    },
  },
});
