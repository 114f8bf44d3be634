import type { Span } from '../integrity/verifier.js';

/**
 * Cuts `[from, size)` into ranges of about `target` bytes, on part boundaries
 * where it can: parts up to `target` are grouped, larger ones split. Ranges on
 * part boundaries let each part be hashed as it streams; any cut is still
 * correct (the verifier reads back what came ahead of order).
 */
export function planRanges(units: readonly Span[], from: number, size: number, target: number): Span[] {
  const out: Span[] = [];
  let start = from;
  let end = from;
  const flush = () => {
    if (end > start) out.push({ start, end });
    start = end;
  };
  for (const u of units) {
    if (u.end <= from) continue;
    const uStart = Math.max(u.start, from);
    const len = u.end - uStart;
    if (len <= target) {
      if (end - start + len > target) flush();
      end = u.end;
      continue;
    }
    flush();
    const pieces = Math.ceil(len / target);
    const piece = Math.ceil(len / pieces);
    for (let s = uStart; s < u.end; s += piece) {
      start = s;
      end = Math.min(u.end, s + piece);
      flush();
    }
  }
  flush();
  if (out.length === 0 && size > from) out.push({ start: from, end: size });
  return out;
}

/** The first range start at or after `offset` (or `size`). */
export function nextBoundary(ranges: readonly Span[], offset: number, size: number): number {
  for (const r of ranges) if (r.start >= offset) return r.start;
  return size;
}
