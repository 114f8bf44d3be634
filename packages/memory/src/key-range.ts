/**
 * The smallest string greater (in UTF-8 byte order, i.e. code point order)
 * than every string that starts with `prefix`: the prefix with its last code
 * point incremented, dropping trailing U+10FFFF. Seeking to it skips a whole
 * common prefix in O(log n). Undefined when no such string exists (a prefix of
 * only U+10FFFF): every later key starts with it.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  let end = prefix.length;
  while (end > 0) {
    let start = end - 1;
    const unit = prefix.charCodeAt(start);
    if (unit >= 0xdc00 && unit <= 0xdfff && start > 0) {
      const high = prefix.charCodeAt(start - 1);
      if (high >= 0xd800 && high <= 0xdbff) start--;
    }
    const cp = prefix.codePointAt(start)!;
    if (cp < 0x10ffff) {
      const next = cp + 1 === 0xd800 ? 0xe000 : cp + 1;
      return prefix.slice(0, start) + String.fromCodePoint(next);
    }
    end = start;
  }
  return undefined;
}

/**
 * The common prefix `key` rolls up into for a listing with `prefix` and
 * `delimiter`: everything up to and including the first delimiter after the
 * prefix, or undefined when the key has none (it is listed as itself).
 */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}
