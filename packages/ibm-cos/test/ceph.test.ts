/**
 * ibm-cos-sdk with HMAC keys against the real Ceph RGW (scripts/servers/up.sh):
 * the parts of the adapter the conformance target does not single out —
 * streaming both ways, abort, batch chunks, presign, and how Ceph answers
 * IBM's own operations.
 */
import { createHash } from 'node:crypto';
import { isStowageError, Store, type StowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IbmCosDriver, type IbmCosStore } from '../src/index.js';
import { bucketName, cephEnv, cephStore } from './support/servers.js';

const ceph = cephEnv();

async function failure(p: Promise<unknown>): Promise<StowageError> {
  try {
    await p;
  } catch (e) {
    if (isStowageError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe.skipIf(!ceph)('against Ceph RGW (HMAC, profile ceph-rgw)', () => {
  let store: IbmCosStore;
  let bucket: string;

  beforeAll(async () => {
    store = cephStore(ceph!);
    bucket = bucketName('ceph');
    await store.createBucket(bucket);
  });

  afterAll(async () => {
    if (!store) return;
    for (;;) {
      const page = await store.listPage(bucket).catch(() => undefined);
      if (!page || page.objects.length === 0) break;
      await store.deleteMany(bucket, page.objects.map((o) => o.key));
    }
    for (const u of (await store.listUploads(bucket).catch(() => ({ uploads: [] }))).uploads) await store.abortMultipartUpload(u).catch(() => {});
    await store.deleteBucket(bucket).catch(() => {});
    await store.close();
  });

  it('streams a 20 MiB body up (UNSIGNED-PAYLOAD, known length) and down, and a stream of unknown length through multipart', async () => {
    const size = 20 * 1024 * 1024;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = i % 251;
    const digest = createHash('sha256').update(bytes).digest('hex');
    await store.put(bucket, 'big', new Blob([bytes]).stream(), { contentLength: size });
    const got = await store.get(bucket, 'big');
    const hash = createHash('sha256');
    for await (const chunk of got.body.stream() as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest('hex')).toBe(digest);
    const unknown = await store.put(bucket, 'unknown-length', new Blob([bytes]).stream());
    expect(unknown.etag).toMatch(/-\d+"$/);
    expect((await store.head(bucket, 'unknown-length')).size).toBe(size);
  });

  it('an aborted get stops the download; an already-aborted signal does nothing', async () => {
    const controller = new AbortController();
    const got = await store.get(bucket, 'big', { signal: controller.signal });
    const reader = got.body.stream().getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    const e = await failure(store.put(bucket, 'never', 'x', { signal: AbortSignal.abort() }));
    expect(e.code).toBe('Aborted');
    expect((await failure(store.head(bucket, 'never'))).code).toBe('ObjectNotFound');
  });

  it('batch delete goes in chunks of at most 1000 keys', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `batch/${i}`);
    await Promise.all(keys.slice(0, 20).map((k) => store.put(bucket, k, 'x')));
    let calls = 0;
    const counting = new Store(store.ibm, { hooks: { onRequest: (e) => void (e.operation === 'deleteObjects' && calls++) } });
    const results = await counting.deleteMany(bucket, keys);
    expect(results).toHaveLength(1005);
    expect(results.every((r) => r.deleted)).toBe(true);
    expect(calls).toBe(2);
  });

  it('metadata update by copy onto itself with MetadataDirective REPLACE', async () => {
    await store.put(bucket, 'meta', 'body', { metadata: { a: '1' } });
    await store.copy({ bucket, key: 'meta' }, { bucket, key: 'meta' }, { metadataDirective: 'replace', metadata: { b: 'ünïcode' }, contentType: 'text/plain' });
    const info = await store.head(bucket, 'meta');
    expect(info.metadata).toEqual({ b: 'ünïcode' });
    expect(info.contentType).toBe('text/plain');
  });

  it('a presigned GET and PUT work with plain fetch', async () => {
    const put = await store.presign(bucket, 'presigned', { method: 'PUT', expiresIn: 60 });
    expect((await fetch(put, { method: 'PUT', body: 'via url' })).status).toBe(200);
    const get = await store.presign(bucket, 'presigned', { method: 'GET', expiresIn: 60 });
    expect(await (await fetch(get)).text()).toBe('via url');
  });

  it("Ceph answers IBM's own operations InvalidArgument 400 (as DESIGN.md measured)", async () => {
    await store.put(bucket, 'ibm-only', 'x');
    const protection = await failure(store.putBucketProtection(bucket, { status: 'Retention', minimumRetentionDays: 0, defaultRetentionDays: 1, maximumRetentionDays: 2 }));
    expect([protection.code, protection.statusCode]).toEqual(['InvalidArgument', 400]);
    const hold = await failure(store.addLegalHold(bucket, 'ibm-only', 'h'));
    expect(hold.statusCode).toBe(400);
    const extend = await failure(store.extendObjectRetention(bucket, 'ibm-only', { additionalRetentionPeriod: 10 }));
    expect(extend.statusCode).toBe(400);
  });

  it('a wrong secret is AccessDenied and the error never shows it', async () => {
    const bad = new IbmCosDriver({ endpoint: ceph!.endpoint, region: ceph!.region, accessKeyId: ceph!.accessKeyId, secretAccessKey: 'definitely-wrong-secret-42', serverProfile: 'ceph-rgw' });
    const e = await failure(new Store(bad, { retry: false }).listBuckets());
    expect(e.code).toBe('AccessDenied');
    expect(JSON.stringify(e)).not.toContain('definitely-wrong-secret-42');
    await bad.close();
  });
});
