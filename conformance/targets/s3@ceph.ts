import { Store } from '@stowage/core';
import { createDriver } from '@stowage/s3';
import { defineTarget, serverListed } from '../src/runner-entry.js';

/**
 * @stowage/s3 (@aws-sdk/client-s3 v3) against Ceph RGW (scripts/servers/up.sh ceph),
 * with core's `ceph-rgw` S3-server profile: what RGW 16 does not do (conditional
 * writes and copies, non-MD5 checksums, removing a retention, completing with a
 * subset of the parts) is declared there, with the server's measured answer.
 */
export default defineTarget({
  name: 's3@ceph',
  description: '@stowage/s3 (AWS SDK v3) against Ceph RGW (scripts/servers/up.sh ceph), S3-server profile ceph-rgw',
  available: (env) => serverListed(env, 'ceph'),
  server: (env) => `${env.ceph?.server ?? 'ceph-rgw'} (profile ceph-rgw)`,
  options: (env) => {
    const ceph = env.ceph!;
    // One driver (one client, one socket pool) for every Store the run opens.
    const driver = createDriver({
      provider: 's3',
      endpoint: ceph.endpoint,
      region: ceph.region,
      forcePathStyle: true,
      accessKeyId: ceph.accessKeyId,
      secretAccessKey: ceph.secretAccessKey,
      serverProfile: 'ceph-rgw',
    });
    return { open: () => new Store(driver), allowCompliance: true, cleanup: () => driver.close() };
  },
});
