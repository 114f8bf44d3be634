import { UsageError } from './exit-codes.js';

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1000 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** `16MiB`, `5M`, `1.5GiB`, `1048576` → bytes (SI for k/M/G, binary for KiB/MiB/GiB). */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${what} must be a size such as 16MiB, 5M or 1048576, got "${text}"`);
  const bytes = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${what} is too large`);
  return bytes;
}

const DURATION_UNITS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86_400, day: 86_400, days: 86_400, w: 7 * 86_400, y: 365 * 86_400 };

/** `30s`, `15m`, `12h`, `7d`, `2w`, `1y`, or plain seconds → seconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? (m[2] === '' ? 1 : DURATION_UNITS[m[2]!.toLowerCase()]) : undefined;
  if (!m || unit === undefined) throw new UsageError(`${what} must be a duration such as 30s, 15m, 12h, 7d or 1y, got "${text}"`);
  return Number(m[1]) * unit;
}

/** An ISO 8601 date (`2030-01-01`, `2030-01-01T12:00:00Z`). */
export function parseDate(text: string, what: string): Date {
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime())) throw new UsageError(`${what} must be an ISO 8601 date such as 2030-01-01T00:00:00Z, got "${text}"`);
  return d;
}

export function parseInteger(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${what} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}

/** Bytes for humans, binary units: `1.5 MiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Seconds for humans: `42s`, `3m05s`, `1h02m`. */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '--';
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
}
