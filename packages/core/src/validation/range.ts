import { InvalidArgumentError, InvalidRangeError } from '../errors/stowage-error.js';

/** A byte range: `{ offset, length? }` (length omitted = to the end) or `{ suffix }` (the last n bytes). */
export type ByteRange = { offset: number; length?: number } | { suffix: number };

/** The inclusive byte span a range resolves to on an object of known size. */
export interface ResolvedRange {
  start: number;
  /** Inclusive; `end < start` means empty. */
  end: number;
}

function isNonNegativeInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

export function validateRange(range: unknown): asserts range is ByteRange {
  if (range === null || typeof range !== 'object') throw new InvalidArgumentError('range', 'must be { offset, length? } or { suffix }');
  const r = range as Record<string, unknown>;
  if ('suffix' in r) {
    if ('offset' in r || 'length' in r) throw new InvalidArgumentError('range', 'suffix cannot be combined with offset or length');
    if (!isNonNegativeInteger(r.suffix) || r.suffix === 0) throw new InvalidArgumentError('range.suffix', 'must be a positive integer');
    return;
  }
  if (!isNonNegativeInteger(r.offset)) throw new InvalidArgumentError('range.offset', 'must be a non-negative integer');
  if (r.length !== undefined && !isNonNegativeInteger(r.length)) throw new InvalidArgumentError('range.length', 'must be a non-negative integer');
}

/**
 * A copy-source range (S3's `x-amz-copy-source-range: bytes=start-end`):
 * inclusive, both ends given, `start <= end`, at most `maxBytes` long.
 * Whether it lies within the source is the server's to say (it knows the size).
 */
export function validateCopyRange(range: unknown, maxBytes: number): asserts range is ResolvedRange {
  if (range === null || typeof range !== 'object' || Array.isArray(range)) throw new InvalidArgumentError('range', 'must be { start, end } (inclusive byte offsets)');
  const r = range as Record<string, unknown>;
  if (!isNonNegativeInteger(r.start)) throw new InvalidArgumentError('range.start', 'must be a non-negative integer');
  if (!isNonNegativeInteger(r.end)) throw new InvalidArgumentError('range.end', 'must be a non-negative integer');
  if (r.end < r.start) throw new InvalidArgumentError('range', `end ${r.end} is before start ${r.start} (the range is inclusive: bytes=start-end)`);
  if (r.end - r.start + 1 > maxBytes) throw new InvalidArgumentError('range', `spans ${r.end - r.start + 1} bytes, over this backend's max part size ${maxBytes}`);
}

/**
 * Resolves a range against an object size with S3's rules: an end past the
 * object is truncated, a start at or past the size is an InvalidRangeError,
 * a suffix longer than the object is the whole object.
 */
export function resolveRange(range: ByteRange, size: number): ResolvedRange {
  if ('suffix' in range) {
    if (size === 0) throw new InvalidRangeError(`Range bytes=-${range.suffix} is not satisfiable for an empty object`);
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if (range.offset >= size) throw new InvalidRangeError(`Range start ${range.offset} is at or past the object size ${size}`);
  const end = range.length === undefined ? size - 1 : Math.min(size - 1, range.offset + range.length - 1);
  return { start: range.offset, end };
}

/** The HTTP Range header value for a validated range. */
export function rangeHeader(range: ByteRange): string {
  if ('suffix' in range) return `bytes=-${range.suffix}`;
  return range.length === undefined ? `bytes=${range.offset}-` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

/** Parses a `Content-Range: bytes start-end/total` header. */
export function parseContentRange(value: string | undefined | null): { start: number; end: number; total: number | undefined } | undefined {
  if (!value) return undefined;
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}
