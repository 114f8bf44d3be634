import { Store } from '@stowage/core';
import { createDriver } from '@stowage/minio';
import { defineTarget, serverListed } from '../src/runner-entry.js';

/**
 * @stowage/minio (the `minio` npm client, v8) against MinIO (scripts/servers/up.sh minio).
 * One driver for every Store the suite opens. COMPLIANCE is allowed: the suite's
 * guard keeps every COMPLIANCE date within 30 s, and the server is a throwaway one.
 */
export default defineTarget({
  name: 'minio@minio',
  description: '@stowage/minio (MinIO JS client v8) against MinIO (scripts/servers/up.sh minio)',
  available: (env) => serverListed(env, 'minio'),
  server: (env) => env.minio?.server,
  options: (env) => {
    const minio = env.minio!;
    const driver = createDriver({
      provider: 'minio',
      endpoint: minio.endpoint,
      region: minio.region,
      accessKey: minio.accessKeyId,
      secretKey: minio.secretAccessKey,
      serverProfile: 'minio',
    });
    return { open: () => new Store(driver), allowCompliance: true, cleanup: () => driver.close() };
  },
});
