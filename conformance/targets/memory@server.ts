import { Store } from '@stowage/core';
import { ManualClock, MemoryDriver } from '@stowage/memory';
import { startServer } from '@stowage/server';
import { defineTarget } from '../src/runner-entry.js';

/**
 * The memory store, its presigned URLs served by @stowage/server: the suite
 * calls the memory store in-process, and `presign` returns SigV4 query-signed
 * URLs for a server over that same store, which the presign cases fetch (and
 * tamper with, and let expire on the shared ManualClock).
 */
export default defineTarget({
  name: 'memory@server',
  description: 'the memory store (in-process) with presigned URLs signed for and verified by @stowage/server (SigV4 query auth)',
  async options() {
    const clock = new ManualClock(new Date());
    let driver: MemoryDriver | undefined;
    const server = await startServer({
      store: (presign) => new Store((driver = new MemoryDriver({ clock: clock.fn, presign }))),
      clock: clock.fn,
    });
    return {
      open: () => new Store(driver!),
      clock,
      allowCompliance: true,
      cleanup: () => server.close(),
    };
  },
});
