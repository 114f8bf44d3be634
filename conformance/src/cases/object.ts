import { Readable } from 'node:stream';
import { bytesEqual, equal, ok, rejects } from '../assert.js';
import { generatedStream, hashStream, md5Hex, pseudoRandomBytes, sha256, text } from '../data.js';
import { defineGroup } from '../registry.js';

const MiB = 1024 * 1024;
const QUOTED = /^"[^"]+"$/;

/** Chunks of awkward sizes: 1 byte, odd, just under and over common buffer sizes. */
const ODD_CHUNKS = [1, 7, 8191, 65_537, 3, 16_383, 131_071, 2];

export const objectCases = defineGroup('object', [], {
  'round-trip': {
    title: 'bytes put are the bytes got; the put ETag is quoted and equals the head ETag',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(10_000, 11);
      const put = await ctx.put(bucket, ctx.key('obj'), body);
      ok(QUOTED.test(put.etag), `the put ETag ${put.etag} is quoted`);
      const got = await ctx.store.get(bucket, ctx.key('obj'));
      bytesEqual(await got.body.bytes(), body, 'body read back');
      equal(got.info.size, body.length, 'size');
      equal(got.info.etag, put.etag, 'get ETag vs put ETag');
      equal((await ctx.store.head(bucket, ctx.key('obj'))).etag, put.etag, 'head ETag vs put ETag');
    },
  },
  'etag-is-md5': {
    title: 'the ETag of a single-request put is the quoted hex MD5 of the body',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(4096, 12);
      const put = await ctx.put(bucket, ctx.key('obj'), body);
      equal(put.etag, `"${md5Hex(body)}"`, 'ETag');
    },
  },
  'string-body': {
    title: 'a string body is stored as its UTF-8 bytes',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const s = 'héllo wörld — 日本語 😀';
      await ctx.put(bucket, ctx.key('s'), s);
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('s')), text(s), 'stored bytes');
      equal((await ctx.store.head(bucket, ctx.key('s'))).size, text(s).length, 'size in bytes, not characters');
    },
  },
  overwrite: {
    title: 'a second put replaces the content, size and ETag',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const first = await ctx.put(bucket, ctx.key('o'), 'first version, longer');
      const second = await ctx.put(bucket, ctx.key('o'), 'second');
      ok(first.etag !== second.etag, 'ETag changed');
      equal(await ctx.text(bucket, ctx.key('o')), 'second', 'content');
      const info = await ctx.store.head(bucket, ctx.key('o'));
      equal(info.size, 6, 'size');
      equal(info.etag, second.etag, 'ETag');
    },
  },
  empty: {
    title: 'an empty object round-trips with size 0 and the MD5 of nothing',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const put = await ctx.put(bucket, ctx.key('empty'), new Uint8Array(0));
      equal(put.etag, '"d41d8cd98f00b204e9800998ecf8427e"', 'ETag of an empty object');
      const got = await ctx.store.get(bucket, ctx.key('empty'));
      equal(got.info.size, 0, 'size');
      equal((await got.body.bytes()).length, 0, 'bytes read');
      const listed = await ctx.listAll(bucket, { prefix: ctx.key() });
      equal(listed.objects[0]?.size, 0, 'listed size');
    },
  },
  'all-byte-values': {
    title: 'every byte value 0–255 survives (no text or line-ending conversion)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = new Uint8Array(2048).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
      body.set([13, 10, 10, 13, 0, 26, 255, 254], 100);
      await ctx.put(bucket, ctx.key('bin'), body);
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('bin')), body, 'binary body');
    },
  },
  'large-streamed-unknown-length': {
    title: 'a 64 MiB stream of unknown length is stored whole (hashed while written and while read)',
    requires: ['maxObjectSize>=67108864'],
    timeoutMs: 300_000,
    async run(ctx) {
      const bucket = await ctx.bucket();
      const key = ctx.key('large');
      const size = 64 * MiB;
      const source = generatedStream(size, 64, [MiB + 17, MiB - 3, 256 * 1024]);
      try {
        await ctx.store.put(bucket, key, source.stream);
        const written = await source.digest();
        const head = await ctx.store.head(bucket, key);
        equal(head.size, size, 'size of the stored object');
        const { body } = await ctx.store.get(bucket, key);
        const read = await hashStream(body.stream());
        equal(read.size, size, 'bytes read back');
        equal(read.sha256, written, 'SHA-256 of what was read vs what was streamed');
      } finally {
        await ctx.store.delete(bucket, key).catch(() => {});
      }
    },
  },
  'streamed-is-stored': {
    title: 'a stream of awkward chunk sizes with a declared length stores exactly what was streamed',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const size = 3 * MiB + 12_345;
      const source = generatedStream(size, 65, ODD_CHUNKS);
      await ctx.store.put(bucket, ctx.key('s'), source.stream, { contentLength: size });
      const written = await source.digest();
      const { info, body } = await ctx.store.get(bucket, ctx.key('s'));
      equal(info.size, size, 'stored size');
      const read = await hashStream(body.stream());
      equal(read.sha256, written, 'SHA-256 of the stored bytes vs the streamed bytes');
    },
  },
  'stream-unknown-length-small': {
    title: 'a short stream of unknown length round-trips',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const source = generatedStream(100_000, 66, ODD_CHUNKS);
      await ctx.store.put(bucket, ctx.key('s'), source.stream);
      const read = await hashStream((await ctx.store.get(bucket, ctx.key('s'))).body.stream());
      equal(read.size, 100_000, 'size');
      equal(read.sha256, await source.digest(), 'SHA-256');
    },
  },
  'node-readable-body': {
    title: 'a Node Readable body round-trips',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(200_000, 67);
      const chunks = [body.subarray(0, 1), body.subarray(1, 70_000), body.subarray(70_000)];
      await ctx.store.put(bucket, ctx.key('r'), Readable.from(chunks), { contentLength: body.length });
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('r')), body, 'body');
    },
  },
  'async-iterable-body': {
    title: 'an async iterable body of unknown length round-trips',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(50_000, 68);
      async function* gen() {
        for (let i = 0; i < body.length; i += 9_999) yield body.subarray(i, i + 9_999);
      }
      await ctx.store.put(bucket, ctx.key('i'), gen());
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('i')), body, 'body');
    },
  },
  'blob-body': {
    title: 'a Blob body round-trips',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(30_000, 69);
      await ctx.put(bucket, ctx.key('b'), new Blob([body as Uint8Array<ArrayBuffer>]));
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('b')), body, 'body');
    },
  },
  'head-matches-get': {
    title: 'head and get describe the object the same way (size, ETag, date, type)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('h'), 'some content', { contentType: 'text/plain' });
      const head = await ctx.store.head(bucket, ctx.key('h'));
      const got = await ctx.store.get(bucket, ctx.key('h'));
      await got.body.cancel();
      equal(head.key, ctx.key('h'), 'head key');
      equal(head.bucket, bucket, 'head bucket');
      equal(got.info.size, head.size, 'size');
      equal(got.info.etag, head.etag, 'ETag');
      equal(got.info.lastModified.getTime(), head.lastModified.getTime(), 'lastModified');
      equal(got.info.contentType, head.contentType, 'contentType');
    },
  },
  'last-modified-sane': {
    title: "lastModified is the backend's now (within a few minutes), and moves forward on overwrite",
    async run(ctx) {
      const bucket = await ctx.bucket();
      const before = ctx.clock.now();
      await ctx.put(bucket, ctx.key('t'), 'a');
      const first = (await ctx.store.head(bucket, ctx.key('t'))).lastModified;
      ok(Math.abs(first.getTime() - before.getTime()) < 5 * 60_000, `lastModified ${first.toISOString()} is within 5 minutes of now ${before.toISOString()}`);
      await ctx.clock.advance(1100);
      await ctx.put(bucket, ctx.key('t'), 'b');
      const second = (await ctx.store.head(bucket, ctx.key('t'))).lastModified;
      ok(second.getTime() > first.getTime(), `lastModified moves forward on overwrite (${first.toISOString()} → ${second.toISOString()})`);
    },
  },
  'delete-then-missing': {
    title: 'after a delete, get and head fail with ObjectNotFound and the key is not listed',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('d'), 'x');
      await ctx.store.delete(bucket, ctx.key('d'));
      await rejects(ctx.store.get(bucket, ctx.key('d')), 'ObjectNotFound', 'get after delete');
      await rejects(ctx.store.head(bucket, ctx.key('d')), 'ObjectNotFound', 'head after delete');
      equal((await ctx.listAll(bucket, { prefix: ctx.key() })).keys.length, 0, 'keys listed after delete');
    },
  },
  'delete-missing-succeeds': {
    title: 'deleting a key that does not exist succeeds (deletes are idempotent)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.store.delete(bucket, ctx.key('never-existed'));
      await ctx.put(bucket, ctx.key('twice'), 'x');
      await ctx.store.delete(bucket, ctx.key('twice'));
      await ctx.store.delete(bucket, ctx.key('twice'));
    },
  },
  'body-streams-in-chunks': {
    title: 'a got body can be consumed as a stream and as an async iterator, with the same bytes',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(2 * MiB + 5, 70);
      await ctx.put(bucket, ctx.key('c'), body);
      const viaStream = await hashStream((await ctx.store.get(bucket, ctx.key('c'))).body.stream());
      const viaIterator = await hashStream((await ctx.store.get(bucket, ctx.key('c'))).body);
      equal(viaStream.sha256, sha256(body), 'SHA-256 through stream()');
      equal(viaIterator.sha256, sha256(body), 'SHA-256 through the async iterator');
    },
  },
  'cancelled-body-releases': {
    title: 'cancelling a body unread leaves the store usable (the object and others still readable)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('c'), pseudoRandomBytes(1 * MiB, 71));
      for (let i = 0; i < 20; i++) {
        const { body } = await ctx.store.get(bucket, ctx.key('c'));
        await body.cancel();
      }
      equal((await ctx.store.getBytes(bucket, ctx.key('c'))).length, MiB, 'bytes read after 20 cancelled bodies');
    },
  },
  'listed-summary-matches-head': {
    title: 'the listing shows the same size, ETag and lastModified as head',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('l'), pseudoRandomBytes(777, 72));
      const head = await ctx.store.head(bucket, ctx.key('l'));
      const [summary] = (await ctx.listAll(bucket, { prefix: ctx.key() })).objects;
      ok(summary, 'the object is listed');
      equal(summary.key, ctx.key('l'), 'listed key');
      equal(summary.size, head.size, 'listed size');
      equal(summary.etag, head.etag, 'listed ETag');
      ok(Math.abs(summary.lastModified.getTime() - head.lastModified.getTime()) < 1000, 'listed lastModified');
    },
  },
});
