import type { Driver } from '../driver.js';

/** What a provider package exports so `openStore` can load it by name. */
export interface ProviderModule {
  createDriver(config: ProviderConfig): Driver | Promise<Driver>;
}

/** Provider-specific settings; each adapter documents and validates its own. */
export interface ProviderConfig {
  provider: string;
  [setting: string]: unknown;
}

/** Built-in provider ids and the packages that implement them. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, string>> = {
  memory: '@stowage/memory',
  s3: '@stowage/s3',
  minio: '@stowage/minio',
  'ibm-cos': '@stowage/ibm-cos',
  mediastore: '@stowage/mediastore',
};
