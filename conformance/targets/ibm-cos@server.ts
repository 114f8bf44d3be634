import { Store } from '@stowage/core';
import { IbmCosDriver } from '@stowage/ibm-cos';
import { MemoryDriver } from '@stowage/memory';
import { IamTokenService, ibmCosDialect, startServer } from '@stowage/server';
import { defineTarget } from '../src/runner-entry.js';

const API_KEY = 'stowage-conformance-api-key';
const SERVICE_INSTANCE = 'crn:v1:bluemix:public:cloud-object-storage:global:a/stowage::conformance';

/**
 * @stowage/ibm-cos with the IBM Cloud profile (IAM API key → bearer tokens,
 * COMPLIANCE only, no If-Match on PutObject) against @stowage/server's IBM COS
 * dialect over a memory store: the server issues the IAM tokens and checks
 * them on every request. HMAC keys are given too, for presigned URLs only
 * (IBM Cloud presigns with HMAC). IBM's immutable-storage extensions are
 * checked by packages/ibm-cos/test/ibm-extensions.test.ts against the same server.
 */
export default defineTarget({
  name: 'ibm-cos@server',
  description: '@stowage/ibm-cos (IAM bearer tokens, IBM Cloud profile) against @stowage/server (IBM COS dialect, emulated IAM) over a memory store',
  server: () => 'stowage-server ibm-cos dialect (memory store), profile ibm-cloud',
  async options() {
    const iam = new IamTokenService({ apiKeys: [{ apiKey: API_KEY, serviceInstanceId: SERVICE_INSTANCE, name: 'conformance' }] });
    const server = await startServer({ store: () => new Store(new MemoryDriver()), dialect: ibmCosDialect({ iam }) });
    const driver = new IbmCosDriver({
      endpoint: server.url,
      region: server.region,
      apiKey: API_KEY,
      serviceInstanceId: SERVICE_INSTANCE,
      ibmAuthEndpoint: `${server.url}/identity/token`,
      accessKeyId: server.credentials.accessKeyId,
      secretAccessKey: server.credentials.secretAccessKey,
      serverProfile: 'ibm-cloud',
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
});
