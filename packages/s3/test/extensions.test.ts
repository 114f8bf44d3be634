import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, decodeBencode, type BencodeValue, type S3Store } from '../src/index.js';
import { bucketName, dropBucket, failure, storeFor, streamOf, utf8 } from './support/servers.js';

describe('getObjectTorrent (Ceph RGW, rgw torrent flag = true)', () => {
  let store: S3Store;
  let bucket: string;
  beforeAll(async () => {
    store = storeFor('ceph');
    bucket = bucketName('torrent');
    await store.createBucket(bucket);
  });
  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
  });

  it('answers a bencoded torrent whose info.length is the object size and whose pieces are the SHA-1s', async () => {
    const size = 1_300_000; // three 512 KiB pieces, the last one short
    const bytes = new Uint8Array(size).map((_, i) => (i * 31) % 251);
    await store.put(bucket, 'dir/file.bin', bytes);
    const torrent = await store.getObjectTorrent(bucket, 'dir/file.bin');
    const decoded = decodeBencode(torrent) as { [k: string]: BencodeValue };
    const info = decoded.info as { [k: string]: BencodeValue };
    expect(info.length).toBe(size);
    const pieceLength = info['piece length'] as number;
    expect(pieceLength).toBe(524288);
    const pieces = info.pieces as Uint8Array;
    expect(pieces.length).toBe(20 * Math.ceil(size / pieceLength));
    const first = createHash('sha1').update(bytes.subarray(0, pieceLength)).digest();
    expect(Buffer.from(pieces.subarray(0, 20)).equals(first)).toBe(true);
    expect(Buffer.from(info.name as Uint8Array).toString()).toContain('file.bin');
  });

  it('a missing object is ObjectNotFound', async () => {
    expect((await failure(() => store.getObjectTorrent(bucket, 'nope'))).code).toBe('ObjectNotFound');
  });

  it('decodeBencode refuses malformed input', () => {
    expect(decodeBencode(utf8.encode('d3:cowi3e4:spaml1:a1:bee'))).toEqual({ cow: 3, spam: [utf8.encode('a'), utf8.encode('b')] });
    for (const bad of ['i12', 'd3:cow', '5:ab', 'x', 'i1ei2e', 'di1ei2ee']) expect(() => decodeBencode(utf8.encode(bad))).toThrow(SyntaxError);
  });
});

describe('writeGetObjectResponse (S3 Object Lambda) against a loopback listener', () => {
  interface Recorded {
    method: string;
    url: string;
    headers: IncomingHttpHeaders;
    body: Buffer;
  }
  let http: Server;
  let endpoint: string;
  const seen: Recorded[] = [];
  let status = 200;

  beforeAll(async () => {
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        if (status === 200) {
          res.writeHead(200, { 'x-amz-request-id': 'wgor-1' });
          res.end();
        } else {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ValidationError</Code><Message>bad token</Message></Error>');
        }
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });

  const lambdaStore = () =>
    createS3Store(
      { endpoint, region: 'us-west-2', credentials: { accessKeyId: 'AKIDLAMBDA', secretAccessKey: 'lambda-secret-key', sessionToken: 'lambda-session-token' } },
      { retry: false },
    );

  it('POSTs the body stream with route, token, status and forwarded headers, no host prefix, signed for s3-object-lambda', async () => {
    const store = lambdaStore();
    expect(store.s3.config.disableHostPrefix).toBe(true);
    const chunks = [utf8.encode('TRANSFORMED '), utf8.encode('BODY')];
    await store.writeGetObjectResponse({
      route: 'io-example-route',
      token: 'opaque-token-123',
      body: streamOf(chunks),
      contentLength: 16,
      statusCode: 206,
      headers: {
        contentType: 'text/plain',
        cacheControl: 'no-store',
        contentRange: 'bytes 0-15/100',
        etag: '"abc"',
        lastModified: new Date('2026-01-02T03:04:05Z'),
        metadata: { transformed: 'yes' },
      },
    });
    const r = seen[seen.length - 1]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/WriteGetObjectResponse');
    expect(r.headers.host).toBe(new URL(endpoint).host); // no "io-example-route." prefix
    expect(r.headers['x-amz-request-route']).toBe('io-example-route');
    expect(r.headers['x-amz-request-token']).toBe('opaque-token-123');
    expect(r.headers['x-amz-fwd-status']).toBe('206');
    expect(r.headers['x-amz-fwd-header-content-type']).toBe('text/plain');
    expect(r.headers['x-amz-fwd-header-cache-control']).toBe('no-store');
    expect(r.headers['x-amz-fwd-header-content-range']).toBe('bytes 0-15/100');
    expect(r.headers['x-amz-fwd-header-etag']).toBe('"abc"');
    expect(r.headers['x-amz-fwd-header-last-modified']).toBe('Fri, 02 Jan 2026 03:04:05 GMT');
    expect(r.headers['x-amz-meta-transformed']).toBe('yes');
    expect(r.headers['content-length']).toBe('16');
    expect(r.headers['x-amz-security-token']).toBe('lambda-session-token');
    expect(r.headers.authorization).toMatch(/Credential=AKIDLAMBDA\/\d{8}\/us-west-2\/s3-object-lambda\/aws4_request/);
    expect(r.body.toString()).toBe('TRANSFORMED BODY');
    await store.close();
  });

  it('an error answer carries the status, error code and message, and no body', async () => {
    const store = lambdaStore();
    await store.writeGetObjectResponse({ route: 'r', token: 't', statusCode: 404, errorCode: 'NoSuchKey', errorMessage: 'not here' });
    const r = seen[seen.length - 1]!;
    expect(r.headers['x-amz-fwd-status']).toBe('404');
    expect(r.headers['x-amz-fwd-error-code']).toBe('NoSuchKey');
    expect(r.headers['x-amz-fwd-error-message']).toBe('not here');
    expect(r.body.length).toBe(0);
    await store.close();
  });

  it('the listener refusing maps to a typed error', async () => {
    status = 400;
    const store = lambdaStore();
    const e = await failure(() => store.writeGetObjectResponse({ route: 'r', token: 't', body: 'x' }));
    expect(e).toMatchObject({ code: 'InvalidArgument', statusCode: 400 });
    status = 200;
    await store.close();
  });

  it('with disableHostPrefix: false the SDK prefixes the route to the host (AWS behaviour)', async () => {
    const store = createS3Store({ endpoint: 'http://127.0.0.1:9', region: 'us-west-2', credentials: { accessKeyId: 'AKIDLAMBDA', secretAccessKey: 'lambda-secret-key' }, disableHostPrefix: false }, { retry: false });
    const hosts: string[] = [];
    store.native().middlewareStack.add(
      (next) => async (args) => {
        hosts.push((args.request as { hostname: string }).hostname);
        throw Object.assign(new Error('stop here'), { name: 'AbortError' });
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    await failure(() => store.writeGetObjectResponse({ route: 'my-route', token: 't', body: 'x' }));
    expect(hosts).toEqual(['my-route.127.0.0.1']);
    await store.close();
  });
});
