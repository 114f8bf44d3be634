/**
 * The real binary against the in-memory store: single-invocation commands
 * (the memory store lives as long as the process), usage errors and exit
 * codes, secrets never printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stowage on memory://', () => {
  it('--help lists every command; --version prints the version; no arguments is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['ls', 'cp', 'cat', 'stat', 'rm', 'mb', 'rb', 'lock', 'retain', 'hold', 'versioning', 'presign', 'conformance', 'serve', 'demo']) expect(help.stdout).toMatch(new RegExp(`\\n  ${c} `));
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 1 failure, 2 usage/);
    expect((await runCli(['cp', '--help'])).stdout).toMatch(/--include <glob>/);
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runCli([])).code).toBe(2);
  });

  it('demo: the main job end to end, with a final 100 % progress line', async () => {
    const r = await runCli(['demo', '--size', '40MiB']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/multipart, \d+ parts of [\d.]+ MiB/);
    expect(r.stdout).toMatch(/verified: crc32/);
    expect(r.stdout).toMatch(/deleting that version is refused: ObjectLocked \(reason retention\); the CLI exits 4/);
    expect(r.stdout).toMatch(/even --bypass-governance is refused: ObjectLocked \(reason legal-hold\)/);
    // not a TTY: plain progress lines on stderr, ending at 100 %
    expect(r.stderr).toMatch(/big\.bin: 100%  40\.0 MiB \/ 40\.0 MiB .* parts (\d+)\/\1\n/);
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('cp a file to memory://bucket/key: uploaded, checksummed, reported (the bucket exists for this process)', async () => {
    const file = join(dir, 'big.bin');
    const body = randomBytes(20 * 1024 * 1024 + 7);
    writeFileSync(file, body);
    const r = await runCli(['cp', file, 'memory://demo/big.bin', '--part-size', '8MiB', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [result] = jsonLines(r.stdout);
    const md5 = (b: Buffer) => createHash('md5').update(b).digest();
    const parts = [body.subarray(0, 8 << 20), body.subarray(8 << 20, 16 << 20), body.subarray(16 << 20)];
    const composite = `"${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3"`;
    expect(result).toMatchObject({ ok: true, kind: 'upload', bytes: body.length, parts: 3, mode: 'multipart', etag: composite, integrity: { serverVerified: 'crc32', etagVerified: false } });
    expect(r.stderr).toBe(''); // --json: no progress
  });

  it('cp from stdin, then the same process cannot see it again: each invocation starts empty', async () => {
    const up = await runCli(['cp', '-', 'memory://demo/hello.txt'], { input: 'hello' });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/upload: - → memory:\/\/demo\/hello\.txt {2}5 B/);
    const cat = await runCli(['cat', 'memory://demo/hello.txt']);
    expect(cat.code).toBe(3);
    expect(cat.stderr).toMatch(/ObjectNotFound: Object not found: demo\/hello\.txt/);
  });

  it('exit codes: 2 usage, 3 not found; --json errors are JSON', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
    const badFlag = await runCli(['ls', 'memory://bkt', '--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/unknown option '--bogus'/);
    expect((await runCli(['cp', 'only-one'])).code).toBe(2);
    expect((await runCli(['ls', 's4://b'])).stderr).toMatch(/unknown provider "s4"/);
    expect((await runCli(['mb', 'memory://X_'])).code).toBe(2); // an invalid bucket name: InvalidArgument before I/O
    const missing = await runCli(['stat', '--json', 'memory://bkt/nope']);
    expect(missing.code).toBe(3);
    expect(jsonLines(missing.stdout)[0]).toMatchObject({ ok: false, exitCode: 3, error: { code: 'ObjectNotFound', key: 'nope' } });
    const noFile = await runCli(['cp', join(dir, 'does-not-exist'), 'memory://bkt/k']);
    expect(noFile.code).toBe(3);
  });

  it('--resume: uploads from files are checkpointed and the checkpoint removed on success; stdin, downloads and --max-rate are refused', async () => {
    const cpDir = join(dir, 'checkpoints');
    writeFileSync(join(dir, 'resume.bin'), randomBytes(3 * 1024 * 1024 + 7));
    const ok = await runCli(['cp', '--resume', '--part-size', '5MiB', join(dir, 'resume.bin'), 'memory://demo/x'], { env: { STOWAGE_CHECKPOINT_DIR: cpDir } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(cpDir) ? readdirSync(cpDir) : []).toEqual([]);
    for (const args of [['cp', '--resume', '-', 'memory://demo/x'], ['cp', '--resume', 'memory://demo/x', join(dir, 'out.bin')]]) {
      const r = await runCli(args, { env: { STOWAGE_CHECKPOINT_DIR: cpDir } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--resume applies to uploads from local files/);
    }
    const rate = await runCli(['cp', '--resume', '--max-rate', '1MiB', join(dir, 'resume.bin'), 'memory://demo/x']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toMatch(/--resume and --max-rate cannot be combined/);
  });

  it('ls, stat, versioning and presign on memory (presign is a capability memory lacks: exit 1, named)', async () => {
    const ls = await runCli(['ls', 'memory://empty-bucket', '--json']);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toBe('');
    expect((await runCli(['versioning', 'memory://v-bucket'])).stdout.trim()).toBe('Unversioned');
    const presign = await runCli(['presign', 'memory://bkt/k']);
    expect(presign.code).toBe(1);
    expect(presign.stderr).toMatch(/NotSupported.*capability presign/);
  });

  it('conformance memory:// prints the results by group', async () => {
    const r = await runCli(['conformance', 'memory://', '--only', 'bucket,range']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/group +passed +failed +skipped/);
    expect(r.stdout).toMatch(/\n {2}bucket +12 +0 +0/);
    expect(r.stdout).toMatch(/\n {2}total +\d+ +0 +\d+/);
  });

  it('secrets never print: not in --verbose settings, not in errors, not in JSON', async () => {
    const secret = 'Sup3rSecretValue-do-not-print-7c1e';
    const token = 'SessionTokenValue-do-not-print-42aa';
    const r = await runCli(
      ['ls', 's3://bucket-x/', '--verbose', '--json', '--endpoint', 'http://127.0.0.1:9', '--access-key-id', 'AKIDEXAMPLE', '--secret-access-key', secret, '--retries', '1'],
      { env: { STOWAGE_SESSION_TOKEN: token } },
    );
    expect(r.code).toBe(5); // connection refused: transient
    const all = r.stdout + r.stderr;
    expect(all).toContain('secretAccessKey=[REDACTED] (flag)');
    expect(all).toContain('AKIDEXAMPLE');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(token);
    const viaQuery = await runCli(['stat', '--verbose', `s3://bucket-x/k?endpoint=http://127.0.0.1:9&accessKeyId=AK&secretAccessKey=${secret}`, '--retries', '1']);
    expect(viaQuery.stdout + viaQuery.stderr).not.toContain(secret);
  });

  it('a config file profile supplies the settings (STOWAGE_CONFIG), and an unknown profile is a usage error', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ profiles: { local: { provider: 'memory', minPartSize: 5 } } }));
    const ok = await runCli(['ls', 'memory://bkt', '--profile', 'local', '--verbose'], { env: { STOWAGE_CONFIG: config } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/store memory \[profile local\]: minPartSize=5 \(profile\)/);
    const bad = await runCli(['ls', 'memory://bkt', '--profile', 'nope'], { env: { STOWAGE_CONFIG: config } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no profile "nope" in .*config\.json/);
  });
});
