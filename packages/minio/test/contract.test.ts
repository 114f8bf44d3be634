import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { isStowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinioStore } from '../src/index.js';
import { bucketName, collect, dropBucket, failure, storeFor, type Target } from './support/servers.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** The core contract on the MinIO client, against MinIO (plain and TLS) and Ceph RGW. */
describe.each<Target>(['minio', 'features', 'ceph'])('the core contract on the minio client: %s', (target) => {
  let store: MinioStore;
  let bucket: string;
  let locked: string;

  beforeAll(async () => {
    store = storeFor(target);
    bucket = bucketName(`c-${target}`);
    locked = bucketName(`l-${target}`);
    await store.createBucket(bucket);
    await store.createBucket(locked, { objectLock: true });
  });

  afterAll(async () => {
    await dropBucket(store, bucket).catch(() => {});
    await dropBucket(store, locked).catch(() => {});
    await store.close();
  });

  it('buckets: create with the object-lock flag (versioning on), exists, list, delete; errors typed', async () => {
    expect(await store.bucketExists(bucket)).toBe(true);
    expect(await store.getVersioning(locked)).toBe('Enabled');
    expect((await store.getObjectLockConfiguration(locked)).enabled).toBe(true);
    expect((await store.listBuckets()).map((b) => b.name)).toContain(bucket);
    expect((await failure(store.createBucket(bucket))).code).toBe('AlreadyExists');
    expect((await failure(store.deleteBucket(bucketName('missing')))).code).toBe('BucketNotFound');
    expect(await store.bucketExists(bucketName('missing'))).toBe(false);
  });

  it('streams in and out: a web stream of declared length, a Node Readable, and a slow consumer', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const chunks = [data.subarray(0, 1000), data.subarray(1000, 2_000_000), data.subarray(2_000_000)];
    const web = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const put = await store.put(bucket, 'stream/web', web, { contentLength: data.length, contentType: 'application/x-test' });
    expect(put.etag).toBe(`"${md5(data)}"`);
    await store.put(bucket, 'stream/node', Readable.from([data.subarray(0, 10), data.subarray(10)]), { contentLength: data.length });
    const got = await store.get(bucket, 'stream/node');
    const parts: Uint8Array[] = [];
    for await (const c of got.body) parts.push(c);
    expect(md5(Buffer.concat(parts))).toBe(md5(data));
    expect(got.info).toMatchObject({ size: data.length, etag: `"${md5(data)}"` });
  });

  it('offset / length ranges: 206 with the span asked for; info.size is the whole object', async () => {
    const data = randomBytes(100_000);
    await store.put(bucket, 'range/k', data);
    const r = await store.get(bucket, 'range/k', { range: { offset: 1000, length: 5000 } });
    expect(r.range).toEqual({ start: 1000, end: 5999 });
    expect(r.info.size).toBe(100_000);
    expect(Buffer.from(await r.body.bytes()).equals(data.subarray(1000, 6000))).toBe(true);
    expect(Buffer.from(await store.getBytes(bucket, 'range/k', { range: { suffix: 10 } })).equals(data.subarray(-10))).toBe(true);
    expect((await failure(store.get(bucket, 'range/k', { range: { offset: 100_000 } }))).code).toBe('InvalidRange');
  });

  it('stat, copy with metadata replace, keys the client itself mangles in x-amz-copy-source', async () => {
    await store.put(bucket, 'copy/src?a#b+c;d', 'payload', { metadata: { one: '1' }, contentType: 'text/plain' });
    const head = await store.head(bucket, 'copy/src?a#b+c;d');
    expect(head).toMatchObject({ size: 7, contentType: 'text/plain', metadata: { one: '1' } });
    await store.copy({ bucket, key: 'copy/src?a#b+c;d' }, { bucket, key: 'copy/dst' }, { metadataDirective: 'replace', metadata: { two: 'zwei é' }, contentType: 'text/x-copy' });
    const copied = await store.head(bucket, 'copy/dst');
    expect(copied.metadata).toEqual({ two: 'zwei é' });
    expect(copied.contentType).toBe('text/x-copy');
    expect(await (await store.get(bucket, 'copy/dst')).body.text()).toBe('payload');
    expect((await failure(store.copy({ bucket, key: 'copy/none' }, { bucket, key: 'copy/x' }))).code).toBe('ObjectNotFound');
  });

  it('batch delete: per-key results, a locked version refused with ObjectLocked, the rest deleted; bypass deletes it', async () => {
    const free = await store.put(locked, 'batch/free', 'f');
    const held = await store.put(locked, 'batch/held', 'h', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 3600_000) } });
    const results = await store.deleteMany(locked, [
      { key: 'batch/free', versionId: free.versionId! },
      { key: 'batch/held', versionId: held.versionId! },
    ]);
    expect(results[0]).toMatchObject({ deleted: true });
    expect(results[1]).toMatchObject({ deleted: false });
    const error = (results[1] as { error: { code: string; statusCode?: number } }).error;
    expect(error.code).toBe('ObjectLocked');
    const bypassed = await store.deleteMany(locked, [{ key: 'batch/held', versionId: held.versionId! }], { bypassGovernanceRetention: true });
    expect(bypassed[0]).toMatchObject({ deleted: true });
  });

  it('batch delete of keys with tab, newline and carriage return (sent as XML character references)', async () => {
    const keys = ['ctl/a\tb', 'ctl/c\nd', 'ctl/e\rf', 'ctl/<&>'];
    for (const k of keys) await store.put(bucket, k, 'x');
    const results = await store.deleteMany(bucket, keys);
    expect(results.map((r) => [r.key, r.deleted])).toEqual(keys.map((k) => [k, true]));
    expect((await store.listPage(bucket, { prefix: 'ctl/' })).objects).toEqual([]);
  });

  it('a locked version delete maps to ObjectLocked (MinIO: 400 InvalidRequest; Ceph: 403 AccessDenied)', async () => {
    const v = await store.put(locked, 'single/held', 'h', { legalHold: true });
    const e = await failure(store.delete(locked, 'single/held', { versionId: v.versionId }));
    expect(e.code).toBe('ObjectLocked');
    expect(e.statusCode).toBe(target === 'ceph' ? 403 : 400);
    expect(String((e as { cause?: { code?: string } }).cause?.code ?? (e as { cause?: { Code?: string } }).cause?.Code)).toBe(target === 'ceph' ? 'AccessDenied' : 'InvalidRequest');
    await store.setLegalHold(locked, 'single/held', false, { versionId: v.versionId });
    await store.delete(locked, 'single/held', { versionId: v.versionId });
  });

  it('listing: prefix, "/" delimiter, startAfter, pages; keys the client parser turns into numbers', async () => {
    for (const k of ['ls/0123', 'ls/1e3', 'ls/a/1', 'ls/a/2', 'ls/b', 'ls/c']) await store.put(bucket, k, k);
    const all = await collect(store.list(bucket, { prefix: 'ls/', pageSize: 2 }));
    expect(all.map((o) => o.key)).toEqual(['ls/0123', 'ls/1e3', 'ls/a/1', 'ls/a/2', 'ls/b', 'ls/c']);
    const page = await store.listPage(bucket, { prefix: 'ls/', delimiter: '/' });
    expect(page.objects.map((o) => o.key)).toEqual(['ls/0123', 'ls/1e3', 'ls/b', 'ls/c']);
    expect(page.commonPrefixes).toEqual(['ls/a/']);
    const after = await collect(store.list(bucket, { prefix: 'ls/', startAfter: 'ls/a/2' }));
    expect(after.map((o) => o.key)).toEqual(['ls/b', 'ls/c']);
  });

  it('versions: list in S3 order with delete markers; read an older version', async () => {
    const v1 = await store.put(locked, 'ver/k', 'one');
    const v2 = await store.put(locked, 'ver/k', 'two');
    const del = await store.delete(locked, 'ver/k');
    expect(del.deleteMarker).toBe(true);
    const versions = await collect(store.listVersions(locked, { prefix: 'ver/' }));
    expect(versions.map((v) => [v.isDeleteMarker, v.isLatest])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect(versions.slice(1).map((v) => v.versionId)).toEqual([v2.versionId, v1.versionId]);
    expect(await (await store.get(locked, 'ver/k', { versionId: v1.versionId })).body.text()).toBe('one');
    for (const v of versions) await store.delete(locked, 'ver/k', { versionId: v.versionId });
  });

  it('multipart primitives: ListParts paged (the client reads every page internally), listUploads, abort', async () => {
    const up = await store.createMultipartUpload(bucket, 'mp/k', { metadata: { m: 'x' } });
    const part = new Uint8Array(5 * 1024 * 1024).fill(7);
    const parts = [await store.uploadPart(up, 1, part), await store.uploadPart(up, 2, part), await store.uploadPart(up, 3, 'tail')];
    const first = await store.listParts(up, { pageSize: 2 });
    expect(first.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(first.nextCursor).toBeDefined();
    const second = await store.listParts(up, { pageSize: 2, cursor: first.nextCursor });
    expect(second.parts.map((p) => p.partNumber)).toEqual([3]);
    expect(second.nextCursor).toBeUndefined();
    expect((await store.listUploads(bucket)).uploads.some((u) => u.uploadId === up.uploadId)).toBe(true);
    const done = await store.completeMultipartUpload(up, parts);
    expect(done.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect((await store.head(bucket, 'mp/k')).metadata).toEqual({ m: 'x' });
    const gone = await store.createMultipartUpload(bucket, 'mp/gone');
    await store.abortMultipartUpload(gone);
    expect((await failure(store.abortMultipartUpload(gone))).code).toBe('UploadNotFound');
    expect((await failure(store.uploadPart(gone, 1, 'x'))).code).toBe('UploadNotFound');
  });

  it('presigned GET and PUT URLs work with plain fetch', async () => {
    if (target === 'features') return; // fetch cannot trust the test CA; presignedUrl is tested over TLS in extensions.test.ts
    const put = await store.presign(bucket, 'pre/k x+y', { method: 'PUT', expiresIn: 60 });
    expect((await fetch(put, { method: 'PUT', body: 'presigned body' })).status).toBe(200);
    const get = await store.presign(bucket, 'pre/k x+y', { method: 'GET', expiresIn: 60 });
    const res = await fetch(get);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('presigned body');
  });

  it('versioning and object lock: default retention, retention and legal hold round-trip', async () => {
    await store.setDefaultRetention(locked, { mode: 'GOVERNANCE', days: 1 });
    expect((await store.getObjectLockConfiguration(locked)).defaultRetention).toEqual({ mode: 'GOVERNANCE', days: 1 });
    await store.setDefaultRetention(locked, undefined);
    expect((await store.getObjectLockConfiguration(locked)).defaultRetention).toBeUndefined();
    const v = await store.put(locked, 'lock/k', 'x');
    expect(await store.getRetention(locked, 'lock/k', { versionId: v.versionId })).toBeUndefined();
    const until = new Date(Date.now() + 60_000);
    await store.setRetention(locked, 'lock/k', { mode: 'GOVERNANCE', retainUntil: until }, { versionId: v.versionId });
    const r = await store.getRetention(locked, 'lock/k', { versionId: v.versionId });
    expect(r?.mode).toBe('GOVERNANCE');
    expect(Math.abs(r!.retainUntil.getTime() - until.getTime())).toBeLessThan(1000);
    await store.setLegalHold(locked, 'lock/k', true, { versionId: v.versionId });
    expect(await store.getLegalHold(locked, 'lock/k', { versionId: v.versionId })).toBe(true);
    await store.setLegalHold(locked, 'lock/k', false, { versionId: v.versionId });
    expect(await store.getLegalHold(locked, 'lock/k', { versionId: v.versionId })).toBe(false);
    await store.delete(locked, 'lock/k', { versionId: v.versionId, bypassGovernanceRetention: true });
  });

  it('errors map to the core taxonomy', async () => {
    expect((await failure(store.get(bucket, 'no/such/key'))).code).toBe('ObjectNotFound');
    expect((await failure(store.head(bucket, 'no/such/key'))).code).toBe('ObjectNotFound');
    expect((await failure(store.head(bucketName('nob'), 'k'))).code).toBe('BucketNotFound');
    const p = await store.put(bucket, 'err/k', 'x');
    expect((await failure(store.get(bucket, 'err/k', { ifNoneMatch: p.etag }))).code).toBe('NotModified');
    expect((await failure(store.get(bucket, 'err/k', { ifMatch: '"0123456789abcdef0123456789abcdef"' }))).code).toBe('PreconditionFailed');
    expect((await failure(store.put(bucket, 'err/md5', 'x', { contentMd5: 'AAAAAAAAAAAAAAAAAAAAAA==' }))).code).toBe('IntegrityError');
    expect((await failure(store.setVersioning(bucketName('nob'), 'Enabled'))).code).toBe('BucketNotFound');
  });
});

describe('SSE-C (customer keys) over TLS', () => {
  it('writes and reads with the key; without it, and over plain HTTP, the server refuses', async () => {
    const store = storeFor('features');
    const plain = storeFor('minio');
    const bucket = bucketName('ssec');
    await store.createBucket(bucket);
    try {
      const key = randomBytes(32);
      const sse = store.withEncryption({ type: 'SSE-C', key });
      await sse.put(bucket, 'secret', 'classified');
      const info = await sse.head(bucket, 'secret');
      expect(info.encryption?.customerAlgorithm).toBe('AES256');
      expect(await (await sse.get(bucket, 'secret', { range: { offset: 2, length: 4 } })).body.text()).toBe('assi');
      // multipart and copy carry the key too
      const up = await sse.createMultipartUpload(bucket, 'secret-mp');
      const done = await sse.completeMultipartUpload(up, [await sse.uploadPart(up, 1, 'multi')]);
      expect(done.etag).not.toBe('');
      await sse.copy({ bucket, key: 'secret' }, { bucket, key: 'secret-copy' });
      expect(await (await sse.get(bucket, 'secret-copy')).body.text()).toBe('classified');
      // no key: refused
      const e = await failure(store.get(bucket, 'secret'));
      expect(e.code).toBe('InvalidArgument');
      expect(e.statusCode).toBe(400);
      // another key: refused
      expect((await failure(store.withEncryption({ type: 'SSE-C', key: randomBytes(32) }).get(bucket, 'secret'))).statusCode).toBe(403);
      // plain HTTP: declared off, refused before any request
      expect(plain.capabilities.minio.sseC).toBe(false);
      expect((await failure(async () => plain.withEncryption({ type: 'SSE-C', key }))).code).toBe('NotSupported');
    } finally {
      await dropBucket(store, bucket);
      await store.close();
      await plain.close();
    }
  });

  it('the server answers SSE-C over plain HTTP with 400 InvalidRequest (why the capability is off)', async () => {
    const { MinioDriver, MinioStore } = await import('../src/index.js');
    const { configFor } = await import('./support/servers.js');
    const forced = new MinioStore(new MinioDriver(configFor('minio', { capabilities: { minio: { sseC: true } } })), { retry: false });
    const bucket = bucketName('ssech');
    await forced.createBucket(bucket);
    try {
      const e = await failure(forced.withEncryption({ type: 'SSE-C', key: randomBytes(32) }).put(bucket, 'k', 'x'));
      expect(e.statusCode).toBe(400);
      expect(String((e as { message: string }).message)).toMatch(/InvalidRequest.*secure connection/);
      expect(isStowageError(e, 'InvalidArgument')).toBe(true);
    } finally {
      await dropBucket(forced, bucket);
      await forced.close();
    }
  });
});
