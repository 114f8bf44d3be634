import { describe, expect, it, onTestFinished } from 'vitest';
import { compareUtf8 } from '@stowage/core';
import { commonPrefixOf, MapCursor, prefixSuccessor, SortedMap } from '../src/index.js';
import { listObjectsPage } from '../src/listing.js';
import { LIVE_COLUMNS, type StoredVersion } from '../src/state.js';

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SortedMap (B+ tree)', () => {
  it('matches a sorted reference through random inserts, overwrites and deletes, keeping its invariants', () => {
    const random = rng(42);
    // with two derived columns, so splits, borrows and merges must carry them along
    const map = new SortedMap<number, string>((a, b) => a - b, [(v) => v.length, (v) => `${v}!`]);
    const reference = new Map<number, string>();
    for (let round = 0; round < 20_000; round++) {
      const key = Math.floor(random() * 3000);
      const r = random();
      if (r < 0.55) {
        // a get first (half the time) lets set use the position the get found
        if (random() < 0.5) expect(map.get(key)).toBe(reference.get(key));
        const isNew = !reference.has(key);
        expect(map.set(key, `v${round}`)).toBe(isNew);
        reference.set(key, `v${round}`);
      } else {
        expect(map.delete(key)).toBe(reference.delete(key));
      }
      if (round % 997 === 0) map.verify();
    }
    map.verify();
    const sorted = [...reference.entries()].sort((a, b) => a[0] - b[0]);
    expect([...map.entries()]).toEqual(sorted);
    expect(map.size).toBe(reference.size);
    const columns: Array<[number, string]> = [];
    for (const c = map.first(); c.valid; c.next()) columns.push([c.column<number>(0), c.column<string>(1)]);
    expect(columns).toEqual(sorted.map(([, v]) => [v.length, `${v}!`]));
    for (let k = -1; k <= 3001; k += 7) {
      expect(map.get(k)).toBe(reference.get(k));
      const ge = sorted.find(([x]) => x >= k);
      const gt = sorted.find(([x]) => x > k);
      const c1 = map.seekGE(k);
      const c2 = map.seekGT(k);
      expect(c1.valid ? c1.key : undefined).toBe(ge?.[0]);
      expect(c2.valid ? c2.key : undefined).toBe(gt?.[0]);
    }
  });

  it('stays shallow: a million sequential keys, then deleting most of them', () => {
    const map = new SortedMap<number, number>((a, b) => a - b);
    for (let i = 0; i < 1_000_000; i++) map.set(i, i);
    const height = map.verify();
    expect(height).toBeLessThanOrEqual(5);
    for (let i = 0; i < 1_000_000; i++) if (i % 100 !== 0) map.delete(i);
    expect(map.size).toBe(10_000);
    expect(map.verify()).toBeLessThanOrEqual(3);
    for (let i = 0; i < 1_000_000; i += 100) map.delete(i);
    expect(map.size).toBe(0);
    expect(map.first().valid).toBe(false);
    map.verify();
  });

  it('orders strings by UTF-8 bytes with compareUtf8', () => {
    const map = new SortedMap<string, number>(compareUtf8);
    for (const k of ['🚀', '\uFFFD', 'a', '\uE000']) map.set(k, 1);
    expect([...map.entries()].map(([k]) => k)).toEqual(['a', '\uE000', '\uFFFD', '🚀']);
  });
});

describe('prefix helpers', () => {
  it('prefixSuccessor is the least string above every string with the prefix', () => {
    expect(prefixSuccessor('a/')).toBe('a0');
    expect(prefixSuccessor('ab')).toBe('ac');
    expect(prefixSuccessor('a\uD7FF')).toBe('a\uE000');
    expect(prefixSuccessor('a\uFFFF')).toBe('a\u{10000}');
    expect(prefixSuccessor('a🚀')).toBe('a🚁');
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('\u{10FFFF}\u{10FFFF}')).toBeUndefined();
    expect(prefixSuccessor('')).toBeUndefined();
    const random = rng(7);
    const alphabet = ['a', '/', '\u00FF', '\uD7FF', '\uE000', '\uFFFF', '🚀', '\u{10FFFF}'];
    const word = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i++) {
      const prefix = word(1 + Math.floor(random() * 3));
      const other = word(1 + Math.floor(random() * 5));
      const succ = prefixSuccessor(prefix);
      if (other.startsWith(prefix)) expect(succ === undefined || compareUtf8(other, succ) < 0).toBe(true);
      else if (compareUtf8(other, prefix) > 0) expect(succ !== undefined && compareUtf8(other, succ) >= 0).toBe(true);
    }
  });

  it('commonPrefixOf looks for the delimiter after the prefix only', () => {
    expect(commonPrefixOf('a/b/c', '', '/')).toBe('a/');
    expect(commonPrefixOf('a/b/c', 'a/', '/')).toBe('a/b/');
    expect(commonPrefixOf('a/b', 'a/', '/')).toBeUndefined();
    expect(commonPrefixOf('x--y--z', 'x-', '--')).toBe('x--y--');
  });
});

describe('listing cost', () => {
  const version: StoredVersion = { seq: 1, versionId: 'null', deleteMarker: false, data: new Uint8Array(0), size: 0, etag: '""', modified: 0, headers: {}, metadata: {} };

  /** Counts comparisons (seeks) and cursor steps (keys visited). */
  function countingTree(keys: string[]) {
    let comparisons = 0;
    let steps = 0;
    const tree = new SortedMap<string, StoredVersion>((a, b) => {
      comparisons++;
      return compareUtf8(a, b);
    }, LIVE_COLUMNS);
    for (const key of keys) tree.set(key, version);
    const next = MapCursor.prototype.next;
    onTestFinished(() => {
      MapCursor.prototype.next = next;
    });
    MapCursor.prototype.next = function (this: MapCursor<unknown, unknown>) {
      steps++;
      next.call(this);
    };
    return { tree, reset: () => (comparisons = steps = 0), count: () => comparisons, steps: () => steps };
  }

  it('a page costs O(log n + page size) comparisons, wherever it starts', () => {
    const n = 200_000;
    const keys = Array.from({ length: n }, (_, i) => `key/${String(i).padStart(7, '0')}`);
    const { tree, reset, count, steps } = countingTree(keys);
    for (const marker of [undefined, keys[n / 2], keys[n - 50]]) {
      reset();
      const page = listObjectsPage(tree, { maxKeys: 1000, marker });
      expect(page.objects.length).toBe(marker === keys[n - 50] ? 49 : 1000);
      // a seek is ~log2(200k) ≈ 18 comparisons; then one step per key listed
      expect(count()).toBeLessThan(60);
      expect(steps()).toBeLessThanOrEqual(page.objects.length);
    }
  });

  it('a common prefix is skipped by one seek, not by scanning its keys', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `big/${i}`).concat(['a', 'z', 'zz/1', 'zz/2']);
    const { tree, reset, count, steps } = countingTree(keys);
    reset();
    const page = listObjectsPage(tree, { delimiter: '/', maxKeys: 1000 });
    expect(page.commonPrefixes).toEqual(['big/', 'zz/']);
    expect(page.objects.map((o) => o.key)).toEqual(['a', 'z']);
    expect(count()).toBeLessThan(100);
    expect(steps()).toBeLessThanOrEqual(2);
  });
});
