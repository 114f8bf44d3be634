/**
 * The binary against the real Ceph RGW and MinIO of scripts/servers/up.sh,
 * each addressed through a named profile of a config file. With CI=true a
 * missing server fails; locally it skips (loudly).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, jsonLines, realServer, runCli, uniqueBucket } from './support/cli.js';

const ceph = realServer('ceph');
const minio = realServer('minio');
const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-real-'));
const config = join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    profiles: {
      ...(ceph ? { ceph: { provider: 's3', endpoint: ceph.endpoint, region: ceph.region, accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey, serverProfile: 'ceph-rgw' } } : {}),
      ...(minio
        ? {
            minio: { provider: 'minio', endpoint: minio.endpoint, region: minio.region, accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
            'minio-s3': { provider: 's3', endpoint: minio.endpoint, region: minio.region, accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey, serverProfile: 'minio' },
          }
        : {}),
    },
  }),
);
const cli = (args: string[], input?: string | Buffer) => runCli(args, { env: { STOWAGE_CONFIG: config }, input, timeoutMs: 180_000 });
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const made: Array<{ url: string; profile: string }> = [];

afterAll(async () => {
  for (const b of made) await cli(['rb', '--force', '--bypass-governance', b.url, '--profile', b.profile]).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!ceph)('Ceph RGW through s3:// (profile ceph)', () => {
  const bucket = uniqueBucket('stowage-cli-ceph');
  const url = `s3://${bucket}`;
  const p = ['--profile', 'ceph'];

  it('mb --object-lock, multipart cp with progress lines, ls, stat, cat verified, download verified', async () => {
    made.push({ url, profile: 'ceph' });
    expect((await cli(['mb', '--object-lock', url, ...p])).code).toBe(0);
    const body = randomBytes(20 * 1024 * 1024 + 11);
    const file = join(dir, 'ceph.bin');
    writeFileSync(file, body);
    const up = await cli(['cp', file, `${url}/data/ceph.bin`, '--part-size', '8MiB', '--progress-interval', '0.2s', ...p]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/3 parts, multipart; md5 verified by the server, ETag checked/);
    expect(up.stderr).toMatch(/ceph\.bin: 100%  20\.0 MiB \/ 20\.0 MiB .* parts 3\/3\n$/);
    expect(jsonLines((await cli(['ls', '-r', '--json', url, ...p])).stdout)).toEqual([expect.objectContaining({ key: 'data/ceph.bin', size: body.length })]);
    expect(jsonLines((await cli(['stat', '--json', `${url}/data/ceph.bin`, ...p])).stdout)[0]).toMatchObject({ size: body.length });
    expect(md5((await cli(['cat', `${url}/data/ceph.bin`, ...p])).bytes)).toBe(md5(body));
    const down = await cli(['cp', `${url}/data/ceph.bin`, join(dir, 'ceph-restored.bin'), ...p]);
    expect(down.stdout).toMatch(/verified \(composite-md5\)/);
    expect(md5(readFileSync(join(dir, 'ceph-restored.bin')))).toBe(md5(body));
  });

  it('retention, extension, legal hold, and a GOVERNANCE delete only with --bypass-governance', async () => {
    const put = jsonLines((await cli(['cp', '--json', '-', `${url}/contract.txt`, '--retention-mode', 'GOVERNANCE', '--retain-for', '1h', ...p], 'signed')).stdout)[0]!;
    const versionId = put.versionId as string;
    expect(versionId).toBeTruthy();
    const ext = await cli(['retain', 'extend', `${url}/contract.txt`, '--by', '1h', ...p]);
    expect(ext.code, ext.stderr).toBe(0);
    const refused = await cli(['rm', '--version-id', versionId, `${url}/contract.txt`, ...p]);
    expect(refused.code).toBe(4);
    expect((await cli(['hold', 'on', `${url}/contract.txt`, ...p])).code).toBe(0);
    expect((await cli(['hold', 'status', `${url}/contract.txt`, ...p])).stdout.trim()).toBe('legal-hold  on');
    expect((await cli(['rm', '--version-id', versionId, '--bypass-governance', `${url}/contract.txt`, ...p])).code).toBe(4);
    expect((await cli(['hold', 'off', `${url}/contract.txt`, ...p])).code).toBe(0);
    expect((await cli(['rm', '--version-id', versionId, '--bypass-governance', `${url}/contract.txt`, ...p])).code).toBe(0);
    expect((await cli(['lock', url, '--mode', 'GOVERNANCE', '--days', '1', ...p])).code).toBe(0);
    expect(jsonLines((await cli(['lock', '--json', url, ...p])).stdout)[0]).toMatchObject({ enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 1 } });
    expect((await cli(['versioning', url, ...p])).stdout.trim()).toBe('Enabled');
  });

  it('presign GET works against the real server', async () => {
    await cli(['cp', '-', `${url}/shared.txt`, ...p], 'ceph shared');
    const link = (await cli(['presign', `${url}/shared.txt`, ...p])).stdout.trim();
    expect(await (await fetch(link)).text()).toBe('ceph shared');
  });

  it('conformance against Ceph through the CLI (bucket group)', async () => {
    const r = await cli(['conformance', 's3://', '--only', 'bucket', ...p]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n {2}bucket +12 +0 +0/);
  });
});

describe.skipIf(!minio)('MinIO through minio:// and s3://', () => {
  const bucket = uniqueBucket('stowage-cli-minio');

  it('the minio adapter and the s3 adapter see the same objects', async () => {
    made.push({ url: `minio://${bucket}`, profile: 'minio' });
    expect((await cli(['mb', `minio://${bucket}`, '--profile', 'minio'])).code).toBe(0);
    const body = randomBytes(18 * 1024 * 1024);
    writeFileSync(join(dir, 'minio.bin'), body);
    const up = await cli(['cp', join(dir, 'minio.bin'), `minio://${bucket}/m/minio.bin`, '--profile', 'minio', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(jsonLines(up.stdout)[0]).toMatchObject({ bytes: body.length, integrity: { serverVerified: 'crc32' } });
    expect(md5((await cli(['cat', `s3://${bucket}/m/minio.bin`, '--profile', 'minio-s3'])).bytes)).toBe(md5(body));
    expect((await cli(['rm', '-r', `s3://${bucket}/m/`, '--profile', 'minio-s3'])).stdout).toMatch(/deleted 1 object/);
    expect((await cli(['ls', '-r', '--json', `minio://${bucket}`, '--profile', 'minio'])).stdout).toBe('');
  });
});

describe.skipIf(!ceph || !minio)('across real servers', () => {
  it('cp -r from Ceph (s3://) to MinIO (minio://), each side with its own profile in the address', async () => {
    const from = uniqueBucket('stowage-cli-from');
    const to = uniqueBucket('stowage-cli-to');
    made.push({ url: `s3://${from}`, profile: 'ceph' }, { url: `minio://${to}`, profile: 'minio' });
    await cli(['mb', `s3://${from}`, '--profile', 'ceph']);
    await cli(['mb', `minio://${to}`, '--profile', 'minio']);
    const files: Record<string, Buffer> = { 'a.txt': Buffer.from('alpha'), 'nested/b.bin': randomBytes(7 * 1024 * 1024), 'nested/deeper/c.txt': Buffer.from('gamma') };
    for (const [k, v] of Object.entries(files)) await cli(['cp', '-', `s3://${from}/src/${k}`, '--profile', 'ceph'], v);
    const r = await cli(['cp', '-r', `s3://${from}/src/?profile=ceph`, `minio://${to}/dst/?profile=minio`, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'summary', copied: 3, failed: 0 });
    for (const [k, v] of Object.entries(files)) expect(md5((await cli(['cat', `minio://${to}/dst/${k}`, '--profile', 'minio'])).bytes)).toBe(md5(v));
  });
});

describe.skipIf(!minio)('cp --resume on MinIO: a killed upload is resumed from its checkpoint', () => {
  const bucket = uniqueBucket('stowage-cli-resume');
  const url = `minio://${bucket}`;
  const p = ['--profile', 'minio'];

  it('SIGKILL after ≥ 3 checkpointed parts; cp --resume completes it; the checkpoint is removed; the object is byte-identical', { timeout: 240_000 }, async () => {
    made.push({ url, profile: 'minio' });
    expect((await cli(['mb', url, ...p])).code).toBe(0);
    const body = randomBytes(200 * 1024 * 1024 + 5);
    const file = join(dir, 'resume.bin');
    writeFileSync(file, body);
    const cpDir = join(dir, 'checkpoints');
    const env = { STOWAGE_CONFIG: config, STOWAGE_CHECKPOINT_DIR: cpDir };
    const args = ['cp', '--resume', '--part-size', '5MiB', '--concurrency', '1', file, `${url}/big.bin`, ...p];
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let partsAtKill = 0;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const files = existsSync(cpDir) ? readdirSync(cpDir).filter((f) => f.endsWith('.json')) : [];
      if (files.length === 1) {
        try {
          partsAtKill = (JSON.parse(readFileSync(join(cpDir, files[0]!), 'utf8')) as { parts: unknown[] }).parts.length;
        } catch {
          // mid-rename: read again
        }
        if (partsAtKill >= 3) break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(partsAtKill).toBeGreaterThanOrEqual(3);
    expect(partsAtKill).toBeLessThan(41);

    const again = await runCli(args, { env, timeoutMs: 180_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/41 parts, multipart/);
    expect(readdirSync(cpDir).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(md5((await cli(['cat', `${url}/big.bin`, ...p])).bytes)).toBe(md5(body));
  });
});
