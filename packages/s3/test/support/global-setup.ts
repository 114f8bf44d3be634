import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The tests run against the real servers that scripts/servers/up.sh starts
 * and describes in <repo>/.servers/env.json. In CI (CI=true) a missing file or
 * server fails the run at once with what to do; locally we wait for it (a
 * helper may still be building MinIO), up to STOWAGE_SERVERS_WAIT_S seconds
 * (default 1800).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const ENV_JSON = process.env.STOWAGE_SERVERS_ENV ?? join(ROOT, '.servers/env.json');
const NEEDED = ['ceph', 'minio'] as const;

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
  const env = JSON.parse(readFileSync(ENV_JSON, 'utf8')) as Record<string, { endpoint: string }>;
  for (const s of NEEDED) {
    try {
      await fetch(env[s]!.endpoint, { signal: AbortSignal.timeout(5000) }).then((r) => r.body?.cancel());
    } catch (e) {
      return `the ${s} server at ${env[s]!.endpoint} does not answer (${(e as Error).message})`;
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
        `@stowage/s3 tests need the real Ceph RGW and MinIO servers, and ${why}. ` +
          'Start them with `bash scripts/servers/up.sh` (it writes .servers/env.json), then run the tests again.' +
          (ci ? ' (CI=true: not waiting, not skipping.)' : ''),
      );
    }
    if (!announced) {
      console.warn(`@stowage/s3 tests: waiting for the servers (${why}); set STOWAGE_SERVERS_WAIT_S to change the wait`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}
