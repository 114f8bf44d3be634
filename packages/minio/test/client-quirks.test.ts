import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinioStore } from '../src/index.js';
import { bucketName, dropBucket, serversEnv, storeFor } from './support/servers.js';

/**
 * Why the driver sends some operations through the client's signed-request
 * primitive instead of its high-level call: each test shows, on the real
 * server, what the high-level call does wrong, and that the adapter does not.
 */
describe('the minio client, measured', () => {
  let store: MinioStore;
  let client: Client;
  let bucket: string;
  /** method and path of every request the client sends (a transport that records them) */
  const sent: string[] = [];

  beforeAll(async () => {
    store = storeFor('minio');
    const m = serversEnv().minio;
    const url = new URL(m.endpoint);
    client = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: m.accessKeyId, secretKey: m.secretAccessKey, region: m.region, partSize: 5 * 1024 * 1024,
      transport: { request: (o: http.RequestOptions, cb?: (r: http.IncomingMessage) => void) => (sent.push(`${o.method} ${o.path}`), http.request(o, cb)) } as never });
    bucket = bucketName('quirks');
    await store.createBucket(bucket);
    await store.setVersioning(bucket, 'Enabled');
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
  });

  it("listObjectsV2Query's parser turns the key 0123 into 123; the adapter lists it as it is", async () => {
    await store.put(bucket, '0123', 'x');
    const page = await client.listObjectsV2Query(bucket, '0', '', '', 1000, '');
    expect(page.objects.map((o) => String(o.name))).toEqual(['123']);
    expect((await store.listPage(bucket, { prefix: '0' })).objects.map((o) => o.key)).toEqual(['0123']);
  });

  it('getObjectTagging parses the tag value 007 as the number 7; the adapter keeps "007"', async () => {
    await store.put(bucket, 'tags/k', 'x');
    await store.setObjectTagging(bucket, 'tags/k', { code: '007' });
    const native = await client.getObjectTagging(bucket, 'tags/k');
    expect(JSON.stringify(native)).toContain('"Value":7');
    expect(await store.getObjectTagging(bucket, 'tags/k')).toEqual({ code: '007' });
  });

  it('removeObjects asks in quiet mode (no delete-marker report) and has no governance bypass', async () => {
    await store.put(bucket, 'rm/a', 'x');
    const native = await client.removeObjects(bucket, ['rm/a']);
    expect(native).toEqual([]); // nothing reported: not the marker it made either
    await store.put(bucket, 'rm/b', 'x');
    const ours = await store.deleteMany(bucket, ['rm/b']);
    expect(ours[0]).toMatchObject({ deleted: true, deleteMarker: true });
    expect(typeof (ours[0] as { deleteMarkerVersionId?: string }).deleteMarkerVersionId).toBe('string');
    // removeObjects(bucket, objectsList) takes no options: no x-amz-bypass-governance-retention
  });

  it("putObject's own multipart path numbers the first part 2 (and uploads parts one at a time)", async () => {
    sent.length = 0;
    await client.putObject(bucket, 'mp/client', Readable.from([randomBytes(6 * 1024 * 1024)]), 6 * 1024 * 1024);
    const partNumbers = sent.filter((l) => /^PUT .*partNumber=/.test(l)).map((l) => /partNumber=(\d+)/.exec(l)![1]);
    expect(partNumbers[0]).toBe('2');
  });

  it("getObject puts an SSE-C key into the URL's query string; the adapter sends it as headers", async () => {
    sent.length = 0;
    await client.getObject(bucket, 'no-such', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: 'c2VjcmV0', SSECustomerKeyMD5: 'x' }).catch(() => {});
    expect(sent.find((l) => l.startsWith('GET'))).toMatch(/SSECustomerKey=c2VjcmV0/);
  });

  it('copyObject escapes the source with encodeURI: a key with "?" is another key on the wire', async () => {
    await store.put(bucket, 'cp/a?b', 'source');
    const e = await client
      .copyObject(new CopySourceOptions({ Bucket: bucket, Object: 'cp/a?b' }), new CopyDestinationOptions({ Bucket: bucket, Object: 'cp/native' }))
      .then(() => undefined, (x: unknown) => x as { code?: string });
    expect(e?.code).toBe('NoSuchKey');
    await store.copy({ bucket, key: 'cp/a?b' }, { bucket, key: 'cp/ours' });
    expect(await (await store.get(bucket, 'cp/ours')).body.text()).toBe('source');
  });

  it('makeBucket refuses a region other than the configured one; the server takes it', async () => {
    const name = bucketName('eu');
    await expect(client.makeBucket(name, 'eu-west-1')).rejects.toThrow(/Configured region us-east-1, requested eu-west-1/);
    await store.createBucket(name, { region: 'eu-west-1' });
    expect(await store.bucketExists(name)).toBe(true);
    await store.deleteBucket(name);
  });

  it("an S3Error carries the server's code but not the HTTP status: the adapter's call context has it", async () => {
    const e = (await client.statObject(bucket, 'none').catch((x: unknown) => x)) as { code?: string; statusCode?: number };
    expect(e.code).toBe('NotFound');
    expect(e.statusCode).toBeUndefined();
    const ours = await store.head(bucket, 'none').catch((x: unknown) => x as { statusCode?: number; code?: string });
    expect(ours).toMatchObject({ code: 'ObjectNotFound', statusCode: 404 });
  });

});
