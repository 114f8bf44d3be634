import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';
import { IamTokenService, ibmCosDialect, startServer, type RunningServer } from '@stowage/server';
import { createIbmCosStore, type IbmCosConfig, type IbmCosStore } from '../../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const ENV_JSON = process.env.STOWAGE_SERVERS_ENV ?? join(ROOT, '.servers/env.json');
const CI = process.env.CI === 'true' || process.env.CI === '1';

export interface CephEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  server: string;
}

/**
 * Ceph RGW as scripts/servers/up.sh describes it. Undefined locally when it is
 * not up (the Ceph tests are skipped, loudly); with CI=true a missing server
 * fails the run.
 */
export function cephEnv(): CephEnv | undefined {
  const why = !existsSync(ENV_JSON) ? `${ENV_JSON} does not exist` : undefined;
  let env: Record<string, CephEnv> = {};
  if (!why) env = JSON.parse(readFileSync(ENV_JSON, 'utf8')) as Record<string, CephEnv>;
  const ceph = env.ceph;
  if (!ceph?.endpoint) {
    const message = `@stowage/ibm-cos Ceph tests need Ceph RGW (${why ?? `${ENV_JSON} lists no ceph server`}): run \`bash scripts/servers/up.sh ceph\``;
    if (CI) throw new Error(`${message} (CI=true: not skipping)`);
    console.warn(`${message} — skipping them`);
    return undefined;
  }
  return ceph;
}

export function cephStore(ceph: CephEnv, extra: Partial<IbmCosConfig> = {}): IbmCosStore {
  return createIbmCosStore(
    { endpoint: ceph.endpoint, region: ceph.region, accessKeyId: ceph.accessKeyId, secretAccessKey: ceph.secretAccessKey, serverProfile: 'ceph-rgw', ...extra },
    { retry: { maxAttempts: 2, baseDelayMs: 50 } },
  );
}

export const API_KEY = 'stowage-test-api-key';
export const SERVICE_INSTANCE = 'crn:v1:bluemix:public:cloud-object-storage:global:a/stowage::tests';

export interface IbmServer {
  server: RunningServer;
  iam: IamTokenService;
  store: (extra?: Partial<IbmCosConfig>) => IbmCosStore;
  close(): Promise<void>;
}

/** @stowage/server with the IBM COS dialect and an emulated IAM, over a memory store. */
export async function ibmServer(options: { tokenLifetimeSeconds?: number } = {}): Promise<IbmServer> {
  const iam = new IamTokenService({ apiKeys: [{ apiKey: API_KEY, serviceInstanceId: SERVICE_INSTANCE, name: 'tests' }], tokenLifetimeSeconds: options.tokenLifetimeSeconds });
  const server = await startServer({ store: () => new Store(new MemoryDriver()), dialect: ibmCosDialect({ iam }) });
  const opened: IbmCosStore[] = [];
  return {
    server,
    iam,
    store: (extra = {}) => {
      const s = createIbmCosStore(
        {
          endpoint: server.url,
          region: server.region,
          apiKey: API_KEY,
          serviceInstanceId: SERVICE_INSTANCE,
          ibmAuthEndpoint: `${server.url}/identity/token`,
          serverProfile: 'ibm-cloud',
          ...extra,
        },
        { retry: false },
      );
      opened.push(s);
      return s;
    },
    close: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await server.close();
    },
  };
}

let counter = 0;
export function bucketName(prefix: string): string {
  return `ibmt-${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`.slice(0, 63);
}
