import { describe, expect, it } from 'vitest';
import { compareUtf8 } from '../src/index.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('UTF-8 key order', () => {
  it('sorts an emoji after U+FFFD, unlike JavaScript string order', () => {
    const keys = ['😀', '\ufffd', 'a'];
    expect([...keys].sort()).toEqual(['a', '😀', '\ufffd']);
    expect([...keys].sort(compareUtf8)).toEqual(['a', '\ufffd', '😀']);
  });
  it('agrees with a byte-wise comparison on a mixed set', () => {
    const keys = ['a', 'a/', 'a-', 'a/b', 'ä', 'z', '\u007f', '\u0080', '\ud7ff', '\ue000', '\uffff', '😀', '𝄞', 'A', '', 'a\u0000'];
    const expected = [...keys].sort((x, y) => Buffer.compare(bytes(x), bytes(y)));
    expect([...keys].sort(compareUtf8)).toEqual(expected);
  });
  it('orders keys sorting just before the delimiter', () => {
    expect(['a/', 'a-/'].sort(compareUtf8)).toEqual(['a-/', 'a/']);
  });
});
