import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
/** The repository root (where pnpm-workspace.yaml is), from src or from the compiled bench/dist. */
export const ROOT = (() => {
  let u = new URL('./', import.meta.url);
  for (let i = 0; i < 8; i++, u = new URL('../', u)) if (existsSync(new URL('pnpm-workspace.yaml', u))) return u;
  throw new Error('repository root not found');
})();
export const BUCKET = 'bench-transfer';

export type ServerName = 'minio' | 'ceph';
export interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function serverEnv(): Record<ServerName, ServerEnv> {
  return JSON.parse(readFileSync(new URL('.servers/env.json', ROOT), 'utf8'));
}

/** Server processes whose CPU we measure (their pid files from scripts/servers). */
export function serverPids(server: ServerName): Record<string, number> {
  const read = (f: string) => Number(readFileSync(new URL(`.servers/pids/${f}`, ROOT), 'utf8').trim());
  return server === 'minio' ? { minio: read('minio.pid') } : { radosgw: read('ceph-rgw.a.pid'), 'ceph-osd': read('ceph-osd.0.pid') };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * `total` bytes from a generator, in 1 MiB chunks cut from a 4 MiB random
 * pool (cheap to produce, and small: the producer is not what is measured,
 * and its memory counts in the process's peak RSS).
 */
let POOL: Buffer | undefined;
export async function* generate(total: number, chunk = MiB): AsyncGenerator<Uint8Array> {
  POOL ??= randomBytes(4 * MiB);
  for (let off = 0; off < total; off += chunk) {
    const n = Math.min(chunk, total - off);
    const at = off % POOL!.length;
    yield at + n <= POOL!.length ? POOL!.subarray(at, at + n) : Buffer.concat([POOL!.subarray(at), POOL!.subarray(0, n - (POOL!.length - at))]);
  }
}

export function generatorStream(total: number): Readable {
  return Readable.from(generate(total), { objectMode: false, highWaterMark: MiB });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
