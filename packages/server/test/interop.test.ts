import { spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { CREDS, testServer } from './support.js';

const script = fileURLToPath(new URL('./interop/boto3_server_check.py', import.meta.url));
const inCi = process.env.CI === 'true' || process.env.CI === '1';

/**
 * STOWAGE_PYTHON when set (as @stowage/s3's interop test), then Debian's
 * python3-boto3 (/usr/bin/python3): the one CI installs; then any other
 * python3 on PATH that has boto3.
 */
const PREFERRED = process.env.STOWAGE_PYTHON ?? '/usr/bin/python3';

function interpreters(): Array<{ python: string; boto3: string | undefined }> {
  const candidates = [...new Set([PREFERRED, '/usr/bin/python3', 'python3'])];
  const seen = new Set<string>();
  const out: Array<{ python: string; boto3: string | undefined }> = [];
  for (const python of candidates) {
    const where = spawnSync(python, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
    if (where.status !== 0) continue;
    const exe = where.stdout.trim();
    const key = existsSync(exe) ? realpathSync(exe) : exe;
    if (seen.has(key)) continue;
    seen.add(key);
    const probe = spawnSync(python, ['-c', 'import boto3; print(boto3.__version__)'], { encoding: 'utf8' });
    out.push({ python, boto3: probe.status === 0 ? probe.stdout.trim() : undefined });
  }
  return out;
}

const found = interpreters();
const withBoto = found.filter((i) => i.boto3 !== undefined);

function runScript(python: string, server: RunningServer): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, [script, server.url, CREDS.accessKeyId, CREDS.secretAccessKey], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('interop: boto3 (an independent client) against the server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await testServer({ memory: {} });
  });
  afterAll(() => server.close());

  it('boto3 is installed (Debian python3-boto3; scripts/servers/install.sh installs it) — required under CI', () => {
    if (!inCi && withBoto.length === 0) {
      console.warn('boto3 not importable by any python3: the interop test is skipped outside CI');
      return;
    }
    expect(
      found.find((i) => i.python === PREFERRED)?.boto3 ?? withBoto[0]?.boto3,
      `python3 -c 'import boto3' failed for ${found.map((i) => i.python).join(', ') || 'every python3'}: apt-get install python3-boto3`,
    ).toBeDefined();
  });

  for (const { python, boto3 } of withBoto) {
    it(`${python} (boto3 ${boto3}): buckets, objects, ranges, listing with continuation, multipart, versioning, retention, legal hold, presigned, tampered, wrong secret`, { timeout: 180_000 }, async () => {
      const { code, output } = await runScript(python, server);
      expect(output, output).toMatch(/\d+ passed, 0 failed/);
      expect(code, output).toBe(0);
    });
  }
});
