import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isStowageError, type Store } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, upload } from '../src/index.js';
import { FAULT_KINDS, startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { dropBucket, hasServer, openServer, pendingUploads, serverEnv, type ServerName } from './support/servers.js';
import { readAll } from './support/stores.js';

/**
 * Faults on the wire: ≥ 20 uploads and ≥ 20 downloads of 64 MiB in 8 MiB parts
 * through the fault proxy, each fault kind at 5 % of requests. Every transfer
 * ends byte-identical or fails with a typed (Stowage) error; every kind fires;
 * no multipart upload is left behind.
 */
const MiB = 1024 * 1024;
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const COUNT = 20;
const SIZE = 64 * MiB;
const PART = 8 * MiB;
const PARALLEL = 3;
const RATE = 0.05;
const GC = fileURLToPath(new URL('../../../scripts/servers/gc.sh', import.meta.url));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
// Stalls must be given up on and retried: attempts time out, idle bodies too.
const RETRY = { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 250, attemptTimeoutMs: 8_000, idleBodyTimeoutMs: 3_000 };

async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

for (const name of ['minio', 'ceph'] as ServerName[]) {
  describe.skipIf(!hasServer(name))(`faults on the wire at ${RATE * 100} % per kind: ${name}`, { timeout: 900_000 }, () => {
    let direct: Store;
    let faulty: Store;
    let proxy: FaultProxy;
    const bucket = `transfer-faults-${name}-${RUN}`;
    const data = randomBytes(SIZE);
    const digest = sha256(data);

    beforeAll(async () => {
      if (name === 'ceph') await promisify(execFile)('bash', [GC], { timeout: 120_000 }).catch((e) => console.warn(`ceph gc: ${String(e)}`));
      direct = openServer(name);
      await direct.createBucket(bucket);
      proxy = await startFaultProxy({
        target: serverEnv[name]!.endpoint,
        seed: name === 'minio' ? 20261122 : 1122,
        rates: Object.fromEntries(FAULT_KINDS.map((k) => [k, RATE])),
      });
      faulty = openServer(name, { endpoint: proxy.url, retry: RETRY });
    }, 180_000);
    afterAll(async () => {
      await proxy?.close();
      await faulty?.close();
      await dropBucket(direct, bucket);
      await direct.close();
    }, 120_000);

    it(`${COUNT} uploads and ${COUNT} downloads of 64 MiB: byte-identical or a typed error; every fault kind fired; no upload left`, async () => {
      const started = performance.now();
      const outcome = { uploadsOk: 0, uploadsFailed: [] as string[], downloadsOk: 0, downloadsFailed: [] as string[] };
      const keys = Array.from({ length: COUNT }, (_, i) => `obj-${i}`);

      await pool(keys, PARALLEL, async (key) => {
        try {
          await upload(faulty, bucket, key, data, { partSize: PART, concurrency: 2, signal: AbortSignal.timeout(180_000), cleanupTimeoutMs: 60_000 });
          outcome.uploadsOk++;
        } catch (e) {
          expect(isStowageError(e), `upload ${key}: not a typed error: ${String(e)}`).toBe(true);
          outcome.uploadsFailed.push(`${key}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      });
      // Whatever was stored is the bytes sent (a failed complete may still have stored the object).
      const stored: string[] = [];
      for (const key of keys) {
        const h = await direct.head(bucket, key).catch(() => undefined);
        if (h) {
          expect(sha256(await readAll(download(direct, bucket, key, { signal: AbortSignal.timeout(120_000) }).stream())), key).toBe(digest);
          stored.push(key);
        }
      }
      expect(stored.length).toBeGreaterThanOrEqual(outcome.uploadsOk);
      if (stored.length === 0) {
        await upload(direct, bucket, 'clean', data, { partSize: PART });
        stored.push('clean');
      }
      const uploadsMs = performance.now() - started;

      await pool(Array.from({ length: COUNT }, (_, i) => stored[i % stored.length]!), PARALLEL, async (key) => {
        try {
          const bytes = await readAll(download(faulty, bucket, key, { strategy: 'ranges', rangeSize: PART, concurrency: 2, signal: AbortSignal.timeout(180_000) }).stream());
          expect(sha256(bytes), `download ${key}`).toBe(digest);
          outcome.downloadsOk++;
        } catch (e) {
          expect(isStowageError(e), `download ${key}: not a typed error: ${String(e)}`).toBe(true);
          outcome.downloadsFailed.push(`${key}: ${(e as Error).name}: ${(e as Error).message}`);
        }
      });
      const totalMs = performance.now() - started;

      console.log(
        `[faults ${name}] ${proxy.log.length} requests, counters ${JSON.stringify(proxy.counters)}; ` +
          `uploads ${outcome.uploadsOk}/${COUNT} ok, downloads ${outcome.downloadsOk}/${COUNT} ok; uploads ${(uploadsMs / 1000).toFixed(1)} s, total ${(totalMs / 1000).toFixed(1)} s`,
      );
      for (const f of [...outcome.uploadsFailed, ...outcome.downloadsFailed]) console.log(`[faults ${name}] failed: ${f}`);

      for (const kind of FAULT_KINDS) expect(proxy.counters[kind], `fault ${kind} never fired`).toBeGreaterThan(0);
      expect(await pendingUploads(direct, bucket)).toEqual([]);
    });
  });
}
