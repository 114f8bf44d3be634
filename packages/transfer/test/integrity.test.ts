import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32Combine } from '@stowage/core';
import { compositeEtag, crc32, crc32c, decodeSchedule, encodeSchedule, parseEtag, planRanges } from '../src/index.js';

describe('integrity helpers', () => {
  it('parses ETag forms', () => {
    expect(parseEtag('"d41d8cd98f00b204e9800998ecf8427e"')).toEqual({ kind: 'md5', md5: 'd41d8cd98f00b204e9800998ecf8427e' });
    expect(parseEtag('"D41D8CD98F00B204E9800998ECF8427E-12"')).toEqual({ kind: 'composite', md5: 'd41d8cd98f00b204e9800998ecf8427e', parts: 12 });
    expect(parseEtag('W/"abc"').kind).toBe('opaque');
  });

  it('computes the S3 composite ETag', () => {
    const a = createHash('md5').update('hello').digest();
    const b = createHash('md5').update('world').digest();
    expect(compositeEtag([a, b])).toBe(`${createHash('md5').update(Buffer.concat([a, b])).digest('hex')}-2`);
  });

  it('CRC32 and CRC32C match their check values', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32c(check)).toBe(0xe3069283);
    // incremental
    expect(crc32c(check.subarray(4), crc32c(check.subarray(0, 4)))).toBe(0xe3069283);
  });

  it('round-trips the part schedule manifest and rejects garbage', () => {
    const s = { initial: 16 << 20, growEvery: 1000, maxPart: 5 * 1024 ** 3 };
    expect(decodeSchedule(encodeSchedule(s))).toEqual(s);
    expect(decodeSchedule('v2 1 2 3')).toBeUndefined();
    expect(decodeSchedule('v1 0 0 0')).toBeUndefined();
  });

  it('plans ranges on part boundaries, grouping small parts and splitting large ones', () => {
    const units = [0, 10, 20, 30, 40].map((s) => ({ start: s, end: s + 10 }));
    expect(planRanges(units, 0, 50, 20)).toEqual([{ start: 0, end: 20 }, { start: 20, end: 40 }, { start: 40, end: 50 }]);
    expect(planRanges([{ start: 0, end: 100 }], 0, 100, 30)).toEqual([{ start: 0, end: 25 }, { start: 25, end: 50 }, { start: 50, end: 75 }, { start: 75, end: 100 }]);
    expect(planRanges(units, 20, 50, 10).map((r) => r.start)).toEqual([20, 30, 40]);
  });
});

describe('crc32Combine', () => {
  it('gives the CRC32 of the concatenation, for any split (empty parts included)', () => {
    const data = new Uint8Array(200_003);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 7)) & 0xff;
    const whole = crc32(data);
    for (const cut of [0, 1, 7, 4096, 100_000, 199_999, 200_003]) {
      const a = data.subarray(0, cut);
      const b = data.subarray(cut);
      expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(whole);
    }
    // three parts, folded left to right as the uploader does
    const parts = [data.subarray(0, 65_536), data.subarray(65_536, 131_072), data.subarray(131_072)];
    let crc = crc32(parts[0]!);
    for (const p of parts.slice(1)) crc = crc32Combine(crc, crc32(p), p.length);
    expect(crc).toBe(whole);
    expect(crc32Combine(crc32(data), crc32(new Uint8Array(0)), 0)).toBe(whole);
  });
});
