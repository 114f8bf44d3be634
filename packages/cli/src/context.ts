import type { ParseArgsConfig } from 'node:util';
import { isStowageError } from '@stowage/core';
import { UsageError } from './exit-codes.js';
import { parseLocation, type Location, type RemoteLocation } from './location.js';
import type { Output } from './output.js';
import { ProgressReporter, type ProgressMode } from './progress.js';
import type { OpenedStore, StoreFactory } from './stores.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** One `stowage <command>`. */
export interface Command {
  name: string;
  /** One line for `stowage --help`. */
  summary: string;
  /** The full help text (usage line, arguments, options, examples). */
  help: string;
  options: OptionSpec;
  /**
   * Resolves to the exit code (0 when omitted). `filters` are the
   * `--include` / `--exclude` options in command-line order.
   */
  run(ctx: Context, args: string[], values: Values, filters?: Array<{ kind: 'include' | 'exclude'; pattern: string }>): Promise<number | void>;
}

export interface ContextOptions {
  out: Output;
  factory: StoreFactory;
  signal: AbortSignal;
  progressMode: ProgressMode;
  progressIntervalMs: number;
  cwd: string;
  allowProviders: readonly string[];
}

/** What a command gets: output, stores, the interrupt signal, progress. */
export class Context {
  readonly out: Output;
  readonly factory: StoreFactory;
  readonly signal: AbortSignal;
  readonly progressMode: ProgressMode;
  readonly cwd: string;
  private readonly progressIntervalMs: number;
  private readonly allowProviders: readonly string[];
  private readonly created = new Set<string>();

  constructor(options: ContextOptions) {
    this.out = options.out;
    this.factory = options.factory;
    this.signal = options.signal;
    this.progressMode = options.progressMode;
    this.progressIntervalMs = options.progressIntervalMs;
    this.cwd = options.cwd;
    this.allowProviders = options.allowProviders;
  }

  location(text: string): Location {
    return parseLocation(text, { cwd: this.cwd, allowProviders: this.allowProviders });
  }

  /** A location that must be remote (`provider://…`). */
  remote(text: string | undefined, command: string, what = 'an address'): RemoteLocation {
    if (text === undefined) throw new UsageError(`${command} needs ${what} such as s3://bucket/key`, `see stowage ${command} --help`);
    const location = this.location(text);
    if (location.kind !== 'remote') throw new UsageError(`${command}: ${text} is a local path; give ${what} such as s3://bucket/key or memory://bucket/key`);
    return location;
  }

  /**
   * Opens the location's store. The in-memory store lives only as long as
   * this process, so the buckets a command names there are created on first
   * use (unless `create` is false, as for `mb` / `rb`).
   */
  async open(location: RemoteLocation, options: { create?: boolean } = {}): Promise<OpenedStore> {
    const opened = await this.factory.open(location);
    if (opened.ephemeral && options.create !== false && location.bucket !== undefined && !this.created.has(location.bucket)) {
      this.created.add(location.bucket);
      try {
        await opened.store.createBucket(location.bucket, { signal: this.signal });
        this.out.debug(`memory: created bucket ${location.bucket} (the in-memory store starts empty in every process)`);
      } catch (e) {
        if (!isStowageError(e, 'AlreadyExists')) throw e;
      }
    }
    return opened;
  }

  progress(label: string, totalBytes: number | undefined, filesTotal?: number): ProgressReporter {
    return new ProgressReporter(label, totalBytes, filesTotal, { mode: this.progressMode, stream: this.out.stderr, intervalMs: this.progressIntervalMs });
  }

  /** Throws the interrupt when the user pressed Ctrl-C. */
  checkInterrupted(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }
}

/** Reads a string option. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function bool(values: Values, name: string): boolean {
  return values[name] === true;
}

export function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

export function expectArgs(args: string[], min: number, max: number, command: string, usage: string): void {
  if (args.length < min || args.length > max) {
    throw new UsageError(`${command}: expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`, `usage: ${usage}`);
  }
}
