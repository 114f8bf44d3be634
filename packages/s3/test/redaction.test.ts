import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '@stowage/core';
import * as s3 from '../src/index.js';
import { failure, serverEnv, SERVERS, type ServerName } from './support/servers.js';

/** An error from a wrong secret, printed every way, never shows the secret. */
describe.each(SERVERS)('redaction on %s', (server: ServerName) => {
  const opened: Store[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it('a wrong secret: AccessDenied, with no secret in inspect (depth 9), JSON, message or stack', async () => {
    const env = serverEnv(server);
    const secret = `wrong-secret-${server}-${Math.random().toString(36).slice(2)}`;
    const token = `session-token-${server}-${Math.random().toString(36).slice(2)}`;
    const store = s3.createS3Store({ endpoint: env.endpoint, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: secret } }, { retry: false });
    opened.push(store);
    const e = await failure(() => store.listBuckets());
    expect(e.code).toBe('AccessDenied');
    expect(e.statusCode).toBe(403);
    expect(String((e.cause as { name?: string }).name)).toBe('SignatureDoesNotMatch');

    const withToken = s3.createS3Store({ endpoint: env.endpoint, region: env.region, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: secret, sessionToken: token } }, { retry: false });
    opened.push(withToken);
    const t = await failure(() => withToken.get('some-bucket', 'some-key'));
    expect(t.code).toBe('AccessDenied');

    for (const err of [e, t]) {
      const printed = [inspect(err, { depth: 9 }), inspect(err, { depth: 9, showHidden: true }), JSON.stringify(err), String(err), err.message, err.stack ?? '', inspect({ wrapped: err }, { depth: 9 })];
      for (const text of printed) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(token);
      }
    }
  });

  it('a config URL with the secret: the error printed still has no secret', async () => {
    const env = serverEnv(server);
    const secret = `url-secret-${server}-${Math.random().toString(36).slice(2)}`;
    const host = new URL(env.endpoint).host;
    const url = `s3://${encodeURIComponent(env.accessKeyId)}:${encodeURIComponent(secret)}@${host}?useSSL=false&region=${env.region}&forcePathStyle=true`;
    const store = await openStore(url, { modules: { s3 }, retry: false });
    opened.push(store);
    const e = await failure(() => store.head('bucket', 'key'));
    expect(e.code).toBe('AccessDenied');
    for (const text of [inspect(e, { depth: 9 }), JSON.stringify(e), e.stack ?? '']) expect(text).not.toContain(secret);
  });
});
