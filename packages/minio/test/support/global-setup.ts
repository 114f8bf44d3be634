import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tests run against the real servers that scripts/servers/up.sh starts
 * and describes in <repo>/.servers/env.json: MinIO (`minio`), the TLS / KMS /
 * webhook / replication pair (`minio-features`) and Ceph RGW (`ceph`). With
 * CI=true a missing server fails the run at once (never a silent skip);
 * locally the run waits for them, up to STOWAGE_SERVERS_WAIT_S seconds (default 1800).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const ENV_JSON = process.env.STOWAGE_SERVERS_ENV ?? join(ROOT, '.servers/env.json');
const NEEDED = ['minio', 'minio-features', 'ceph'] as const;

function missing(): string | undefined {
  if (!existsSync(ENV_JSON)) return `${ENV_JSON} does not exist`;
  let env: Record<string, { endpoint?: string }>;
  try {
    env = JSON.parse(readFileSync(ENV_JSON, 'utf8'));
  } catch (e) {
    return `${ENV_JSON} is not JSON (${(e as Error).message})`;
  }
  const absent = NEEDED.filter((s) => !env[s]?.endpoint);
  return absent.length ? `${ENV_JSON} lists no ${absent.join(' / ')} server` : undefined;
}

async function reachable(): Promise<string | undefined> {
  const env = JSON.parse(readFileSync(ENV_JSON, 'utf8')) as Record<string, { endpoint: string; caFile?: string }>;
  for (const s of NEEDED) {
    const { endpoint, caFile } = env[s]!;
    const url = `${endpoint}/minio/health/live`;
    try {
      if (caFile) {
        // fetch cannot take a CA: a TLS handshake with it proves the server is up
        const { request } = await import('node:https');
        await new Promise<void>((resolve, reject) => {
          const req = request(url, { ca: readFileSync(caFile), timeout: 5000 }, (res) => {
            res.resume();
            resolve();
          });
          req.on('error', reject);
          req.on('timeout', () => req.destroy(new Error('timed out')));
          req.end();
        });
      } else {
        await fetch(endpoint, { signal: AbortSignal.timeout(5000) }).then((r) => r.body?.cancel());
      }
    } catch (e) {
      return `the ${s} server at ${endpoint} does not answer (${(e as Error).message})`;
    }
  }
  return undefined;
}

export default async function setup(): Promise<void> {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const waitS = Number(process.env.STOWAGE_SERVERS_WAIT_S ?? (ci ? 0 : 1800));
  const deadline = Date.now() + waitS * 1000;
  let announced = false;
  for (;;) {
    const why = missing() ?? (await reachable());
    if (why === undefined) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `@stowage/minio tests need the real MinIO, MinIO-features and Ceph RGW servers, and ${why}. ` +
          'Start them with `bash scripts/servers/up.sh` (it writes .servers/env.json), then run the tests again.' +
          (ci ? ' (CI=true: not waiting, not skipping.)' : ''),
      );
    }
    if (!announced) {
      console.warn(`@stowage/minio tests: waiting for the servers (${why}); set STOWAGE_SERVERS_WAIT_S to change the wait`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}
