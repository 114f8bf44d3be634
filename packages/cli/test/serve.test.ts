/**
 * `stowage serve` started as a child process, then every command through
 * `s3://…?endpoint=` (and ibm-cos:// / mediastore:// against the other
 * dialects), each a separate run of the real binary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, SERVE_KEYS, startServe, type ServeProcess } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stowage-cli-serve-'));
let s3: ServeProcess;
let ibm: ServeProcess;
let media: ServeProcess;

/** Runs against the S3-dialect server: keys from the environment, the endpoint in STOWAGE_ENDPOINT. */
const cli = (args: string[], options: { input?: string | Buffer; env?: Record<string, string | undefined> } = {}) =>
  runCli(args, { input: options.input, env: { ...SERVE_KEYS, STOWAGE_ENDPOINT: s3.url, ...options.env } });

beforeAll(async () => {
  [s3, ibm, media] = await Promise.all([startServe(), startServe(['--dialect', 'ibm']), startServe(['--dialect', 'mediastore', '--container', 'live'])]);
});

afterAll(async () => {
  const codes = await Promise.all([s3, ibm, media].map((s) => s?.stop()));
  // Ctrl-C stops the server cleanly: exit 0
  expect(codes).toEqual([0, 0, 0]);
  rmSync(dir, { recursive: true, force: true });
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('stowage serve (S3 dialect) and the object commands', () => {
  it('serve printed its address and key id, never the secret', () => {
    expect(s3.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s3.accessKeyId).toBe(SERVE_KEYS.STOWAGE_ACCESS_KEY_ID);
    expect(s3.output.join('\n')).not.toContain(SERVE_KEYS.STOWAGE_SECRET_ACCESS_KEY);
  });

  it('mb, cp (multipart), ls, stat, cat, cat --range, rm, rb', async () => {
    expect((await cli(['mb', 's3://photos'])).stdout).toMatch(/make bucket: s3:\/\/photos/);
    const body = randomBytes(12 * 1024 * 1024 + 3);
    const file = join(dir, 'photo.jpg');
    writeFileSync(file, body);
    const up = await cli(['cp', file, 's3://photos/2025/', '--part-size', '5MiB', '--metadata', 'camera=X100V', '--metadata', 'caption=café ✓']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/upload: .*photo\.jpg → s3:\/\/photos\/2025\/photo\.jpg {2}12\.0 MiB .* 3 parts, multipart; md5 verified by the server, ETag checked/);

    const ls = await cli(['ls', 's3://photos']);
    expect(ls.stdout).toMatch(/PRE {2}2025\//);
    const lsr = jsonLines((await cli(['ls', '-r', '--json', 's3://photos'])).stdout);
    expect(lsr).toEqual([expect.objectContaining({ type: 'object', key: '2025/photo.jpg', size: body.length })]);

    const stat = jsonLines((await cli(['stat', '--json', 's3://photos/2025/photo.jpg'])).stdout)[0]!;
    expect(stat).toMatchObject({ size: body.length, contentType: 'image/jpeg', metadata: { camera: 'X100V', caption: 'café ✓' } });
    const statText = (await cli(['stat', 's3://photos/2025/photo.jpg'])).stdout;
    expect(statText).toMatch(/meta\.caption +café ✓/);

    const cat = await cli(['cat', 's3://photos/2025/photo.jpg']);
    expect(cat.code).toBe(0);
    expect(md5(cat.bytes)).toBe(md5(body));
    const range = await cli(['cat', '--range', '10-19', 's3://photos/2025/photo.jpg']);
    expect(range.bytes.equals(body.subarray(10, 20))).toBe(true);
    const suffix = await cli(['cat', '--range=-4', 's3://photos/2025/photo.jpg']);
    expect(suffix.bytes.equals(body.subarray(-4))).toBe(true);

    const down = await cli(['cp', 's3://photos/2025/photo.jpg', `${dir}/restored/`]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/verified \(composite-md5\)/);
    expect(md5(readFileSync(join(dir, 'restored/photo.jpg')))).toBe(md5(body));

    expect((await cli(['rb', 's3://photos'])).code).toBe(4); // not empty: refused
    expect((await cli(['rm', 's3://photos/2025/photo.jpg'])).stdout).toMatch(/delete: s3:\/\/photos\/2025\/photo\.jpg/);
    expect((await cli(['rb', 's3://photos'])).code).toBe(0);
    expect((await cli(['ls', 's3://photos'])).code).toBe(3); // gone: not found
  });

  it('the endpoint can be given in the address, with the keys from a profile instead of the environment', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ profiles: { local: { provider: 's3', accessKeyId: SERVE_KEYS.STOWAGE_ACCESS_KEY_ID, secretAccessKey: SERVE_KEYS.STOWAGE_SECRET_ACCESS_KEY } } }));
    const r = await runCli(['mb', `s3://via-profile?endpoint=${s3.url}`, '--profile', 'local'], { env: { STOWAGE_CONFIG: config } });
    expect(r.code, r.stderr).toBe(0);
    const wrong = await runCli(['ls', `s3://via-profile?endpoint=${s3.url}`], { env: { STOWAGE_ACCESS_KEY_ID: SERVE_KEYS.STOWAGE_ACCESS_KEY_ID, STOWAGE_SECRET_ACCESS_KEY: 'wrong-secret-value' } });
    expect(wrong.code).toBe(6); // SignatureDoesNotMatch: access denied
    expect(wrong.stderr).not.toContain('wrong-secret-value');
  });

  it('versioning, versions listing, rm --version-id', async () => {
    await cli(['mb', 's3://vers']);
    expect((await cli(['versioning', 's3://vers'])).stdout.trim()).toBe('Unversioned');
    expect((await cli(['versioning', 's3://vers', 'enable'])).stdout).toMatch(/Enabled/);
    await cli(['cp', '-', 's3://vers/doc.txt'], { input: 'v1' });
    await cli(['cp', '-', 's3://vers/doc.txt'], { input: 'v2' });
    await cli(['rm', 's3://vers/doc.txt']);
    const versions = jsonLines((await cli(['ls', '--versions', '--json', 's3://vers'])).stdout);
    expect(versions.map((v) => [v.isDeleteMarker, v.isLatest])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    const oldest = versions[2]!.versionId as string;
    expect((await cli(['cat', '--version-id', oldest, 's3://vers/doc.txt'])).stdout).toBe('v1');
    expect((await cli(['rm', '--version-id', oldest, 's3://vers/doc.txt'])).code).toBe(0);
    expect((await cli(['cat', '--version-id', oldest, 's3://vers/doc.txt'])).code).toBe(3);
    expect((await cli(['rb', '--force', 's3://vers'])).code).toBe(0);
  });

  it('object lock: mb --object-lock, lock (default retention), retain get / set / extend / clear, hold, governance bypass only when asked', async () => {
    expect((await cli(['mb', '--object-lock', 's3://vault'])).stdout).toMatch(/object lock on/);
    expect((await cli(['lock', 's3://vault'])).stdout).toMatch(/object-lock +enabled\ndefault-retention +none/);
    expect((await cli(['lock', 's3://vault', '--mode', 'GOVERNANCE', '--days', '1'])).code).toBe(0);
    expect(jsonLines((await cli(['lock', '--json', 's3://vault'])).stdout)[0]).toMatchObject({ enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 1 } });
    expect((await cli(['lock', 's3://vault', '--clear'])).code).toBe(0);

    const put = jsonLines((await cli(['cp', '--json', '-', 's3://vault/contract.pdf', '--retention-mode', 'GOVERNANCE', '--retain-for', '1h'], { input: 'signed' })).stdout)[0]!;
    const versionId = put.versionId as string;
    const got = jsonLines((await cli(['retain', 'get', '--json', 's3://vault/contract.pdf'])).stdout)[0]!;
    expect(got).toMatchObject({ retention: { mode: 'GOVERNANCE' } });
    const until = new Date((got.retention as { retainUntil: string }).retainUntil);
    expect(until.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);

    const ext = jsonLines((await cli(['retain', 'extend', '--json', 's3://vault/contract.pdf', '--by', '1d'])).stdout)[0]!;
    expect(new Date((ext.retention as { retainUntil: string }).retainUntil).getTime()).toBe(until.getTime() + 86_400_000);
    expect((await cli(['retain', 'extend', 's3://vault/contract.pdf', '--until', '2001-01-01'])).code).toBe(2); // never shortens

    // a locked version: refused (4) without the flag, deleted with it
    const refused = await cli(['rm', '--version-id', versionId, 's3://vault/contract.pdf']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/ObjectLocked.*reason retention/);
    expect(refused.stderr).toMatch(/--bypass-governance/);

    expect((await cli(['hold', 'on', 's3://vault/contract.pdf'])).stdout).toMatch(/hold: s3:\/\/vault\/contract\.pdf on/);
    expect((await cli(['hold', 'status', 's3://vault/contract.pdf'])).stdout.trim()).toBe('legal-hold  on');
    const held = await cli(['rm', '--version-id', versionId, '--bypass-governance', 's3://vault/contract.pdf']);
    expect(held.code).toBe(4);
    expect(held.stderr).toMatch(/reason legal-hold/);
    expect((await cli(['hold', 'on', '--id', 'case-1', 's3://vault/contract.pdf'])).code).toBe(1); // ids are IBM's: NotSupported
    await cli(['hold', 'off', 's3://vault/contract.pdf']);

    expect((await cli(['retain', 'clear', 's3://vault/contract.pdf'])).code).toBe(2); // needs the explicit flag
    expect((await cli(['retain', 'set', 's3://vault/contract.pdf', '--mode', 'GOVERNANCE', '--for', '3d'])).code).toBe(0);
    expect((await cli(['retain', 'clear', '--bypass-governance', 's3://vault/contract.pdf'])).code).toBe(0);
    expect(jsonLines((await cli(['retain', 'get', '--json', 's3://vault/contract.pdf'])).stdout)[0]).toMatchObject({ retention: null });
    expect((await cli(['rm', '--version-id', versionId, 's3://vault/contract.pdf'])).code).toBe(0);
    expect((await cli(['rb', '--force', 's3://vault'])).code).toBe(0);
  });

  it('presign: a GET URL anyone can fetch until it expires', async () => {
    await cli(['mb', 's3://shared']);
    await cli(['cp', '-', 's3://shared/note.txt'], { input: 'shared note' });
    const r = await cli(['presign', 's3://shared/note.txt', '--expires', '5m']);
    expect(r.code, r.stderr).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(/X-Amz-Signature=[0-9a-f]{64}/);
    expect(await (await fetch(url)).text()).toBe('shared note');
    const put = (await cli(['presign', 's3://shared/upload.txt', '--method', 'PUT'])).stdout.trim();
    expect((await fetch(put, { method: 'PUT', body: 'via presigned PUT' })).status).toBe(200);
    expect((await cli(['cat', 's3://shared/upload.txt'])).stdout).toBe('via presigned PUT');
    await cli(['rb', '--force', 's3://shared']);
  });

  it('cp -r: folder → prefix with --include / --exclude (last match wins), prefix → prefix, prefix → folder; rm -r', async () => {
    const src = join(dir, 'site');
    for (const [path, text] of Object.entries({ 'index.html': '<h1>', 'app.js': 'js', 'app.js.map': 'map', 'img/a.png': 'png', 'img/keep.map': 'keep', 'tmp/x.txt': 'x' })) {
      mkdirSync(join(src, path, '..'), { recursive: true });
      writeFileSync(join(src, path), text);
    }
    await cli(['mb', 's3://www']);
    const up = await cli(['cp', '-r', src, 's3://www/v1/', '--exclude', '*.map', '--include', 'img/*', '--exclude', 'tmp/*', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const keys = jsonLines((await cli(['ls', '-r', '--json', 's3://www/v1/'])).stdout).map((o) => o.key);
    expect(keys).toEqual(['v1/app.js', 'v1/img/a.png', 'v1/img/keep.map', 'v1/index.html']);
    expect(jsonLines(up.stdout).at(-1)).toMatchObject({ type: 'summary', copied: 4, failed: 0 });

    expect((await cli(['cp', '-r', 's3://www/v1/', 's3://www/v2/'])).code).toBe(0);
    expect(jsonLines((await cli(['ls', '-r', '--json', 's3://www/v2/'])).stdout)).toHaveLength(4);

    const out = join(dir, 'restored-site');
    const down = await cli(['cp', '-r', 's3://www/v2', out, '--exclude', 'img/*']);
    expect(down.code, down.stderr).toBe(0);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe('<h1>');
    expect(existsSync(join(out, 'img'))).toBe(false);

    const dry = await cli(['rm', '-r', '--dry-run', 's3://www/v1/']);
    expect(dry.stdout).toMatch(/would delete 4 objects/);
    expect((await cli(['rm', '-r', 's3://www/v1/'])).stdout).toMatch(/deleted 4 objects/);
    expect(jsonLines((await cli(['ls', '-r', '--json', 's3://www/'])).stdout).map((o) => o.key)).toEqual(['v2/app.js', 'v2/img/a.png', 'v2/img/keep.map', 'v2/index.html']);
    await cli(['rb', '--force', 's3://www']);
  });

  it('cp -r s3://b/ ./dir refuses keys that would escape the folder (../escape, a/../../x) and copies the rest', async () => {
    await cli(['mb', 's3://tricky']);
    for (const key of ['../escape', 'a/../../x', 'ok/fine.txt', 'a//b']) await cli(['cp', '-', `s3://tricky/${key}`], { input: `content of ${key}` });
    const keys = jsonLines((await cli(['ls', '-r', '--json', 's3://tricky'])).stdout).map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining(['../escape', 'a/../../x', 'ok/fine.txt', 'a//b']));
    const parent = mkdtempSync(join(tmpdir(), 'stowage-escape-'));
    const target = join(parent, 'dir');
    const r = await cli(['cp', '-r', 's3://tricky/', target]);
    expect(r.code).toBe(1); // keys were refused
    expect(r.stderr).toMatch(/skipped \.\.\/escape: refused: the key has a "\.\." segment/);
    expect(r.stderr).toMatch(/skipped a\/\.\.\/\.\.\/x: refused/);
    expect(r.stderr).toMatch(/skipped a\/\/b: refused: the key has an empty path segment/);
    expect(readFileSync(join(target, 'ok/fine.txt'), 'utf8')).toBe('content of ok/fine.txt');
    expect(existsSync(join(parent, 'escape'))).toBe(false);
    expect(existsSync(join(parent, 'x'))).toBe(false);
    expect(existsSync(join(tmpdir(), 'x'))).toBe(false);
    rmSync(parent, { recursive: true, force: true });
    await cli(['rb', '--force', 's3://tricky']);
  });

  it('--no-clobber: an existing object is not overwritten (If-None-Match: *), exit 4', async () => {
    await cli(['mb', 's3://clobber']);
    await cli(['cp', '-', 's3://clobber/k'], { input: 'first' });
    const second = await cli(['cp', '--no-clobber', '-', 's3://clobber/k'], { input: 'second' });
    expect(second.code).toBe(4);
    expect((await cli(['cat', 's3://clobber/k'])).stdout).toBe('first');
    await cli(['rb', '--force', 's3://clobber']);
  });

  it('ls of buckets, --max, --summarize, --uploads', async () => {
    await cli(['mb', 's3://many']);
    for (let i = 0; i < 5; i++) await cli(['cp', '-', `s3://many/k${i}`], { input: 'x'.repeat(i) });
    const buckets = (await cli(['ls', 's3://'])).stdout;
    expect(buckets).toMatch(/ many\n/);
    expect(jsonLines((await cli(['ls', '--json', '--max', '2', 's3://many'])).stdout)).toHaveLength(2);
    expect((await cli(['ls', '--summarize', '--page-size', '2', 's3://many'])).stdout).toMatch(/5 entries, 10 B \(10 bytes\)/);
    expect((await cli(['ls', '--uploads', 's3://many'])).stdout).toBe('');
    await cli(['rb', '--force', 's3://many']);
  });
});

describe('across providers and dialects', () => {
  const ibmQuery = () => `?endpoint=${ibm.url}&region=${ibm.region}&serverProfile=ibm-cloud`;

  it('IBM COS dialect through ibm-cos://: protection configuration, legal holds with ids, IBM retention extension', async () => {
    const q = ibmQuery();
    const env = SERVE_KEYS;
    const run = (args: string[], input?: string) => runCli(args, { env, input });
    expect((await run(['mb', `ibm-cos://records${q}`])).code).toBe(0);
    expect((await run(['lock', `ibm-cos://records${q}`, '--ibm-protection', '0:1:30'])).stdout).toMatch(/IBM protection: retention 0 ≤ 1 \(default\) ≤ 30 days/);
    expect((await run(['cp', '-', `ibm-cos://records/case.pdf${q}`], 'evidence')).code).toBe(0);
    expect((await run(['hold', 'on', '--id', 'case-1', `ibm-cos://records/case.pdf${q}`])).code).toBe(0);
    expect((await run(['hold', 'on', '--id', 'case-2', `ibm-cos://records/case.pdf${q}`])).code).toBe(0);
    expect((await run(['hold', 'off', '--id', 'case-1', `ibm-cos://records/case.pdf${q}`])).code).toBe(0);
    const status = jsonLines((await run(['hold', 'status', '--json', `ibm-cos://records/case.pdf${q}`])).stdout)[0]!;
    expect((status.holds as Array<{ id: string }>).map((h) => h.id)).toEqual(['case-2']);
    const del = await run(['rm', `ibm-cos://records/case.pdf${q}`]);
    expect(del.code).toBe(4);
    expect(del.stderr).toMatch(/legal hold/);
    const before = jsonLines((await run(['retain', 'get', '--json', `ibm-cos://records/case.pdf${q}`])).stdout)[0]!;
    expect(before).toMatchObject({ ibm: { retentionPeriod: 86_400 } });
    expect((await run(['retain', 'extend', '--ibm', '--by', '1d', `ibm-cos://records/case.pdf${q}`])).code).toBe(0);
    const after = jsonLines((await run(['retain', 'get', '--json', `ibm-cos://records/case.pdf${q}`])).stdout)[0]!;
    expect(after).toMatchObject({ ibm: { retentionPeriod: 2 * 86_400 } });
  });

  it('MediaStore dialect through mediastore://container/path: cp, ls, cat, stat, rm', async () => {
    const q = `?endpoint=${media.url}`;
    const body = randomBytes(3 * 1024 * 1024);
    const file = join(dir, 'segment.ts');
    writeFileSync(file, body);
    const env = SERVE_KEYS;
    const up = await runCli(['cp', file, `mediastore://live/channel-1/segment.ts${q}`, '--content-type', 'video/mp2t'], { env });
    expect(up.code, up.stderr).toBe(0);
    expect((await runCli(['ls', `mediastore://live/${q}`], { env })).stdout).toMatch(/PRE {2}channel-1\//);
    expect(jsonLines((await runCli(['ls', '-r', '--json', `mediastore://live${q}`], { env })).stdout)).toEqual([expect.objectContaining({ key: 'channel-1/segment.ts', size: body.length })]);
    expect(md5((await runCli(['cat', `mediastore://live/channel-1/segment.ts${q}`], { env })).bytes)).toBe(md5(body));
    expect(jsonLines((await runCli(['stat', '--json', `mediastore://live/channel-1/segment.ts${q}`], { env })).stdout)[0]).toMatchObject({ contentType: 'video/mp2t', size: body.length });
    expect((await runCli(['versioning', `mediastore://live${q}`], { env })).code).toBe(1); // no versioning: NotSupported
    expect((await runCli(['rm', `mediastore://live/channel-1/segment.ts${q}`], { env })).code).toBe(0);
    expect((await runCli(['cat', `mediastore://live/channel-1/segment.ts${q}`], { env })).code).toBe(3);
  });

  it('cp between providers: S3 dialect → MediaStore → IBM COS, streamed and verified', async () => {
    const body = randomBytes(6 * 1024 * 1024 + 1);
    await cli(['mb', 's3://origin']);
    await cli(['cp', '-', 's3://origin/clip.mp4'], { input: body });
    const env = SERVE_KEYS;
    const toMedia = await runCli(['cp', `s3://origin/clip.mp4?endpoint=${s3.url}`, `mediastore://live/vod/clip.mp4?endpoint=${media.url}`, '--json'], { env });
    expect(toMedia.code, toMedia.stderr).toBe(0);
    expect(jsonLines(toMedia.stdout)[0]).toMatchObject({ kind: 'copy', mode: 'streamed', bytes: body.length, integrity: { sourceVerified: true } });
    await runCli(['mb', `ibm-cos://archive${ibmQuery()}`], { env });
    const toIbm = await runCli(['cp', `mediastore://live/vod/clip.mp4?endpoint=${media.url}`, `ibm-cos://archive/clip.mp4${ibmQuery()}`], { env });
    expect(toIbm.code, toIbm.stderr).toBe(0);
    expect(md5((await runCli(['cat', `ibm-cos://archive/clip.mp4${ibmQuery()}`], { env })).bytes)).toBe(md5(body));
    // same store: a server-side copy
    const same = jsonLines((await cli(['cp', '--json', 's3://origin/clip.mp4', 's3://origin/copy.mp4'])).stdout)[0]!;
    expect(same).toMatchObject({ mode: 'server-side', bytes: body.length });
  });
});
