import { checkKeyRule } from '@stowage/core';
import { deepEqual, equal, ok, rejects } from '../assert.js';
import { compareBytes, type CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

/** Puts `names` under the case prefix (tiny bodies); returns the bucket and full keys. */
async function seed(ctx: CaseContext, names: readonly string[]): Promise<{ bucket: string; keys: string[] }> {
  const bucket = await ctx.bucket();
  const keys = names.map((n) => ctx.key(n));
  await ctx.putMany(bucket, keys);
  return { bucket, keys };
}

const strip = (ctx: CaseContext, keys: readonly string[]) => keys.map((k) => k.slice(ctx.prefix.length));
/**
 * The names whose keys no declared key rule refuses: a backend with key rules
 * (MediaStore's path pattern) cannot hold the others, and the key group proves
 * it refuses them before I/O and on the server.
 */
const usable = (ctx: CaseContext, names: readonly string[]) => names.filter((n) => !ctx.caps.keyRules.some((rule) => checkKeyRule(ctx.key(n), rule) !== null));
const sorted = (keys: readonly string[]) => [...keys].sort(compareBytes);

/** Lists everything under the case prefix with a page size and checks the full, ordered, duplicate-free result. */
async function pagedExactly(ctx: CaseContext, count: number, pageSize: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `k${String(i).padStart(4, '0')}`);
  const { bucket } = await seed(ctx, names);
  const listed = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize });
  deepEqual(strip(ctx, listed.keys), names, `keys listed with pageSize ${pageSize}`);
  equal(listed.pages, Math.max(1, Math.ceil(count / pageSize)), `pages for ${count} keys at pageSize ${pageSize}`);
}

/** Tampers with one character of the signed part of a cursor (keeping it well formed). */
export function tamper(cursor: string): string[] {
  const out: string[] = [];
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const dot = cursor.indexOf('.');
  if (dot > 0) {
    out.push(flip(cursor, Math.floor(dot / 2))); // the payload
    out.push(flip(cursor, cursor.length - 2)); // the signature
  } else {
    out.push(flip(cursor, Math.floor(cursor.length / 2)));
  }
  out.push(cursor.slice(0, -1));
  out.push(`${cursor}A`);
  return out.filter((c) => c !== cursor);
}

export const listCases = defineGroup('list', [], {
  prefix: {
    title: 'a prefix lists exactly the keys that start with it',
    requires: ['listing.keyAlsoPrefix'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a/1', 'a/2', 'ab', 'b/1', 'a']);
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key('a/') })).keys), ['a/1', 'a/2'], 'keys under a/');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key('a') })).keys), ['a', 'a/1', 'a/2', 'ab'], 'keys under a');
    },
  },
  'prefix-no-match': {
    title: 'a prefix matching nothing gives one empty page without a cursor',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['x']);
      const page = await ctx.store.listPage(bucket, { prefix: ctx.key('nothing-here/') });
      equal(page.objects.length + page.commonPrefixes.length, 0, 'entries');
      equal(page.nextCursor, undefined, 'cursor');
    },
  },
  'prefix-is-literal': {
    title: 'prefix characters are literal: no glob, regex or percent meaning',
    async run(ctx) {
      const { bucket } = await seed(ctx, usable(ctx, ['x*y', 'xay', 'x.z', 'x%2A', 'x[1]', 'x1]']));
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key('x*') })).keys), usable(ctx, ['x*y']), 'prefix x*');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key('x.') })).keys), usable(ctx, ['x.z']), 'prefix x.');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key('x[') })).keys), usable(ctx, ['x[1]']), 'prefix x[');
    },
  },
  'empty-prefix': {
    title: 'an empty prefix lists the whole bucket',
    requires: ['managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await ctx.putMany(bucket, ['z', 'a/b', 'm']);
      deepEqual((await ctx.listAll(bucket, { prefix: '' })).keys, ['a/b', 'm', 'z'], 'keys with prefix ""');
      deepEqual((await ctx.listAll(bucket)).keys, ['a/b', 'm', 'z'], 'keys with no prefix');
    },
  },
  'empty-bucket': {
    title: 'an empty bucket lists one empty page without a cursor, with and without a delimiter',
    requires: ['managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      for (const options of [{}, { delimiter: '/' }, { pageSize: 1 }]) {
        const page = await ctx.store.listPage(bucket, options);
        equal(page.objects.length + page.commonPrefixes.length, 0, `entries (${JSON.stringify(options)})`);
        equal(page.nextCursor, undefined, `cursor (${JSON.stringify(options)})`);
      }
    },
  },
  'delimiter.common-prefixes': {
    title: 'with delimiter "/", keys below a "/" roll up into common prefixes',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a/1', 'a/2', 'b/x/y', 'c', 'd']);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/' });
      deepEqual(strip(ctx, listed.keys), ['c', 'd'], 'objects');
      deepEqual(strip(ctx, listed.prefixes), ['a/', 'b/'], 'common prefixes');
    },
  },
  'delimiter.order': {
    title: 'objects and common prefixes come in one merged UTF-8 order across pages',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b/1', 'b/2', 'c', 'd/1', 'e']);
      for (const pageSize of [1, 2, 1000]) {
        const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', pageSize });
        deepEqual(strip(ctx, listed.entries), ['a', 'b/', 'c', 'd/', 'e'], `merged entries at pageSize ${pageSize}`);
      }
    },
  },
  'delimiter.nested': {
    title: 'prefix "a/" with delimiter "/" lists one level below a/',
    async run(ctx) {
      const { bucket } = await seed(ctx, usable(ctx, ['a/b/c', 'a/b/d', 'a/e', 'a/f/', 'x/y']));
      const listed = await ctx.listAll(bucket, { prefix: ctx.key('a/'), delimiter: '/' });
      deepEqual(strip(ctx, listed.keys), ['a/e'], 'objects');
      deepEqual(strip(ctx, listed.prefixes), ['a/b/', ...usable(ctx, ['a/f/'])], 'common prefixes');
    },
  },
  'delimiter.prefix-without-slash': {
    title: 'prefix "a" with delimiter "/" rolls up a/ and ab/ separately and keeps ab as an object',
    requires: ['listing.keyAlsoPrefix'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a/1', 'ab/1', 'ab', 'ac']);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key('a'), delimiter: '/' });
      deepEqual(strip(ctx, listed.keys), ['ab', 'ac'], 'objects');
      deepEqual(strip(ctx, listed.prefixes), ['a/', 'ab/'], 'common prefixes');
    },
  },
  'delimiter.sorting-before': {
    title: 'keys sorting just before the delimiter ("a-/", "a.b" vs "a/") never break the roll-up, paged or not',
    requires: ['listing.keyAlsoPrefix'],
    async run(ctx) {
      // '-' (0x2D) and '.' (0x2E) sort just before '/' (0x2F), '0' just after.
      const { bucket } = await seed(ctx, ['a-/x', 'a-/y', 'a.b', 'a/x', 'a/y/z', 'a0', 'a-']);
      for (const pageSize of [1, 2, 3, 1000]) {
        const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', pageSize });
        deepEqual(strip(ctx, listed.entries), ['a-', 'a-/', 'a.b', 'a/', 'a0'], `entries at pageSize ${pageSize}`);
      }
    },
  },
  'delimiter.multi-character': {
    title: 'a multi-character delimiter ("--") rolls up at the whole delimiter only',
    requires: ['listing.anyDelimiter'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['x--1', 'x--2', 'x-y', 'y--z--w', 'z-']);
      for (const pageSize of [1, 1000]) {
        const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '--', pageSize });
        deepEqual(strip(ctx, listed.keys), ['x-y', 'z-'], `objects at pageSize ${pageSize}`);
        deepEqual(strip(ctx, listed.prefixes), ['x--', 'y--'], `common prefixes at pageSize ${pageSize}`);
      }
    },
  },
  'delimiter.other-character': {
    title: 'a single non-slash delimiter ("|") works like "/"',
    requires: ['listing.anyDelimiter'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['p|1', 'p|2', 'p/3', 'q']);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '|' });
      deepEqual(strip(ctx, listed.keys), ['p/3', 'q'], 'objects');
      deepEqual(strip(ctx, listed.prefixes), ['p|'], 'common prefixes');
    },
  },
  'delimiter.prefixes-count-toward-page': {
    title: 'common prefixes count toward the page size, and each appears once across pages',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a/1', 'a/2', 'a/3', 'b/1', 'c/1', 'c/2', 'd/1', 'e/1']);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', pageSize: 2 });
      deepEqual(strip(ctx, listed.prefixes), ['a/', 'b/', 'c/', 'd/', 'e/'], 'common prefixes');
      equal(listed.pages, 3, 'pages for 5 prefixes at pageSize 2');
    },
  },
  'utf8-order': {
    title: 'keys are listed in UTF-8 byte order (U+FFFD before an emoji; JavaScript order puts it after)',
    async run(ctx) {
      const names = usable(ctx, ['\ufffd', '😀', 'z', 'é', 'E', '\u00ff', '\u0100', '\ud7ff', '\ue000', '𝄞', 'a']);
      const { bucket } = await seed(ctx, names);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key() });
      deepEqual(strip(ctx, listed.keys), sorted(names), 'order');
    },
  },
  'utf8-order-paged': {
    title: 'UTF-8 order holds across page boundaries and cursors (page size 1)',
    async run(ctx) {
      const names = usable(ctx, ['\ufffd', '😀', '\uffef', '𝄞x', 'é', 'a']);
      const { bucket } = await seed(ctx, names);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize: 1 });
      deepEqual(strip(ctx, listed.keys), sorted(names), 'order across pages');
    },
  },
  'page-sizes': {
    title: 'page sizes 1, 2 and 3 over 7 keys list every key once, in order',
    async run(ctx) {
      const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
      const { bucket } = await seed(ctx, names);
      for (const pageSize of [1, 2, 3]) {
        const listed = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize });
        deepEqual(strip(ctx, listed.keys), names, `keys at pageSize ${pageSize}`);
      }
    },
  },
  'page-size-1000': {
    title: 'page size 1000 over 1001 keys: a full page, then one key',
    timeoutMs: 180_000,
    async run(ctx) {
      await pagedExactly(ctx, 1001, 1000);
    },
  },
  'default-page-size': {
    title: 'without a page size, a page holds at most the declared maximum and the rest follows by cursor',
    async run(ctx) {
      const names = Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(2, '0')}`);
      const { bucket } = await seed(ctx, names);
      const page = await ctx.store.listPage(bucket, { prefix: ctx.key() });
      ok(page.objects.length <= ctx.caps.listing.maxPageSize, 'page within the declared maximum');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key() })).keys), names, 'keys');
    },
  },
  'last-page-no-cursor': {
    title: 'a page that ends the listing has no cursor: no empty extra page, even when the keys fill the pages exactly',
    requires: ['listing.exactEnd'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c', 'd', 'e', 'f']);
      for (const pageSize of [1, 2, 3, 6, 7]) {
        const listed = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize });
        equal(listed.pages, Math.ceil(6 / pageSize), `pages for 6 keys at pageSize ${pageSize}`);
      }
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 3 });
      const second = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 3, cursor: first.nextCursor });
      deepEqual(strip(ctx, second.objects.map((o) => o.key)), ['d', 'e', 'f'], 'second page');
      equal(second.nextCursor, undefined, 'cursor after the last key');
    },
  },
  'cursor-fresh-store': {
    title: 'a cursor from one Store instance resumes the listing in a fresh one',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c', 'd', 'e']);
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 2 });
      ok(first.nextCursor, 'first page cursor');
      const other = await ctx.freshStore();
      const rest = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize: 2, cursor: first.nextCursor }, other);
      deepEqual(strip(ctx, [...first.objects.map((o) => o.key), ...rest.keys]), ['a', 'b', 'c', 'd', 'e'], 'keys across two Store instances');
    },
  },
  'cursor-tampered': {
    title: 'a cursor altered in any byte is rejected (InvalidArgument) before any request',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c']);
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 1 });
      ok(first.nextCursor, 'first page cursor');
      for (const bad of tamper(first.nextCursor)) {
        await ctx.rejectedBeforeIo((s) => s.listPage(bucket, { prefix: ctx.key(), pageSize: 1, cursor: bad }), `tampered cursor ${bad.slice(0, 24)}…`);
      }
    },
  },
  'cursor-other-listing': {
    title: 'a cursor used with another prefix, delimiter or bucket is rejected before any request',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c']);
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 1 });
      const cursor = first.nextCursor;
      ok(cursor, 'first page cursor');
      await ctx.rejectedBeforeIo((s) => s.listPage(bucket, { prefix: ctx.key('a'), pageSize: 1, cursor }), 'cursor with another prefix');
      await ctx.rejectedBeforeIo((s) => s.listPage(bucket, { prefix: ctx.key(), delimiter: '/', pageSize: 1, cursor }), 'cursor with a delimiter added');
      await ctx.rejectedBeforeIo((s) => s.listPage(ctx.run.missingBucketName(), { prefix: ctx.key(), pageSize: 1, cursor }), 'cursor on another bucket');
      await ctx.rejectedBeforeIo((s) => s.listPage(bucket, { cursor: 'not-a-cursor' }), 'a made-up cursor');
    },
  },
  'start-after': {
    title: 'startAfter lists the keys strictly after the given key',
    requires: ['listing.startAfter'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c', 'd']);
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), startAfter: ctx.key('b') })).keys), ['c', 'd'], 'after an existing key');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), startAfter: ctx.key('bb'), pageSize: 1 })).keys), ['c', 'd'], 'after a key that does not exist, paged');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), startAfter: ctx.key('z') })).keys), [], 'after the last key');
    },
  },
  'start-after-with-delimiter': {
    title: 'with a delimiter, a common prefix is listed only if it sorts after startAfter (so a cursor inside a/ never repeats a/)',
    requires: ['listing.startAfter'],
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a/1', 'a/2', 'b/1', 'c']);
      // "a/" sorts before "a/1": S3 does not list it again, though a/2 is after a/1.
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', startAfter: ctx.key('a/1') })).entries), ['b/', 'c'], 'entries after a/1');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', startAfter: ctx.key('a') })).entries), ['a/', 'b/', 'c'], 'entries after a (a/ sorts after it)');
      deepEqual(strip(ctx, (await ctx.listAll(bucket, { prefix: ctx.key(), delimiter: '/', startAfter: ctx.key('a/'), pageSize: 1 })).entries), ['b/', 'c'], 'entries after a/ itself, paged');
    },
  },
  'insert-between-pages': {
    title: 'keys inserted between pages never make unchanged keys repeat or vanish',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['b', 'd', 'f', 'h', 'j', 'l']);
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 2 });
      deepEqual(strip(ctx, first.objects.map((o) => o.key)), ['b', 'd'], 'first page');
      await ctx.putMany(bucket, ['a', 'c', 'e', 'dd', 'k'].map((n) => ctx.key(n)));
      const rest = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize: 2, cursor: first.nextCursor });
      const seen = [...strip(ctx, first.objects.map((o) => o.key)), ...strip(ctx, rest.keys)];
      for (const k of ['b', 'd', 'f', 'h', 'j', 'l']) equal(seen.filter((s) => s === k).length, 1, `times unchanged key ${k} was listed`);
      ok(!rest.keys.includes(ctx.key('a')) && !rest.keys.includes(ctx.key('c')), 'keys inserted before the cursor position are not listed after it');
      ok(rest.keys.includes(ctx.key('dd')) && rest.keys.includes(ctx.key('e')) && rest.keys.includes(ctx.key('k')), 'keys inserted after the cursor position are listed');
      deepEqual(seen, sorted(seen), 'order across the pages');
    },
  },
  'delete-between-pages': {
    title: 'deleting keys between pages (the last one listed included) never makes the others repeat or vanish',
    async run(ctx) {
      const { bucket } = await seed(ctx, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      const first = await ctx.store.listPage(bucket, { prefix: ctx.key(), pageSize: 3 });
      deepEqual(strip(ctx, first.objects.map((o) => o.key)), ['a', 'b', 'c'], 'first page');
      await ctx.store.delete(bucket, ctx.key('c')); // the cursor's own key
      await ctx.store.delete(bucket, ctx.key('e'));
      const rest = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize: 3, cursor: first.nextCursor });
      deepEqual(strip(ctx, rest.keys), ['d', 'f', 'g'], 'keys after the deletes');
    },
  },
  'summaries-complete': {
    title: 'each listed object carries its size, quoted ETag and a valid lastModified',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('one'), 'x'.repeat(123));
      const [o] = (await ctx.listAll(bucket, { prefix: ctx.key() })).objects;
      ok(o, 'listed');
      equal(o.size, 123, 'size');
      ok(/^"[^"]+"$/.test(o.etag), `the ETag ${o.etag} is quoted`);
      ok(o.lastModified instanceof Date && !Number.isNaN(o.lastModified.getTime()), 'lastModified is a valid Date');
    },
  },
  'iterator-all': {
    title: 'the list() iterator yields every key once, across pages',
    async run(ctx) {
      const names = Array.from({ length: 12 }, (_, i) => `i${String(i).padStart(2, '0')}`);
      const { bucket } = await seed(ctx, names);
      const out: string[] = [];
      for await (const o of ctx.store.list(bucket, { prefix: ctx.key(), pageSize: 5 })) out.push(o.key);
      deepEqual(strip(ctx, out), names, 'keys from list()');
    },
  },
  'invalid-page-size-rejected-before-io': {
    title: 'page sizes of 0, above the maximum, or fractional are rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      for (const pageSize of [0, -1, 1.5, ctx.caps.listing.maxPageSize + 1]) {
        await ctx.rejectedBeforeIo((s) => s.listPage(bucket, { pageSize }), `pageSize ${pageSize}`);
      }
    },
  },
  'versions.order': {
    title: 'versions of a key are listed newest first, keys in UTF-8 order, one isLatest per key',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const ids: Record<string, string[]> = { a: [], b: [] };
      for (const round of [1, 2, 3]) {
        for (const name of ['b', 'a']) {
          const put = await ctx.put(bucket, ctx.key(name), `${name}${round}`);
          ok(put.versionId, 'versionId of a put in a versioned bucket');
          ids[name]!.unshift(put.versionId);
        }
      }
      const versions = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      deepEqual(versions.map((v) => [v.key.slice(ctx.prefix.length), v.versionId]), [...ids.a!.map((id) => ['a', id]), ...ids.b!.map((id) => ['b', id])], 'key and version order');
      deepEqual(versions.map((v) => v.isLatest), [true, false, false, true, false, false], 'isLatest');
    },
  },
  'versions.paged': {
    title: 'version listing at page size 1 and 2 lists every version once, even when a page ends inside a key',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      for (const name of ['a', 'a', 'a', 'b', 'c', 'c']) await ctx.put(bucket, ctx.key(name), name);
      const all = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      equal(all.length, 6, 'versions listed');
      for (const pageSize of [1, 2]) {
        const paged = await ctx.listVersionsAll(bucket, { prefix: ctx.key(), pageSize });
        deepEqual(paged.map((v) => `${v.key}@${v.versionId}`), all.map((v) => `${v.key}@${v.versionId}`), `versions at pageSize ${pageSize}`);
      }
    },
  },
  'versions.delete-markers': {
    title: 'version listing shows delete markers, latest, with their own version ids',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('k'), 'x');
      const del = await ctx.store.delete(bucket, ctx.key('k'));
      equal(del.deleteMarker, true, 'delete in a versioned bucket creates a marker');
      const versions = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      equal(versions.length, 2, 'entries');
      const [marker, object] = versions;
      equal(marker!.isDeleteMarker, true, 'newest entry is a delete marker');
      equal(marker!.isLatest, true, 'the marker is latest');
      if (del.versionId !== undefined) equal(marker!.versionId, del.versionId, "the marker's version id");
      equal(object!.isDeleteMarker, false, 'older entry is the object');
      deepEqual((await ctx.listAll(bucket, { prefix: ctx.key() })).keys, [], 'object listing hides the deleted key');
    },
  },
  'versions.cursor-fresh-store': {
    title: 'a version-listing cursor resumes in a fresh Store; a tampered one is rejected',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      for (const name of ['a', 'a', 'b']) await ctx.put(bucket, ctx.key(name), name);
      const first = await ctx.store.listVersionsPage(bucket, { prefix: ctx.key(), pageSize: 1 });
      ok(first.nextCursor, 'cursor');
      const other = await ctx.freshStore();
      const rest: string[] = [];
      for await (const v of other.listVersions(bucket, { prefix: ctx.key(), pageSize: 1, cursor: first.nextCursor })) rest.push(v.key);
      deepEqual(strip(ctx, [first.versions[0]!.key, ...rest]), ['a', 'a', 'b'], 'keys across Store instances');
      for (const bad of tamper(first.nextCursor)) {
        await ctx.rejectedBeforeIo((s) => s.listVersionsPage(bucket, { prefix: ctx.key(), pageSize: 1, cursor: bad }), 'tampered version cursor');
      }
    },
  },
  'versions.delimiter': {
    title: 'version listing with delimiter "/" rolls keys up into common prefixes',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      for (const name of ['d/1', 'd/2', 'e']) await ctx.put(bucket, ctx.key(name), name);
      const page = await ctx.store.listVersionsPage(bucket, { prefix: ctx.key(), delimiter: '/' });
      deepEqual(strip(ctx, page.commonPrefixes), ['d/'], 'common prefixes');
      deepEqual(strip(ctx, page.versions.map((v) => v.key)), ['e'], 'versions');
    },
  },
  'missing-bucket': {
    title: 'listing a bucket that does not exist fails with BucketNotFound',
    async run(ctx) {
      await rejects(ctx.store.listPage(ctx.run.missingBucketName()), 'BucketNotFound', 'listPage');
    },
  },
});
