import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { Agent, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type S3StoreConfig } from '../src/index.js';
import { streamOf, utf8 } from './support/servers.js';

/**
 * What goes on the wire, recorded by a loopback HTTP listener that answers
 * like S3 (the SDK is the real one): checksums, owner / payer headers,
 * addressing style.
 */
interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let http: Server;
let port: number;
const seen: Recorded[] = [];

beforeAll(async () => {
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      const url = new URL(req.url!, 'http://x');
      if (req.method === 'POST' && url.searchParams.has('delete')) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult><Deleted><Key>a</Key></Deleted></DeleteResult>');
        return;
      }
      if (req.headers['x-amz-copy-source']) {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"d41d8cd98f00b204e9800998ecf8427e"</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></CopyObjectResult>');
        return;
      }
      res.writeHead(200, { etag: '"d41d8cd98f00b204e9800998ecf8427e"', 'last-modified': new Date().toUTCString(), 'content-length': '0' });
      res.end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  port = (http.address() as AddressInfo).port;
});

afterAll(async () => {
  http.closeAllConnections();
  await new Promise((r) => http.close(r));
});

function store(extra: Partial<S3StoreConfig> = {}) {
  return createS3Store(
    { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'AKIDWIRE', secretAccessKey: 'wire-secret-key' }, ...extra },
    { retry: false },
  );
}

function last(): Recorded {
  return seen[seen.length - 1]!;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

describe('body checksums on the wire', () => {
  it.each(['ceph-rgw', 'minio', 'generic'] as const)('%s: Content-MD5 (not CRC32) on DeleteObjects, lock configuration, retention and legal hold', async (serverProfile) => {
    const s = store({ serverProfile });
    const until = new Date(Date.now() + 3_600_000);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['delete', () => s.deleteMany('bkt', ['a', 'b'])],
      ['object-lock', () => s.setDefaultRetention('bkt', { mode: 'GOVERNANCE', days: 1 })],
      ['retention', () => s.setRetention('bkt', 'k', { mode: 'GOVERNANCE', retainUntil: until })],
      ['legal-hold', () => s.setLegalHold('bkt', 'k', true)],
    ];
    for (const [query, call] of calls) {
      await call();
      const r = last();
      expect(r.url).toContain(query);
      expect(r.headers['content-md5']).toBe(md5(r.body));
      expect(Object.keys(r.headers).filter((h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm')).toEqual([]);
    }
    await s.close();
  });

  it('aws: the SDK default (CRC32) is left alone', async () => {
    const s = store({ serverProfile: 'aws' });
    await s.deleteMany('bkt', ['a']);
    expect(last().headers['x-amz-checksum-crc32']).toBeTruthy();
    expect(last().headers['content-md5']).toBeUndefined();
    await s.close();
  });

  it('non-AWS: a streamed put has a Content-Length and a plain body (no aws-chunked, no trailer)', async () => {
    const s = store({ serverProfile: 'generic' });
    await s.put('bkt', 'k', streamOf([utf8.encode('hello '), utf8.encode('stream')]), { contentLength: 12 });
    const r = last();
    expect(r.headers['content-length']).toBe('12');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers['x-amz-trailer']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBeUndefined();
    expect(r.body.toString()).toBe('hello stream');
    await s.close();
  });

  it('a checksum the caller gives goes in its x-amz-checksum-* header', async () => {
    const s = store({ serverProfile: 'minio' });
    const value = createHash('sha256').update('abc').digest('base64');
    await s.put('bkt', 'k', 'abc', { checksum: { algorithm: 'sha256', value } });
    expect(last().headers['x-amz-checksum-sha256']).toBe(value);
    await s.close();
  });
});

describe('expectedBucketOwner and requestPayer', () => {
  it('per store, from the config', async () => {
    const s = store({ serverProfile: 'generic', expectedBucketOwner: '111122223333', requestPayer: 'requester' });
    await s.head('bkt', 'k');
    expect(last().headers['x-amz-expected-bucket-owner']).toBe('111122223333');
    expect(last().headers['x-amz-request-payer']).toBe('requester');
    await s.close();
  });

  it('per call, through withCallOptions (merged; undefined clears), leaving the original store as it was', async () => {
    const s = store({ serverProfile: 'generic', expectedBucketOwner: '111122223333' });
    const other = s.withCallOptions({ expectedBucketOwner: '444455556666', requestPayer: 'requester' });
    await other.put('bkt', 'k', 'x');
    expect(last().headers['x-amz-expected-bucket-owner']).toBe('444455556666');
    expect(last().headers['x-amz-request-payer']).toBe('requester');
    await other.copy({ bucket: 'src', key: 'a' }, { bucket: 'bkt', key: 'b' });
    expect(last().headers['x-amz-source-expected-bucket-owner']).toBe('444455556666');
    const cleared = other.withCallOptions({ expectedBucketOwner: undefined });
    await cleared.get('bkt', 'k').then((g) => g.body.cancel());
    expect(last().headers['x-amz-expected-bucket-owner']).toBeUndefined();
    expect(last().headers['x-amz-request-payer']).toBe('requester');
    await s.head('bkt', 'k');
    expect(last().headers['x-amz-expected-bucket-owner']).toBe('111122223333');
    expect(last().headers['x-amz-request-payer']).toBeUndefined();
    // the same client underneath
    expect(other.native()).toBe(s.native());
    await s.close();
  });
});

describe('addressing', () => {
  it('path-style by default for an endpoint; virtual-host with forcePathStyle: false', async () => {
    const path = store({ serverProfile: 'generic' });
    await path.head('bkt', 'dir/k');
    expect(last()).toMatchObject({ url: '/bkt/dir/k' });
    expect(last().headers.host).toBe(`127.0.0.1:${port}`);
    await path.close();

    // *.localhost resolves to this listener through a custom lookup
    const agent = new Agent({ lookup: (_host, _opts, cb) => (cb as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]) });
    const vhost = createS3Store(
      {
        endpoint: `http://localhost:${port}`,
        region: 'us-east-1',
        forcePathStyle: false,
        credentials: { accessKeyId: 'AKIDWIRE', secretAccessKey: 'wire-secret-key' },
        clientConfig: { requestHandler: { httpAgent: agent } as never },
      },
      { retry: false },
    );
    await vhost.head('bkt', 'dir/k');
    expect(last()).toMatchObject({ url: '/dir/k' });
    expect(last().headers.host).toBe(`bkt.localhost:${port}`);
    await vhost.close();
    agent.destroy();
  });

  it('SigV4 with the session token when one is given', async () => {
    const s = createS3Store({ endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'AKIDWIRE', secretAccessKey: 'wire-secret-key', sessionToken: 'wire-session-token' } }, { retry: false });
    await s.head('bkt', 'k');
    expect(last().headers['x-amz-security-token']).toBe('wire-session-token');
    expect(last().headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDWIRE\/\d{8}\/us-east-1\/s3\/aws4_request/);
    await s.close();
  });

  it('credentials from a provider function', async () => {
    let calls = 0;
    const s = createS3Store(
      {
        endpoint: `http://127.0.0.1:${port}`,
        credentials: async () => {
          calls++;
          return { accessKeyId: 'AKIDPROVIDED', secretAccessKey: 'provided-secret', expiration: new Date(Date.now() + 3_600_000) };
        },
      },
      { retry: false },
    );
    await s.head('bkt', 'k');
    await s.head('bkt', 'k');
    expect(last().headers.authorization).toContain('Credential=AKIDPROVIDED/');
    expect(calls).toBe(1);
    await s.close();
  });
});

describe('payload signing', () => {
  const body = Buffer.from('payload signing body '.repeat(64));
  const sha256hex = createHash('sha256').update(body).digest('hex');
  const crc32 = () => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(zlibCrc32(body));
    return b.toString('base64');
  };
  // A host name that is not loopback, resolved to this listener: the transport is plain HTTP to "elsewhere".
  const remote = () => {
    const agent = new Agent({ lookup: (_h, _o, cb) => (cb as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: '127.0.0.1', family: 4 }]) });
    const s = createS3Store(
      {
        endpoint: `http://storage.example:${port}`,
        region: 'us-east-1',
        serverProfile: 'minio',
        credentials: { accessKeyId: 'AKIDWIRE', secretAccessKey: 'wire-secret-key' },
        clientConfig: { requestHandler: { httpAgent: agent } as never },
      },
      { retry: false },
    );
    return { s, agent };
  };

  it('a part with Content-MD5 goes UNSIGNED-PAYLOAD, without Expect: 100-continue', async () => {
    const s = store({ serverProfile: 'minio' });
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    await s.uploadPart({ bucket: 'bkt', key: 'k', uploadId: 'u1' }, 1, big, { contentMd5: md5(big) });
    const r = last();
    expect(r.url).toContain('partNumber=1');
    expect(r.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(r.headers.authorization).toMatch(/SignedHeaders=[^,]*content-md5[^,]*x-amz-content-sha256/);
    expect(r.headers.expect).toBeUndefined();
    expect(r.body.equals(big)).toBe(true);
    await s.close();
  });

  it('a CRC32 is enough on loopback, not over plain HTTP elsewhere; Content-MD5 is enough everywhere', async () => {
    const local = store({ serverProfile: 'minio' });
    await local.put('bkt', 'k', body, { checksum: { algorithm: 'crc32', value: crc32() } });
    expect(last().headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    await local.close();

    const { s, agent } = remote();
    await s.put('bkt', 'k', body, { checksum: { algorithm: 'crc32', value: crc32() } });
    expect(last().headers['x-amz-content-sha256']).toBe(sha256hex);
    await s.uploadPart({ bucket: 'bkt', key: 'k', uploadId: 'u1' }, 2, body, { contentMd5: md5(body) });
    expect(last().headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    await s.close();
    agent.destroy();
  });

  it('a body without a server-verified checksum is signed; payloadSigning "always" signs everything', async () => {
    const plain = store({ serverProfile: 'generic' });
    await plain.put('bkt', 'k', body);
    expect(last().headers['x-amz-content-sha256']).toBe(sha256hex);
    await plain.close();

    const always = store({ serverProfile: 'minio', payloadSigning: 'always' });
    await always.uploadPart({ bucket: 'bkt', key: 'k', uploadId: 'u1' }, 1, body, { contentMd5: md5(body) });
    expect(last().headers['x-amz-content-sha256']).toBe(sha256hex);
    await always.close();
  });

  it('an explicit expectContinueHeader in clientConfig is kept', async () => {
    const s = store({ serverProfile: 'minio', clientConfig: { expectContinueHeader: true } });
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    await s.uploadPart({ bucket: 'bkt', key: 'k', uploadId: 'u1' }, 1, big, { contentMd5: md5(big) });
    expect(last().headers.expect).toBe('100-continue');
    await s.close();
  });

  it('a bad payloadSigning value is a typed error naming the field', () => {
    expect(() => store({ payloadSigning: 'never' as never })).toThrow(/config\.payloadSigning/);
  });
});
