import type { Metadata } from '@stowage/core';
import { deepEqual, equal, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

/** Puts with metadata, then checks head and get both return `expected`. */
async function roundTrip(ctx: CaseContext, metadata: Metadata, expected: Metadata = metadata): Promise<void> {
  const bucket = await ctx.bucket();
  const key = ctx.key('m');
  await ctx.put(bucket, key, 'x', { metadata });
  deepEqual((await ctx.store.head(bucket, key)).metadata, expected, 'metadata from head');
  const got = await ctx.store.get(bucket, key);
  await got.body.cancel();
  deepEqual(got.info.metadata, expected, 'metadata from get');
}

export const metadataCases = defineGroup('metadata', ['userMetadata'], {
  'round-trip': {
    title: 'user metadata round-trips through head and get',
    async run(ctx) {
      await roundTrip(ctx, { color: 'blue', 'x-count': '42', empty: '' });
    },
  },
  'names-lower-cased': {
    title: 'metadata names come back lower-case',
    async run(ctx) {
      await roundTrip(ctx, { 'Mixed-Case': 'v', UPPER: 'w' }, { 'mixed-case': 'v', upper: 'w' });
    },
  },
  'non-ascii-values': {
    title: 'non-ASCII values (accents, CJK, emoji) round-trip exactly',
    async run(ctx) {
      await roundTrip(ctx, { city: 'Zürich', word: '日本語', face: '😀 ok', mixed: 'naïve café — “quoted”' });
    },
  },
  'whitespace-values': {
    title: 'leading, trailing and inner runs of spaces are kept',
    async run(ctx) {
      await roundTrip(ctx, { lead: '  two before', trail: 'two after  ', inner: 'a   b', tab: 'a\tb' });
    },
  },
  'encoded-word-lookalike': {
    title: 'a value that looks like an RFC 2047 encoded word comes back literally',
    async run(ctx) {
      await roundTrip(ctx, { literal: '=?UTF-8?B?aGVsbG8=?=', partial: '=?not really' });
    },
  },
  'printable-ascii-value': {
    title: 'a value with every printable ASCII character round-trips',
    async run(ctx) {
      let all = '';
      for (let c = 0x21; c <= 0x7e; c++) all += String.fromCharCode(c);
      await roundTrip(ctx, { ascii: `a ${all} z` });
    },
  },
  'overwrite-replaces': {
    title: 'a second put without metadata leaves none of the first put’s metadata',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('o'), 'a', { metadata: { old: '1' }, contentType: 'text/plain' });
      await ctx.put(bucket, ctx.key('o'), 'b');
      const info = await ctx.store.head(bucket, ctx.key('o'));
      deepEqual(info.metadata, {}, 'metadata after overwrite');
      equal(info.contentType === 'text/plain', false, 'content type of the first put survived an overwrite');
    },
  },
  'content-type': {
    title: 'content type round-trips, parameters included',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('t'), '{}', { contentType: 'application/vnd.example+json; charset=utf-8' });
      equal((await ctx.store.head(bucket, ctx.key('t'))).contentType, 'application/vnd.example+json; charset=utf-8', 'contentType');
    },
  },
  'cache-control': {
    title: 'cache control round-trips',
    requires: ['contentHeaders.cacheControl'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('c'), 'x', { cacheControl: 'public, max-age=3600, immutable' });
      const got = await ctx.store.get(bucket, ctx.key('c'));
      await got.body.cancel();
      equal(got.info.cacheControl, 'public, max-age=3600, immutable', 'cacheControl from get');
      equal((await ctx.store.head(bucket, ctx.key('c'))).cacheControl, 'public, max-age=3600, immutable', 'cacheControl from head');
    },
  },
  'content-disposition': {
    title: 'content disposition round-trips, RFC 5987 filename included',
    requires: ['contentHeaders.contentDisposition'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const value = `attachment; filename="report.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`;
      await ctx.put(bucket, ctx.key('d'), 'x', { contentDisposition: value });
      equal((await ctx.store.head(bucket, ctx.key('d'))).contentDisposition, value, 'contentDisposition');
    },
  },
  'content-encoding': {
    title: 'content encoding round-trips and the stored bytes are not decoded',
    requires: ['contentHeaders.contentEncoding'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const { gzipSync } = await import('node:zlib');
      const gz = new Uint8Array(gzipSync(Buffer.from('hello hello hello')));
      await ctx.put(bucket, ctx.key('e'), gz, { contentEncoding: 'gzip', contentType: 'text/plain' });
      equal((await ctx.store.head(bucket, ctx.key('e'))).contentEncoding, 'gzip', 'contentEncoding');
      deepEqual([...(await ctx.store.getBytes(bucket, ctx.key('e')))], [...gz], 'the gzip bytes as stored (no transparent decoding)');
    },
  },
  'copy-keeps': {
    title: 'a copy (directive copy) keeps user metadata and content headers exactly',
    requires: ['copy'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const metadata = { plain: 'Mixed Case Value', accents: 'Grüße', spaced: ' x ' };
      await ctx.put(bucket, ctx.key('src'), 'x', { metadata, contentType: 'text/csv', cacheControl: ctx.caps.contentHeaders.cacheControl ? 'no-cache' : undefined });
      await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') });
      const info = await ctx.store.head(bucket, ctx.key('dst'));
      deepEqual(info.metadata, metadata, 'copied metadata');
      equal(info.contentType, 'text/csv', 'copied contentType');
      if (ctx.caps.contentHeaders.cacheControl) equal(info.cacheControl, 'no-cache', 'copied cacheControl');
    },
  },
  'copy-replaces': {
    title: 'a copy with directive replace has only the new metadata and headers',
    requires: ['copy'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('src'), 'x', { metadata: { old: '1', shared: 'old' }, contentType: 'text/csv' });
      await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') }, { metadataDirective: 'replace', metadata: { shared: 'New', fresh: 'ça' }, contentType: 'text/html' });
      const info = await ctx.store.head(bucket, ctx.key('dst'));
      deepEqual(info.metadata, { shared: 'New', fresh: 'ça' }, 'replaced metadata');
      equal(info.contentType, 'text/html', 'replaced contentType');
      deepEqual((await ctx.store.head(bucket, ctx.key('src'))).metadata, { old: '1', shared: 'old' }, 'source metadata untouched');
    },
  },
  'many-entries': {
    title: 'twenty metadata entries round-trip',
    async run(ctx) {
      const metadata: Metadata = {};
      for (let i = 0; i < 20; i++) metadata[`k${i}`] = `value-${i}`;
      await roundTrip(ctx, metadata);
    },
  },
  'near-limit-accepted': {
    title: 'metadata just under the declared byte limit is accepted whole',
    async run(ctx) {
      const limit = ctx.caps.maxMetadataBytes - (ctx.caps.metadataEntryOverhead ?? 0);
      const name = 'big';
      const value = 'v'.repeat(Math.max(1, limit - name.length - 16));
      await roundTrip(ctx, { [name]: value });
    },
  },
  'over-limit-rejected-before-io': {
    title: 'metadata over the declared limit, bad names and control characters are rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const tooBig = { big: 'v'.repeat(ctx.caps.maxMetadataBytes + 1) };
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('x'), 'x', { metadata: tooBig }), 'metadata over the limit');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('x'), 'x', { metadata: { 'bad name': 'v' } }), 'a name with a space');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('x'), 'x', { metadata: { 'naïve': 'v' } }), 'a non-ASCII name');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('x'), 'x', { metadata: { a: 'line\nbreak' } }), 'a value with a newline');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('x'), 'x', { metadata: { Dup: '1', dup: '2' } }), 'names equal once lower-cased');
      await rejects(ctx.store.head(bucket, ctx.key('x')), 'ObjectNotFound', 'nothing was written');
    },
  },
});
