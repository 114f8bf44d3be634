import { Store, type ProviderConfig, type StoreOptions } from '@stowage/core';
import { MemoryDriver, type MemoryDriverOptions } from './memory-driver.js';

export { MemoryDriver, memoryCapabilities, defaultRetainUntil, type MemoryDriverOptions, type PresignRequest } from './memory-driver.js';
export { ManualClock } from './clock.js';
export * from './rules/index.js';
export { SortedMap, MapCursor } from './sorted-map.js';
export { prefixSuccessor, commonPrefixOf } from './key-range.js';

/**
 * What `openStore('memory://')` loads. Each call makes a new, empty store.
 * Settings: `minPartSize` (a number, e.g. `memory://?minPartSize=5` for tests);
 * given programmatically, `clock`, `capabilities` and `presign` as in
 * MemoryDriverOptions.
 */
export function createDriver(config: ProviderConfig): MemoryDriver {
  const options: MemoryDriverOptions = {};
  if (typeof config.clock === 'function') options.clock = config.clock as () => Date;
  if (typeof config.presign === 'function') options.presign = config.presign as MemoryDriverOptions['presign'];
  if (config.capabilities !== null && typeof config.capabilities === 'object') options.capabilities = { ...(config.capabilities as MemoryDriverOptions['capabilities']) };
  if (typeof config.minPartSize === 'number') {
    options.capabilities = { ...options.capabilities, multipart: { ...(options.capabilities?.multipart ?? {}), minPartSize: config.minPartSize } };
  }
  return new MemoryDriver(options);
}

/** A portable Store on a new, empty memory driver. */
export function createMemoryStore(options: MemoryDriverOptions & StoreOptions = {}): Store {
  const { clock, capabilities, presign, rules, ...storeOptions } = options;
  return new Store(new MemoryDriver({ clock, capabilities, presign, rules }), storeOptions);
}
