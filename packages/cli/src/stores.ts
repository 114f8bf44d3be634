import { openStore, redact, Store, type ProviderModule, type StoreHooks, type StoreOptions } from '@stowage/core';
import { describeConfig, resolveStoreConfig, type ResolvedStoreConfig, type SettingsSources } from './config.js';
import { UsageError } from './exit-codes.js';
import type { RemoteLocation } from './location.js';

/** The adapters the CLI ships with, imported only when a command uses them. */
const BUILTIN_MODULES: Readonly<Record<string, () => Promise<ProviderModule>>> = {
  memory: () => import('@stowage/memory'),
  s3: () => import('@stowage/s3'),
  minio: () => import('@stowage/minio'),
  'ibm-cos': () => import('@stowage/ibm-cos'),
  mediastore: () => import('@stowage/mediastore'),
};

export interface OpenedStore {
  store: Store;
  resolved: ResolvedStoreConfig;
  /** The in-memory store: it lives only as long as this process. */
  ephemeral: boolean;
}

export interface StoreFactoryOptions {
  sources: SettingsSources;
  allowProviders: readonly string[];
  /** Attempts per request (core's retry layer), default 3. */
  maxAttempts?: number;
  /** Per-attempt timeout in ms (until the response starts). */
  attemptTimeoutMs?: number;
  /** `--verbose`: one line per request, and the resolved settings (secrets masked). */
  log?: (line: string) => void;
}

/**
 * Opens one Store per distinct provider config and reuses it: two locations
 * on the same store share one Store object, so a copy between them can be a
 * server-side copy, and `memory://` locations of one invocation share one
 * memory store.
 */
export class StoreFactory {
  private readonly opened = new Map<string, Promise<OpenedStore>>();

  constructor(private readonly options: StoreFactoryOptions) {}

  /** Flags, environment and config file the stores' settings come from. */
  get sources(): SettingsSources {
    return this.options.sources;
  }

  open(location: RemoteLocation): Promise<OpenedStore> {
    const resolved = resolveStoreConfig(location, this.options.sources);
    const id = stableKey(resolved.config);
    let pending = this.opened.get(id);
    if (!pending) {
      pending = this.create(resolved);
      this.opened.set(id, pending);
    }
    return pending;
  }

  private async create(resolved: ResolvedStoreConfig): Promise<OpenedStore> {
    const provider = resolved.config.provider;
    this.options.log?.(`store ${describeConfig(resolved)}`);
    const load = BUILTIN_MODULES[provider];
    let module: ProviderModule | undefined;
    if (load) module = await load();
    const storeOptions: StoreOptions = {
      retry: { maxAttempts: this.options.maxAttempts ?? 3, attemptTimeoutMs: this.options.attemptTimeoutMs },
      hooks: this.options.log ? verboseHooks(this.options.log) : undefined,
    };
    let store = await openStore(resolved.config, {
      ...storeOptions,
      modules: module ? { [provider]: module } : undefined,
      allowProviders: this.options.allowProviders,
      resolveFrom: process.cwd(),
    });
    if (provider === 'ibm-cos') {
      // IBM's extensions (legal hold ids, retention extension) live on IbmCosStore.
      const ibm = (await import('@stowage/ibm-cos')) as typeof import('@stowage/ibm-cos');
      store = new ibm.IbmCosStore(store.unwrapDriver() as InstanceType<typeof ibm.IbmCosDriver>, storeOptions);
    }
    return { store, resolved, ephemeral: provider === 'memory' };
  }

  async closeAll(): Promise<void> {
    const all = await Promise.allSettled(this.opened.values());
    await Promise.allSettled(all.map((r) => (r.status === 'fulfilled' ? r.value.store.close() : undefined)));
  }
}

function stableKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableKey((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

function verboseHooks(log: (line: string) => void): StoreHooks {
  const where = (e: { bucket?: string; key?: string }) => (e.bucket ? ` ${e.bucket}${e.key !== undefined ? `/${e.key}` : ''}` : '');
  return {
    onResponse: (e) => log(redact(`${e.operation}${where(e)} attempt ${e.attempt}: ${e.error ? `${e.error.code} ${e.error.message}` : 'ok'} (${e.ms.toFixed(0)} ms)`)),
    onRetry: (e) => log(redact(`retrying ${e.operation}${where(e)} in ${e.delayMs} ms after ${e.error.code}`)),
  };
}

/** A remote location that must name a bucket. */
export function requireBucket(location: RemoteLocation, command: string): string {
  if (location.bucket === undefined) throw new UsageError(`${command} needs a bucket: ${location.provider}://bucket…`);
  return location.bucket;
}

/** A remote location that must name an object. */
export function requireKey(location: RemoteLocation, command: string): { bucket: string; key: string } {
  const bucket = requireBucket(location, command);
  if (location.key === '') throw new UsageError(`${command} needs an object: ${location.provider}://${bucket}/key`);
  return { bucket, key: location.key };
}
