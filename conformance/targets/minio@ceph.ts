import { Store } from '@stowage/core';
import { createDriver } from '@stowage/minio';
import { defineTarget, serverListed } from '../src/runner-entry.js';

/**
 * @stowage/minio (the `minio` npm client, v8) against Ceph RGW (scripts/servers/up.sh ceph):
 * the MinIO client is a generic S3 client too. The `ceph-rgw` server profile turns off
 * what RGW 16 does not do (conditional writes, conditional copy, non-MD5 checksums,
 * removing a retention) and the MinIO-only extensions (capabilities.minio).
 */
export default defineTarget({
  name: 'minio@ceph',
  description: '@stowage/minio (MinIO JS client v8) against Ceph RGW (scripts/servers/up.sh ceph)',
  available: (env) => serverListed(env, 'ceph'),
  server: (env) => env.ceph?.server,
  options: (env) => {
    const ceph = env.ceph!;
    const driver = createDriver({
      provider: 'minio',
      endpoint: ceph.endpoint,
      region: ceph.region,
      accessKey: ceph.accessKeyId,
      secretKey: ceph.secretAccessKey,
      serverProfile: 'ceph-rgw',
    });
    return { open: () => new Store(driver), allowCompliance: true, cleanup: () => driver.close() };
  },
});
