import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO_ROOT = join(PACKAGE_DIR, '../..');
/** The built binary: the tests run exactly what users run. */
export const BIN = join(PACKAGE_DIR, 'dist/bin/stowage.js');
export const CI = process.env.CI === 'true' || process.env.CI === '1';

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm --filter @stowage/cli build\` first (turbo's test task does)`);

/** A HOME with no stowage config and no AWS files, and no STOWAGE_* / AWS_* variables from the caller. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(STOWAGE_|AWS_|COS_|IBM_)/.test(k)) continue;
    env[k] = v;
  }
  env.HOME = isolatedHome;
  env.XDG_CONFIG_HOME = join(isolatedHome, '.config');
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const isolatedHome = mkdtempSync(join(tmpdir(), 'stowage-cli-home-'));
process.once('exit', () => rmSync(isolatedHome, { recursive: true, force: true }));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout bytes (for binary output such as `cat`). */
  bytes: Buffer;
}

export interface RunCliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string | Buffer;
  timeoutMs?: number;
}

/** Runs `node dist/bin/stowage.js …args` to completion. */
export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? PACKAGE_DIR, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`stowage ${args.join(' ')} did not finish in ${options.timeoutMs ?? 90_000} ms\nstderr: ${Buffer.concat(err).toString()}`));
    }, options.timeoutMs ?? 90_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const bytes = Buffer.concat(out);
      resolve({ code, signal, stdout: bytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), bytes });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Parses every stdout line of a `--json` run. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface ServeProcess {
  url: string;
  port: number;
  region: string;
  accessKeyId: string;
  child: ChildProcess;
  /** Lines printed so far (stdout). */
  output: string[];
  stop(): Promise<number | null>;
}

export const SERVE_KEYS = { STOWAGE_ACCESS_KEY_ID: 'cli-test-access', STOWAGE_SECRET_ACCESS_KEY: 'cli-test-secret-key-9f3a1c' };

/** Starts `stowage serve --port 0 --json …extra` and resolves once it printed its ready line. */
export function startServe(extra: string[] = [], env: Record<string, string | undefined> = SERVE_KEYS): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', ...extra], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => reject(new Error(`stowage serve did not start: ${stderr}`)), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stowage serve exited with ${code} before it was ready: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      if (output.length !== 1) return;
      clearTimeout(timer);
      const ready = JSON.parse(line) as { url: string; port: number; region: string; accessKeyId: string };
      resolve({
        ...ready,
        child,
        output,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.removeAllListeners('exit');
            child.once('exit', (code) => done(code));
            child.kill('SIGINT');
          }),
      });
    });
  });
}

export interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  server?: string;
}

/**
 * Ceph RGW / MinIO as scripts/servers/up.sh describes them in .servers/env.json.
 * Locally a missing server skips those tests (loudly); with CI=true it fails.
 */
export function realServer(name: 'ceph' | 'minio'): ServerEnv | undefined {
  const file = process.env.STOWAGE_SERVERS_ENV ?? join(REPO_ROOT, '.servers/env.json');
  const env = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, ServerEnv>) : {};
  const server = env[name];
  if (!server?.endpoint) {
    const message = `@stowage/cli ${name} tests need the real server (${existsSync(file) ? `${file} lists no ${name}` : `${file} does not exist`}): run \`bash scripts/servers/up.sh ${name}\``;
    if (CI) throw new Error(`${message} (CI=true: not skipping)`);
    console.warn(`${message} — skipping them`);
    return undefined;
  }
  return server;
}

let counter = 0;
/** A bucket name unique to this run. */
export function uniqueBucket(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${(counter++).toString(36)}`.toLowerCase().slice(0, 63);
}
