import { Store } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';
import { createDriver } from '@stowage/minio';
import { startServer } from '@stowage/server';
import { defineTarget } from '../src/runner-entry.js';

/**
 * @stowage/minio (the real `minio` npm client, v8) against @stowage/server over
 * a memory store, every request SigV4-verified by the server: a second,
 * independent client of our S3 dialect beside the AWS SDK (s3@server). The
 * server behaves as AWS does, so the `aws` server profile is certified here.
 */
export default defineTarget({
  name: 'minio@server',
  description: '@stowage/minio (MinIO JS client v8) against @stowage/server over a memory store',
  async options() {
    const server = await startServer({ store: (presign) => new Store(new MemoryDriver({ presign })) });
    const driver = createDriver({
      provider: 'minio',
      endpoint: server.url,
      region: server.region,
      accessKey: server.credentials.accessKeyId,
      secretKey: server.credentials.secretAccessKey,
      serverProfile: 'aws',
    });
    return {
      open: () => new Store(driver),
      allowCompliance: true,
      cleanup: async () => {
        await driver.close();
        await server.close();
      },
    };
  },
  server: () => 'stowage-server (memory store)',
});
