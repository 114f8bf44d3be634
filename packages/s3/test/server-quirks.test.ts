import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { checkKeyRule, s3Capabilities, S3_SERVER_PROFILES } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Driver, S3Store } from '../src/index.js';
import { bucketName, driverFor, dropBucket, failure, serverEnv, storeFor, utf8 } from './support/servers.js';

/**
 * Every capability core's S3 server profiles (S3_SERVER_PROFILES, shared by
 * every S3-family adapter) turn off and every key rule they declare,
 * re-measured on the real server through this driver (no core validation in
 * the way). If a server release changes an answer, the matching test fails
 * and the profile needs updating.
 */
const signal = () => new AbortController().signal;

function put(driver: S3Driver, bucket: string, key: string, body: string | Uint8Array = 'x', extra: Record<string, unknown> = {}) {
  const bytes = typeof body === 'string' ? utf8.encode(body) : body;
  return driver.putObject({ bucket, key, body: bytes, contentLength: bytes.length, metadata: {}, signal: signal(), ...extra });
}

async function listKeys(driver: S3Driver, bucket: string): Promise<string[]> {
  return (await driver.listObjects({ bucket, maxKeys: 1000, signal: signal() })).objects.map((o) => o.key);
}

function rawClient(server: 'ceph' | 'minio', extra: Record<string, unknown> = {}) {
  const env = serverEnv(server);
  return new S3Client({
    endpoint: env.endpoint,
    region: env.region,
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...extra,
  });
}

describe('MinIO profile', () => {
  let driver: S3Driver;
  let store: S3Store;
  let bucket: string;
  beforeAll(async () => {
    driver = driverFor('minio');
    store = storeFor('minio');
    bucket = bucketName('quirk-minio');
    await store.createBucket(bucket);
  });
  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
    await driver.close();
  });

  const violations: Record<string, string[]> = {
    'no-empty-segments': ['a//b', 'a/b//'],
    'no-dot-segments': ['.', '..', './x', 'a/./b', 'a/../b', 'a/.'],
    'max-segment-bytes': [`seg/${'x'.repeat(256)}`],
  };

  it('declares exactly the key rules measured here', () => {
    expect(S3_SERVER_PROFILES.minio.keyRules?.map((r) => r.rule)).toEqual(['no-leading-slash', 'no-empty-segments', 'no-dot-segments', 'max-segment-bytes']);
    expect(store.capabilities.keyRules).toContainEqual({ rule: 'max-segment-bytes', max: 255 });
  });

  it.each(Object.entries(violations))('the server refuses keys breaking %s (400 XMinioInvalid…), and core refuses them first', async (rule, keys) => {
    const declared = store.capabilities.keyRules.find((r) => r.rule === rule)!;
    for (const key of keys) {
      expect(checkKeyRule(key, declared)).not.toBeNull();
      const e = await failure(() => put(driver, bucket, key));
      expect(e.code).toBe('InvalidArgument');
      expect(e.statusCode).toBe(400);
      expect(String((e.cause as { name?: string }).name)).toMatch(/^XMinioInvalid(ObjectName|ResourceName)$/);
      const early = await failure(() => store.put(bucket, key, 'x'));
      expect(early).toMatchObject({ code: 'InvalidArgument', field: 'key' });
      expect(early.requestId).toBeUndefined();
    }
    await put(driver, bucket, `seg/${'x'.repeat(255)}`);
  });

  it('no-leading-slash: "/lead" is accepted but stored as "lead" (the key does not round-trip)', async () => {
    await put(driver, bucket, '/lead-slash');
    expect(await listKeys(driver, bucket)).toContain('lead-slash');
    expect(await listKeys(driver, bucket)).not.toContain('/lead-slash');
    expect((await failure(() => store.put(bucket, '/lead-slash', 'x'))).code).toBe('InvalidArgument');
  });

  it('counts 11 bytes ("x-amz-meta-") per metadata entry against 2048; core counts the same', async () => {
    const one = (n: number) => ({ m: 'v'.repeat(n - 1) });
    await driver.putObject({ bucket, key: 'meta', body: utf8.encode('x'), contentLength: 1, metadata: one(2037), signal: signal() });
    const over = await failure(() => driver.putObject({ bucket, key: 'meta', body: utf8.encode('x'), contentLength: 1, metadata: one(2038), signal: signal() }));
    expect(over).toMatchObject({ code: 'InvalidArgument', field: 'metadata', statusCode: 400 });
    expect(String((over.cause as { name?: string }).name)).toBe('MetadataTooLarge');
    const two = { a: 'v'.repeat(1012), b: 'v'.repeat(1012) }; // 2026 bytes of names and values
    await driver.putObject({ bucket, key: 'meta', body: utf8.encode('x'), contentLength: 1, metadata: two, signal: signal() });
    await failure(() => driver.putObject({ bucket, key: 'meta', body: utf8.encode('x'), contentLength: 1, metadata: { ...two, b: 'v'.repeat(1013) }, signal: signal() }));
    // through the Store: accepted at the limit, refused before I/O past it
    await store.put(bucket, 'meta', 'x', { metadata: one(2037) });
    await store.put(bucket, 'meta', 'x', { metadata: two });
    const early = await failure(() => store.put(bucket, 'meta', 'x', { metadata: { ...two, b: 'v'.repeat(1013) } }));
    expect(early).toMatchObject({ code: 'InvalidArgument', field: 'metadata' });
    expect(early.statusCode).toBeUndefined();
  });

  it('verifies every flexible checksum (a wrong one is 400 XAmzContentChecksumMismatch → IntegrityError)', async () => {
    expect(store.capabilities.checksums).toEqual(['md5', 'crc32', 'crc32c', 'sha1', 'sha256']);
    for (const algorithm of ['crc32', 'crc32c', 'sha1', 'sha256'] as const) {
      const value = algorithm.startsWith('crc') ? 'AAAAAA==' : createHash(algorithm).update('other').digest('base64');
      const e = await failure(() => put(driver, bucket, `ck-${algorithm}`, 'hello', { checksum: { algorithm, value } }));
      expect(e).toMatchObject({ code: 'IntegrityError', statusCode: 400 });
    }
  });

  it('answers a PUT without a length with 411 (why unknownLengthPut is false)', async () => {
    const res = await fetch(`${serverEnv('minio').endpoint}/${bucket}/no-length`, {
      method: 'PUT',
      body: Readable.toWeb(Readable.from([Buffer.from('abc')])) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    await res.body?.cancel();
    expect(res.status).toBe(411);
  });

  it('quirks the driver corrects: versioning / lock configuration of a missing bucket, abort of an unknown upload, a key twice in a batch', async () => {
    const missing = bucketName('quirk-minio-missing');
    const raw = rawClient('minio', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const { PutBucketVersioningCommand, GetObjectLockConfigurationCommand, AbortMultipartUploadCommand, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
    // the server's own answers
    expect((await raw.send(new PutBucketVersioningCommand({ Bucket: missing, VersioningConfiguration: { Status: 'Enabled' } }))).$metadata.httpStatusCode).toBe(200);
    await expect(raw.send(new GetObjectLockConfigurationCommand({ Bucket: missing }))).rejects.toMatchObject({ name: 'ObjectLockConfigurationNotFoundError' });
    expect((await raw.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'k', UploadId: 'bm90LWFuLXVwbG9hZA' }))).$metadata.httpStatusCode).toBe(204);
    await put(driver, bucket, 'dup');
    const dup = await raw.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'dup' }, { Key: 'dup' }] } }));
    expect(dup.Deleted).toEqual([{ Key: 'dup' }, {}]);
    raw.destroy();
    // what the Store says
    expect((await failure(() => store.setVersioning(missing, 'Enabled'))).code).toBe('BucketNotFound');
    expect((await failure(() => store.getObjectLockConfiguration(missing))).code).toBe('BucketNotFound');
    expect((await failure(() => store.abortMultipartUpload({ bucket, key: 'k', uploadId: 'bm90LWFuLXVwbG9hZA' }))).code).toBe('UploadNotFound');
    await put(driver, bucket, 'dup');
    expect(await store.deleteMany(bucket, ['dup', 'dup'])).toEqual([
      { key: 'dup', deleted: true },
      { key: 'dup', deleted: true },
    ]);
  });

  it('answers a delete in a suspended bucket without x-amz-delete-marker (why suspendedDeleteMarkerReported is false)', async () => {
    expect(store.capabilities.suspendedDeleteMarkerReported).toBe(false);
    const b = bucketName('quirk-minio-susp');
    await store.createBucket(b);
    try {
      await store.setVersioning(b, 'Enabled');
      await store.put(b, 'k', 'v');
      await store.setVersioning(b, 'Suspended');
      expect(await store.delete(b, 'k')).toEqual({});
      const versions = [];
      for await (const v of store.listVersions(b)) versions.push([v.versionId, v.isDeleteMarker]);
      expect(versions[0]).toEqual(['null', true]);
    } finally {
      await dropBucket(store, b);
    }
  });

  it('lists nothing under a/ once a key "a" exists, and no common prefix ab/ beside a key "ab" (why listing.keyAlsoPrefix is false)', async () => {
    expect(store.capabilities.listing.keyAlsoPrefix).toBe(false);
    for (const key of ['kp/a/1', 'kp/a/2', 'kp/a', 'kp/ab', 'kp/ab/1']) await put(driver, bucket, key);
    const under = await driver.listObjects({ bucket, prefix: 'kp/a/', maxKeys: 1000, signal: signal() });
    expect(under.objects).toEqual([]);
    const top = await driver.listObjects({ bucket, prefix: 'kp/', delimiter: '/', maxKeys: 1000, signal: signal() });
    expect(top.commonPrefixes).not.toContain('kp/ab/');
    expect(top.objects.map((o) => o.key)).toEqual(expect.arrayContaining(['kp/a', 'kp/ab']));
  });

  it('follows a listing that ends on a page boundary with one more, empty page (why listing.exactEnd is false)', async () => {
    expect(store.capabilities.listing.exactEnd).toBe(false);
    for (let i = 0; i < 6; i++) await put(driver, bucket, `ee/${i}`);
    const pages: number[] = [];
    let token: string | undefined;
    do {
      const page = await driver.listObjects({ bucket, prefix: 'ee/', maxKeys: 1, signal: signal(), ...(token !== undefined ? { token } : {}) });
      pages.push(page.objects.length);
      token = page.nextToken;
    } while (token !== undefined && pages.length < 10);
    expect(pages).toEqual([1, 1, 1, 1, 1, 1, 0]);
  });

  it('repeats a common prefix of another delimiter with the same token forever (why listing.anyDelimiter is false)', async () => {
    expect(store.capabilities.listing.anyDelimiter).toBe(false);
    for (const key of ['ad/p|1', 'ad/p|2', 'ad/p/3', 'ad/q']) await put(driver, bucket, key);
    // One entry a page: p/3, then the common prefix p|, then p| again with the same token, forever.
    const pages: Array<{ entries: string[]; token: string | undefined }> = [];
    let token: string | undefined;
    do {
      const page = await driver.listObjects({ bucket, prefix: 'ad/', delimiter: '|', maxKeys: 1, signal: signal(), ...(token !== undefined ? { token } : {}) });
      pages.push({ entries: [...page.objects.map((o) => o.key), ...page.commonPrefixes], token: page.nextToken });
      token = page.nextToken;
    } while (token !== undefined && pages.length < 5);
    expect(pages.map((p) => p.entries)).toEqual([['ad/p/3'], ['ad/p|'], ['ad/p|'], ['ad/p|'], ['ad/p|']]);
    expect(pages[2]!.token).toBe(pages[1]!.token);
    // "/" pages correctly
    const slash = await driver.listObjects({ bucket, prefix: 'ad/', delimiter: '/', maxKeys: 1, signal: signal() });
    expect([...slash.objects.map((o) => o.key), ...slash.commonPrefixes]).toEqual(['ad/p/']);
    expect(await failure(() => store.listPage(bucket, { prefix: 'ad/', delimiter: '|' }))).toMatchObject({ code: 'NotSupported' });
  });

  it('lists no uploads under a "directory" prefix, only by exact key (why multipart.listUploadsPrefix is false)', async () => {
    expect(store.capabilities.multipart?.listUploadsPrefix).toBe(false);
    const a = await driver.createMultipartUpload({ bucket, key: 'lu/a', metadata: {}, signal: signal() });
    const b = await driver.createMultipartUpload({ bucket, key: 'lu/b/x', metadata: {}, signal: signal() });
    try {
      expect((await driver.listMultipartUploads({ bucket, prefix: 'lu/', maxUploads: 1000, signal: signal() })).uploads).toEqual([]);
      const all = (await driver.listMultipartUploads({ bucket, maxUploads: 1000, signal: signal() })).uploads.map((u) => u.key);
      expect(all).toEqual(expect.arrayContaining(['lu/a', 'lu/b/x']));
      expect((await driver.listMultipartUploads({ bucket, prefix: 'lu/a', maxUploads: 1000, signal: signal() })).uploads.map((u) => u.key)).toEqual(['lu/a']);
    } finally {
      for (const u of [a, b]) await driver.abortMultipartUpload({ bucket, key: u === a ? 'lu/a' : 'lu/b/x', uploadId: u.uploadId, signal: signal() });
    }
  });

  it('has no torrents: GetObjectTorrent is 501 NotImplemented → NotSupported', async () => {
    await store.put(bucket, 'torrent', 'x');
    expect(await failure(() => store.getObjectTorrent(bucket, 'torrent'))).toMatchObject({ code: 'NotSupported', statusCode: 501 });
  });
});

describe('Ceph RGW profile', () => {
  let driver: S3Driver;
  let store: S3Store;
  let bucket: string;
  beforeAll(async () => {
    driver = driverFor('ceph');
    store = storeFor('ceph');
    bucket = bucketName('quirk-ceph');
    await store.createBucket(bucket);
  });
  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
    await driver.close();
  });

  it('declares no key rules: keys other servers refuse are stored and listed back unchanged', async () => {
    expect(store.capabilities.keyRules).toEqual([]);
    const keys = ['/lead', 'a//b', './x', 'a/../b', 'a/.', `seg/${'x'.repeat(300)}`, 'c\u0001d', 'back\\slash', 'dir/'];
    for (const key of keys) await store.put(bucket, key, key);
    const listed = await listKeys(driver, bucket);
    for (const key of keys) expect(listed).toContain(key);
    expect(await (await store.get(bucket, '/lead')).body.text()).toBe('/lead');
    expect((await failure(() => put(driver, bucket, 'k'.repeat(1025)))).statusCode).toBe(400);
  });

  it('ignores If-None-Match / If-Match on PUT and CompleteMultipartUpload (why conditionalWrite is off)', async () => {
    expect(store.capabilities.conditionalWrite).toEqual({ ifMatch: false, ifNoneMatch: false });
    await put(driver, bucket, 'cw', 'one');
    await put(driver, bucket, 'cw', 'two', { ifNoneMatch: '*' });
    await put(driver, bucket, 'cw', 'three', { ifMatch: '"00000000000000000000000000000000"' });
    const up = await driver.createMultipartUpload({ bucket, key: 'cw', metadata: {}, signal: signal() });
    const p = await driver.uploadPart({ bucket, key: 'cw', uploadId: up.uploadId, partNumber: 1, body: utf8.encode('four'), contentLength: 4, signal: signal() });
    await driver.completeMultipartUpload({ bucket, key: 'cw', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: p.etag }], ifNoneMatch: '*', signal: signal() });
    expect(await (await store.get(bucket, 'cw')).body.text()).toBe('four');
  });

  it('ignores x-amz-copy-source-if-* (why conditionalCopy is off)', async () => {
    expect(store.capabilities.conditionalCopy).toBe(false);
    await put(driver, bucket, 'copy-src', 'source');
    await driver.copyObject({ bucket, key: 'copy-dst', sourceBucket: bucket, sourceKey: 'copy-src', metadataDirective: 'copy', metadata: {}, conditions: { ifMatch: '"nope"' }, signal: signal() });
    expect(await (await store.get(bucket, 'copy-dst')).body.text()).toBe('source');
    // Pacific reads its own x-amz-copy-if-match instead (kept out of the driver: its
    // x-amz-copy-if-unmodified-since answer is a malformed HTTP response).
    const raw = rawClient('ceph', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const cmd = new CopyObjectCommand({ Bucket: bucket, Key: 'copy-dst2', CopySource: `${bucket}/copy-src` });
    cmd.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-amz-copy-if-match'] = '"nope"';
      return next(args);
    }, { step: 'build' });
    await expect(raw.send(cmd)).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    raw.destroy();
  });

  it('verifies only Content-MD5: wrong flexible checksums are stored (why checksums is [md5])', async () => {
    expect(store.capabilities.checksums).toEqual(['md5']);
    for (const algorithm of ['crc32', 'crc32c', 'sha1', 'sha256'] as const) {
      const value = algorithm.startsWith('crc') ? 'AAAAAA==' : createHash(algorithm).update('other').digest('base64');
      await put(driver, bucket, `ck-${algorithm}`, 'hello', { checksum: { algorithm, value } });
    }
    const md5 = createHash('md5').update('other').digest('base64');
    expect(await failure(() => put(driver, bucket, 'ck-md5', 'hello', { contentMd5: md5 }))).toMatchObject({ code: 'IntegrityError', statusCode: 400 });
  });

  it('cannot remove a retention: an empty <Retention/> is 400 MalformedXML (why objectLock.removeRetention is false)', async () => {
    const b = bucketName('quirk-ceph-lock');
    await store.createBucket(b, { objectLock: true });
    try {
      const v = await put(driver, b, 'gov', 'x', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 3_600_000) } });
      const e = await failure(() => driver.putObjectRetention({ bucket: b, key: 'gov', versionId: v.versionId, retention: null, bypassGovernanceRetention: true, signal: signal() }));
      expect(e).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
      expect(String((e.cause as { name?: string }).name)).toBe('MalformedXML');
      expect(await failure(() => store.setRetention(b, 'gov', null, { versionId: v.versionId, bypassGovernanceRetention: true }))).toMatchObject({ code: 'NotSupported', capability: 'objectLock.removeRetention' });
      await store.delete(b, 'gov', { versionId: v.versionId, bypassGovernanceRetention: true });
    } finally {
      await dropBucket(store, b);
    }
  });

  it('answers the SDK default (aws-chunked, CRC32 trailer) streamed PUT with 411 (why non-AWS defaults to WHEN_REQUIRED)', async () => {
    const raw = rawClient('ceph');
    await expect(raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'chunked', Body: Readable.from([Buffer.from('hello')]), ContentLength: 5 }))).rejects.toMatchObject({
      name: 'MissingContentLength',
      $metadata: { httpStatusCode: 411 },
    });
    raw.destroy();
    expect(driver.config.requestChecksumCalculation).toBe('WHEN_REQUIRED');
    await driver.putObject({ bucket, key: 'chunked', body: Readable.toWeb(Readable.from([Buffer.from('hello')])) as ReadableStream<Uint8Array>, contentLength: 5, metadata: {}, signal: signal() });
    expect(await (await store.get(bucket, 'chunked')).body.text()).toBe('hello');
  });

  it('answers CompleteMultipartUpload with an empty <ETag/> (the driver computes the multipart ETag)', async () => {
    const raw = rawClient('ceph', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const { UploadId } = await raw.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'etag' }));
    const part = await raw.send(new UploadPartCommand({ Bucket: bucket, Key: 'etag', UploadId, PartNumber: 1, Body: 'abc' }));
    const done = await raw.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'etag', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    raw.destroy();
    expect(done.ETag ?? '').toBe('');
    const up = await store.createMultipartUpload(bucket, 'etag2');
    const p = await store.uploadPart(up, 1, 'abc');
    const r = await store.completeMultipartUpload(up, [p]);
    expect(r.etag).toBe((await store.head(bucket, 'etag2')).etag);
    expect(r.etag).toBe(`"${createHash('md5').update(Buffer.from(createHash('md5').update('abc').digest())).digest('hex')}-1"`);
  });

  it('refuses to complete with a subset of the uploaded parts: 400 InvalidPart (why multipart.completeSubset is false; MinIO and AWS accept it)', async () => {
    expect(store.capabilities.multipart?.completeSubset).toBe(false);
    const up = await store.createMultipartUpload(bucket, 'subset');
    const p1 = await store.uploadPart(up, 1, new Uint8Array(5 * 1024 * 1024));
    await store.uploadPart(up, 2, 'unused tail');
    const e = await failure(() => store.completeMultipartUpload(up, [p1]));
    expect(e).toMatchObject({ code: 'InvalidArgument', field: 'parts', statusCode: 400 });
    expect(String((e.cause as { name?: string }).name)).toBe('InvalidPart');
    await store.abortMultipartUpload(up);
  });

  it('answers HEAD / GET 200 without an ETag for a key that only saw an UploadPart, even after the abort (the driver: ObjectNotFound)', async () => {
    const up = await store.createMultipartUpload(bucket, 'phantom');
    await store.uploadPart(up, 1, 'pending');
    await store.abortMultipartUpload(up);
    const raw = rawClient('ceph');
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: 'phantom' }));
    raw.destroy();
    expect(head.$metadata.httpStatusCode).toBe(200);
    expect(head.ETag).toBeUndefined();
    expect((await failure(() => store.head(bucket, 'phantom'))).code).toBe('ObjectNotFound');
    expect((await failure(() => store.get(bucket, 'phantom'))).code).toBe('ObjectNotFound');
    expect((await store.listPage(bucket, { prefix: 'phantom' })).objects).toEqual([]);
  });

  it('answers CreateBucket of an owned bucket with 200 (the driver: AlreadyExists)', async () => {
    const raw = rawClient('ceph');
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    expect((await raw.send(new CreateBucketCommand({ Bucket: bucket }))).$metadata.httpStatusCode).toBe(200);
    raw.destroy();
    expect((await failure(() => store.createBucket(bucket))).code).toBe('AlreadyExists');
  });

  it('ignores object-lock headers on CopyObject and CreateMultipartUpload, and omits the copy version id (the driver sets them after)', async () => {
    const b = bucketName('quirk-ceph-lock2');
    await store.createBucket(b, { objectLock: true });
    try {
      const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
      await store.put(b, 'src', 'x');
      const raw = rawClient('ceph', { requestChecksumCalculation: 'WHEN_REQUIRED' });
      const out = await raw.send(new CopyObjectCommand({ Bucket: b, Key: 'raw-copy', CopySource: `${b}/src`, ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until }));
      raw.destroy();
      expect(out.VersionId).toBeUndefined();
      expect(await store.getRetention(b, 'raw-copy')).toBeUndefined();

      const copied = await store.copy({ bucket: b, key: 'src' }, { bucket: b, key: 'dst' }, { retention: { mode: 'GOVERNANCE', retainUntil: until }, legalHold: true });
      expect(copied.versionId).toBe((await store.head(b, 'dst')).versionId);
      expect(await store.getRetention(b, 'dst', { versionId: copied.versionId })).toEqual({ mode: 'GOVERNANCE', retainUntil: until });
      expect(await store.getLegalHold(b, 'dst', { versionId: copied.versionId })).toBe(true);
      await store.setLegalHold(b, 'dst', false, { versionId: copied.versionId });

      const up = await store.createMultipartUpload(b, 'mp', { retention: { mode: 'GOVERNANCE', retainUntil: until } });
      const done = await store.completeMultipartUpload(up, [await store.uploadPart(up, 1, 'parts')]);
      expect(await store.getRetention(b, 'mp', { versionId: done.versionId })).toEqual({ mode: 'GOVERNANCE', retainUntil: until });
      expect((await failure(() => store.delete(b, 'mp', { versionId: done.versionId }))).code).toBe('ObjectLocked');
    } finally {
      await dropBucket(store, b);
    }
  });

  it('answers GET with If-Match: * on an existing object 412 (the driver does not send it on reads)', async () => {
    await put(driver, bucket, 'if-match-star', 'star');
    const raw = rawClient('ceph');
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    await expect(raw.send(new GetObjectCommand({ Bucket: bucket, Key: 'if-match-star', IfMatch: '*' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    raw.destroy();
    expect(await (await store.get(bucket, 'if-match-star', { ifMatch: '*' })).body.text()).toBe('star');
  });

  it('accepts parts in descending order (AWS: InvalidPartOrder; core refuses them for every server before I/O)', async () => {
    const up = await store.createMultipartUpload(bucket, 'desc');
    const p1 = await store.uploadPart(up, 1, new Uint8Array(5 * 1024 * 1024));
    const p2 = await store.uploadPart(up, 2, 'tail');
    const early = await failure(() => store.completeMultipartUpload(up, [p2, p1]));
    expect(early).toMatchObject({ code: 'InvalidArgument', field: 'parts' });
    expect(early.statusCode).toBeUndefined();
    await driver.completeMultipartUpload({ ...up, parts: [p2, p1], signal: signal() });
    expect((await store.head(bucket, 'desc')).size).toBe(5 * 1024 * 1024 + 4);
  });

  it('answers a copy with an unquoted ETag (the driver quotes it)', async () => {
    await put(driver, bucket, 'q-src', 'q');
    const raw = rawClient('ceph', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const out = await raw.send(new CopyObjectCommand({ Bucket: bucket, Key: 'q-dst', CopySource: `${bucket}/q-src` }));
    raw.destroy();
    expect(out.CopyObjectResult?.ETag).toMatch(/^[0-9a-f]{32}$/);
    const r = await store.copy({ bucket, key: 'q-src' }, { bucket, key: 'q-dst2' });
    expect(r.etag).toBe((await store.head(bucket, 'q-dst2')).etag);
  });
});

describe('profiles are data', () => {
  it('aws is core s3Capabilities() plus the checksums S3 keeps; generic turns off what a server may silently ignore', () => {
    const aws = driverFor('ceph', { serverProfile: 'aws' });
    expect(aws.capabilities).toEqual({ ...s3Capabilities(), storedChecksums: ['crc32', 'crc32c'] });
    const generic = driverFor('ceph', { serverProfile: 'generic' });
    expect(generic.capabilities).toMatchObject({ conditionalWrite: { ifMatch: false, ifNoneMatch: false }, conditionalCopy: false, checksums: ['md5'] });
    const overridden = driverFor('ceph', { capabilities: { maxMetadataBytes: 1024, listing: { maxPageSize: 100 } } });
    expect(overridden.capabilities.maxMetadataBytes).toBe(1024);
    expect(overridden.capabilities.listing).toEqual({ anyDelimiter: true, startAfter: true, utf8Order: true, maxPageSize: 100 });
    expect(overridden.capabilities.conditionalCopy).toBe(false);
    for (const d of [aws, generic, overridden]) void d.close();
  });
});
