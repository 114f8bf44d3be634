import { InvalidArgumentError } from '../errors/stowage-error.js';
import { checkKeyRule, type KeyRule } from './key-rules.js';

const utf8 = new TextEncoder();

/** Byte length of a string's UTF-8 encoding. */
export function utf8Length(s: string): number {
  return utf8.encode(s).length;
}

/** True when the string has no lone surrogate, i.e. it is valid UTF-8 once encoded. */
export function isWellFormedUnicode(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/**
 * The universal key rules (valid UTF-8, 1..maxBytes bytes), then the backend's
 * declared rules. `field` names the request field for the error (`key`, `prefix`…).
 */
export function validateKey(key: unknown, rules: readonly KeyRule[], maxBytes = 1024, field = 'key'): asserts key is string {
  if (typeof key !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  if (key.length === 0) throw new InvalidArgumentError(field, 'must not be empty');
  if (!isWellFormedUnicode(key)) throw new InvalidArgumentError(field, 'must be valid UTF-8 (it contains a lone surrogate)');
  const bytes = utf8Length(key);
  if (bytes > maxBytes) throw new InvalidArgumentError(field, `must be at most ${maxBytes} bytes of UTF-8 (got ${bytes})`);
  for (const rule of rules) {
    const why = checkKeyRule(key, rule);
    if (why) throw new InvalidArgumentError(field, `${why} (backend key rule "${rule.rule}")`);
  }
}

/** A listing prefix or startAfter: may be empty, otherwise valid UTF-8 within the key length. */
export function validateKeyFragment(value: unknown, field: string, maxBytes = 1024): asserts value is string | undefined {
  if (value === undefined) return;
  if (typeof value !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  if (!isWellFormedUnicode(value)) throw new InvalidArgumentError(field, 'must be valid UTF-8 (it contains a lone surrogate)');
  if (utf8Length(value) > maxBytes) throw new InvalidArgumentError(field, `must be at most ${maxBytes} bytes of UTF-8`);
}
