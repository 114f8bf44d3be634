import { describe, expect, it } from 'vitest';
import { compareUtf8, type Store } from '@stowage/core';
import { allKeys, setup } from './helpers.js';

async function bucketWith(keys: string[], versioned = false) {
  const ctx = setup();
  await ctx.store.createBucket('bkt');
  if (versioned) await ctx.store.setVersioning('bkt', 'Enabled');
  for (const k of keys) await ctx.store.put('bkt', k, k);
  return ctx;
}

/** What S3 answers, computed the slow obvious way: the reference for the reference. */
function expectedListing(keys: string[], prefix = '', delimiter?: string) {
  const sorted = [...new Set(keys)].filter((k) => k.startsWith(prefix)).sort(compareUtf8);
  const out: string[] = [];
  const prefixes: string[] = [];
  for (const k of sorted) {
    const at = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    if (at >= 0) {
      const p = k.slice(0, at + delimiter!.length);
      if (!prefixes.includes(p)) prefixes.push(p);
    } else out.push(k);
  }
  return { keys: out, prefixes };
}

describe('listing order', () => {
  it('lists in UTF-8 byte order: an emoji sorts after U+FFFD (not JS string order)', async () => {
    const keys = ['\uFFFD', '🚀', 'z', 'Z', 'é', '\u00FF', '\u0100', 'a', '~', '\uE000', '\uD7FF'];
    const { store } = await bucketWith(keys);
    const { keys: listed } = await allKeys(store, 'bkt');
    expect(listed).toEqual(['Z', 'a', 'z', '~', 'é', '\u00FF', '\u0100', '\uD7FF', '\uE000', '\uFFFD', '🚀']);
    // JavaScript's default order would put the emoji before U+FFFD
    expect([...keys].sort().indexOf('🚀')).toBeLessThan([...keys].sort().indexOf('\uFFFD'));
    const bytes = listed.map((k) => Buffer.from(k, 'utf8'));
    for (let i = 1; i < bytes.length; i++) expect(Buffer.compare(bytes[i - 1]!, bytes[i]!)).toBe(-1);
  });

  it('page by page, every page in order and no key twice, at any page size', async () => {
    const keys = Array.from({ length: 57 }, (_, i) => `k/${String(i * 7919 % 1000).padStart(4, '0')}`);
    const { store } = await bucketWith(keys);
    for (const pageSize of [1, 2, 7, 56, 57, 58, 1000]) {
      const pages: string[][] = [];
      for await (const page of store.listPages('bkt', { pageSize })) pages.push(page.objects.map((o) => o.key));
      expect(pages.flat()).toEqual([...keys].sort(compareUtf8));
      expect(pages.every((p, i) => p.length === pageSize || i === pages.length - 1)).toBe(true);
      expect(pages.length).toBe(Math.ceil(57 / pageSize));
    }
  });

  it('the last page has no cursor, and an exactly full page is not followed by an empty one', async () => {
    const { store } = await bucketWith(['a', 'b', 'c', 'd']);
    const first = await store.listPage('bkt', { pageSize: 2 });
    expect(first.nextCursor).toBeDefined();
    const second = await store.listPage('bkt', { pageSize: 2, cursor: first.nextCursor });
    expect(second.objects.map((o) => o.key)).toEqual(['c', 'd']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('summaries carry size, ETag, lastModified and storage class', async () => {
    const { store } = await bucketWith(['abc']);
    const head = await store.head('bkt', 'abc');
    expect((await store.listPage('bkt')).objects).toEqual([{ key: 'abc', size: 3, etag: head.etag, lastModified: head.lastModified, storageClass: 'STANDARD' }]);
  });
});

describe('prefix and delimiter', () => {
  const keys = ['a', 'a/b', 'a/b/c', 'a/c', 'a/d/e', 'ab', 'b/x', 'b/y/z', 'c', 'photos/2024/01/x.jpg', 'photos/2024/02/y.jpg', 'photos/2025/z.jpg', 'photos/index.html'];

  it('rolls keys up to common prefixes after the prefix, counting each prefix once', async () => {
    const { store } = await bucketWith(keys);
    const cases: Array<[string | undefined, string]> = [
      [undefined, '/'],
      ['a/', '/'],
      ['a', '/'],
      ['photos/', '/'],
      ['photos/2024/', '/'],
      ['nope/', '/'],
      ['', '/'],
    ];
    for (const [prefix, delimiter] of cases) {
      for (const pageSize of [1, 2, 1000]) {
        expect(await allKeys(store, 'bkt', { prefix, delimiter, pageSize })).toEqual(expectedListing(keys, prefix, delimiter));
      }
    }
    expect(await allKeys(store, 'bkt', { delimiter: '/' })).toEqual({ keys: ['a', 'ab', 'c'], prefixes: ['a/', 'b/', 'photos/'] });
  });

  it('takes a multi-character delimiter', async () => {
    const multi = ['x--y--z', 'x--y', 'x-y', 'x---', 'x', 'q--', 'q-', '--lead'];
    const { store } = await bucketWith(multi);
    for (const pageSize of [1, 3, 1000]) {
      expect(await allKeys(store, 'bkt', { delimiter: '--', pageSize })).toEqual(expectedListing(multi, '', '--'));
      expect(await allKeys(store, 'bkt', { prefix: 'x--', delimiter: '--', pageSize })).toEqual(expectedListing(multi, 'x--', '--'));
    }
    expect(await allKeys(store, 'bkt', { delimiter: '--' })).toEqual({ keys: ['q-', 'x', 'x-y'], prefixes: ['--', 'q--', 'x--'] });
  });

  it('a delimiter that is not "/" and a Unicode delimiter work', async () => {
    const unicode = ['a🚀b🚀c', 'a🚀d', 'a', 'b🚀'];
    const { store } = await bucketWith(unicode);
    expect(await allKeys(store, 'bkt', { delimiter: '🚀' })).toEqual({ keys: ['a'], prefixes: ['a🚀', 'b🚀'] });
    expect(await allKeys(store, 'bkt', { prefix: 'a🚀', delimiter: '🚀' })).toEqual({ keys: ['a🚀d'], prefixes: ['a🚀b🚀'] });
  });

  it('pages with many keys under one prefix cost one seek, not a scan', async () => {
    const many = Array.from({ length: 3000 }, (_, i) => `dir/${i}`).concat(['a', 'z']);
    const { store } = await bucketWith(many);
    const page = await store.listPage('bkt', { delimiter: '/', pageSize: 2 });
    expect(page.objects.map((o) => o.key)).toEqual(['a']);
    expect(page.commonPrefixes).toEqual(['dir/']);
    const next = await store.listPage('bkt', { delimiter: '/', pageSize: 2, cursor: page.nextCursor });
    expect(next.objects.map((o) => o.key)).toEqual(['z']);
    expect(next.commonPrefixes).toEqual([]);
    expect(next.nextCursor).toBeUndefined();
  });
});

describe('startAfter and cursors', () => {
  it('startAfter lists the keys after it, whether it exists or not', async () => {
    const { store } = await bucketWith(['a', 'b', 'c', 'd']);
    expect((await store.listPage('bkt', { startAfter: 'b' })).objects.map((o) => o.key)).toEqual(['c', 'd']);
    expect((await store.listPage('bkt', { startAfter: 'bb' })).objects.map((o) => o.key)).toEqual(['c', 'd']);
    expect((await store.listPage('bkt', { startAfter: 'd' })).objects).toEqual([]);
    expect((await store.listPage('bkt', { startAfter: '' })).objects).toHaveLength(4);
  });

  it('startAfter inside a common prefix skips that prefix, as S3 does', async () => {
    const { store } = await bucketWith(['a/1', 'a/2', 'a/3', 'b/1', 'c']);
    const page = await store.listPage('bkt', { delimiter: '/', startAfter: 'a/1' });
    expect(page.commonPrefixes).toEqual(['b/']);
    expect(page.objects.map((o) => o.key)).toEqual(['c']);
    // before the prefix, it is listed
    expect((await store.listPage('bkt', { delimiter: '/', startAfter: 'a' })).commonPrefixes).toEqual(['a/', 'b/']);
  });

  it('startAfter before the prefix starts at the prefix; after it, lists nothing', async () => {
    const { store } = await bucketWith(['a/1', 'b/1', 'b/2', 'c/1']);
    expect((await store.listPage('bkt', { prefix: 'b/', startAfter: 'a/9' })).objects.map((o) => o.key)).toEqual(['b/1', 'b/2']);
    expect((await store.listPage('bkt', { prefix: 'b/', startAfter: 'b/1' })).objects.map((o) => o.key)).toEqual(['b/2']);
    expect((await store.listPage('bkt', { prefix: 'b/', startAfter: 'c' })).objects).toEqual([]);
  });

  it('writes between pages never duplicate or skip keys that did not change', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const { store } = await bucketWith(keys);
    const first = await store.listPage('bkt', { pageSize: 5 });
    expect(first.objects.map((o) => o.key)).toEqual(keys.slice(0, 5));
    // delete the key the cursor points at, insert before and after it
    await store.delete('bkt', 'k04');
    await store.put('bkt', 'k00a', 'new-before');
    await store.put('bkt', 'k04a', 'new-after');
    await store.delete('bkt', 'k05');
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await store.listPage('bkt', { pageSize: 5, cursor });
      rest.push(...page.objects.map((o) => o.key));
      cursor = page.nextCursor;
    }
    expect(rest).toEqual(['k04a', ...keys.slice(6)]);
  });

  it('a cursor is bound to its listing: another prefix, delimiter or bucket is refused; tampering is refused', async () => {
    const { store } = await bucketWith(['a/1', 'a/2', 'a/3']);
    await store.createBucket('other');
    const page = await store.listPage('bkt', { prefix: 'a/', pageSize: 1 });
    await expect(store.listPage('bkt', { prefix: 'b/', cursor: page.nextCursor })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'cursor' });
    await expect(store.listPage('bkt', { prefix: 'a/', delimiter: '/', cursor: page.nextCursor })).rejects.toMatchObject({ field: 'cursor' });
    await expect(store.listPage('other', { prefix: 'a/', cursor: page.nextCursor })).rejects.toMatchObject({ field: 'cursor' });
    await expect(store.listPage('bkt', { prefix: 'a/', cursor: page.nextCursor!.slice(0, -2) + 'xx' })).rejects.toMatchObject({ field: 'cursor' });
  });

  it('delete markers hide keys from object listings', async () => {
    const { store } = await bucketWith(['a', 'b', 'c'], true);
    await store.delete('bkt', 'b');
    expect((await allKeys(store, 'bkt')).keys).toEqual(['a', 'c']);
    for (let i = 0; i < 50; i++) await store.delete('bkt', `gone/${i}`);
    const page = await store.listPage('bkt', { pageSize: 2 });
    expect(page.objects.map((o) => o.key)).toEqual(['a', 'c']);
    expect(page.nextCursor).toBeUndefined();
  });
});

async function allVersions(store: Store, options: { prefix?: string; delimiter?: string; pageSize?: number } = {}) {
  const versions: Array<[string, string, boolean]> = [];
  const prefixes: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listVersionsPage('bkt', { ...options, cursor });
    expect(page.versions.length + page.commonPrefixes.length).toBeLessThanOrEqual(options.pageSize ?? 1000);
    versions.push(...page.versions.map((v): [string, string, boolean] => [v.key, v.versionId, v.isDeleteMarker]));
    prefixes.push(...page.commonPrefixes);
    cursor = page.nextCursor;
  } while (cursor);
  return { versions, prefixes };
}

describe('version listing', () => {
  it('lists keys in UTF-8 order, each key newest version first, and pages may end inside a key', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const ids: Record<string, string[]> = {};
    for (const [key, n] of [['🚀', 2], ['\uFFFD', 3], ['a/x', 2], ['b', 1]] as const) {
      ids[key] = [];
      for (let i = 0; i < n; i++) ids[key]!.push((await store.put('bkt', key, `${key}${i}`)).versionId!);
    }
    const marker = (await store.delete('bkt', 'b')).versionId!;
    const expected: Array<[string, string, boolean]> = [
      ...ids['a/x']!.slice().reverse().map((id): [string, string, boolean] => ['a/x', id, false]),
      ['b', marker, true],
      ['b', ids['b']![0]!, false],
      ...ids['\uFFFD']!.slice().reverse().map((id): [string, string, boolean] => ['\uFFFD', id, false]),
      ...ids['🚀']!.slice().reverse().map((id): [string, string, boolean] => ['🚀', id, false]),
    ];
    for (const pageSize of [1, 2, 3, 4, 9, 10, 1000]) {
      expect(await allVersions(store, { pageSize })).toEqual({ versions: expected, prefixes: [] });
    }
  });

  it('flags isLatest and delete markers (size 0, no ETag)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    await store.put('bkt', 'k', 'abc');
    await store.delete('bkt', 'k');
    const page = await store.listVersionsPage('bkt');
    expect(page.versions.map((v) => [v.isLatest, v.isDeleteMarker, v.size, v.etag === ''])).toEqual([
      [true, true, 0, true],
      [false, false, 3, false],
    ]);
  });

  it('rolls versions up into common prefixes with a delimiter', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    for (const k of ['d/1', 'd/1', 'd/2', 'e', 'e', 'f/x']) await store.put('bkt', k, k);
    for (const pageSize of [1, 2, 1000]) {
      const { versions, prefixes } = await allVersions(store, { delimiter: '/', pageSize });
      expect(prefixes).toEqual(['d/', 'f/']);
      expect(versions.map((v) => v[0])).toEqual(['e', 'e']);
    }
    const inside = await allVersions(store, { prefix: 'd/', delimiter: '/', pageSize: 1 });
    expect(inside.versions.map((v) => v[0])).toEqual(['d/1', 'd/1', 'd/2']);
  });

  it('resumes after the exact version even when versions are added or removed between pages', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const a1 = await store.put('bkt', 'a', '1');
    const a2 = await store.put('bkt', 'a', '2');
    const a3 = await store.put('bkt', 'a', '3');
    const b1 = await store.put('bkt', 'b', '1');
    const first = await store.listVersionsPage('bkt', { pageSize: 2 });
    expect(first.versions.map((v) => v.versionId)).toEqual([a3.versionId, a2.versionId]);
    await store.delete('bkt', 'a', { versionId: a2.versionId });
    await store.put('bkt', 'a', '4'); // newer than the cursor: not listed on later pages
    const rest = await store.listVersionsPage('bkt', { pageSize: 10, cursor: first.nextCursor });
    expect(rest.versions.map((v) => v.versionId)).toEqual([a1.versionId, b1.versionId]);
  });
});
