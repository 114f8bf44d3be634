import { Store } from '@stowage/core';
import { createDriver } from '@stowage/mediastore';
import { MemoryDriver } from '@stowage/memory';
import { mediaStoreDialect, startServer } from '@stowage/server';
import { defineTarget } from '../src/runner-entry.js';

/** The container the server serves (a bucket of its memory store) and the adapter addresses as its bucket. */
const CONTAINER = 'stowage-mediastore';

/**
 * Our MediaStore adapter (the real @aws-sdk/client-mediastore-data) against
 * @stowage/server's MediaStore Data dialect over a memory store, every request
 * SigV4-verified for the service `mediastore`. AWS Elemental MediaStore itself
 * was discontinued on 2025-11-13: there is no real endpoint to run against.
 * Containers are not managed through the data plane, so the suite works under
 * a run prefix in the one container; real time, as on a real server.
 */
export default defineTarget({
  name: 'mediastore@server',
  description: '@stowage/mediastore (AWS SDK v3 MediaStore Data client) against the MediaStore Data dialect of @stowage/server over a memory store (MediaStore itself ended 2025-11-13)',
  async options() {
    const memory = new Store(new MemoryDriver());
    await memory.createBucket(CONTAINER);
    const server = await startServer({ store: memory, dialect: mediaStoreDialect({ container: CONTAINER }) });
    // One driver (one client) for the whole run: every Store open() makes reaches the same container.
    const driver = createDriver({ provider: 'mediastore', endpoint: server.url, region: server.region, container: CONTAINER, credentials: server.credentials });
    return {
      open: () => new Store(driver),
      bucket: CONTAINER,
      cleanup: async () => {
        await driver.close();
        await server.close();
      },
    };
  },
  server: () => 'stowage-server, MediaStore Data dialect (memory store)',
});
