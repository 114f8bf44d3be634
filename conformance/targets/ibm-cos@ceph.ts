import { Store } from '@stowage/core';
import { IbmCosDriver } from '@stowage/ibm-cos';
import { defineTarget, serverListed } from '../src/runner-entry.js';

/**
 * @stowage/ibm-cos (ibm-cos-sdk, HMAC keys: SigV4) against Ceph RGW, with the
 * `ceph-rgw` S3-server profile: what this server does decides what runs.
 */
export default defineTarget({
  name: 'ibm-cos@ceph',
  description: '@stowage/ibm-cos (ibm-cos-sdk, HMAC) against Ceph RGW, S3-server profile ceph-rgw',
  available: (env) => serverListed(env, 'ceph'),
  server: (env) => `${env.ceph?.server ?? 'ceph-rgw'} (profile ceph-rgw)`,
  options: (env) => {
    const ceph = env.ceph!;
    // One driver (one client, one socket pool) for every Store the run opens.
    const driver = new IbmCosDriver({
      endpoint: ceph.endpoint,
      region: ceph.region,
      accessKeyId: ceph.accessKeyId,
      secretAccessKey: ceph.secretAccessKey,
      serverProfile: 'ceph-rgw',
    });
    return { open: () => new Store(driver), allowCompliance: true, cleanup: () => driver.close() };
  },
});
