#!/usr/bin/env node
// `pnpm stowage <command> …` at the repository root: builds @stowage/cli and
// the packages it depends on (turbo: a no-op when nothing changed), then runs
// the `stowage` binary in this process, in the directory pnpm was called from.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/dist/bin/stowage.js');
if (!existsSync(bin)) process.stderr.write('stowage: building @stowage/cli and its dependencies (first run; later runs reuse the build)…\n');
const turbo = join(root, 'node_modules/.bin/turbo');
const build = spawnSync(turbo, ['run', 'build', '--filter=@stowage/cli...', '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}stowage: the build failed (above)\n`);
  process.exit(1);
}
// Relative paths on the command line are relative to where `pnpm stowage` was typed.
if (process.env.INIT_CWD && existsSync(process.env.INIT_CWD)) process.chdir(process.env.INIT_CWD);
await import(pathToFileURL(bin).href);
