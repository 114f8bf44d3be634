import { existsSync, readFileSync } from 'node:fs';
import { Store, type Driver, type RetryOptions } from '@stowage/core';
import { createS3Store } from '@stowage/s3';

/**
 * The real servers (scripts/servers), credentials in .servers/env.json.
 * Without it suites skip locally; under CI=true a missing server fails.
 */
export type ServerName = 'minio' | 'ceph';
export interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const ENV_FILE = new URL('../../../../.servers/env.json', import.meta.url);
const present = existsSync(ENV_FILE);
if (!present && process.env.CI === 'true') throw new Error(`${ENV_FILE.pathname} is missing: the real servers must run in CI (scripts/servers/up.sh)`);
export const serverEnv = present ? (JSON.parse(readFileSync(ENV_FILE, 'utf8')) as Record<string, ServerEnv>) : {};
for (const name of ['minio', 'ceph'] as const) {
  if (present && serverEnv[name] === undefined && process.env.CI === 'true') throw new Error(`${ENV_FILE.pathname} has no "${name}" entry: the real servers must run in CI`);
}
export const hasServer = (name: ServerName) => serverEnv[name] !== undefined;
export const ENV_PATH = ENV_FILE.pathname;

export function openServer(name: ServerName, options: { endpoint?: string; retry?: RetryOptions | false } = {}): Store {
  const e = serverEnv[name]!;
  return createS3Store(
    { endpoint: options.endpoint ?? e.endpoint, region: e.region, accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey, serverProfile: name === 'ceph' ? 'ceph-rgw' : 'minio' },
    { retry: options.retry ?? { maxAttempts: 3, baseDelayMs: 50, attemptTimeoutMs: 60_000 } },
  );
}

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Method<K extends keyof Driver> = NonNullable<Driver[K]> extends Fn ? NonNullable<Driver[K]> : never;
export type DriverWrap = Partial<{ [K in keyof Driver]: (inner: Driver, req: Parameters<Method<K>>[0]) => ReturnType<Method<K>> }>;

/** The same driver with some methods wrapped (`wrap.uploadPart = (inner, req) => …`). */
export function wrappedStore(store: Store, wrap: DriverWrap, retry: RetryOptions | false = { maxAttempts: 3, baseDelayMs: 50 }): Store {
  const inner = store.unwrapDriver();
  const driver = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      const w = (wrap as Record<string | symbol, ((d: Driver, r: unknown) => unknown) | undefined>)[prop];
      if (w) return (req: unknown) => w(target, req);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Driver;
  return new Store(driver, { retry });
}

/** Upload ids still listed under `prefix`. */
export async function pendingUploads(store: Store, bucket: string, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listUploads(bucket, { ...(prefix ? { prefix } : {}), ...(cursor ? { cursor } : {}), signal: AbortSignal.timeout(30_000) });
    out.push(...page.uploads.map((u) => `${u.key}:${u.uploadId}`));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Deletes every object and upload in the bucket, then the bucket. */
export async function dropBucket(store: Store, bucket: string): Promise<void> {
  for await (const o of store.list(bucket)) await store.delete(bucket, o.key).catch(() => {});
  for (const u of (await store.listUploads(bucket).catch(() => ({ uploads: [] }))).uploads) await store.abortMultipartUpload(u).catch(() => {});
  await store.deleteBucket(bucket).catch(() => {});
}
