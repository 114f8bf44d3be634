import { Store } from '@stowage/core';
import { createDriver } from '@stowage/s3';
import { defineTarget, serverListed } from '../src/runner-entry.js';

/**
 * @stowage/s3 (@aws-sdk/client-s3 v3) against MinIO (scripts/servers/up.sh minio), with
 * core's `minio` S3-server profile: MinIO's key rules and listing / upload-list
 * deviations are declared there, with the server's measured answer. COMPLIANCE is
 * allowed: the suite's guard keeps every COMPLIANCE date within 30 s, and the server
 * is a throwaway one.
 */
export default defineTarget({
  name: 's3@minio',
  description: '@stowage/s3 (AWS SDK v3) against MinIO (scripts/servers/up.sh minio), S3-server profile minio',
  available: (env) => serverListed(env, 'minio'),
  server: (env) => `${env.minio?.server ?? 'minio'} (profile minio)`,
  options: (env) => {
    const minio = env.minio!;
    const driver = createDriver({
      provider: 's3',
      endpoint: minio.endpoint,
      region: minio.region,
      forcePathStyle: true,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
      serverProfile: 'minio',
    });
    return { open: () => new Store(driver), allowCompliance: true, cleanup: () => driver.close() };
  },
});
