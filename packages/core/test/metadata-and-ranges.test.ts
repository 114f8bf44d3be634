import { describe, expect, it } from 'vitest';
import {
  decodeMetadata,
  encodeMetadata,
  InvalidArgumentError,
  InvalidRangeError,
  parseContentRange,
  rangeHeader,
  resolveRange,
  validateRange,
} from '../src/index.js';

describe('metadata rule', () => {
  it('lower-cases names and leaves plain ASCII values alone', () => {
    expect(encodeMetadata({ 'X-Owner': 'Alice', color: 'blue' }, 2048)).toEqual({ 'x-owner': 'Alice', color: 'blue' });
  });
  it('encodes values that would not survive a header, and decodes them back exactly', () => {
    for (const value of ['grüße', '日本語', '😀', ' padded ', '=?UTF-8?B?looks-encoded?=', 'tab\there']) {
      const wire = encodeMetadata({ v: value }, 2048).v!;
      expect(wire).toMatch(/^[\x20-\x7e]*$/);
      if (value !== 'tab\there') expect(wire.startsWith('=?UTF-8?B?')).toBe(true);
      expect(decodeMetadata({ V: wire }).v).toBe(value);
    }
  });
  it('rejects bad names, control characters, duplicates and oversize metadata', () => {
    const field = (m: unknown) => {
      try {
        encodeMetadata(m, 64);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return (e as InvalidArgumentError).field;
      }
      return 'no error';
    };
    expect(field({ 'bad name': 'x' })).toBe('metadata.bad name');
    expect(field({ 'naïve': 'x' })).toBe('metadata.naïve');
    expect(field({ a: 'line\nbreak' })).toBe('metadata.a');
    expect(field({ A: '1', a: '2' })).toBe('metadata.a');
    expect(field({ a: 'x'.repeat(100) })).toBe('metadata');
    expect(field({ a: 5 })).toBe('metadata.a');
  });
});

describe('range rules', () => {
  it('resolves offset/length, to-end and suffix ranges', () => {
    expect(resolveRange({ offset: 2, length: 3 }, 10)).toEqual({ start: 2, end: 4 });
    expect(resolveRange({ offset: 7 }, 10)).toEqual({ start: 7, end: 9 });
    expect(resolveRange({ suffix: 4 }, 10)).toEqual({ start: 6, end: 9 });
  });
  it('truncates an end past the object and a suffix longer than it', () => {
    expect(resolveRange({ offset: 8, length: 100 }, 10)).toEqual({ start: 8, end: 9 });
    expect(resolveRange({ suffix: 100 }, 10)).toEqual({ start: 0, end: 9 });
  });
  it('a start at or past the size is an InvalidRangeError', () => {
    expect(() => resolveRange({ offset: 10 }, 10)).toThrow(InvalidRangeError);
    expect(() => resolveRange({ offset: 0 }, 0)).toThrow(InvalidRangeError);
    expect(() => resolveRange({ suffix: 1 }, 0)).toThrow(InvalidRangeError);
  });
  it('validates shapes before any I/O', () => {
    for (const bad of [{ offset: -1 }, { offset: 1.5 }, { offset: 0, length: -2 }, { suffix: 0 }, { suffix: 2, offset: 1 }, null, 'bytes=0-1']) {
      expect(() => validateRange(bad)).toThrow(InvalidArgumentError);
    }
  });
  it('renders and parses HTTP headers', () => {
    expect(rangeHeader({ offset: 5, length: 5 })).toBe('bytes=5-9');
    expect(rangeHeader({ offset: 5 })).toBe('bytes=5-');
    expect(rangeHeader({ suffix: 3 })).toBe('bytes=-3');
    expect(parseContentRange('bytes 5-9/100')).toEqual({ start: 5, end: 9, total: 100 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, total: undefined });
    expect(parseContentRange('garbage')).toBeUndefined();
  });
});
