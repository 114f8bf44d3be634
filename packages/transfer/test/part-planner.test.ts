import { S3_LIMITS } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { partBoundaries, partSizeAt, planKnownLength, planUnknownLength, scheduleCapacity } from '../src/index.js';

const s3 = { minPartSize: S3_LIMITS.minPartSize, maxPartSize: S3_LIMITS.maxPartSize, maxParts: S3_LIMITS.maxParts, listPartsPagination: true };
const MiB = 1024 * 1024;

describe('part planner: known length', () => {
  it('uses the default 16 MiB part when the object fits', () => {
    const s = planKnownLength(1024 * MiB, s3);
    expect(s).toEqual({ initial: 16 * MiB, growEvery: 0, maxPart: 16 * MiB });
    expect(partBoundaries(s, 1024 * MiB).length - 1).toBe(64);
  });

  it.each([200 * 1024 * MiB, 1024 ** 4, 5 * 1024 ** 4])('raises the part size so %d bytes fit the max part count', (size) => {
    const s = planKnownLength(size, s3);
    const parts = partBoundaries(s, size).length - 1;
    expect(parts).toBeLessThanOrEqual(s3.maxParts);
    expect(s.initial).toBeGreaterThanOrEqual(s3.minPartSize);
    expect(s.initial).toBeLessThanOrEqual(s3.maxPartSize);
    expect(s.initial % MiB).toBe(0);
  });

  it('honours a part size override and rejects one outside the store limits', () => {
    expect(planKnownLength(100 * MiB, s3, { partSize: 8 * MiB }).initial).toBe(8 * MiB);
    expect(() => planKnownLength(100 * MiB, s3, { partSize: 1 * MiB })).toThrow(/partSize/);
    expect(() => planKnownLength(100 * MiB, s3, { partSize: 6 * 1024 ** 3 })).toThrow(/partSize/);
  });

  it('refuses an object no schedule can hold', () => {
    const tiny = { ...s3, maxParts: 3, maxPartSize: 10 * MiB };
    expect(() => planKnownLength(31 * MiB, tiny)).toThrow(/parts/);
    expect(partBoundaries(planKnownLength(30 * MiB, tiny), 30 * MiB)).toEqual([0, 10 * MiB, 20 * MiB, 30 * MiB]);
  });

  it('follows capability values, not constants', () => {
    const small = { minPartSize: 1024, maxPartSize: 4096, maxParts: 100, listPartsPagination: true };
    const s = planKnownLength(300_000, small);
    expect(s.initial).toBe(4096);
    expect(partBoundaries(s, 300_000).length - 1).toBeLessThanOrEqual(100);
  });
});

describe('part planner: unknown length', () => {
  it('grows parts so S3 max object size (5 TiB) fits in 10 000 parts, starting at 16 MiB', () => {
    const s = planUnknownLength(S3_LIMITS.maxObjectSize, s3);
    expect(s.initial).toBe(16 * MiB);
    expect(s.growEvery).toBeGreaterThan(0);
    expect(scheduleCapacity(s, s3.maxParts)).toBeGreaterThanOrEqual(S3_LIMITS.maxObjectSize);
    // growth as late as possible: one more part per tier would no longer fit
    expect(scheduleCapacity({ ...s, growEvery: s.growEvery + 1 }, s3.maxParts)).toBeLessThan(S3_LIMITS.maxObjectSize);
    // a 4 GiB stream never grows past the first tier: memory stays (concurrency + 1) × 16 MiB
    const parts = partBoundaries(s, 4 * 1024 ** 3).length - 1;
    expect(parts).toBeLessThan(s.growEvery);
    expect(partSizeAt(s, parts - 1)).toBe(16 * MiB);
  });

  it('parts never exceed the max part size and sizes never shrink', () => {
    const s = planUnknownLength(S3_LIMITS.maxObjectSize, s3, { partSize: 5 * MiB });
    let prev = 0;
    for (let i = 0; i < s3.maxParts; i += 97) {
      const size = partSizeAt(s, i);
      expect(size).toBeGreaterThanOrEqual(prev);
      expect(size).toBeLessThanOrEqual(s3.maxPartSize);
      prev = size;
    }
    expect(scheduleCapacity(s, s3.maxParts)).toBeGreaterThanOrEqual(S3_LIMITS.maxObjectSize);
  });

  it('reads max object size from the capability: a small store needs no growth', () => {
    const s = planUnknownLength(10 * MiB, { ...s3, minPartSize: 1024 }, { partSize: 4096 });
    expect(s.growEvery).toBe(0);
    const grow = planUnknownLength(1024 ** 3, { ...s3, minPartSize: 1024, maxParts: 1000 }, { partSize: 4096 });
    expect(grow.growEvery).toBeGreaterThan(0);
    expect(scheduleCapacity(grow, 1000)).toBeGreaterThanOrEqual(1024 ** 3);
  });

  it('partGrowth: false keeps a flat schedule', () => {
    expect(planUnknownLength(S3_LIMITS.maxObjectSize, s3, { partGrowth: false })).toEqual({ initial: 16 * MiB, growEvery: 0, maxPart: 16 * MiB });
  });
});
