import { Store, type ProviderConfig, type StoreOptions } from '@stowage/core';
import type { MediaStoreConfig } from './config.js';
import { MediaStoreDriver } from './mediastore-driver.js';

export { MediaStoreDriver, quote } from './mediastore-driver.js';
export { resolveConfig, type MediaStoreConfig, type ResolvedMediaStoreConfig, type StaticCredentials, type CredentialProvider } from './config.js';
export { mediaStoreCapabilities, MEDIASTORE_CAPS, MEDIASTORE_KEY_RULES, PATH_PATTERN, CONTENT_TYPE_PATTERN } from './capabilities.js';
export { mapMediaStoreError, mediaStoreErrorType, type ErrorContext } from './errors.js';
export { FolderWalker, splitPrefix, type Frame, type ListedItem, type ListedPage, type FetchPage } from './listing.js';

/**
 * The provider entry point `openStore` loads:
 * `mediastore://?endpoint=https://abcd.data.mediastore.us-west-2.amazonaws.com&container=live&accessKeyId=…&secretAccessKey=…`.
 */
export function createDriver(config: ProviderConfig | Record<string, unknown>): MediaStoreDriver {
  return new MediaStoreDriver(config);
}

/** core's Store over a MediaStoreDriver: `createMediaStoreStore({ endpoint, container, region, credentials })`. */
export function createMediaStoreStore(config: MediaStoreConfig, options: StoreOptions = {}): Store {
  return new Store(new MediaStoreDriver(config), options);
}
