import { redact } from '@stowage/core';

export interface OutputOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/**
 * Where every command writes. Data (listings, object bodies, presigned URLs)
 * goes to stdout; human notes and progress to stderr; `--json` prints
 * machine-readable results on stdout instead of the human text. Everything
 * human-readable is passed through core's `redact`.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.verbose = options.verbose;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
  }

  /** A human result line on stdout (not with --json; not with --quiet). */
  info(text: string): void {
    if (this.json || this.quiet) return;
    this.stdout.write(`${redact(text)}\n`);
  }

  /** A data line on stdout, printed even with --quiet (not with --json). */
  data(text: string): void {
    if (this.json) return;
    this.stdout.write(`${text}\n`);
  }

  /** A JSON value on one line of stdout (only with --json). */
  emit(value: unknown): void {
    if (!this.json) return;
    this.stdout.write(`${JSON.stringify(value, jsonReplacer)}\n`);
  }

  /** A note on stderr (not with --quiet). */
  note(text: string): void {
    if (this.quiet) return;
    this.stderr.write(`${redact(text)}\n`);
  }

  /** A warning on stderr, always. */
  warn(text: string): void {
    this.stderr.write(`${redact(text)}\n`);
  }

  /** A --verbose line on stderr. */
  debug(text: string): void {
    if (!this.verbose) return;
    this.stderr.write(`${redact(`[verbose] ${text}`)}\n`);
  }
}

/** Dates as ISO strings, Uint8Arrays as their length, errors as their JSON. */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Pads columns of rows for a plain table. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}
