import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStowageError } from '@stowage/core';
import { AssumeRoleProvider } from 'minio/dist/esm/AssumeRoleProvider.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioDriver, MinioStore, type BucketEvent, type ReplicationConfigOpts } from '../src/index.js';
import { bucketName, collect, configFor, dropBucket, ensureReplicationTarget, eventually, failure, serversEnv, storeFor } from './support/servers.js';

const env = serversEnv();
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET with no credentials at all (over TLS with the test CA when needed): its status. */
function anonymousStatus(url: string): Promise<number> {
  if (url.startsWith('http:')) return fetch(url).then(async (r) => (await r.body?.cancel(), r.status));
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: readFileSync(env.features.caFile!) }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('extensions on MinIO (TLS instance with KMS, webhook and replication; plain instance)', () => {
  let tls: MinioStore;
  let plain: MinioStore;
  let bucket: string;
  let plainBucket: string;

  beforeAll(async () => {
    tls = storeFor('features');
    plain = storeFor('minio');
    bucket = bucketName('ext');
    plainBucket = bucketName('extp');
    await tls.createBucket(bucket);
    await plain.createBucket(plainBucket);
  });

  afterAll(async () => {
    await dropBucket(tls, bucket).catch(() => {});
    await dropBucket(plain, plainBucket).catch(() => {});
    await tls.close();
    await plain.close();
  });

  it('bucket policy: an anonymous GET is 200 once a public-read policy is set and 403 once it is deleted', async () => {
    await plain.put(plainBucket, 'public/doc.txt', 'for everyone');
    const url = `${env.minio.endpoint}/${plainBucket}/public/doc.txt`;
    expect(await anonymousStatus(url)).toBe(403);
    expect(await plain.getBucketPolicy(plainBucket)).toBeNull();
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${plainBucket}/public/*`] }],
    };
    await plain.setBucketPolicy(plainBucket, policy);
    expect(await anonymousStatus(url)).toBe(200);
    const read = await plain.getBucketPolicy(plainBucket);
    expect(read?.Statement[0]).toMatchObject({ Effect: 'Allow', Action: ['s3:GetObject'] });
    await plain.deleteBucketPolicy(plainBucket);
    expect(await anonymousStatus(url)).toBe(403);
    expect(await plain.getBucketPolicy(plainBucket)).toBeNull();
  });

  describe('bucket notification to the webhook target', () => {
    let server: Server;
    const received: BucketEvent[] = [];

    beforeAll(async () => {
      const hook = env.features.webhook!;
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.url === hook.path && chunks.length) {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Records?: BucketEvent[] };
            received.push(...(body.Records ?? []));
          }
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(hook.port, '127.0.0.1', resolve));
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('set / get / delete round-trip; a put matching the filter reaches the listener within 5 s, others do not', async () => {
      const hook = env.features.webhook!;
      await tls.setBucketNotification(bucket, { queues: [{ id: 'stowage-test', arn: hook.arn, events: ['s3:ObjectCreated:*'], prefix: 'hook/', suffix: '.txt' }] });
      expect(await tls.getBucketNotification(bucket)).toEqual({
        queues: [{ id: 'stowage-test', arn: hook.arn, events: ['s3:ObjectCreated:*'], prefix: 'hook/', suffix: '.txt' }],
      });
      const t0 = Date.now();
      await tls.put(bucket, 'hook/other.bin', 'filtered out by the suffix');
      await tls.put(bucket, 'hook/a b.txt', 'hello webhook');
      const event = await eventually(async () => received.find((e) => decodeURIComponent(e.s3.object.key.replace(/\+/g, ' ')) === 'hook/a b.txt'), 5000, 50);
      expect(event, 'an event within 5 s').toBeDefined();
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(event!.eventName).toBe('s3:ObjectCreated:Put');
      expect(event!.s3.bucket.name).toBe(bucket);
      expect(received.some((e) => e.s3.object.key.includes('other.bin'))).toBe(false);
      await tls.deleteBucketNotification(bucket);
      expect(await tls.getBucketNotification(bucket)).toEqual({});
      const before = received.length;
      await tls.put(bucket, 'hook/after.txt', 'no longer notified');
      await sleep(1500);
      expect(received.length).toBe(before);
    });
  });

  it('listenBucketNotification: declared off for the pinned build (its answer shown); with the flag on, an abortable iterator filtered by prefix / suffix / event', async () => {
    // the default for the pinned build: refused before any request
    expect((await failure(tls.listenBucketNotification(bucket))).code).toBe('NotSupported');
    const on = storeFor('features', { capabilities: { minio: { listenBucketNotification: true } } });
    try {
      const controller = new AbortController();
      const stream = await on.listenBucketNotification(bucket, { prefix: 'listen/', suffix: '.bin', events: ['s3:ObjectCreated:*'], signal: controller.signal });
      const seen: BucketEvent[] = [];
      const reading = (async () => {
        for await (const e of stream) seen.push(e);
      })();
      await sleep(500); // the server registers the listener
      await on.put(bucket, 'other/x.bin', 'wrong prefix');
      await on.put(bucket, 'listen/x.txt', 'wrong suffix');
      await on.put(bucket, 'listen/0.bin', 'one matching put');
      // The server's answer: the event sits in its 4 KiB write buffer (its flushes are lost).
      await sleep(5000);
      expect(seen, 'one event, buffered by the pinned build').toHaveLength(0);
      // A burst of matching puts fills the buffer: the events arrive, filtered on the server.
      for (let i = 1; i <= 8; i++) await on.put(bucket, `listen/${i}.bin`, 'burst');
      const arrived = await eventually(async () => (seen.length >= 4 ? seen.length : undefined), 10_000, 100);
      expect(arrived, 'events once the buffer filled').toBeDefined();
      expect(seen.every((e) => e.s3.object.key.startsWith('listen/') && e.s3.object.key.endsWith('.bin'))).toBe(true);
      expect(seen[0]!.s3.object.key).toBe('listen/0.bin');
      expect(seen[0]!.eventName).toMatch(/^s3:ObjectCreated:/);
      const t0 = Date.now();
      controller.abort();
      const outcome = await reading.then(
        () => 'ended',
        (e: unknown) => e,
      );
      expect(isStowageError(outcome, 'Aborted')).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
      // close() before the server answered cancels the request
      const early = await on.listenBucketNotification(bucket, { prefix: 'never/' });
      early.close();
      expect(await collect(early)).toEqual([]);
    } finally {
      await on.close();
    }
  });

  it('bucket encryption: with it set, a new object reports SSE (KMS key); deleted, new objects are plain', async () => {
    expect(await tls.getBucketEncryption(bucket)).toBeNull();
    await tls.setBucketEncryption(bucket);
    expect(await tls.getBucketEncryption(bucket)).toEqual({ algorithm: 'AES256' });
    await tls.put(bucket, 'enc/sealed', 'encrypted at rest');
    const sealed = await tls.head(bucket, 'enc/sealed');
    expect(sealed.encryption?.serverSideEncryption).toBe('AES256');
    expect(await (await tls.get(bucket, 'enc/sealed')).body.text()).toBe('encrypted at rest');
    await tls.deleteBucketEncryption(bucket);
    expect(await tls.getBucketEncryption(bucket)).toBeNull();
    await tls.put(bucket, 'enc/plain', 'x');
    expect((await tls.head(bucket, 'enc/plain')).encryption).toBeUndefined();
    // per object: SSE-KMS with the server's static key
    const kms = tls.withEncryption({ type: 'SSE-KMS', keyId: env.features.kmsKeyId! });
    await kms.put(bucket, 'enc/kms', 'kms');
    expect((await tls.head(bucket, 'enc/kms')).encryption).toMatchObject({ serverSideEncryption: 'aws:kms' });
  });

  it('replication: an object put on the source appears on the second instance; get / set / delete round-trip', async () => {
    const repl = env.features.replication!;
    const source = repl.sourceBucket;
    const replica = new MinioStore(
      new MinioDriver({ endpoint: repl.targetEndpoint, region: repl.targetRegion, accessKey: repl.targetAccessKeyId, secretKey: repl.targetSecretAccessKey }),
      { retry: false },
    );
    const key = `replicated/${randomBytes(6).toString('hex')}`;
    try {
      const arn = await ensureReplicationTarget(tls);
      const config = {
        role: arn,
        rules: [{ ID: 'stowage-test', Status: 'Enabled', Priority: 1, DeleteMarkerReplication: { Status: 'Disabled' }, Filter: { Prefix: 'replicated/' }, Destination: { Bucket: arn } }],
      } as unknown as ReplicationConfigOpts;
      await tls.setBucketReplication(source, config);
      const read = await tls.getBucketReplication(source);
      expect(read?.rules).toHaveLength(1);
      expect(read?.rules[0]).toMatchObject({ ID: 'stowage-test', Status: 'Enabled', Filter: { Prefix: 'replicated/' }, Destination: { Bucket: arn } });
      const body = randomBytes(4096);
      await tls.put(source, key, body, { metadata: { origin: 'source' } });
      const copy = await eventually(() => replica.head(repl.targetBucket, key), 30_000, 250);
      expect(copy, 'the replica has the object within 30 s').toBeDefined();
      expect(copy!.etag).toBe(`"${md5(body)}"`);
      expect(copy!.metadata.origin).toBe('source');
      await tls.deleteBucketReplication(source);
      expect(await tls.getBucketReplication(source)).toBeNull();
    } finally {
      for (const v of await collect(tls.listVersions(source, { prefix: key }))) await tls.delete(source, v.key, { versionId: v.versionId });
      for (const v of await collect(replica.listVersions(repl.targetBucket, { prefix: key }))) await replica.delete(repl.targetBucket, v.key, { versionId: v.versionId });
      await replica.close();
      // leave the servers as up.sh made them (the delete took the remote target with it)
      await ensureReplicationTarget(tls);
    }
  });

  it('lifecycle: set / get / delete round-trip', async () => {
    expect(await tls.getBucketLifecycle(bucket)).toBeNull();
    await tls.setBucketLifecycle(bucket, { Rule: [{ ID: 'expire-tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 3 } }] } as never);
    const rules = (await tls.getBucketLifecycle(bucket))!.Rule;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ID: 'expire-tmp', Status: 'Enabled', Filter: { Prefix: 'tmp/' } });
    expect(Number(rules[0]!.Expiration?.Days)).toBe(3);
    await tls.deleteBucketLifecycle(bucket);
    expect(await tls.getBucketLifecycle(bucket)).toBeNull();
  });

  it('object lock configuration delete: the default retention goes, new objects are not retained', async () => {
    const locked = bucketName('extlock');
    await tls.createBucket(locked, { objectLock: true });
    try {
      await tls.setDefaultRetention(locked, { mode: 'GOVERNANCE', days: 1 });
      const before = await tls.put(locked, 'retained', 'x');
      expect((await tls.head(locked, 'retained', { versionId: before.versionId })).retention?.mode).toBe('GOVERNANCE');
      await tls.deleteObjectLockConfiguration(locked);
      expect(await tls.getObjectLockConfiguration(locked)).toEqual({ enabled: true });
      const after = await tls.put(locked, 'free', 'y');
      expect((await tls.head(locked, 'free', { versionId: after.versionId })).retention).toBeUndefined();
    } finally {
      await dropBucket(tls, locked);
    }
  });

  it('selectObjectContent: SQL over CSV and JSON, records streamed, the filtered rows come back, with stats', async () => {
    const csv = 'name,age,city\nann,30,oslo\nbob,20,rome\ncy,40,lima\n';
    await tls.put(bucket, 'select/people.csv', csv);
    const sel = await tls.selectObjectContent(bucket, 'select/people.csv', {
      expression: 'SELECT s.name, s.city FROM S3Object s WHERE CAST(s.age AS INT) > 25',
      input: { csv: { FileHeaderInfo: 'USE' } },
      output: { csv: {} },
      requestProgress: true,
    });
    const events = await collect(sel);
    const records = Buffer.concat(events.filter((e) => e.type === 'records').map((e) => (e as { payload: Uint8Array }).payload)).toString();
    expect(records).toBe('ann,oslo\ncy,lima\n');
    expect(events.at(-1)).toEqual({ type: 'end' });
    const stats = await sel.stats;
    expect(stats.bytesScanned).toBe(csv.length);
    expect(stats.bytesReturned).toBe(records.length);

    await tls.put(bucket, 'select/people.json', '{"name":"ann","age":30}\n{"name":"bob","age":20}\n');
    const json = await tls.selectObjectContent(bucket, 'select/people.json', {
      expression: 'SELECT s.name FROM S3Object s WHERE s.age < 25',
      input: { json: { Type: 'LINES' } },
      output: { json: {} },
    });
    expect((await json.text()).trim()).toBe('{"name":"bob"}');
    const bad = await failure(async () => (await tls.selectObjectContent(bucket, 'select/people.csv', { expression: 'SELEC nonsense', input: { csv: {} }, output: { csv: {} } })).text());
    expect(bad.code).toBe('InvalidArgument');
  });

  it('presigned POST policy: a real multipart/form-data POST stores the object; one over the content-length range is refused', async () => {
    const post = async (key: string, content: string) => {
      const policy = plain.newPostPolicy();
      policy.setBucket(plainBucket);
      policy.setKey(key);
      policy.setContentType('text/plain');
      policy.setContentLengthRange(1, 10);
      policy.setExpires(new Date(Date.now() + 10 * 60_000));
      const { postURL, formData } = await plain.presignedPostPolicy(policy);
      const form = new FormData();
      for (const [k, v] of Object.entries(formData)) form.append(k, v);
      form.append('file', new Blob([content], { type: 'text/plain' }));
      const res = await fetch(postURL, { method: 'POST', body: form });
      return { status: res.status, body: await res.text() };
    };
    const ok = await post('posted/small.txt', 'hello');
    expect(ok.status).toBe(204);
    expect(await (await plain.get(plainBucket, 'posted/small.txt')).body.text()).toBe('hello');
    const refused = await post('posted/big.txt', 'x'.repeat(20));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/EntityTooLarge/);
    expect((await failure(plain.head(plainBucket, 'posted/big.txt'))).code).toBe('ObjectNotFound');
  });

  it('presignedUrl for any method: a presigned DELETE removes the object; GET with response headers', async () => {
    await plain.put(plainBucket, 'presigned/victim', 'x');
    const get = await plain.presignedUrl('GET', plainBucket, 'presigned/victim', { expiresIn: 60, params: { 'response-content-type': 'text/x-presigned' } });
    const res = await fetch(get);
    expect(res.headers.get('content-type')).toBe('text/x-presigned');
    await res.body?.cancel();
    const del = await plain.presignedUrl('DELETE', plainBucket, 'presigned/victim', { expiresIn: 60 });
    expect((await fetch(del, { method: 'DELETE' })).status).toBe(204);
    expect((await failure(plain.head(plainBucket, 'presigned/victim'))).code).toBe('ObjectNotFound');
  });

  it('object and bucket tagging round-trip', async () => {
    await tls.put(bucket, 'tagged', 'x');
    await tls.setObjectTagging(bucket, 'tagged', { team: 'storage', code: '007' });
    expect(await tls.getObjectTagging(bucket, 'tagged')).toEqual({ team: 'storage', code: '007' });
    await tls.deleteObjectTagging(bucket, 'tagged');
    expect(await tls.getObjectTagging(bucket, 'tagged')).toEqual({});
    await tls.setBucketTagging(bucket, { env: 'test' });
    expect(await tls.getBucketTagging(bucket)).toEqual({ env: 'test' });
    await tls.deleteBucketTagging(bucket);
    expect(await tls.getBucketTagging(bucket)).toEqual({});
  });

  it('fPutObject / fGetObject: a file through @stowage/transfer (multipart), fetched to a temp file renamed into place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-minio-'));
    try {
      const data = randomBytes(13 * 1024 * 1024 + 5);
      const src = join(dir, 'src.bin');
      writeFileSync(src, data);
      const up = await tls.fPutObject(bucket, 'files/big.bin', src, { partSize: 5 * 1024 * 1024, concurrency: 2 });
      expect(up).toMatchObject({ multipart: true, parts: 3, size: data.length });
      expect(up.etag).toMatch(/-3"$/);
      expect(up.integrity.serverVerified).toBe('crc32');
      const dst = join(dir, 'out', 'big.bin');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(dir, 'out'));
      const down = await tls.fGetObject(bucket, 'files/big.bin', dst, { concurrency: 2 });
      expect(down.integrity.verified).toBe(true);
      expect(md5(readFileSync(dst))).toBe(md5(data));
      expect(existsSync(`${dst}.partial`)).toBe(false);
      // a failed download leaves neither the file nor the partial one
      const missing = join(dir, 'out', 'missing.bin');
      expect((await failure(tls.fGetObject(bucket, 'files/none', missing))).code).toBe('ObjectNotFound');
      expect(existsSync(missing) || existsSync(`${missing}.partial`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('large objects go through @stowage/transfer on the multipart primitives (parallel parts, not the client putObject)', async () => {
    const data = randomBytes(21 * 1024 * 1024);
    const sent: string[] = [];
    const store = new MinioStore(new MinioDriver(configFor('minio')), { hooks: { onRequest: (e) => sent.push(e.operation) } });
    try {
      const chunks = [data.subarray(0, 7_000_001), data.subarray(7_000_001)];
      const stream = new ReadableStream<Uint8Array>({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()!) : c.close()) });
      const result = await store.upload(plainBucket, 'large/streamed', stream, { partSize: 5 * 1024 * 1024, concurrency: 3 });
      expect(result).toMatchObject({ multipart: true, parts: 5, size: data.length });
      expect(sent.filter((o) => o === 'uploadPart')).toHaveLength(5);
      expect(sent).toContain('createMultipartUpload');
      expect(sent).toContain('completeMultipartUpload');
      expect(md5(await store.getBytes(plainBucket, 'large/streamed'))).toBe(md5(data));
    } finally {
      await store.close();
    }
  });

  it('a credentials provider: temporary keys from MinIO STS (AssumeRole) with their session token', async () => {
    const m = env.minio;
    const provider = new AssumeRoleProvider({ stsEndpoint: m.endpoint, accessKey: m.accessKeyId, secretKey: m.secretAccessKey, region: m.region, durationSeconds: 900 });
    const viaProvider = new MinioStore(new MinioDriver({ endpoint: m.endpoint, region: m.region, credentialsProvider: provider }), { retry: false });
    const creds = await provider.getCredentials();
    expect(creds.sessionToken).toBeTruthy();
    const viaToken = new MinioStore(
      new MinioDriver({ endpoint: m.endpoint, region: m.region, accessKey: creds.accessKey, secretKey: creds.secretKey, sessionToken: creds.sessionToken! }),
      { retry: false },
    );
    const viaFunction = new MinioStore(
      new MinioDriver({ endpoint: m.endpoint, region: m.region, credentialsProvider: async () => ({ accessKey: creds.accessKey, secretKey: creds.secretKey, sessionToken: creds.sessionToken! }) }),
      { retry: false },
    );
    const withoutToken = new MinioStore(new MinioDriver({ endpoint: m.endpoint, region: m.region, accessKey: creds.accessKey, secretKey: creds.secretKey }), { retry: false });
    try {
      await viaProvider.put(plainBucket, 'sts/a', 'via provider');
      expect(await (await viaToken.get(plainBucket, 'sts/a')).body.text()).toBe('via provider');
      expect((await viaFunction.head(plainBucket, 'sts/a')).size).toBe(12);
      expect((await failure(withoutToken.head(plainBucket, 'sts/a'))).code).toBe('AccessDenied');
    } finally {
      await Promise.all([viaProvider.close(), viaToken.close(), viaFunction.close(), withoutToken.close()]);
    }
  });

  it('a CONNECT proxy: TLS to MinIO tunnelled through it (and a custom agent)', async () => {
    const tunnels: string[] = [];
    const proxy = net.createServer((client) => {
      client.once('data', (head) => {
        const [line] = head.toString('latin1').split('\r\n');
        const m = /^CONNECT (\S+):(\d+) HTTP/.exec(line ?? '');
        if (!m) return client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        tunnels.push(`${m[1]}:${m[2]}`);
        const upstream = net.connect(Number(m[2]), m[1], () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    const viaProxy = storeFor('features', { proxy: `http://127.0.0.1:${port}` });
    const agent = new https.Agent({ keepAlive: true, ca: readFileSync(env.features.caFile!) });
    const viaAgent = storeFor('features', { agent, caFile: undefined });
    try {
      await viaProxy.put(bucket, 'proxied', 'through the tunnel');
      expect(await (await viaProxy.get(bucket, 'proxied')).body.text()).toBe('through the tunnel');
      expect(tunnels.length).toBeGreaterThan(0);
      expect(new Set(tunnels)).toEqual(new Set([new URL(env.features.endpoint).host]));
      expect(await (await viaAgent.get(bucket, 'proxied')).body.text()).toBe('through the tunnel');
    } finally {
      await viaProxy.close();
      await viaAgent.close();
      agent.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('TLS with a CA the store does not trust is refused (no silent downgrade)', async () => {
    const untrusting = storeFor('features', { caFile: undefined });
    try {
      const e = await failure(untrusting.listBuckets());
      expect(e.code).toBe('ProviderError');
      expect(String(e.message)).toMatch(/certificate/i);
    } finally {
      await untrusting.close();
    }
  });
});
