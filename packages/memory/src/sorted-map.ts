/**
 * An ordered map on a B+ tree: O(log n) get / set / delete / seek, and
 * in-order iteration from any position along linked leaves, so a listing page
 * costs O(log n + page size) and never sorts. Nodes hold at most `ORDER`
 * entries (children for inner nodes) and, except the root, at least half that:
 * deletes borrow from or merge with a sibling, so the height stays
 * logarithmic in the current size, whatever the history of inserts and deletes.
 *
 * Optional derived columns: values computed from each value when it is set,
 * stored in arrays parallel to the leaf's keys. A scan that reads only those
 * (a listing page: size, ETag, date) walks a few contiguous arrays per leaf
 * instead of dereferencing one object per key scattered over the heap, so a
 * page of a huge map costs about what it costs in a small one.
 *
 * Not safe against modification during iteration: a `MapCursor` must not be
 * used after the map it walks is changed (the memory store builds each page
 * synchronously, so no write can interleave).
 */

const ORDER = 64;
const MIN = ORDER >> 1;

export interface Leaf<K, V> {
  leaf: true;
  keys: K[];
  vals: V[];
  /** One array per derived column, parallel to `keys`. */
  cols: unknown[][];
  next: Leaf<K, V> | null;
  prev: Leaf<K, V> | null;
}

export interface Inner<K, V> {
  leaf: false;
  /** `keys[i]` separates `children[i]` (all keys < it) from `children[i + 1]` (all keys ≥ it). */
  keys: K[];
  children: Node<K, V>[];
}

export type Node<K, V> = Leaf<K, V> | Inner<K, V>;

function newLeaf<K, V>(width: number): Leaf<K, V> {
  return { leaf: true, keys: [], vals: [], cols: Array.from({ length: width }, () => []), next: null, prev: null };
}

export class SortedMap<K, V> {
  private root: Node<K, V>;
  private count = 0;

  /**
   * @param compare a total order on keys
   * @param columns derivations of values kept in leaf columns (read with `MapCursor.column(i)`);
   *   a value's columns are computed when it is set, so they must not change while it is in the map
   */
  constructor(
    private readonly compare: (a: K, b: K) => number,
    private readonly columns: ReadonlyArray<(value: V) => unknown> = [],
  ) {
    this.root = newLeaf(columns.length);
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    const leaf = this.leafFor(key);
    const i = this.indexIn(leaf.keys, key);
    const found = i < leaf.keys.length && this.compare(leaf.keys[i]!, key) === 0;
    // remember where the key is (or goes): a `set` of the same key right after skips the descent
    this.finger = { key, leaf, index: i, found, stamp: this.stamp };
    return found ? leaf.vals[i] : undefined;
  }

  has(key: K): boolean {
    const leaf = this.leafFor(key);
    const i = this.indexIn(leaf.keys, key);
    return i < leaf.keys.length && this.compare(leaf.keys[i]!, key) === 0;
  }

  /** Inserts or replaces; true when the key was new. */
  set(key: K, value: V): boolean {
    const finger = this.finger;
    this.finger = undefined;
    this.stamp++;
    if (finger && finger.key === key && finger.stamp === this.stamp - 1 && (finger.found || finger.leaf.keys.length < ORDER)) {
      const { leaf, index: i } = finger;
      if (finger.found) {
        leaf.vals[i] = value;
        for (let j = 0; j < this.columns.length; j++) leaf.cols[j]![i] = this.columns[j]!(value);
        return false;
      }
      leaf.keys.splice(i, 0, key);
      leaf.vals.splice(i, 0, value);
      for (let j = 0; j < this.columns.length; j++) leaf.cols[j]!.splice(i, 0, this.columns[j]!(value));
      this.count++;
      return true;
    }
    const split = this.insert(this.root, key, value);
    if (split) {
      const root: Inner<K, V> = { leaf: false, keys: [split.separator], children: [this.root, split.right] };
      this.root = root;
    }
    if (this.inserted) {
      this.inserted = false;
      this.count++;
      return true;
    }
    return false;
  }

  /** Removes a key; true when it was present. */
  delete(key: K): boolean {
    this.finger = undefined;
    this.stamp++;
    const removed = this.remove(this.root, key);
    if (!removed) return false;
    this.count--;
    if (!this.root.leaf && this.root.children.length === 1) this.root = this.root.children[0]!;
    return true;
  }

  /** A cursor on the first entry. */
  first(): MapCursor<K, V> {
    let node = this.root;
    while (!node.leaf) node = node.children[0]!;
    return new MapCursor(node, 0);
  }

  /** A cursor on the first entry whose key is ≥ `key` (invalid when there is none). */
  seekGE(key: K): MapCursor<K, V> {
    const leaf = this.leafFor(key);
    return new MapCursor(leaf, this.indexIn(leaf.keys, key));
  }

  /** A cursor on the first entry whose key is > `key`. */
  seekGT(key: K): MapCursor<K, V> {
    const leaf = this.leafFor(key);
    let i = this.indexIn(leaf.keys, key);
    if (i < leaf.keys.length && this.compare(leaf.keys[i]!, key) === 0) i++;
    return new MapCursor(leaf, i);
  }

  *entries(): IterableIterator<[K, V]> {
    for (const c = this.first(); c.valid; c.next()) yield [c.key, c.value];
  }

  /** Checks every structural invariant; for tests. Returns the height. */
  verify(): number {
    let total = 0;
    let previous: K | undefined;
    const walk = (node: Node<K, V>, low: K | undefined, high: K | undefined, isRoot: boolean): number => {
      const size = node.leaf ? node.keys.length : node.children.length;
      if (!isRoot && size < MIN) throw new Error(`underfull node (${size})`);
      if (isRoot && !node.leaf && size < 2) throw new Error('inner root with one child');
      if (size > ORDER) throw new Error(`overfull node (${size})`);
      if (node.leaf) {
        if (node.keys.length !== node.vals.length) throw new Error('keys/vals length mismatch');
        if (node.cols.length !== this.columns.length) throw new Error('column count mismatch');
        node.cols.forEach((col, j) => {
          if (col.length !== node.keys.length) throw new Error('column length mismatch');
          col.forEach((x, i) => {
            if (!Object.is(x, this.columns[j]!(node.vals[i]!))) throw new Error('stale column value');
          });
        });
        for (const k of node.keys) {
          if (low !== undefined && this.compare(k, low) < 0) throw new Error('key below its separator');
          if (high !== undefined && this.compare(k, high) >= 0) throw new Error('key at or above its separator');
          if (previous !== undefined && this.compare(previous, k) >= 0) throw new Error('keys out of order');
          previous = k;
          total++;
        }
        return 1;
      }
      if (node.keys.length !== node.children.length - 1) throw new Error('separator count mismatch');
      let height = -1;
      node.children.forEach((child, i) => {
        const h = walk(child, i === 0 ? low : node.keys[i - 1], i === node.keys.length ? high : node.keys[i], false);
        if (height !== -1 && h !== height) throw new Error('unbalanced');
        height = h;
      });
      return height + 1;
    };
    const height = walk(this.root, undefined, undefined, true);
    if (total !== this.count) throw new Error(`size ${this.count} but ${total} keys`);
    // the leaf chain must visit the same keys, both ways
    let n = 0;
    let leaf: Leaf<K, V> | null = this.first().leafNode;
    let last: Leaf<K, V> | null = null;
    while (leaf) {
      if (leaf.prev !== last) throw new Error('broken prev link');
      n += leaf.keys.length;
      last = leaf;
      leaf = leaf.next;
    }
    if (n !== this.count) throw new Error('leaf chain misses keys');
    return height;
  }

  // ---------------------------------------------------------------- internals

  private inserted = false;
  /** Bumped by every change: a finger from an older stamp is stale. */
  private stamp = 0;
  private finger: { key: K; leaf: Leaf<K, V>; index: number; found: boolean; stamp: number } | undefined;

  /** First index whose key is ≥ `key`. */
  private indexIn(keys: K[], key: K): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(keys[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The child to descend into: the number of separators ≤ `key`. */
  private childIndex(keys: K[], key: K): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(keys[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private leafFor(key: K): Leaf<K, V> {
    let node = this.root;
    while (!node.leaf) node = node.children[this.childIndex(node.keys, key)]!;
    return node;
  }

  private insert(node: Node<K, V>, key: K, value: V): { separator: K; right: Node<K, V> } | undefined {
    if (node.leaf) {
      const i = this.indexIn(node.keys, key);
      if (i < node.keys.length && this.compare(node.keys[i]!, key) === 0) {
        node.vals[i] = value;
        for (let j = 0; j < this.columns.length; j++) node.cols[j]![i] = this.columns[j]!(value);
        return undefined;
      }
      this.inserted = true;
      if (i === node.keys.length) {
        node.keys.push(key);
        node.vals.push(value);
        for (let j = 0; j < this.columns.length; j++) node.cols[j]!.push(this.columns[j]!(value));
      } else {
        node.keys.splice(i, 0, key);
        node.vals.splice(i, 0, value);
        for (let j = 0; j < this.columns.length; j++) node.cols[j]!.splice(i, 0, this.columns[j]!(value));
      }
      if (node.keys.length <= ORDER) return undefined;
      const half = node.keys.length >> 1;
      const right: Leaf<K, V> = {
        leaf: true,
        keys: node.keys.splice(half),
        vals: node.vals.splice(half),
        cols: node.cols.map((col) => col.splice(half)),
        next: node.next,
        prev: node,
      };
      if (node.next) node.next.prev = right;
      node.next = right;
      return { separator: right.keys[0]!, right };
    }
    const c = this.childIndex(node.keys, key);
    const split = this.insert(node.children[c]!, key, value);
    if (!split) return undefined;
    node.keys.splice(c, 0, split.separator);
    node.children.splice(c + 1, 0, split.right);
    if (node.children.length <= ORDER) return undefined;
    const half = node.children.length >> 1;
    const rightChildren = node.children.splice(half);
    const rightKeys = node.keys.splice(half - 1);
    const separator = rightKeys.shift()!;
    return { separator, right: { leaf: false, keys: rightKeys, children: rightChildren } };
  }

  private remove(node: Node<K, V>, key: K): boolean {
    if (node.leaf) {
      const i = this.indexIn(node.keys, key);
      if (i >= node.keys.length || this.compare(node.keys[i]!, key) !== 0) return false;
      node.keys.splice(i, 1);
      node.vals.splice(i, 1);
      for (const col of node.cols) col.splice(i, 1);
      return true;
    }
    const c = this.childIndex(node.keys, key);
    const child = node.children[c]!;
    if (!this.remove(child, key)) return false;
    const size = child.leaf ? child.keys.length : child.children.length;
    if (size < MIN) this.rebalance(node, c);
    return true;
  }

  /** Child `c` of `parent` is underfull: borrow from a sibling, else merge with one. */
  private rebalance(parent: Inner<K, V>, c: number): void {
    const child = parent.children[c]!;
    const left = c > 0 ? parent.children[c - 1]! : undefined;
    const right = c + 1 < parent.children.length ? parent.children[c + 1]! : undefined;
    const sizeOf = (n: Node<K, V>) => (n.leaf ? n.keys.length : n.children.length);

    if (left && sizeOf(left) > MIN) {
      if (child.leaf && left.leaf) {
        child.keys.unshift(left.keys.pop()!);
        child.vals.unshift(left.vals.pop()!);
        child.cols.forEach((col, j) => col.unshift(left.cols[j]!.pop()));
        parent.keys[c - 1] = child.keys[0]!;
      } else if (!child.leaf && !left.leaf) {
        child.keys.unshift(parent.keys[c - 1]!);
        child.children.unshift(left.children.pop()!);
        parent.keys[c - 1] = left.keys.pop()!;
      }
      return;
    }
    if (right && sizeOf(right) > MIN) {
      if (child.leaf && right.leaf) {
        child.keys.push(right.keys.shift()!);
        child.vals.push(right.vals.shift()!);
        child.cols.forEach((col, j) => col.push(right.cols[j]!.shift()));
        parent.keys[c] = right.keys[0]!;
      } else if (!child.leaf && !right.leaf) {
        child.keys.push(parent.keys[c]!);
        child.children.push(right.children.shift()!);
        parent.keys[c] = right.keys.shift()!;
      }
      return;
    }
    // merge with a sibling: the right one into `child`, or `child` into the left one
    if (right) this.merge(parent, c);
    else if (left) this.merge(parent, c - 1);
  }

  /** Merges `parent.children[i + 1]` into `parent.children[i]`. */
  private merge(parent: Inner<K, V>, i: number): void {
    const a = parent.children[i]!;
    const b = parent.children[i + 1]!;
    if (a.leaf && b.leaf) {
      for (const k of b.keys) a.keys.push(k);
      for (const v of b.vals) a.vals.push(v);
      a.cols.forEach((col, j) => {
        for (const x of b.cols[j]!) col.push(x);
      });
      a.next = b.next;
      if (b.next) b.next.prev = a;
    } else if (!a.leaf && !b.leaf) {
      a.keys.push(parent.keys[i]!);
      for (const k of b.keys) a.keys.push(k);
      for (const n of b.children) a.children.push(n);
    }
    parent.keys.splice(i, 1);
    parent.children.splice(i + 1, 1);
  }
}

/** A position in a SortedMap, moving forward along the leaf chain. */
export class MapCursor<K, V> {
  constructor(
    private leaf: Leaf<K, V> | null,
    private index: number,
  ) {
    this.settle();
  }

  get valid(): boolean {
    return this.leaf !== null;
  }

  get key(): K {
    return this.leaf!.keys[this.index]!;
  }

  get value(): V {
    return this.leaf!.vals[this.index]!;
  }

  /** Derived column `i` of the current entry (see the SortedMap constructor). */
  column<T>(i: number): T {
    return this.leaf!.cols[i]![this.index] as T;
  }

  /** @internal */
  get leafNode(): Leaf<K, V> | null {
    return this.leaf;
  }

  next(): void {
    if (!this.leaf) return;
    this.index++;
    this.settle();
  }

  private settle(): void {
    while (this.leaf && this.index >= this.leaf.keys.length) {
      this.leaf = this.leaf.next;
      this.index = 0;
    }
  }
}
