import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletedPart } from '@stowage/core';
import type { S3Store } from '../src/index.js';
import { bucketName, dropBucket, failure, SERVERS, storeFor, type ServerName } from './support/servers.js';

const b64 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

/** Whole-object checksums the server keeps (capabilities.storedChecksums), on each real server. */
describe.each(SERVERS)('stored checksums on %s', (server: ServerName) => {
  let store: S3Store;
  let bucket: string;
  const p1 = Buffer.alloc(5 * 1024 * 1024, 1);
  const p2 = Buffer.from('the last part');
  const whole = Buffer.concat([p1, p2]);

  beforeAll(async () => {
    store = storeFor(server);
    bucket = bucketName(`stored-crc-${server}`);
    await store.createBucket(bucket);
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
  });

  const keeps = () => (store.capabilities.storedChecksums ?? []).includes('crc32');

  it('a full-object CRC32 multipart upload: the server checks the whole CRC and answers it to a checksum-mode HEAD and GET', async (ctx) => {
    if (!keeps()) ctx.skip(); // capabilities.storedChecksums: Ceph RGW 16 keeps no checksum
    const upload = await store.createMultipartUpload(bucket, 'full', { checksum: { algorithm: 'crc32', type: 'full-object' } });
    const parts: CompletedPart[] = [];
    for (const [i, p] of [p1, p2].entries()) {
      const checksum = { algorithm: 'crc32' as const, value: b64(crc32(p)) };
      const done = await store.uploadPart(upload, i + 1, p, { checksum });
      parts.push({ ...done, checksum });
    }
    const wrong = await failure(() => store.completeMultipartUpload(upload, parts, { checksum: { algorithm: 'crc32', value: b64(crc32(p1)) } }));
    expect(['IntegrityError', 'InvalidArgument']).toContain(wrong.code);
    await store.completeMultipartUpload(upload, parts, { checksum: { algorithm: 'crc32', value: b64(crc32(whole)) } });
    const head = await store.head(bucket, 'full', { checksum: true });
    expect(head.checksum).toEqual({ algorithm: 'crc32', type: 'full-object', value: b64(crc32(whole)) });
    const got = await store.get(bucket, 'full', { checksum: true });
    expect(got.info.checksum).toEqual(head.checksum);
    expect(Buffer.from(await got.body.bytes()).equals(whole)).toBe(true);
    // not asked: not there
    expect((await store.head(bucket, 'full')).checksum).toBeUndefined();
  });

  it('a single put with a CRC32 keeps it as the full-object checksum', async (ctx) => {
    if (!keeps()) ctx.skip(); // capabilities.storedChecksums
    await store.put(bucket, 'single', whole, { checksum: { algorithm: 'crc32', value: b64(crc32(whole)) } });
    expect((await store.head(bucket, 'single', { checksum: true })).checksum).toEqual({ algorithm: 'crc32', type: 'full-object', value: b64(crc32(whole)) });
  });

  it('a server that keeps no checksum: asking for one at CreateMultipartUpload is refused before any request', async (ctx) => {
    if (keeps()) ctx.skip(); // capabilities.storedChecksums lists crc32 here
    const err = await failure(() => store.createMultipartUpload(bucket, 'nope', { checksum: { algorithm: 'crc32', type: 'full-object' } }));
    expect(err.code).toBe('NotSupported');
    expect((await store.listUploads(bucket)).uploads.filter((u) => u.key === 'nope')).toEqual([]);
  });

  it('a full-object checksum must be a CRC', async () => {
    const err = await failure(() => store.createMultipartUpload(bucket, 'sha', { checksum: { algorithm: 'sha256', type: 'full-object' } }));
    expect(['InvalidArgument', 'NotSupported']).toContain(err.code);
  });
});
