/**
 * The SDK's IAM token lifecycle, observed at the (emulated) IAM endpoint:
 * tokens that expire 40 s after issue, requests for 45 s. The SDK refreshes a
 * token at 75 % of its lifetime (30 s here) and treats one with under 15 s
 * left as expired, so the run needs at least two token requests and never
 * sends an expired token (the server would answer 401).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ibmServer, bucketName, type IbmServer } from './support/servers.js';

const LIFETIME_S = 40;
const RUN_MS = 45_000;

let env: IbmServer;

beforeAll(async () => {
  env = await ibmServer({ tokenLifetimeSeconds: LIFETIME_S });
});

afterAll(async () => {
  await env?.close();
});

it(
  `with ${LIFETIME_S} s tokens, a ${RUN_MS / 1000} s run makes at least 2 token requests and sees no 401`,
  async () => {
    const store = env.store();
    const bucket = bucketName('tokens');
    const started = Date.now();
    await store.createBucket(bucket);
    const first = store.ibm.iamToken()!;
    expect(first.expiration.getTime() - started).toBeLessThanOrEqual(LIFETIME_S * 1000 + 1000);
    const failures: string[] = [];
    const refreshedAt: number[] = [];
    let requests = 0;
    let lastTokens = env.iam.tokensIssued;
    while (Date.now() - started < RUN_MS) {
      try {
        await store.put(bucket, `k${requests % 5}`, `body ${requests}`);
        await store.getBytes(bucket, `k${requests % 5}`);
        requests += 2;
      } catch (e) {
        failures.push(`${(e as { statusCode?: number }).statusCode ?? '?'} ${(e as Error).message}`);
      }
      if (env.iam.tokensIssued !== lastTokens) {
        lastTokens = env.iam.tokensIssued;
        refreshedAt.push(Date.now() - started);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(failures).toEqual([]);
    expect(env.iam.expiredTokenRefusals).toBe(0);
    expect(env.iam.tokenRequests).toBeGreaterThanOrEqual(2);
    expect(requests).toBeGreaterThan(50);
    // The first refresh comes at about 75 % of the lifetime (30 s), well before the 15 s cut-off (25 s left).
    expect(refreshedAt[0]).toBeGreaterThan(LIFETIME_S * 1000 * 0.6);
    expect(refreshedAt[0]).toBeLessThan(LIFETIME_S * 1000 * 0.9);
    const current = store.ibm.iamToken()!;
    expect(current.expiration.getTime()).toBeGreaterThan(first.expiration.getTime());
  },
  70_000,
);
