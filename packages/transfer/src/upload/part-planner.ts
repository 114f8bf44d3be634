import { InvalidArgumentError, type MultipartCapabilities } from '@stowage/core';

/**
 * How an object is cut into parts: part `i` (0-based) has
 * `min(maxPart, initial × 2^floor(i / growEvery))` bytes (`growEvery` 0: never
 * grows), the last part whatever is left. Deterministic from these three
 * numbers and the object's size — which is what lets a reader recover part
 * boundaries (see integrity/manifest.ts).
 */
export interface PartSchedule {
  initial: number;
  growEvery: number;
  maxPart: number;
}

export const MiB = 1024 * 1024;
export const DEFAULT_PART_SIZE = 16 * MiB;
export const DEFAULT_CONCURRENCY = 4;

export function partSizeAt(s: PartSchedule, index: number): number {
  if (s.growEvery <= 0) return s.initial;
  const tier = Math.floor(index / s.growEvery);
  if (tier >= 53) return s.maxPart;
  return Math.min(s.maxPart, s.initial * 2 ** tier);
}

/** Bytes the schedule can hold within `maxParts` parts. */
export function scheduleCapacity(s: PartSchedule, maxParts: number): number {
  if (s.growEvery <= 0) return s.initial * maxParts;
  let total = 0;
  for (let start = 0; start < maxParts; start += s.growEvery) {
    const count = Math.min(s.growEvery, maxParts - start);
    const size = partSizeAt(s, start);
    total += size * count;
    if (size === s.maxPart) {
      total += s.maxPart * Math.max(0, maxParts - start - count);
      break;
    }
  }
  return total;
}

/** Offsets of part starts plus the end: `[0, p1, p2, …, size]` (`[0, 0]` for an empty object). */
export function partBoundaries(s: PartSchedule, size: number): number[] {
  const out = [0];
  let offset = 0;
  for (let i = 0; offset < size; i++) {
    offset = Math.min(size, offset + partSizeAt(s, i));
    out.push(offset);
  }
  if (out.length === 1) out.push(0);
  return out;
}

export interface PlanOptions {
  /** Part size (known length) or first part size (unknown length). */
  partSize?: number;
  /** Unknown length: let parts grow (default true) so objects up to the store's max object size fit. */
  partGrowth?: boolean;
}

function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

function checkPartSize(value: number | undefined, mp: MultipartCapabilities): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < mp.minPartSize || value > mp.maxPartSize) {
    throw new InvalidArgumentError('partSize', `must be an integer from ${mp.minPartSize} to ${mp.maxPartSize} (this store's part size limits)`);
  }
  return value;
}

/**
 * Known length: one part size so the object fits the store's max part count.
 * The requested (or default) size is raised, never lowered, to
 * `ceil(size / maxParts)` rounded up to a MiB.
 */
export function planKnownLength(size: number, mp: MultipartCapabilities, options: PlanOptions = {}): PartSchedule {
  const wanted = checkPartSize(options.partSize, mp) ?? clamp(DEFAULT_PART_SIZE, mp.minPartSize, mp.maxPartSize);
  let part = Math.max(wanted, mp.minPartSize);
  const needed = Math.ceil(size / mp.maxParts);
  if (needed > part) part = Math.max(mp.minPartSize, Math.min(mp.maxPartSize, roundUp(needed, needed > MiB ? MiB : 1)));
  if (part * mp.maxParts < size) {
    throw new InvalidArgumentError('body', `is ${size} bytes, more than ${mp.maxParts} parts of at most ${mp.maxPartSize} bytes can hold`);
  }
  return { initial: part, growEvery: 0, maxPart: part };
}

/**
 * Unknown length: parts start at the requested (or default) size and double
 * every `growEvery` parts, with `growEvery` as large as possible (parts grow as
 * late as possible, keeping memory low) while `maxObjectSize` still fits in
 * `maxParts` parts of at most `maxPartSize`.
 */
export function planUnknownLength(maxObjectSize: number, mp: MultipartCapabilities, options: PlanOptions = {}): PartSchedule {
  const initial = checkPartSize(options.partSize, mp) ?? clamp(DEFAULT_PART_SIZE, mp.minPartSize, mp.maxPartSize);
  const flat: PartSchedule = { initial, growEvery: 0, maxPart: initial };
  if (options.partGrowth === false || scheduleCapacity(flat, mp.maxParts) >= maxObjectSize) return flat;
  const make = (growEvery: number): PartSchedule => ({ initial, growEvery, maxPart: mp.maxPartSize });
  let lo = 1;
  let hi = mp.maxParts;
  if (scheduleCapacity(make(lo), mp.maxParts) < maxObjectSize) return make(1);
  // Largest growEvery whose capacity still covers maxObjectSize (capacity falls as growEvery rises).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (scheduleCapacity(make(mid), mp.maxParts) >= maxObjectSize) lo = mid;
    else hi = mid - 1;
  }
  return make(lo);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
