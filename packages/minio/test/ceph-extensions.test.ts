import { randomBytes } from 'node:crypto';
import { hasCapability } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINIO_FEATURE_PROFILES, type MinioFeatures, type MinioStore } from '../src/index.js';
import { bucketName, dropBucket, failure, serversEnv, storeFor } from './support/servers.js';

/**
 * The extensions against Ceph RGW 16: those RGW offers work; the others are
 * off by capability (NotSupported before any request), and each one's "off"
 * is backed by the server's answer when the flag is forced on.
 */
describe('extensions on Ceph RGW', () => {
  let store: MinioStore;
  let forced: MinioStore;
  let bucket: string;
  const all = Object.fromEntries(Object.keys(MINIO_FEATURE_PROFILES.minio).map((k) => [k, true])) as unknown as MinioFeatures;

  beforeAll(async () => {
    store = storeFor('ceph');
    forced = storeFor('ceph', { capabilities: { minio: all } });
    bucket = bucketName('cephext');
    await store.createBucket(bucket);
    await store.put(bucket, 'data.csv', 'name,age\nann,30\nbob,20\n');
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
    await forced.close();
  });

  const off = ['listenBucketNotification', 'bucketNotification', 'bucketEncryption', 'replication', 'select', 'postPolicy', 'sseC', 'sseKms'] as const;
  it.each(off)('%s is off by capability and refused before any request', async (feature) => {
    expect(hasCapability(store.capabilities, `minio.${feature}`)).toBe(false);
    const call: Record<(typeof off)[number], () => Promise<unknown>> = {
      listenBucketNotification: () => store.listenBucketNotification(bucket),
      bucketNotification: () => store.getBucketNotification(bucket),
      bucketEncryption: () => store.setBucketEncryption(bucket),
      replication: () => store.getBucketReplication(bucket),
      select: () => store.selectObjectContent(bucket, 'data.csv', { expression: 'SELECT * FROM S3Object', input: { csv: {} }, output: { csv: {} } }),
      postPolicy: () => {
        const p = store.newPostPolicy();
        p.setBucket(bucket);
        return store.presignedPostPolicy(p);
      },
      sseC: async () => store.withEncryption({ type: 'SSE-C', key: randomBytes(32) }),
      sseKms: async () => store.withEncryption({ type: 'SSE-S3' }),
    };
    const e = await failure(call[feature]);
    expect(e.code).toBe('NotSupported');
    expect(e.capability).toBe(`minio.${feature}`);
  });

  it("the server's answers behind each capability that is off", async () => {
    const answer = async (p: () => Promise<unknown>) => {
      const e = await failure(p);
      return `${e.code} ${e.statusCode ?? ''} ${String(e.message)}`;
    };
    expect(await answer(() => forced.setBucketNotification(bucket, { queues: [{ arn: 'arn:minio:sqs::x:webhook', events: ['s3:ObjectCreated:*'] }] }))).toMatch(/MalformedXML 400/);
    expect(await answer(() => forced.setBucketEncryption(bucket))).toMatch(/InvalidArgument 400/);
    expect(
      await answer(() =>
        forced.setBucketReplication(bucket, { role: 'arn:x', rules: [{ ID: 'r', Status: 'Enabled', Priority: 1, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: 'arn:aws:s3:::other' } } as never] }),
      ),
    ).toMatch(/MethodNotAllowed 405/);
    const select = await forced.selectObjectContent(bucket, 'data.csv', { expression: 'SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 25', input: { csv: { FileHeaderInfo: 'USE' } }, output: { csv: {} } });
    const events: Array<{ type: string; payload?: Uint8Array }> = [];
    const e = await failure(async () => {
      for await (const ev of select) events.push(ev);
    });
    expect(Buffer.from(events[0]!.payload!).toString()).toMatch(/failure -->SELECT/);
    expect(String(e.message)).toMatch(/without an End event/);
    expect(await answer(() => forced.withEncryption({ type: 'SSE-C', key: randomBytes(32) }).put(bucket, 'ssec', 'x'))).toMatch(/InvalidRequest 400/);
    expect(await answer(() => forced.withEncryption({ type: 'SSE-S3' }).put(bucket, 'sses3', 'x'))).toMatch(/InvalidRequest 400/);
    // No POST policy upload is sent here: RGW 16.2.15 answers it 400 "Malformed JSON" and, now
    // and then, segfaults parsing its policy (see profiles.ts), which took every later test down.
    const listen = await forced.listenBucketNotification(bucket, { events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] });
    expect(await answer(() => listen.ready)).toMatch(/SignatureDoesNotMatch 403/);
  });

  it('what RGW offers works: bucket policy (anonymous GET 200, then 403), lifecycle, tagging, lock configuration delete, presignedUrl', async () => {
    await store.put(bucket, 'public/doc', 'open');
    const url = `${serversEnv().ceph.endpoint}/${bucket}/public/doc`;
    expect((await fetch(url)).status).toBe(403);
    await store.setBucketPolicy(bucket, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${bucket}/public/*`] }] });
    expect((await fetch(url)).status).toBe(200);
    await store.deleteBucketPolicy(bucket); // RGW answers this DELETE with 200, not the 204 the client insists on
    expect((await fetch(url)).status).toBe(403);

    await store.setBucketLifecycle(bucket, { Rule: [{ ID: 'tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 2 } }] } as never);
    expect((await store.getBucketLifecycle(bucket))?.Rule[0]).toMatchObject({ ID: 'tmp', Status: 'Enabled' });
    await store.deleteBucketLifecycle(bucket);
    expect(await store.getBucketLifecycle(bucket)).toBeNull();

    await store.setObjectTagging(bucket, 'data.csv', { k: '007' });
    expect(await store.getObjectTagging(bucket, 'data.csv')).toEqual({ k: '007' });

    const locked = bucketName('cephlock');
    await store.createBucket(locked, { objectLock: true });
    try {
      await store.setDefaultRetention(locked, { mode: 'GOVERNANCE', days: 1 });
      await store.deleteObjectLockConfiguration(locked);
      expect(await store.getObjectLockConfiguration(locked)).toEqual({ enabled: true });
    } finally {
      await dropBucket(store, locked);
    }

    const del = await store.presignedUrl('DELETE', bucket, 'public/doc', { expiresIn: 60 });
    expect((await fetch(del, { method: 'DELETE' })).status).toBe(204);
    expect((await failure(store.head(bucket, 'public/doc'))).code).toBe('ObjectNotFound');
  });
});
