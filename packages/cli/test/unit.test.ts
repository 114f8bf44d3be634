/**
 * The CLI's pure parts, in process: object URLs, settings precedence, key →
 * path safety, filters, progress lines, exit codes.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, ObjectLockedError, ObjectNotFoundError, PreconditionFailedError, redact, ThrottledError } from '@stowage/core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRange } from '../src/commands/cat-stat.js';
import { envSettings, resolveStoreConfig, type SettingsSources } from '../src/config.js';
import { EXIT, exitCodeFor, InterruptedError, UsageError } from '../src/exit-codes.js';
import { globToRegExp, makeFilters, selected } from '../src/filters.js';
import { parseLocation, type RemoteLocation } from '../src/location.js';
import { ProgressReporter } from '../src/progress.js';
import { localPathFor, prepareParent, UnsafeKeyError } from '../src/safe-path.js';
import { formatBytes, parseDuration, parseSize } from '../src/units.js';

const remote = (text: string) => parseLocation(text) as RemoteLocation;

describe('object URLs', () => {
  it('provider://bucket/key?settings: the authority is the bucket, the path the key', () => {
    const l = remote('s3://photos/2025/cat.jpg?endpoint=http://127.0.0.1:9000&region=eu-west-1');
    expect(l).toMatchObject({ kind: 'remote', provider: 's3', bucket: 'photos', key: '2025/cat.jpg', trailingSlash: false, query: { endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1' } });
  });

  it('bucket only, prefixes and all buckets', () => {
    expect(remote('minio://logs')).toMatchObject({ bucket: 'logs', key: '', trailingSlash: true });
    expect(remote('minio://logs/app/')).toMatchObject({ bucket: 'logs', key: 'app/', trailingSlash: true });
    expect(remote('s3://')).toMatchObject({ bucket: undefined, key: '' });
    expect(remote('s3://?endpoint=http://x:1')).toMatchObject({ bucket: undefined, query: { endpoint: 'http://x:1' } });
  });

  it('keys are percent-decoded; a stray % is a usage error with the fix', () => {
    expect(remote('s3://b/a%3Fb%20c%25d').key).toBe('a?b c%d');
    expect(remote('s3://b/caf%C3%A9/%E2%9C%93').key).toBe('café/✓');
    expect(() => remote('s3://b/100%')).toThrow(UsageError);
    expect(() => remote('s3://b/100%')).toThrow(/percent-escape/);
  });

  it('local paths, file: URLs and - for stdio', () => {
    expect(parseLocation('./x/y.txt', { cwd: '/tmp' })).toMatchObject({ kind: 'local', path: '/tmp/x/y.txt' });
    expect(parseLocation('dir/', { cwd: '/tmp' })).toMatchObject({ kind: 'local', path: '/tmp/dir', trailingSlash: true });
    expect(parseLocation('file:///etc/hosts')).toMatchObject({ kind: 'local', path: '/etc/hosts' });
    expect(parseLocation('-')).toMatchObject({ kind: 'local', stdio: true });
  });

  it('an unknown scheme is refused (never taken for a path); credentials and hosts are not accepted in the authority', () => {
    expect(() => parseLocation('s4://b/k')).toThrow(/unknown provider "s4"/);
    expect(parseLocation('acme://b/k', { allowProviders: ['acme'] })).toMatchObject({ kind: 'remote', provider: 'acme' });
    expect(() => parseLocation('s3://AKIA:secret@bucket/k')).toThrow(/credentials and hosts do not go in object URLs/);
    expect(() => parseLocation('s3://127.0.0.1:9000/b/k')).toThrow(UsageError);
  });
});

describe('settings: query > flags > environment > profile', () => {
  const sources = (over: Partial<SettingsSources> = {}): SettingsSources => ({
    flags: {},
    env: {},
    file: {
      profiles: {
        ceph: { provider: 's3', endpoint: 'http://profile:7480', region: 'profile-region', accessKeyId: 'PROFILEKEY', secretAccessKey: 'profile-secret-value', serverProfile: 'ceph-rgw', awsProfile: 'work', maxSockets: 8 },
        anything: { endpoint: 'http://any:1', apiKey: 'ibm-api-key-value' },
      },
    },
    configPath: '/cfg.json',
    profile: undefined,
    ...over,
  });

  it('a profile maps CLI names to the adapter’s (awsProfile → profile) and passes adapter-only settings through', () => {
    const r = resolveStoreConfig(remote('s3://b/k'), sources({ profile: 'ceph' }));
    expect(r.config).toEqual({ provider: 's3', endpoint: 'http://profile:7480', region: 'profile-region', accessKeyId: 'PROFILEKEY', secretAccessKey: 'profile-secret-value', serverProfile: 'ceph-rgw', profile: 'work', maxSockets: 8 });
    expect(r.origins.endpoint).toBe('profile');
  });

  it('environment over profile, flags over environment, the query over everything', () => {
    const s = sources({ profile: 'ceph', env: { endpoint: 'http://env:1', region: 'env-region' }, flags: { region: 'flag-region' } });
    expect(resolveStoreConfig(remote('s3://b/k'), s).config).toMatchObject({ endpoint: 'http://env:1', region: 'flag-region', accessKeyId: 'PROFILEKEY' });
    const q = resolveStoreConfig(remote('s3://b/k?region=query-region&forcePathStyle=true&awsProfile=other'), s);
    expect(q.config).toMatchObject({ region: 'query-region', forcePathStyle: true, profile: 'other' });
    expect(q.origins).toMatchObject({ region: 'query', endpoint: 'env', accessKeyId: 'profile' });
  });

  it('settings a provider does not take are dropped when they come from flags or the environment', () => {
    const r = resolveStoreConfig(remote('s3://b/k'), sources({ env: { apiKey: 'ibm-key-xyz' }, flags: { caFile: '/ca.pem' } }));
    expect(r.config).toEqual({ provider: 's3' });
    expect(r.dropped).toEqual(['apiKey (env)', 'caFile (flag)']);
    const m = resolveStoreConfig(remote('memory://b'), sources({ env: { endpoint: 'http://e:1' } }));
    expect(m.config).toEqual({ provider: 'memory' });
    const minio = resolveStoreConfig(remote('minio://b'), sources({ flags: { forcePathStyle: false, caFile: '/ca.pem' } }));
    expect(minio.config).toEqual({ provider: 'minio', pathStyle: false, caFile: '/ca.pem' });
  });

  it('a mediastore address names its container; ?profile= picks a profile per address', () => {
    expect(resolveStoreConfig(remote('mediastore://live/a.ts?endpoint=http://x:1'), sources()).config).toMatchObject({ provider: 'mediastore', container: 'live', endpoint: 'http://x:1' });
    expect(resolveStoreConfig(remote('s3://b?profile=ceph'), sources()).config.endpoint).toBe('http://profile:7480');
  });

  it('an unknown profile, or one for another provider, is a usage error', () => {
    expect(() => resolveStoreConfig(remote('s3://b'), sources({ profile: 'nope' }))).toThrow(/no profile "nope".*/);
    expect(() => resolveStoreConfig(remote('minio://b'), sources({ profile: 'ceph' }))).toThrow(/is for provider "s3"/);
  });

  it('every secret is registered for redaction as soon as it is resolved', () => {
    resolveStoreConfig(remote('ibm-cos://b?secretAccessKey=query-secret-0001'), sources({ profile: 'anything' }));
    envSettings({ STOWAGE_SECRET_ACCESS_KEY: 'env-secret-0002', STOWAGE_SESSION_TOKEN: 'env-token-0003' });
    expect(redact('a query-secret-0001 b ibm-api-key-value c env-secret-0002 d env-token-0003')).toBe('a [REDACTED] b [REDACTED] c [REDACTED] d [REDACTED]');
  });
});

describe('keys written under a local folder never leave it', () => {
  const root = mkdtempSync(join(tmpdir(), 'stowage-safe-'));
  const outside = mkdtempSync(join(tmpdir(), 'stowage-outside-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('ordinary keys map below the folder', () => {
    expect(localPathFor(root, 'a/b/c.txt')).toBe(join(root, 'a/b/c.txt'));
    expect(localPathFor(root, 'café ✓.txt')).toBe(join(root, 'café ✓.txt'));
  });

  it.each(['../escape', 'a/../../x', 'a/../b', './x', '/etc/passwd', 'a//b', '..', 'x/..', 'nul\0'])('refuses %j', (key) => {
    expect(() => localPathFor(root, key)).toThrow(UnsafeKeyError);
  });

  it('a symbolic link inside the folder does not lead a key outside it', async () => {
    mkdirSync(join(root, 'real'), { recursive: true });
    symlinkSync(outside, join(root, 'link'));
    await expect(prepareParent(root, localPathFor(root, 'link/x.txt'))).rejects.toThrow(UnsafeKeyError);
    await expect(prepareParent(root, localPathFor(root, 'real/x.txt'))).resolves.toBeUndefined();
  });
});

describe('include / exclude', () => {
  it('globs: * any run (slashes too), ? one character, [set] and [!set]', () => {
    expect(globToRegExp('*.jpg').test('a/b/c.jpg')).toBe(true);
    expect(globToRegExp('img-??.png').test('img-01.png')).toBe(true);
    expect(globToRegExp('img-??.png').test('img-1.png')).toBe(false);
    expect(globToRegExp('[ab]*').test('b.txt')).toBe(true);
    expect(globToRegExp('[!ab]*').test('b.txt')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('everything is included until a filter says otherwise; the last match wins', () => {
    const f = makeFilters([
      { kind: 'exclude', pattern: '*' },
      { kind: 'include', pattern: '*.jpg' },
      { kind: 'exclude', pattern: 'tmp/*' },
    ]);
    expect(selected(f, 'a.jpg')).toBe(true);
    expect(selected(f, 'a.png')).toBe(false);
    expect(selected(f, 'tmp/a.jpg')).toBe(false);
    expect(selected([], 'anything')).toBe(true);
  });
});

describe('exit codes', () => {
  it('distinguish usage, not found, refusals, transient failures and interrupts', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeFor(new InvalidArgumentError('key', 'bad'))).toBe(EXIT.usage);
    expect(exitCodeFor(new ObjectNotFoundError('b', 'k'))).toBe(EXIT.notFound);
    expect(exitCodeFor(new ObjectLockedError('retention', 'locked'))).toBe(EXIT.refused);
    expect(exitCodeFor(new PreconditionFailedError())).toBe(EXIT.refused);
    expect(exitCodeFor(new ThrottledError())).toBe(EXIT.transient);
    expect(exitCodeFor(new InterruptedError('SIGINT'))).toBe(130);
    expect(exitCodeFor(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBe(EXIT.notFound);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.failure);
  });
});

describe('progress', () => {
  it('a bar line: percentage, bytes, rate, ETA and parts; a plain line without the bar', () => {
    let t = 0;
    const sink = { chunks: [] as string[], write(s: string) { this.chunks.push(s); return true; } };
    const bar = new ProgressReporter('big.bin', 200 * 1024 * 1024, undefined, { mode: 'bar', stream: sink as never, columns: 120, now: () => t });
    t = 1000;
    bar.update('a', { bytesDone: 100 * 1024 * 1024, totalBytes: 200 * 1024 * 1024, partsDone: 7, partsTotal: 13 });
    const line = sink.chunks.at(-1)!;
    expect(line.startsWith('\r\x1b[2K')).toBe(true);
    expect(line).toMatch(/big\.bin +\[█+░+\]  50%  100\.0 MiB \/ 200\.0 MiB  100\.0 MiB\/s  ETA 1s  parts 7\/13/);
    t = 2000;
    bar.complete('a', 200 * 1024 * 1024, 13);
    bar.finish(true);
    expect(sink.chunks.at(-2)).toMatch(/100%  200\.0 MiB \/ 200\.0 MiB .* parts 13\/13/);
    expect(sink.chunks.at(-1)).toBe('\n');

    const lines = { chunks: [] as string[], write(s: string) { this.chunks.push(s); return true; } };
    t = 0;
    const plain = new ProgressReporter('x', 10, undefined, { mode: 'lines', stream: lines as never, intervalMs: 500, now: () => t });
    t = 600;
    plain.update('x', { bytesDone: 5, totalBytes: 10, partsDone: 0, partsTotal: 1 });
    plain.finish(false);
    expect(lines.chunks[0]).toMatch(/^x: 50%  5 B \/ 10 B/);
    expect(lines.chunks.every((c) => c.endsWith('\n') && !c.includes('\x1b'))).toBe(true);
  });
});

describe('units', () => {
  it('sizes, durations, ranges', () => {
    expect(parseSize('16MiB', 's')).toBe(16 * 1024 * 1024);
    expect(parseSize('5M', 's')).toBe(5_000_000);
    expect(parseDuration('1d', 'd')).toBe(86_400);
    expect(parseDuration('90', 'd')).toBe(90);
    expect(() => parseSize('lots', 's')).toThrow(UsageError);
    expect(parseRange('0-99')).toEqual({ offset: 0, length: 100 });
    expect(parseRange('100-')).toEqual({ offset: 100 });
    expect(parseRange('-5')).toEqual({ suffix: 5 });
    expect(() => parseRange('9-1')).toThrow(UsageError);
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
