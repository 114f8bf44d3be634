/**
 * The memory list-page benchmark: a 1000-key page at the start, middle and end
 * of 10k, 100k and 1M-key buckets, read through the portable Store
 * (validation, HMAC cursors and all). Targets: a 1M page ≤ 5 ms, and
 * ratio1Mto10k = median 1M page time / median 10k page time ≤ 2, i.e. a page
 * costs O(log n + page size), not O(n).
 *
 *   pnpm bench                                 (repository root: every benchmark)
 *   pnpm --filter @stowage/memory bench         (this one)
 *
 * Writes bench/results/memory-list.json at the repository root.
 *
 * Method. All buckets are filled first, through the driver (the Store's
 * per-call layer would triple the set-up time and is not what is measured;
 * objects are empty, a listing never reads bodies). Keys go in ascending order
 * by default, as time-ordered uploads do: cheap to fill, and the least
 * favourable layout for a page walk (every leaf ends half full, so a page
 * spans the most leaves); BENCH_FILL=shuffled inserts them in a random order
 * instead (slower to fill on a busy machine: every insert is a cache-cold seek). Then measurement rounds interleave the sizes, so load from other
 * processes on a shared machine falls on every size alike. Each round reads,
 * per size and position:
 *   - the page at the position (`samePage`: the figure the targets use);
 *   - a page not read before, walking away from the position (`distinctPages`:
 *     colder, it includes the CPU-cache misses of a big bucket; reported, not
 *     targeted);
 * and medians are taken over the rounds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compareUtf8, type Store } from '@stowage/core';
import { createMemoryStore } from '../src/index.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const PAGE = 1000;
const WARMUP = 5;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 41);
const FILL = process.env.BENCH_FILL === 'shuffled' ? 'shuffled' : 'ascending';
const OUT = fileURLToPath(new URL('../../../bench/results/memory-list.json', import.meta.url));
const POSITIONS = ['start', 'middle', 'end'] as const;
type Position = (typeof POSITIONS)[number];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Keys spread like real ones (several levels, shared prefixes). */
function keyFor(i: number): string {
  const h = (Math.imul(i, 2654435761) >>> 0).toString(16).padStart(8, '0');
  return `tenant-${h.slice(0, 2)}/data/${h.slice(2, 4)}/object-${String(i).padStart(7, '0')}.bin`;
}

function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

interface Bucket {
  n: number;
  store: Store;
  sorted: string[];
  fillSeconds: number;
  fillCpuSeconds: number;
  window: number;
  same: Record<Position, number[]>;
  distinct: Record<Position, number[]>;
}

async function fill(n: number): Promise<Bucket> {
  const store = createMemoryStore({ retry: false });
  await store.createBucket('bench');
  const driver = store.unwrapDriver();
  const signal = new AbortController().signal;
  const body = new Uint8Array(0);
  // the keys are ASCII, where JavaScript's order is UTF-8 byte order (checked): sort natively
  const sorted = Array.from({ length: n }, (_, i) => keyFor(i)).sort();
  for (let i = 1; i < Math.min(n, 5000); i++) if (compareUtf8(sorted[i - 1]!, sorted[i]!) >= 0) throw new Error('key order');
  const order = FILL === 'shuffled' ? shuffled(n).map(keyFor) : sorted;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const key of order) await driver.putObject({ bucket: 'bench', key, body, metadata: {}, signal });
  const used = process.cpuUsage(cpu);
  const fillSeconds = round((performance.now() - started) / 1000, 2);
  const fillCpuSeconds = round((used.user + used.system) / 1e6, 2);
  const pages = n / PAGE;
  const window = Math.max(1, Math.min(WARMUP + SAMPLES, Math.floor(pages / 3)));
  console.log(`${String(n).padStart(8)} keys filled in ${fillSeconds}s (${fillCpuSeconds}s CPU)`);
  return { n, store, sorted, fillSeconds, fillCpuSeconds, window, same: { start: [], middle: [], end: [] }, distinct: { start: [], middle: [], end: [] } };
}

/** Index of the first key of the page at `position`, `step` pages away from it (inwards). */
function firstIndex(b: Bucket, position: Position, step: number): number {
  const pages = b.n / PAGE;
  const k = step % b.window;
  if (position === 'start') return k * PAGE;
  if (position === 'middle') return (Math.floor(pages / 2) + k) * PAGE;
  return b.n - PAGE - k * PAGE;
}

async function readPage(b: Bucket, index: number): Promise<number> {
  const startAfter = index === 0 ? undefined : b.sorted[index - 1];
  const t = performance.now();
  const page = await b.store.listPage('bench', { pageSize: PAGE, startAfter });
  const ms = performance.now() - t;
  if (page.objects.length !== PAGE || page.objects[0]!.key !== b.sorted[index]) throw new Error(`wrong page at ${index} of ${b.n}`);
  return ms;
}

const started = performance.now();
const startLoad = loadavg().map((x) => round(x, 2));
const buckets: Bucket[] = [];
for (const n of SIZES) buckets.push(await fill(n));

for (let r = 0; r < WARMUP + SAMPLES; r++) {
  for (const b of buckets) {
    for (const position of POSITIONS) {
      const same = await readPage(b, firstIndex(b, position, 0));
      const distinct = await readPage(b, firstIndex(b, position, r + 1));
      if (r >= WARMUP) {
        b.same[position].push(same);
        b.distinct[position].push(distinct);
      }
    }
  }
}

const runs = [];
for (const b of buckets) {
  // following cursors from the start, the usual way to page
  const walk: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < Math.min(SAMPLES, b.n / PAGE - 1); i++) {
    const t = performance.now();
    const page = await b.store.listPage('bench', { pageSize: PAGE, cursor });
    walk.push(performance.now() - t);
    cursor = page.nextCursor;
  }
  const stats = (xs: number[]) => ({ medianMs: round(median(xs)), p90Ms: round(quantile(xs, 0.9)), minMs: round(Math.min(...xs)) });
  const sameAll = POSITIONS.flatMap((p) => b.same[p]);
  const distinctAll = POSITIONS.flatMap((p) => b.distinct[p]);
  runs.push({
    keys: b.n,
    fillSeconds: b.fillSeconds,
    fillCpuSeconds: b.fillCpuSeconds,
    medianPageMs: round(median(sameAll)),
    positions: Object.fromEntries(POSITIONS.map((p) => [p, stats(b.same[p])])),
    distinctPages: { pagesPerPosition: b.window, medianPageMs: round(median(distinctAll)), positions: Object.fromEntries(POSITIONS.map((p) => [p, stats(b.distinct[p])])) },
    cursorWalkMedianMs: round(median(walk)),
  });
  const run = runs.at(-1)!;
  console.log(
    `${String(b.n).padStart(8)} keys: 1000-key page median ${run.medianPageMs} ms ` +
      `(start ${run.positions.start!.medianMs}, middle ${run.positions.middle!.medianMs}, end ${run.positions.end!.medianMs}); ` +
      `distinct pages ${run.distinctPages.medianPageMs} ms; cursor walk ${run.cursorWalkMedianMs} ms`,
  );
}

const small = runs.find((r) => r.keys === 10_000);
const large = runs.find((r) => r.keys === 1_000_000);
const ratio1Mto10k = small && large ? round(large.medianPageMs / small.medianPageMs, 2) : null;
const ratioDistinct = small && large ? round(large.distinctPages.medianPageMs / small.distinctPages.medianPageMs, 2) : null;
const result = {
  benchmark: 'memory-list-page',
  description: 'A 1000-key page (Store.listPage) at the start, middle and end of 10k, 100k and 1M-key buckets of the memory store',
  command: 'pnpm bench (or pnpm --filter @stowage/memory bench)',
  date: new Date().toISOString(),
  loadAverage: { start: startLoad, end: loadavg().map((x) => round(x, 2)) },
  environment: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 1024 ** 3, 1) },
  pageSize: PAGE,
  fillOrder: FILL,
  rounds: SAMPLES,
  warmupRounds: WARMUP,
  ratio1Mto10k,
  ratio1Mto10kDistinctPages: ratioDistinct,
  targets: { ratio1Mto10k: 2, pageMsAt1M: 5 },
  meetsTargets: ratio1Mto10k !== null && large ? ratio1Mto10k <= 2 && large.medianPageMs <= 5 : null,
  runs,
  totalSeconds: round((performance.now() - started) / 1000, 1),
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
console.log(`ratio1Mto10k ${ratio1Mto10k} (target ≤ 2; distinct pages ${ratioDistinct}); wrote ${OUT} in ${result.totalSeconds}s`);
if (result.meetsTargets === false) process.exitCode = 1;
