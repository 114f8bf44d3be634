/**
 * `pnpm bench` (in packages/transfer, or `pnpm bench` at the root): the transfer
 * benchmarks side by side, each figure the median of BENCH_RUNS (default 3)
 * runs in fresh processes, against MinIO and Ceph RGW. Writes
 * bench/results/transfer.json and the transfer section of BENCHMARKS.md.
 *
 *   BENCH_SERVERS=minio,ceph BENCH_RUNS=3 BENCH_ONLY=upload,download,rss,throttled pnpm bench
 *   BENCH_ONLY=report pnpm bench    # only rewrite the BENCHMARKS.md section from the saved results
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GiB, median, MiB, ROOT, serverEnv, type ServerName } from './common.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVERS = (process.env.BENCH_SERVERS ?? 'minio,ceph').split(',') as ServerName[];
const ONLY = new Set((process.env.BENCH_ONLY ?? 'upload,download,rss,throttled').split(','));
const PKG = fileURLToPath(new URL('..', import.meta.url));
// Scenarios run compiled (tsc → bench/dist), as plain node: one process per run, so
// `/usr/bin/time -v` reports exactly it, and no TypeScript loader (tsx alone is ~40 MB of RSS) is measured.
const NODE = process.execPath;
const NODE_ARGS: string[] = [];
const SCENARIO = 'bench/dist/bench/scenario.js';
const PROXY = 'bench/dist/bench/proxy-main.js';
function compile() {
  const tsc = fileURLToPath(new URL('node_modules/typescript/bin/tsc', ROOT));
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], { cwd: PKG, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.bench.json failed:\n${r.stdout}${r.stderr}`);
}
const THROTTLE = { bytesPerSecond: 40 * MiB, latencyMs: 20 };
const THROTTLED_SIZE = 256 * MiB;

type Sample = Record<string, unknown> & { seconds: number; mibps: number; clientCpuPercent: number; clientCpuSeconds: number; serverCpuSeconds: Record<string, number>; serverCpuPercent: Record<string, number>; load1: number; maxRssMiB?: number };

function log(...a: unknown[]) {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

function gc(server: ServerName) {
  if (server !== 'ceph') return;
  const r = spawnSync('bash', [fileURLToPath(new URL('scripts/servers/gc.sh', ROOT))], { timeout: 120_000, encoding: 'utf8' });
  if (r.status !== 0) log('ceph gc failed:', r.stderr?.slice(0, 300));
}

/** One scenario in a fresh process (optionally under /usr/bin/time -v for the whole process's peak RSS). */
function runScenario(args: Record<string, unknown>, rss = false): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const load1 = loadavg()[0]!;
    const cmd = rss ? '/usr/bin/time' : NODE;
    const argv = rss ? ['-v', NODE, ...NODE_ARGS, SCENARIO, JSON.stringify(args)] : [...NODE_ARGS, SCENARIO, JSON.stringify(args)];
    const child = spawn(cmd, argv, { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !line) return reject(new Error(`${JSON.stringify(args)} exited ${code}: ${err.slice(-1500)}`));
      const sample = { ...JSON.parse(line), load1 } as Sample;
      if (rss) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
        if (m) sample.maxRssMiB = Number(m[1]) / 1024;
      }
      resolve(sample);
    });
  });
}

interface Figure {
  label: string;
  server: ServerName;
  command: string;
  samples: Sample[];
  mibps: number;
  clientCpuPercent: number;
  serverCpuPercent: Record<string, number>;
  /** CPU-seconds per GiB moved: what decides throughput when client and server share two cores. */
  clientCpuPerGiB: number;
  serverCpuPerGiB: Record<string, number>;
  load1: number[];
  maxRssMiB?: number;
  extra?: Record<string, unknown>;
}

const figures: Figure[] = [];

function summarize(label: string, server: ServerName, args: Record<string, unknown>, samples: Sample[], rss = false): Figure {
  const pick = (f: (s: Sample) => number) => median(samples.map(f));
  const serverNames = Object.keys(samples[0]!.serverCpuPercent);
  const fig: Figure = {
    label,
    server,
    command: `${rss ? '/usr/bin/time -v ' : ''}node ${SCENARIO} '${JSON.stringify({ ...args, server })}'`,
    samples,
    mibps: pick((s) => s.mibps),
    clientCpuPercent: pick((s) => s.clientCpuPercent),
    serverCpuPercent: Object.fromEntries(serverNames.map((n) => [n, pick((s) => s.serverCpuPercent[n] ?? 0)])),
    clientCpuPerGiB: pick((s) => s.clientCpuSeconds / (s.mibps * s.seconds / 1024)),
    serverCpuPerGiB: Object.fromEntries(serverNames.map((n) => [n, pick((s) => (s.serverCpuSeconds[n] ?? 0) / (s.mibps * s.seconds / 1024))])),
    load1: samples.map((s) => Math.round(s.load1 * 10) / 10),
  };
  if (rss) fig.maxRssMiB = pick((s) => s.maxRssMiB ?? NaN);
  const last = samples[samples.length - 1]!;
  const extra: Record<string, unknown> = {};
  for (const k of ['strategy', 'requests', 'probeMiBps', 'probeBusy', 'maxBufferedMiB', 'parts']) if (k in last) extra[k] = last[k];
  if (Object.keys(extra).length) fig.extra = extra;
  figures.push(fig);
  log(`${server} ${label}: ${fig.mibps.toFixed(0)} MiB/s (client ${fig.clientCpuPercent.toFixed(0)}% CPU, server ${JSON.stringify(fig.serverCpuPercent, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))})${fig.maxRssMiB ? ` RSS ${fig.maxRssMiB.toFixed(0)} MiB` : ''} loads ${samples.map((s) => s.load1.toFixed(1)).join('/')}`);
  return fig;
}

/**
 * The scenarios of one comparison, interleaved: rep 1 of each, then rep 2 of each… On a machine
 * whose load drifts (shared with other work), drift then lands on every row alike instead of on
 * whichever scenario happened to run during a busy minute.
 */
async function measureGroup(server: ServerName, rows: Array<{ label: string; args: Record<string, unknown>; gcAfter?: boolean; rss?: boolean }>): Promise<void> {
  const samples = rows.map(() => [] as Sample[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [j, row] of rows.entries()) {
      samples[j]!.push(await runScenario({ ...row.args, server }, row.rss));
      if (row.gcAfter) gc(server);
    }
  }
  rows.forEach((row, j) => summarize(row.label, server, row.args, samples[j]!, row.rss));
}

async function withProxy<T>(server: ServerName, fn: (port: number) => Promise<T>): Promise<T> {
  const target = new URL(serverEnv()[server].endpoint);
  const child = spawn(NODE, [...NODE_ARGS, PROXY, target.hostname, target.port, String(THROTTLE.bytesPerSecond), String(THROTTLE.latencyMs)], { cwd: PKG, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port));
    child.once('exit', (c) => reject(new Error(`proxy exited ${c}`)));
  });
  try {
    return await fn(port);
  } finally {
    child.kill('SIGTERM');
  }
}

/** Every row this script measures (results of other labels in an old transfer.json are dropped). */
const ROW_LABELS = new Set<string>([
  '4 ranged GETs (SDK, no reassembly)',
  'RSS: stowage upload 1 GiB (defaults)',
  'RSS: stowage upload 4 GiB (defaults)',
  'lib-storage Upload at 4 × 16 MiB',
  'lib-storage Upload defaults (4 × 5 MiB)',
  'minio putObject (unknown size)',
  'raw parallel UploadPart (4 × 16 MiB pre-made buffers)',
  'single GET stream (SDK)',
  'stowage download (auto, verified by composite MD5: an object without a stored CRC)',
  'stowage download (auto, verified)',
  'stowage download (auto, verify off)',
  'stowage download (forced 4 ranges, verified)',
  'stowage upload (defaults: 4 × 16 MiB, unknown length)',
  'stowage upload, adapter at SDK defaults (Expect: 100-continue, signed payload)',
  'stowage upload, no part checksum (what hashing costs)',
  'throttled: single GET stream (SDK)',
  'throttled: stowage download (auto, verified)',
  'throttled: stowage download (auto, verified, concurrency 8)',
]);

const byLabel = (server: ServerName, label: string) => figures.find((f) => f.server === server && f.label === label);

async function main() {
  const started = Date.now();
  if (ONLY.has('report')) {
    // Rewrite BENCHMARKS.md from bench/results/transfer.json (e.g. after editing bench/transfer-notes.md); measures nothing.
    const saved = JSON.parse(readFileSync(fileURLToPath(new URL('bench/results/transfer.json', ROOT)), 'utf8'));
    writeMarkdown(saved);
    return;
  }
  compile();
  log(`runs=${RUNS} servers=${SERVERS.join(',')} only=${[...ONLY].join(',')} cpus=${cpus().length}`);
  for (const server of SERVERS) {
    gc(server);
    // Warm-up (Ceph's first multipart upload creates pools) — not measured.
    await runScenario({ name: 'stowage-upload', server, bytes: 64 * MiB });
    gc(server);
    if (ONLY.has('upload')) {
      await measureGroup(server, [
        { label: 'raw parallel UploadPart (4 × 16 MiB pre-made buffers)', args: { name: 'raw-upload', bytes: GiB, partSize: 16 * MiB, concurrency: 4 }, gcAfter: true },
        { label: 'stowage upload (defaults: 4 × 16 MiB, unknown length)', args: { name: 'stowage-upload', bytes: GiB }, gcAfter: true },
        { label: 'stowage upload, adapter at SDK defaults (Expect: 100-continue, signed payload)', args: { name: 'stowage-upload', bytes: GiB, sdkDefaults: true }, gcAfter: true },
        { label: 'stowage upload, no part checksum (what hashing costs)', args: { name: 'stowage-upload', bytes: GiB, checksum: false }, gcAfter: true },
        { label: 'lib-storage Upload at 4 × 16 MiB', args: { name: 'libstorage-upload', bytes: GiB, partSize: 16 * MiB, concurrency: 4 }, gcAfter: true },
        { label: 'lib-storage Upload defaults (4 × 5 MiB)', args: { name: 'libstorage-upload', bytes: GiB }, gcAfter: true },
        { label: 'minio putObject (unknown size)', args: { name: 'minio-putobject', bytes: GiB }, gcAfter: true },
      ]);
    }
    if (ONLY.has('download') || ONLY.has('throttled')) {
      await runScenario({ name: 'stowage-upload', server, bytes: GiB, key: 'dl-1g', keep: true });
      if (ONLY.has('download')) await runScenario({ name: 'stowage-upload', server, bytes: GiB, key: 'dl-1g-md5', keep: true, objectChecksum: false });
      await runScenario({ name: 'stowage-upload', server, bytes: THROTTLED_SIZE, key: 'dl-256m', keep: true });
    }
    if (ONLY.has('download')) {
      await measureGroup(server, [
        { label: 'single GET stream (SDK)', args: { name: 'raw-get', bytes: GiB, key: 'dl-1g' } },
        { label: '4 ranged GETs (SDK, no reassembly)', args: { name: 'raw-ranged-get', bytes: GiB, key: 'dl-1g', concurrency: 4 } },
        { label: 'stowage download (auto, verified)', args: { name: 'stowage-download', bytes: GiB, key: 'dl-1g' } },
        { label: 'stowage download (auto, verify off)', args: { name: 'stowage-download', bytes: GiB, key: 'dl-1g', verify: false } },
        { label: 'stowage download (auto, verified by composite MD5: an object without a stored CRC)', args: { name: 'stowage-download', bytes: GiB, key: 'dl-1g-md5' } },
        { label: 'stowage download (forced 4 ranges, verified)', args: { name: 'stowage-download', bytes: GiB, key: 'dl-1g', strategy: 'ranges' } },
      ]);
    }
    if (ONLY.has('throttled')) {
      await withProxy(server, (viaPort) =>
        measureGroup(server, [
          { label: 'throttled: single GET stream (SDK)', args: { name: 'raw-get', bytes: THROTTLED_SIZE, key: 'dl-256m', viaPort } },
          { label: 'throttled: stowage download (auto, verified)', args: { name: 'stowage-download', bytes: THROTTLED_SIZE, key: 'dl-256m', viaPort } },
          { label: 'throttled: stowage download (auto, verified, concurrency 8)', args: { name: 'stowage-download', bytes: THROTTLED_SIZE, key: 'dl-256m', viaPort, concurrency: 8 } },
        ]),
      );
    }
    for (const key of ['dl-1g', 'dl-1g-md5', 'dl-256m']) await runScenario({ name: 'delete', server, bytes: 0, key }).catch(() => {});
    if (ONLY.has('rss') && server === 'minio') {
      await measureGroup(server, [
        { label: 'RSS: stowage upload 1 GiB (defaults)', args: { name: 'stowage-upload', bytes: GiB }, rss: true },
        { label: 'RSS: stowage upload 4 GiB (defaults)', args: { name: 'stowage-upload', bytes: 4 * GiB }, rss: true },
      ]);
    }
    gc(server);
  }
  writeResults((Date.now() - started) / 1000);
}

function ratio(a: Figure | undefined, b: Figure | undefined, f: (x: Figure) => number | undefined = (x) => x.mibps): number | null {
  const x = a && f(a);
  const y = b && f(b);
  return x !== undefined && y !== undefined && y > 0 ? Math.round((x / y) * 1000) / 1000 : null;
}

function ratiosFor(server: ServerName) {
  const g = (l: string) => byLabel(server, l);
  const stowage = g('stowage upload (defaults: 4 × 16 MiB, unknown length)');
  return {
    vsRawParallelPut: ratio(stowage, g('raw parallel UploadPart (4 × 16 MiB pre-made buffers)')),
    vsLibStorageSameSettings: ratio(stowage, g('lib-storage Upload at 4 × 16 MiB')),
    vsLibStorageDefaults: ratio(stowage, g('lib-storage Upload defaults (4 × 5 MiB)')),
    vsMinioPutObject: ratio(stowage, g('minio putObject (unknown size)')),
    rss4GiBover1GiB: ratio(g('RSS: stowage upload 4 GiB (defaults)'), g('RSS: stowage upload 1 GiB (defaults)'), (x) => x.maxRssMiB),
    downloadVsSingleStream: ratio(g('stowage download (auto, verified)'), g('single GET stream (SDK)')),
    rangedVsSingleThrottled: ratio(g('throttled: stowage download (auto, verified)'), g('throttled: single GET stream (SDK)')),
    rangedVsSingleThrottledConcurrency8: ratio(g('throttled: stowage download (auto, verified, concurrency 8)'), g('throttled: single GET stream (SDK)')),
    // beside the headline ones
    sdkDefaultsAdapterVsLibStorageSameSettings: ratio(g('stowage upload, adapter at SDK defaults (Expect: 100-continue, signed payload)'), g('lib-storage Upload at 4 × 16 MiB')),
    downloadVerifyOffVsSingleStream: ratio(g('stowage download (auto, verify off)'), g('single GET stream (SDK)')),
    downloadMd5VerifiedVsSingleStream: ratio(g('stowage download (auto, verified by composite MD5: an object without a stored CRC)'), g('single GET stream (SDK)')),
  };
}

function writeResults(totalSeconds: number) {
  const resultsDir = fileURLToPath(new URL('bench/results/', ROOT));
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}transfer.json`;
  // Merge with earlier results so a partial run (BENCH_ONLY / BENCH_SERVERS) keeps the other figures.
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { figures?: Figure[] }) : {};
  // Only rows this script still measures: a renamed or dropped row does not linger from an old run.
  const kept = (previous.figures ?? []).filter((p) => ROW_LABELS.has(p.label) && !figures.some((f) => f.server === p.server && f.label === p.label));
  figures.unshift(...kept);
  const rssLimit = (4 + 2) * 16 + 80;
  const out = {
    generatedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    runsPerFigure: RUNS,
    totalSeconds,
    throttle: { perConnectionMiBps: THROTTLE.bytesPerSecond / MiB, addedLatencyMs: THROTTLE.latencyMs },
    ratios: ratiosFor('minio'),
    ratiosCeph: ratiosFor('ceph'),
    rssLimitMiB: rssLimit,
    // figures kept from an earlier run carry their `runs` already (no samples)
    figures: figures.map(({ samples, ...f }) =>
      samples ? { ...f, runs: samples.map((s) => ({ mibps: round(s.mibps), clientCpuPercent: round(s.clientCpuPercent), load1: round(s.load1), ...(s.maxRssMiB ? { maxRssMiB: round(s.maxRssMiB) } : {}) })) } : f,
    ),
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${file}`);
  writeMarkdown(out);
}

function round(x: number) {
  return Math.round(x * 10) / 10;
}

function writeMarkdown(out: { ratios: Record<string, number | null>; ratiosCeph: Record<string, number | null>; figures: Array<Omit<Figure, 'samples'>>; generatedAt: string; runsPerFigure: number; rssLimitMiB: number }) {
  const file = fileURLToPath(new URL('BENCHMARKS.md', ROOT));
  const start = '<!-- transfer:start -->';
  const end = '<!-- transfer:end -->';
  const rows = (server: ServerName) =>
    out.figures
      .filter((f) => f.server === server)
      .map((f) => `| ${f.label} | ${f.mibps.toFixed(0)} | ${f.clientCpuPercent.toFixed(0)} % (${f.clientCpuPerGiB.toFixed(2)} s/GiB) | ${Object.entries(f.serverCpuPercent).map(([n, v]) => `${n} ${v.toFixed(0)} % (${(f.serverCpuPerGiB[n] ?? 0).toFixed(2)} s/GiB)`).join(', ')} | ${f.maxRssMiB ? `${f.maxRssMiB.toFixed(0)} MiB` : ''} | ${f.load1.join(' / ')} | \`${f.command.replace(/\|/g, '\\|')}\` |`)
      .join('\n');
  const r = (k: string) => `${out.ratios[k] ?? 'n/a'} | ${out.ratiosCeph[k] ?? 'n/a'}`;
  const notesFile = fileURLToPath(new URL('bench/transfer-notes.md', PKG_URL));
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8').trim() : '';
  const section = `${start}
## Transfer manager (\`@stowage/transfer\`)

Generated ${out.generatedAt} by \`pnpm --filter @stowage/transfer bench\` (all of it: \`cd packages/transfer && pnpm bench\`; a subset:
\`BENCH_SERVERS=minio BENCH_ONLY=upload,download,rss,throttled BENCH_RUNS=3 pnpm bench\`). Each figure is the median of ${out.runsPerFigure} runs,
each run a fresh process, the runs of the rows compared interleaved (rep 1 of each row, then rep 2…, so load drift hits all rows alike) (\`node bench/dist/bench/scenario.js '<json>'\`, compiled by \`tsc -p tsconfig.bench.json\` first; the exact command per row below). 1 GiB from a generator
(1 MiB chunks of a random pool) unless the row says otherwise; CPU is per process (client: \`process.cpuUsage()\`, servers: \`/proc/<pid>/stat\`),
in % of one core over the timed window. Throttled rows go through \`bench/proxy.ts\` (${THROTTLE.bytesPerSecond / MiB} MiB/s per connection, +${THROTTLE.latencyMs} ms).

| ratio | MinIO | Ceph RGW | target |
|---|---|---|---|
| upload vs raw parallel UploadPart | ${r('vsRawParallelPut')} | ≥ 0.9 |
| upload vs lib-storage, same settings (4 × 16 MiB) | ${r('vsLibStorageSameSettings')} | ≥ 1.15 |
| upload vs lib-storage defaults (4 × 5 MiB) | ${r('vsLibStorageDefaults')} | ≥ 1.5 |
| upload vs minio putObject | ${r('vsMinioPutObject')} | ≥ 1.7 |
| upload with the adapter at SDK defaults vs lib-storage same settings | ${r('sdkDefaultsAdapterVsLibStorageSameSettings')} | |
| peak RSS 4 GiB / 1 GiB | ${r('rss4GiBover1GiB')} | ≤ 1.1 |
| download (auto, verified) vs one GET stream | ${r('downloadVsSingleStream')} | ≥ 0.9 |
| download (auto, verify off) vs one GET stream | ${r('downloadVerifyOffVsSingleStream')} | |
| download (auto, verified by composite MD5, no stored CRC) vs one GET stream | ${r('downloadMd5VerifiedVsSingleStream')} | |
| throttled: download vs one GET stream (default concurrency 4) | ${r('rangedVsSingleThrottled')} | ≥ 3 |
| throttled: download vs one GET stream (concurrency 8) | ${r('rangedVsSingleThrottledConcurrency8')} | |

Peak RSS limit for the defaults: (concurrency + 2) × partSize + 80 MiB = ${out.rssLimitMiB} MiB.

### MinIO

| what | MiB/s | client CPU (per GiB) | server CPU (per GiB) | peak RSS | load avg at start of each run | command (in packages/transfer) |
|---|---|---|---|---|---|---|
${rows('minio')}

### Ceph RGW

| what | MiB/s | client CPU (per GiB) | server CPU (per GiB) | peak RSS | load avg at start of each run | command (in packages/transfer) |
|---|---|---|---|---|---|---|
${rows('ceph')}

${notes}
${end}`;
  let md = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (md.includes(start) && md.includes(end)) md = md.slice(0, md.indexOf(start)) + section + md.slice(md.indexOf(end) + end.length);
  else md = `${md.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, md);
  log(`wrote ${file}`);
}

const PKG_URL = new URL('..', import.meta.url);

main().catch((e) => {
  console.error(e);
  if (figures.length > 0) writeResults(0);
  process.exit(1);
});
