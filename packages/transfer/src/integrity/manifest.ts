import type { PartSchedule } from '../upload/part-planner.js';
import { partBoundaries } from '../upload/part-planner.js';

/**
 * The part schedule is written as user metadata at CreateMultipartUpload —
 * the one moment metadata can be set, before any byte is read. It is not a
 * hash (none is known yet) but the rule that cuts the object into parts, so a
 * reader can recover every part boundary from it and the object's size, hash
 * each part and check the composite ETag.
 *
 * Format: `v1 <initial> <growEvery> <maxPart>`, decimal bytes/counts.
 */
export const MANIFEST_KEY = 'stowage-parts';

export function encodeSchedule(s: PartSchedule): string {
  return `v1 ${s.initial} ${s.growEvery} ${s.maxPart}`;
}

export function decodeSchedule(value: string | undefined): PartSchedule | undefined {
  if (!value) return undefined;
  const m = /^v1 (\d+) (\d+) (\d+)$/.exec(value.trim());
  if (!m) return undefined;
  const [initial, growEvery, maxPart] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(initial > 0) || !(maxPart >= initial) || !Number.isSafeInteger(initial) || !Number.isSafeInteger(maxPart) || !Number.isSafeInteger(growEvery)) {
    return undefined;
  }
  return { initial, growEvery, maxPart };
}

/** Part spans `[start, end)` for an object of `size` bytes cut by `schedule`. */
export function scheduleSpans(schedule: PartSchedule, size: number): Array<{ start: number; end: number }> {
  const b = partBoundaries(schedule, size);
  const out: Array<{ start: number; end: number }> = [];
  for (let i = 0; i + 1 < b.length; i++) out.push({ start: b[i]!, end: b[i + 1]! });
  return out;
}
