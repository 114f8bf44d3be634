import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../src/index.js';
import { bucketName, dropBucket, failure, SERVERS, storeFor, type ServerName } from './support/servers.js';

/**
 * UNSIGNED-PAYLOAD is safe only because the server checks the body against
 * the signed checksum header: on each real server, a body that does not match
 * its checksum is refused, and a matching one lands intact.
 */
describe.each(SERVERS)('unsigned payloads on %s', (server: ServerName) => {
  let store: S3Store;
  let bucket: string;
  const seen: string[] = [];

  beforeAll(async () => {
    store = storeFor(server);
    // what the signer was told about the payload, for each PUT that reached the wire
    store.native().middlewareStack.add(
      ((next: (a: { request: unknown }) => Promise<unknown>) => async (a: { request: unknown }) => {
        const r = a.request as { method?: string; headers?: Record<string, string> };
        if (r.method === 'PUT') seen.push(r.headers?.['x-amz-content-sha256'] ?? '');
        return next(a);
      }) as never,
      { step: 'finalizeRequest', priority: 'low', name: 'testSeenPayloadHash' },
    );
    bucket = bucketName(`unsigned-${server}`);
    await store.createBucket(bucket);
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
  });

  const part = Buffer.alloc(5 * 1024 * 1024, 3);
  const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('base64');

  it('a part with a Content-MD5 that does not match its body is refused (IntegrityError), a matching one is stored', async () => {
    const upload = await store.createMultipartUpload(bucket, 'parts');
    try {
      const wrong = md5(Buffer.from('something else'));
      const err = await failure(() => store.uploadPart(upload, 1, part, { contentMd5: wrong }));
      expect(err.code).toBe('IntegrityError');
      expect(seen.at(-1)).toBe('UNSIGNED-PAYLOAD');
      const ok = await store.uploadPart(upload, 1, part, { contentMd5: md5(part) });
      expect(seen.at(-1)).toBe('UNSIGNED-PAYLOAD');
      expect(ok.etag).toBe(`"${createHash('md5').update(part).digest('hex')}"`);
      await store.completeMultipartUpload(upload, [ok]);
      const got = Buffer.from(await store.getBytes(bucket, 'parts'));
      expect(got.equals(part)).toBe(true);
    } finally {
      await store.abortMultipartUpload(upload).catch(() => {});
    }
  });

  it('a CRC32 the server verifies guards an unsigned put on loopback', async (ctx) => {
    if (!store.capabilities.checksums.includes('crc32')) ctx.skip(); // capabilities.checksums: Ceph Pacific verifies Content-MD5 only
    const body = Buffer.from('crc guarded body');
    const good = Buffer.alloc(4);
    good.writeUInt32BE(crc32(body));
    const bad = Buffer.alloc(4);
    bad.writeUInt32BE(crc32(Buffer.from('other')));
    const err = await failure(() => store.put(bucket, 'crc', body, { checksum: { algorithm: 'crc32', value: bad.toString('base64') } }));
    expect(err.code).toBe('IntegrityError');
    expect(seen.at(-1)).toBe('UNSIGNED-PAYLOAD');
    await store.put(bucket, 'crc', body, { checksum: { algorithm: 'crc32', value: good.toString('base64') } });
    expect(seen.at(-1)).toBe('UNSIGNED-PAYLOAD');
    expect(Buffer.from(await store.getBytes(bucket, 'crc')).equals(body)).toBe(true);
  });
});
