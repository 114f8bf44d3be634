import { Store, type Driver, type StoreOptions } from '@stowage/core';
import { ManualClock, MemoryDriver, type MemoryRules } from '@stowage/memory';
import { defineTarget, type ConformanceOptions } from '../src/runner-entry.js';
import { PresignHost } from './support/presign-host.js';

export interface MemoryTargetOptions {
  /** Substituted memory-store rules (the mutation test breaks the store with these). */
  rules?: Partial<MemoryRules>;
  /** Wraps the driver before every Store is made over it (mutants that break listing or ranges). */
  wrapDriver?: (driver: Driver) => Driver;
  /** Store options for every Store `open()` makes (e.g. a broken cursor codec). */
  storeOptions?: StoreOptions;
  only?: readonly string[];
}

/**
 * The memory store, as a conformance target: one MemoryDriver shared by every
 * Store `open()` makes, a ManualClock the suite advances for expiry cases,
 * COMPLIANCE allowed (nothing outlives the process), and a local presign host
 * so the presign cases run against real HTTP.
 */
export function memoryTargetOptions(options: MemoryTargetOptions = {}): ConformanceOptions {
  const clock = new ManualClock(new Date());
  const host = new PresignHost();
  const memory = new MemoryDriver({ clock: clock.fn, presign: host.presign, rules: options.rules });
  const driver = options.wrapDriver ? options.wrapDriver(memory) : memory;
  host.attach(driver, clock.fn);
  return {
    name: 'memory',
    open: () => new Store(driver, options.storeOptions),
    clock,
    allowCompliance: true,
    only: options.only,
    cleanup: () => host.close(),
  };
}

export default defineTarget({
  name: 'memory',
  description: 'the in-memory reference store (@stowage/memory), with a manual clock and a local presign endpoint',
  options: () => memoryTargetOptions(),
});
