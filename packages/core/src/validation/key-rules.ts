/**
 * Per-backend key rules, declared as data in a driver's capabilities and
 * enforced once, here, before any I/O. Each rule must be one the real server
 * enforces (the conformance suite checks the server refuses such keys too).
 */
export type KeyRule =
  | { rule: 'no-leading-slash' }
  | { rule: 'no-trailing-slash' }
  | { rule: 'no-empty-segments' }
  | { rule: 'no-dot-segments' }
  | { rule: 'max-segment-bytes'; max: number }
  | { rule: 'max-segments'; max: number }
  | { rule: 'no-control-characters' }
  | { rule: 'no-backslash' }
  | { rule: 'pattern'; pattern: string; description: string };

const utf8 = new TextEncoder();

/** Returns why `key` breaks `rule`, or null when it does not. */
export function checkKeyRule(key: string, rule: KeyRule): string | null {
  switch (rule.rule) {
    case 'no-leading-slash':
      return key.startsWith('/') ? 'must not start with "/"' : null;
    case 'no-trailing-slash':
      return key.endsWith('/') ? 'must not end with "/"' : null;
    case 'no-empty-segments':
      return key.includes('//') ? 'must not contain "//" (empty path segment)' : null;
    case 'no-dot-segments':
      return key.split('/').some((s) => s === '.' || s === '..') ? 'must not contain "." or ".." path segments' : null;
    case 'max-segment-bytes': {
      const long = key.split('/').find((s) => utf8.encode(s).length > rule.max);
      return long !== undefined ? `path segments must be at most ${rule.max} bytes` : null;
    }
    case 'max-segments':
      return key.split('/').length > rule.max ? `must have at most ${rule.max} path segments` : null;
    case 'no-control-characters':
      // eslint-disable-next-line no-control-regex
      return /[\u0000-\u001f\u007f]/.test(key) ? 'must not contain control characters' : null;
    case 'no-backslash':
      return key.includes('\\') ? 'must not contain "\\"' : null;
    case 'pattern':
      return new RegExp(rule.pattern, 'u').test(key) ? null : rule.description;
  }
}
