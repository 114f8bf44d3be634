import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '../errors/stowage-error.js';
import { registerSecret } from '../errors/redact.js';
import { Store, type StoreOptions } from '../store.js';
import { parseStoreUrl } from './parse-store-url.js';
import { BUILTIN_PROVIDERS, type ProviderConfig, type ProviderModule } from './provider-module.js';

export interface OpenStoreOptions extends StoreOptions {
  /**
   * Third-party provider packages that may be loaded by name. Config alone must
   * never be a way to load arbitrary code, so a package not listed here (and not
   * built in) is refused.
   */
  allowProviders?: readonly string[];
  /** Provider modules given directly, by provider id (skips the dynamic import). */
  modules?: Readonly<Record<string, ProviderModule>>;
  /** Where provider packages are resolved from (default: the current directory, then @stowage/core). */
  resolveFrom?: string;
}

const SECRET_SETTINGS = ['secretAccessKey', 'sessionToken', 'apiKey', 'secretKey', 'password', 'token', 'sseCustomerKey'];

/**
 * Opens a Store from a config object, a URL string (`memory://`, `s3://…`), or,
 * with no argument, the `STOWAGE_URL` environment variable. The adapter
 * package is imported only now, so an app installs just the one it uses.
 */
export async function openStore(config?: ProviderConfig | string, options: OpenStoreOptions = {}): Promise<Store> {
  const source = config ?? process.env.STOWAGE_URL;
  if (source === undefined || source === '') throw new InvalidArgumentError('config', 'give a config, a URL, or set STOWAGE_URL (e.g. memory://)');
  const resolved = typeof source === 'string' ? parseStoreUrl(source) : source;
  if (resolved === null || typeof resolved !== 'object' || typeof resolved.provider !== 'string' || resolved.provider === '') {
    throw new InvalidArgumentError('provider', 'config needs a provider (memory, s3, minio, ibm-cos, mediastore, or an allow-listed package name)');
  }
  for (const name of SECRET_SETTINGS) {
    const value = resolved[name];
    if (typeof value === 'string') registerSecret(value);
  }
  const module = options.modules?.[resolved.provider] ?? (await loadProvider(resolved.provider, options));
  if (typeof module?.createDriver !== 'function') {
    throw new InvalidArgumentError('provider', `package for "${resolved.provider}" does not export createDriver(config)`);
  }
  const driver = await module.createDriver(resolved);
  const { allowProviders: _a, modules: _m, resolveFrom: _r, ...storeOptions } = options;
  return new Store(driver, storeOptions);
}

async function loadProvider(provider: string, options: OpenStoreOptions): Promise<ProviderModule> {
  const builtin = BUILTIN_PROVIDERS[provider];
  const packageName = builtin ?? provider;
  if (!builtin) {
    if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(provider)) {
      throw new InvalidArgumentError('provider', `unknown provider "${provider}" (built in: ${Object.keys(BUILTIN_PROVIDERS).join(', ')})`);
    }
    if (!options.allowProviders?.includes(provider)) {
      throw new InvalidArgumentError(
        'provider',
        `"${provider}" is not a built-in provider (${Object.keys(BUILTIN_PROVIDERS).join(', ')}); a third-party provider package loads only when listed in allowProviders`,
      );
    }
  }
  const specifier = resolvePackage(packageName, options.resolveFrom);
  if (specifier === undefined) {
    throw new InvalidArgumentError('provider', `provider "${provider}" needs the package ${packageName}, which is not installed: run \`pnpm add ${packageName}\` (or npm install ${packageName})`);
  }
  return (await import(specifier)) as ProviderModule;
}

function resolvePackage(name: string, from: string | undefined): string | undefined {
  const bases = [from ?? process.cwd(), undefined];
  for (const base of bases) {
    try {
      if (base === undefined) {
        return pathToFileURL(createRequire(import.meta.url).resolve(name)).href;
      }
      return pathToFileURL(createRequire(join(base, 'package.json')).resolve(name)).href;
    } catch {
      // try the next base
    }
  }
  return undefined;
}
