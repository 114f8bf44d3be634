import { MediaStoreDataClient } from '@aws-sdk/client-mediastore-data';
import { Store } from '@stowage/core';
import { MemoryDriver } from '@stowage/memory';
import { mediaStoreDialect, startServer, type MediaStoreDialectOptions, type RunningServer, type StartServerOptions } from '@stowage/server';

export const CREDS = { accessKeyId: 'ms-test-access', secretAccessKey: 'ms-test-secret-key' };
export const CONTAINER = 'media-box';

/** A MediaStore Data server over a fresh memory store whose bucket CONTAINER is the container; `requests` counts what reached it. */
export async function mediaStoreServer(
  options: { dialect?: Partial<MediaStoreDialectOptions>; server?: StartServerOptions; createContainer?: boolean } = {},
): Promise<{ server: RunningServer; memory: Store; requests: string[] }> {
  const memory = new Store(new MemoryDriver());
  if (options.createContainer !== false) await memory.createBucket(CONTAINER);
  const requests: string[] = [];
  const server = await startServer({
    store: memory,
    credentials: CREDS,
    dialect: mediaStoreDialect({ container: CONTAINER, ...options.dialect }),
    log: (line) => requests.push(line),
    ...options.server,
  });
  return { server, memory, requests };
}

/** The raw SDK client, retries off. */
export function sdk(server: RunningServer, credentials = CREDS): MediaStoreDataClient {
  return new MediaStoreDataClient({ endpoint: server.url, region: server.region, credentials, maxAttempts: 1 });
}

export function bytes(n: number, seed = 1): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Resolves with what a promise rejected with (fails if it resolved). */
export async function rejection(p: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a rejection, got a result');
}
