/**
 * RSS benchmark: does a 1 GiB streamed PUT (and GET) stay out of the server's memory?
 *
 * Starts @stowage/server in a child process over a counting store (see
 * counting-store.ts: it reads and hashes every byte but keeps none, so what is
 * measured is the server, not the store), then streams 1 GiB through the real
 * AWS SDK: once with the SDK's default flexible checksums (aws-chunked body
 * with a CRC32 trailer), once with WHEN_REQUIRED (a plain UNSIGNED-PAYLOAD
 * body), then reads it back with a GET. The child's RSS is sampled from
 * /proc/<pid>/status every 50 ms and its peak (VmHWM, reset before each
 * scenario through /proc/<pid>/clear_refs) recorded.
 *
 *   pnpm --filter @stowage/server bench     (writes <repo>/bench/results/server-rss.json)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const LIMIT_MIB = 200;
const MiB = 1024 * 1024;

function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) return resolve(here, '../../..');
    dir = up;
  }
  return dir;
}

function status(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function body(size: number): Readable {
  const chunk = Buffer.alloc(MiB, 0x5a);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(chunk.length, size - sent);
      sent += n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'rss-server.ts')], { stdio: ['pipe', 'pipe', 'inherit'], cwd: resolve(here, '..') });
const lines = createInterface({ input: child.stdout! });
const url = await new Promise<string>((resolveUrl, reject) => {
  lines.on('line', (line) => {
    if (line.startsWith('READY ')) resolveUrl(line.slice(6).trim());
  });
  child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
});
const pid = child.pid!;

interface Scenario {
  name: string;
  bytes: number;
  seconds: number;
  mibPerSecond: number;
  peakRssMiB: number;
  maxSampledRssMiB: number;
}

const results: Scenario[] = [];
async function measure(name: string, run: () => Promise<void>): Promise<void> {
  global.gc?.();
  const reset = resetPeak(pid);
  let maxSampled = status(pid).rss;
  const timer = setInterval(() => {
    try {
      maxSampled = Math.max(maxSampled, status(pid).rss);
    } catch {
      // the child is gone
    }
  }, 50);
  const started = performance.now();
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const { rss, hwm } = status(pid);
  maxSampled = Math.max(maxSampled, rss);
  const peak = reset ? hwm : maxSampled;
  results.push({ name, bytes: SIZE, seconds: +seconds.toFixed(2), mibPerSecond: +(SIZE / MiB / seconds).toFixed(1), peakRssMiB: +(peak / MiB).toFixed(1), maxSampledRssMiB: +(maxSampled / MiB).toFixed(1) });
  console.log(`${name}: ${(SIZE / MiB).toFixed(0)} MiB in ${seconds.toFixed(1)} s (${(SIZE / MiB / seconds).toFixed(0)} MiB/s), server peak RSS ${(peak / MiB).toFixed(1)} MiB`);
}

const client = (mode: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED') =>
  new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    maxAttempts: 1,
  });

const supported = client('WHEN_SUPPORTED');
const required = client('WHEN_REQUIRED');
try {
  await required.send(new CreateBucketCommand({ Bucket: 'bench' }));
  // warm up the server (JIT, sockets) before the baseline
  await required.send(new PutObjectCommand({ Bucket: 'bench', Key: 'warm', Body: body(8 * MiB), ContentLength: 8 * MiB }));
  await new Promise((r) => setTimeout(r, 500));
  const baseline = status(pid).rss;
  console.log(`server baseline RSS ${(baseline / MiB).toFixed(1)} MiB (pid ${pid})`);

  await measure('PUT 1 GiB, SDK default checksums (aws-chunked, CRC32 trailer)', async () => {
    await supported.send(new PutObjectCommand({ Bucket: 'bench', Key: 'big-chunked', Body: body(SIZE), ContentLength: SIZE }));
  });
  await measure('PUT 1 GiB, WHEN_REQUIRED (UNSIGNED-PAYLOAD body)', async () => {
    await required.send(new PutObjectCommand({ Bucket: 'bench', Key: 'big-plain', Body: body(SIZE), ContentLength: SIZE }));
  });
  await measure('GET 1 GiB', async () => {
    const got = await required.send(new GetObjectCommand({ Bucket: 'bench', Key: 'big-plain' }));
    let n = 0;
    for await (const c of got.Body as AsyncIterable<Uint8Array>) n += c.length;
    if (n !== SIZE) throw new Error(`GET returned ${n} bytes`);
  });

  const worst = Math.max(...results.map((r) => Math.max(r.peakRssMiB, r.maxSampledRssMiB)));
  const out = {
    benchmark: 'server-rss',
    description: '1 GiB streamed through @stowage/server (child process, counting store) with @aws-sdk/client-s3; peak RSS of the server process',
    date: new Date().toISOString(),
    node: process.version,
    machine: { cpus: (await import('node:os')).cpus().length, totalMemGiB: +((await import('node:os')).totalmem() / 1024 ** 3).toFixed(1) },
    limitMiB: LIMIT_MIB,
    baselineRssMiB: +(baseline / MiB).toFixed(1),
    scenarios: results,
    worstPeakRssMiB: worst,
    pass: worst < LIMIT_MIB,
  };
  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'server-rss.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`worst peak RSS ${worst} MiB (limit ${LIMIT_MIB} MiB): ${out.pass ? 'PASS' : 'FAIL'}; wrote bench/results/server-rss.json`);
  if (!out.pass) process.exitCode = 1;
} finally {
  supported.destroy();
  required.destroy();
  child.stdin!.end();
  await new Promise((r) => child.once('exit', r));
}
