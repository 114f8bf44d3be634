import { describe, expect, it } from 'vitest';
import {
  checkKeyRule,
  InvalidArgumentError,
  validateBucketName,
  validateDefaultRetention,
  validateKey,
  validatePartNumber,
  validateRetention,
} from '../src/index.js';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).field;
  }
  return undefined;
}

describe('bucket names (S3 DNS rules)', () => {
  it.each(['abc', 'my-bucket', 'my.bucket.1', 'a'.repeat(63), '0bucket'])('accepts %s', (name) => {
    expect(() => validateBucketName(name)).not.toThrow();
  });
  it.each([
    ['ab', 'too short'],
    ['a'.repeat(64), 'too long'],
    ['My-Bucket', 'upper case'],
    ['-bucket', 'leading hyphen'],
    ['bucket-', 'trailing hyphen'],
    ['my..bucket', 'double dot'],
    ['my.-bucket', 'dot hyphen'],
    ['192.168.1.1', 'IP address'],
    ['xn--bucket', 'reserved prefix'],
    ['bucket-s3alias', 'reserved suffix'],
    ['buck_et', 'underscore'],
  ])('rejects %s (%s) naming the field', (name) => {
    expect(fieldOf(() => validateBucketName(name))).toBe('bucket');
  });
});

describe('object keys', () => {
  it('accepts unicode, spaces, %, + and a 1024-byte key', () => {
    for (const key of ['ä/ö ü', '😀', 'a+b%20c', 'x'.repeat(1024), '//a/../b/./c', ' ']) expect(() => validateKey(key, [])).not.toThrow();
  });
  it('rejects empty, over-long and non-UTF-8 keys', () => {
    expect(fieldOf(() => validateKey('', []))).toBe('key');
    expect(fieldOf(() => validateKey('x'.repeat(1025), []))).toBe('key');
    expect(fieldOf(() => validateKey('é'.repeat(513), []))).toBe('key'); // 1026 bytes, 513 chars
    expect(fieldOf(() => validateKey('a\ud800b', []))).toBe('key'); // lone surrogate
    expect(fieldOf(() => validateKey('a\udc00', []))).toBe('key');
  });
  it('applies declared backend rules', () => {
    const minio = [
      { rule: 'no-leading-slash' },
      { rule: 'no-empty-segments' },
      { rule: 'no-dot-segments' },
      { rule: 'max-segment-bytes', max: 255 },
    ] as const;
    for (const bad of ['/a', 'a//b', 'a/./b', '../a', 'a/..', `${'s'.repeat(256)}/x`]) expect(fieldOf(() => validateKey(bad, minio))).toBe('key');
    for (const good of ['a/b', 'a.b/..c', `${'s'.repeat(255)}/x`, 'a/']) expect(() => validateKey(good, minio)).not.toThrow();
  });
  it('pattern and segment-count rules', () => {
    const rule = { rule: 'pattern', pattern: '^[A-Za-z0-9_.\\-~/]+$', description: 'MediaStore path characters' } as const;
    expect(checkKeyRule('a b', rule)).toBe('MediaStore path characters');
    expect(checkKeyRule('a/b', rule)).toBeNull();
    expect(checkKeyRule('a/b/c', { rule: 'max-segments', max: 2 })).not.toBeNull();
    expect(checkKeyRule('a\u0001', { rule: 'no-control-characters' })).not.toBeNull();
  });
});

describe('retention and part numbers', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('needs a known mode and a future date', () => {
    expect(() => validateRetention({ mode: 'GOVERNANCE', retainUntil: new Date('2026-01-02') }, now)).not.toThrow();
    expect(fieldOf(() => validateRetention({ mode: 'LEGAL', retainUntil: new Date('2026-01-02') }, now))).toBe('retention.mode');
    expect(fieldOf(() => validateRetention({ mode: 'COMPLIANCE', retainUntil: new Date('2025-12-31') }, now))).toBe('retention.retainUntil');
    expect(fieldOf(() => validateRetention({ mode: 'COMPLIANCE', retainUntil: new Date('nope') }, now))).toBe('retention.retainUntil');
  });
  it('default retention takes exactly one of days or years', () => {
    expect(() => validateDefaultRetention({ mode: 'GOVERNANCE', days: 1 })).not.toThrow();
    expect(fieldOf(() => validateDefaultRetention({ mode: 'GOVERNANCE', days: 1, years: 1 }))).toBe('defaultRetention');
    expect(fieldOf(() => validateDefaultRetention({ mode: 'GOVERNANCE', days: 0 }))).toBe('defaultRetention.days');
    expect(fieldOf(() => validateDefaultRetention({ mode: 'GOVERNANCE', years: 1.5 }))).toBe('defaultRetention.years');
  });
  it('part numbers are 1..maxParts', () => {
    expect(() => validatePartNumber(1, 10000)).not.toThrow();
    expect(() => validatePartNumber(10000, 10000)).not.toThrow();
    for (const n of [0, 10001, 1.5, -1, NaN]) expect(fieldOf(() => validatePartNumber(n, 10000))).toBe('partNumber');
  });
});
