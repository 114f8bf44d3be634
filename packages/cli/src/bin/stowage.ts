#!/usr/bin/env node
/**
 * The `stowage` binary: runs one command line and exits with its code
 * (see README.md for the codes). Ctrl-C aborts the command cleanly (a
 * multipart upload in progress is aborted, a partial download removed) and
 * exits 130; a second Ctrl-C exits at once.
 */
import { EXIT, InterruptedError } from '../exit-codes.js';
import { run } from '../main.js';

// The AWS SDK warns on every run that its 2027 releases will need Node 22:
// printed once with --verbose, not on every command.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : `${warning.name}: ${warning.message}`;
  if (text.startsWith('NodeVersionSupportWarning') && !process.argv.includes('--verbose') && !process.argv.includes('-v')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
  interrupts++;
  if (interrupts > 1) {
    process.stderr.write('\nstowage: interrupted again, exiting now\n');
    process.exit(signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
  }
  controller.abort(new InterruptedError(signal));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));
// A closed pipe (stowage ls | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT.ok);
  throw e;
});

const code = await run({ argv: process.argv.slice(2), signal: controller.signal });
process.exitCode = code;
// Sockets kept alive by SDK agents must not hold the process open.
setTimeout(() => process.exit(code), 50).unref();
