/**
 * Swap by config, proven: the one example app (archive-app.ts) runs as a
 * child process against every target with nothing but its store URL changed,
 * and every step it could run (its capabilities allowed) must give exactly
 * the results it gives on the in-memory reference store.
 *
 * Targets: memory; @stowage/s3 on Ceph RGW and on MinIO; @stowage/minio on
 * MinIO; @stowage/server in the S3 dialect (s3 adapter), the IBM COS dialect
 * (ibm-cos adapter, IBM Cloud profile) and the MediaStore dialect (mediastore
 * adapter). Real servers come from .servers/env.json: locally a missing one
 * is skipped (loudly); with CI=true it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';
import { ibmCosDialect, mediaStoreDialect, startServer, type RunningServer } from '@stowage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(EXAMPLES, '..');
const CI = process.env.CI === 'true' || process.env.CI === '1';
const ALL_SECTIONS = ['objects', 'metadata', 'listing', 'ranges', 'copy', 'large', 'versions', 'lock', 'delete'];

interface AppResult {
  provider: string;
  server: string | null;
  capabilities: Record<string, boolean>;
  sections: Record<string, unknown>;
  skipped: Record<string, string>;
}

function runApp(url: string): Promise<{ result: AppResult; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(EXAMPLES, 'archive-app.ts')], { cwd: EXAMPLES, env: { ...process.env, STOWAGE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`archive-app exited ${code} on ${url.replace(/secretAccessKey=[^&]*/, 'secretAccessKey=…')}\n${err}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ result: JSON.parse(last) as AppResult, stderr: err });
      } catch {
        reject(new Error(`archive-app printed no result:\n${out}\n${err}`));
      }
    });
  });
}

interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

function realServer(name: 'ceph' | 'minio'): ServerEnv | undefined {
  const file = process.env.STOWAGE_SERVERS_ENV ?? join(ROOT, '.servers/env.json');
  const env = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, ServerEnv>) : {};
  if (env[name]?.endpoint) return env[name];
  const message = `swap-by-config: ${name} is not up (${file}): run \`bash scripts/servers/up.sh ${name}\``;
  if (CI) throw new Error(`${message} (CI=true: not skipping)`);
  console.warn(`${message} — skipping its targets`);
  return undefined;
}

const keys = (e: { accessKeyId: string; secretAccessKey: string }) => `accessKeyId=${encodeURIComponent(e.accessKeyId)}&secretAccessKey=${encodeURIComponent(e.secretAccessKey)}`;
const ceph = realServer('ceph');
const minio = realServer('minio');
let baseline: AppResult;
let s3: RunningServer;
let ibm: RunningServer;
let media: RunningServer;

beforeAll(async () => {
  s3 = await startServer({ store: (presign) => new Store(new MemoryDriver({ presign })) });
  ibm = await startServer({ store: () => new Store(new MemoryDriver()), dialect: ibmCosDialect() });
  const mediaStore = new Store(new MemoryDriver());
  await mediaStore.createBucket('archive');
  media = await startServer({ store: mediaStore, dialect: mediaStoreDialect({ container: 'archive' }) });
}, 60_000);

afterAll(async () => {
  await Promise.all([s3, ibm, media].map((s) => s?.close()));
});

/** Each target: its URL (the only thing that changes) and the steps its capabilities must let it run. */
const serverTargets = [
  { name: 's3@server (S3 dialect)', url: () => `s3://?endpoint=${s3.url}&${keys(s3.credentials)}`, expectSections: ALL_SECTIONS },
  {
    name: 'ibm-cos@server (IBM COS dialect, IBM Cloud profile: COMPLIANCE only)',
    url: () => `ibm-cos://?endpoint=${ibm.url}&region=${ibm.region}&serverProfile=ibm-cloud&${keys(ibm.credentials)}`,
    expectSections: ALL_SECTIONS,
  },
  {
    name: 'mediastore@server (MediaStore Data dialect: no metadata, versions or lock)',
    url: () => `mediastore://${new URL(media.url).hostname}:${new URL(media.url).port}/archive?useSSL=false&${keys(media.credentials)}`,
    expectSections: ['objects', 'listing', 'ranges', 'copy', 'large', 'delete'],
  },
];

const realTargets = [
  { name: 's3@ceph', url: () => `s3://?endpoint=${ceph!.endpoint}&region=${ceph!.region}&serverProfile=ceph-rgw&${keys(ceph!)}`, available: !!ceph },
  { name: 's3@minio', url: () => `s3://?endpoint=${minio!.endpoint}&region=${minio!.region}&serverProfile=minio&${keys(minio!)}`, available: !!minio },
  { name: 'minio@minio', url: () => `minio://?endpoint=${minio!.endpoint}&region=${minio!.region}&${keys(minio!)}`, available: !!minio },
];

function compareWithBaseline(name: string, result: AppResult, expectSections: string[]): void {
  // ran exactly what it was expected to, and skipped the rest for a named capability
  expect(Object.keys(result.sections).sort(), `${name}: steps run`).toEqual([...expectSections].sort());
  for (const s of ALL_SECTIONS.filter((x) => !expectSections.includes(x))) expect(result.skipped[s], `${name}: ${s} skipped`).toMatch(/^capability:/);
  // …and every step it ran gave what the reference store gives
  for (const [section, value] of Object.entries(result.sections)) expect(value, `${name}: ${section}`).toEqual(baseline.sections[section]);
}

describe('one app, every target, only the config changed', () => {
  it('memory:// (the reference: every step runs)', async () => {
    const { result } = await runApp('memory://');
    expect(result.provider).toBe('memory');
    expect(Object.keys(result.sections).sort()).toEqual([...ALL_SECTIONS].sort());
    expect(result.skipped).toEqual({});
    baseline = result;
  });

  for (const t of serverTargets) {
    it(t.name, async () => {
      expect(baseline, 'the memory run comes first').toBeDefined();
      const { result } = await runApp(t.url());
      compareWithBaseline(t.name, result, t.expectSections);
    });
  }

  for (const t of realTargets) {
    it.skipIf(!t.available)(`${t.name} (real server)`, async () => {
      expect(baseline, 'the memory run comes first').toBeDefined();
      const { result } = await runApp(t.url());
      compareWithBaseline(t.name, result, ALL_SECTIONS);
    });
  }
});

describe('the other examples run', () => {
  const runScript = (file: string, args: string[] = []) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(EXAMPLES, file), ...args], { cwd: EXAMPLES, env: { ...process.env, STOWAGE_URL: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code}:\n${out}`))));
    });

  it('upload-with-progress, paginate-large-listing, legal-hold-retention, migrate-prefix (on memory)', async () => {
    expect(await runScript('upload-with-progress.ts')).toMatch(/100% 64\.0 MiB \/ 64\.0 MiB[\s\S]*done: 64\.0 MiB/);
    expect(await runScript('paginate-large-listing.ts', ['1200'])).toMatch(/listed 1200 of 1200 keys[\s\S]*a tampered cursor is refused/);
    expect(await runScript('legal-hold-retention.ts')).toMatch(/delete under legal hold, even with the governance bypass: refused — ObjectLocked, reason legal-hold/);
    expect(await runScript('migrate-prefix.ts')).toMatch(/migrated 12 objects[\s\S]*checked: 12 keys and sizes match/);
  });

  it.skipIf(!ceph || !minio)('migrate-prefix from Ceph (s3) to MinIO (minio)', async () => {
    const cephUrl = `s3://?endpoint=${ceph!.endpoint}&region=${ceph!.region}&serverProfile=ceph-rgw&${keys(ceph!)}`;
    const minioUrl = `minio://?endpoint=${minio!.endpoint}&region=${minio!.region}&${keys(minio!)}`;
    const run = Date.now().toString(36);
    const { openStore } = await import('@stowage/core');
    const source = await openStore(cephUrl, { resolveFrom: EXAMPLES });
    const target = await openStore(minioUrl, { resolveFrom: EXAMPLES });
    const from = `migrate-src-${run}`;
    const to = `migrate-dst-${run}`;
    await source.createBucket(from);
    await target.createBucket(to);
    try {
      for (let i = 0; i < 5; i++) await source.put(from, `reports/r${i}.csv`, `row,${i}\n`.repeat(100 * (i + 1)), { contentType: 'text/csv' });
      const out = await runScript('migrate-prefix.ts', [cephUrl, minioUrl, `${from}/reports/`, `${to}/2025/`]);
      expect(out).toMatch(/migrated 5 objects[\s\S]*checked: 5 keys and sizes match/);
      expect(new TextDecoder().decode(await target.getBytes(to, '2025/r2.csv'))).toBe('row,2\n'.repeat(300));
    } finally {
      for (const [s, b] of [
        [source, from],
        [target, to],
      ] as const) {
        for await (const o of s.list(b)) await s.delete(b, o.key);
        await s.deleteBucket(b);
        await s.close();
      }
    }
  });
});
