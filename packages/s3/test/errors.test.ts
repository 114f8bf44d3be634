import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type S3Store } from '../src/index.js';
import { bucketName, dropBucket, failure, serverEnv, SERVERS, storeFor, type ServerName } from './support/servers.js';

/** Error mapping against what the real servers answer. */
describe.each(SERVERS)('error mapping on %s', (server: ServerName) => {
  let store: S3Store;
  let bucket: string;
  let locked: string;

  beforeAll(async () => {
    store = storeFor(server);
    bucket = bucketName(`err-${server}`);
    locked = bucketName(`errlock-${server}`);
    await store.createBucket(bucket);
    await store.createBucket(locked, { objectLock: true });
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await dropBucket(store, locked);
    await store.close();
  });

  it('NoSuchBucket → BucketNotFound (GET, list, HEAD bucket)', async () => {
    const missing = bucketName('missing');
    const e = await failure(() => store.get(missing, 'k'));
    expect(e).toMatchObject({ code: 'BucketNotFound', bucket: missing, statusCode: 404, provider: 's3', retryable: false });
    expect(e.requestId).toBeTruthy();
    expect((await failure(() => store.listPage(missing))).code).toBe('BucketNotFound');
    expect((await failure(() => store.deleteBucket(missing))).code).toBe('BucketNotFound');
    expect(await store.bucketExists(missing)).toBe(false);
  });

  it('a HEAD of a key in a missing bucket is BucketNotFound (a HEAD 404 has no code: the driver asks HeadBucket)', async () => {
    const missing = bucketName('missing');
    expect(await failure(() => store.head(missing, 'k'))).toMatchObject({ code: 'BucketNotFound', bucket: missing });
  });

  it('a retention on a bucket without object lock is InvalidArgument, not ObjectLocked', async () => {
    await store.put(bucket, 'plain', 'x');
    const e = await failure(() => store.setRetention(bucket, 'plain', { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 60_000) }));
    expect(e).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
  });

  it('NoSuchKey → ObjectNotFound (GET with a body, HEAD without one), with the request id', async () => {
    const e = await failure(() => store.get(bucket, 'no/such/key'));
    expect(e).toMatchObject({ code: 'ObjectNotFound', bucket, key: 'no/such/key', statusCode: 404 });
    expect(e.requestId).toBeTruthy();
    expect((await failure(() => store.head(bucket, 'no/such/key'))).code).toBe('ObjectNotFound');
  });

  it('NoSuchVersion (or its server-specific forms) → VersionNotFound', async () => {
    const b = bucketName(`errver-${server}`);
    await store.createBucket(b);
    try {
      await store.setVersioning(b, 'Enabled');
      await store.put(b, 'k', 'x');
      // MinIO: 404 NoSuchVersion for a well-formed id, 400 InvalidArgument for another format;
      // Ceph: 404 NoSuchKey for any id it does not have.
      for (const id of ['2f1c8d3e-8a45-4b5e-9d3b-1a2b3c4d5e6f', 'Xy8-aBcDeFgHiJkLmNoPqRsTuVwXyZ01']) {
        const e = await failure(() => store.get(b, 'k', { versionId: id }));
        expect(e).toMatchObject({ code: 'VersionNotFound', versionId: id });
        expect((await failure(() => store.head(b, 'k', { versionId: id }))).code).toBe('VersionNotFound');
      }
    } finally {
      await dropBucket(store, b);
    }
  });

  it('NoSuchUpload (Ceph: NoSuchKey after an abort; 500 for an unknown id on complete) → UploadNotFound', async () => {
    const upload = await store.createMultipartUpload(bucket, 'mpu');
    await store.abortMultipartUpload(upload);
    for (const call of [
      () => store.listParts(upload),
      () => store.uploadPart(upload, 1, 'x'),
      () => store.completeMultipartUpload(upload, [{ partNumber: 1, etag: '"0cc175b9c0f1b6a831c399e269772661"' }]),
    ]) {
      const e = await failure(call);
      expect(e).toMatchObject({ code: 'UploadNotFound', uploadId: upload.uploadId });
    }
    const bogus = { bucket, key: 'mpu', uploadId: '2~bogusUploadId' };
    expect((await failure(() => store.completeMultipartUpload(bogus, [{ partNumber: 1, etag: '"x"' }]))).code).toBe('UploadNotFound');
  });

  it('BucketNotEmpty, 304, 412 and InvalidRange', async () => {
    const { etag } = await store.put(bucket, 'present', '0123');
    expect((await failure(() => store.deleteBucket(bucket))).code).toBe('BucketNotEmpty');
    expect(await failure(() => store.get(bucket, 'present', { ifNoneMatch: etag }))).toMatchObject({ code: 'NotModified', statusCode: 304 });
    expect(await failure(() => store.get(bucket, 'present', { ifMatch: '"ffffffffffffffffffffffffffffffff"' }))).toMatchObject({ code: 'PreconditionFailed', statusCode: 412 });
    expect(await failure(() => store.get(bucket, 'present', { range: { offset: 4 } }))).toMatchObject({ code: 'InvalidRange', statusCode: 416 });
  });

  it('a locked version: delete is ObjectLocked (Ceph: 403 AccessDenied, MinIO: 400 InvalidRequest), in a batch too', async () => {
    const v = await store.put(locked, 'gov', 'x', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 3_600_000) } });
    const e = await failure(() => store.delete(locked, 'gov', { versionId: v.versionId }));
    expect(e.code).toBe('ObjectLocked');
    expect(e.statusCode).toBe(server === 'ceph' ? 403 : 400);
    expect(e.message).toMatch(server === 'ceph' ? /forbidden by object lock/ : /WORM protected/);
    expect(e.retryable).toBe(false);
    const [r] = await store.deleteMany(locked, [{ key: 'gov', versionId: v.versionId }]);
    expect(r).toMatchObject({ deleted: false, error: { code: 'ObjectLocked' } });
    // shortening a governance retention without bypass names the retention
    const shorten = await failure(() => store.setRetention(locked, 'gov', { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 60_000) }, { versionId: v.versionId }));
    expect(shorten.code).toBe('ObjectLocked');
    if (server === 'ceph') expect(shorten).toMatchObject({ reason: 'retention' });
    // both servers want the governance bypass to raise GOVERNANCE to COMPLIANCE (AWS does not)
    const raise = await failure(() => store.setRetention(locked, 'gov', { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() + 7_200_000) }, { versionId: v.versionId }));
    expect(raise.code).toBe('ObjectLocked');
    expect(raise.message).toMatch(server === 'ceph' ? /can't change retention mode from GOVERNANCE without governance bypass/ : /WORM protected/);
  });

  it('an AccessDenied that is not object lock stays AccessDenied', async () => {
    const v = await store.put(locked, 'other', 'x', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(Date.now() + 3_600_000) } });
    const env = serverEnv(server);
    // Ceph: a second user, who may not touch this bucket; MinIO: unknown keys.
    const stranger = createS3Store(
      {
        endpoint: env.endpoint,
        region: env.region,
        serverProfile: server === 'ceph' ? 'ceph-rgw' : 'minio',
        credentials: server === 'ceph' ? { accessKeyId: env.otherAccessKeyId!, secretAccessKey: env.otherSecretAccessKey! } : { accessKeyId: 'no-such-access-key', secretAccessKey: 'no-such-secret-key' },
      },
      { retry: false },
    );
    try {
      const e = await failure(() => stranger.delete(locked, 'other', { versionId: v.versionId }));
      expect(e).toMatchObject({ code: 'AccessDenied', statusCode: 403 });
      const batch = await failure(() => stranger.deleteMany(locked, [{ key: 'other', versionId: v.versionId }]));
      expect(batch.code).toBe('AccessDenied');
      expect((await failure(() => stranger.get(locked, 'other'))).code).toBe('AccessDenied');
    } finally {
      await stranger.close();
    }
  });
});

/**
 * What the real servers rarely answer on demand (SlowDown, 503, a reset
 * connection): a loopback HTTP server that answers like S3 does. The SDK
 * itself is real; its retries are off, so the listener sees exactly core's
 * attempts.
 */
describe('retryable answers (loopback S3-like listener)', () => {
  let http: Server;
  let endpoint: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => {};
  const hits: string[] = [];

  beforeAll(async () => {
    http = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => handler(req, res));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });

  function fakeStore() {
    return createS3Store(
      { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret-key' }, serverProfile: 'generic' },
      { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } },
    );
  }

  const xmlError = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>req-${code}</RequestId></Error>`;

  it('503 SlowDown → Throttled, retried by core (3 attempts reach the server)', async () => {
    handler = (_req, res) => {
      res.writeHead(503, { 'content-type': 'application/xml', 'x-amz-request-id': 'req-slowdown' });
      res.end(xmlError('SlowDown', 'Please reduce your request rate.'));
    };
    hits.length = 0;
    const store = fakeStore();
    const retries: number[] = [];
    const e = await failure(() => store.head('bucket', 'key', { hooks: { onRetry: (ev) => retries.push(ev.attempt) } }));
    expect(e).toMatchObject({ code: 'Throttled', retryable: true, statusCode: 503, requestId: 'req-slowdown' });
    expect(hits).toHaveLength(3);
    expect(retries).toEqual([1, 2]);
    const g = await failure(() => store.get('bucket', 'key'));
    expect(g).toMatchObject({ code: 'Throttled', retryable: true });
    expect(g.message).toMatch(/SlowDown/);
    await store.close();
  });

  it('500 InternalError → Transient (retryable); 400 → not retried', async () => {
    handler = (_req, res) => {
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end(xmlError('InternalError', 'We encountered an internal error.'));
    };
    hits.length = 0;
    const store = fakeStore();
    expect(await failure(() => store.get('bucket', 'key'))).toMatchObject({ code: 'Transient', retryable: true, requestId: 'req-InternalError' });
    expect(hits).toHaveLength(3);
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/xml' });
      res.end(xmlError('InvalidArgument', 'Bad thing.'));
    };
    hits.length = 0;
    expect(await failure(() => store.get('bucket', 'key'))).toMatchObject({ code: 'InvalidArgument', retryable: false });
    expect(hits).toHaveLength(1);
    await store.close();
  });

  it('a connection reset mid-request → Transient (retryable)', async () => {
    handler = (req) => req.socket.destroy();
    hits.length = 0;
    const store = fakeStore();
    const e = await failure(() => store.get('bucket', 'key'));
    expect(e).toMatchObject({ code: 'Transient', retryable: true });
    expect(hits).toHaveLength(3);
    await store.close();
  });

  it('429 / throttling codes → Throttled', async () => {
    handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/xml' });
      res.end(xmlError('TooManyRequests', 'Slow down.'));
    };
    const store = fakeStore();
    expect(await failure(() => store.get('bucket', 'key'))).toMatchObject({ code: 'Throttled', retryable: true });
    await store.close();
  });
});
