import { Store } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';
import { createS3Store } from '@stowage/s3';
import { startServer } from '@stowage/server';
import { defineTarget } from '../src/runner-entry.js';

/**
 * Our S3 adapter (the real @aws-sdk/client-s3, with its default flexible
 * checksums: aws-chunked bodies with CRC32 trailers) against @stowage/server
 * over a memory store, every request SigV4-verified by the server. Like a
 * real server, on real time: expiry cases wait (the client's clock and the
 * server's must agree, as the suite checks dates before any I/O).
 */
export default defineTarget({
  name: 's3@server',
  description: '@stowage/s3 (AWS SDK v3, default checksums) against @stowage/server over a memory store',
  async options() {
    const server = await startServer({ store: (presign) => new Store(new MemoryDriver({ presign })) });
    const stores: Array<{ close(): Promise<void> }> = [];
    return {
      open: () => {
        const store = createS3Store({ endpoint: server.url, region: server.region, credentials: server.credentials, serverProfile: 'aws' });
        stores.push(store);
        return store;
      },
      allowCompliance: true,
      cleanup: async () => {
        await Promise.all(stores.map((s) => s.close()));
        await server.close();
      },
    };
  },
  server: () => 'stowage-server (memory store)',
});
