import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@stowage/memory';
import { encodeAwsChunked } from '../src/auth/aws-chunked.js';
import { createChecksum } from '../src/auth/checksums.js';
import { signingKey } from '../src/auth/sigv4.js';
import { S3Dialect, startServer, type RunningServer } from '../src/index.js';
import { CREDS, md5Base64, raw, signedRequest, signHeaders, testServer } from './support.js';

const BUCKET = 'auth-bucket';

let server: RunningServer;
beforeAll(async () => {
  server = await testServer();
  await server.store.createBucket(BUCKET);
  await server.store.put(BUCKET, 'existing', 'existing body');
});
afterAll(() => server.close());

async function stored(key: string): Promise<boolean> {
  try {
    await server.store.head(BUCKET, key);
    return true;
  } catch {
    return false;
  }
}

function b64(name: 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256', data: Buffer | string): string {
  const c = createChecksum(name);
  c.update(Buffer.from(data));
  return c.digest().toString('base64');
}

describe('header authentication', () => {
  it('a request signed by the SDK signer is accepted', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing` });
    expect([res.status, res.text]).toEqual([200, 'existing body']);
  });

  it('a wrong secret → 403 SignatureDoesNotMatch', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing`, secretAccessKey: 'not-the-secret' });
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(res.text).not.toContain('existing body');
  });

  it('an unknown access key → 403 InvalidAccessKeyId', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing`, accessKeyId: 'nobody' });
    expect([res.status, res.code]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('no Authorization at all → 403 AccessDenied', async () => {
    const res = await raw(`${server.url}/${BUCKET}/existing`);
    expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
  });

  it('a missing date → 403 AccessDenied; a malformed one too', async () => {
    const { headers, url } = await signHeaders(server, { path: `/${BUCKET}/existing` });
    const { 'x-amz-date': _date, ...noDate } = headers;
    const missing = await raw(url, { headers: noDate });
    expect([missing.status, missing.code]).toEqual([403, 'AccessDenied']);
    expect(missing.text).toContain('Date or x-amz-date');
    const malformed = await raw(url, { headers: { ...headers, 'x-amz-date': '2024-01-01T00:00:00Z' } });
    expect([malformed.status, malformed.code]).toEqual([403, 'AccessDenied']);
  });

  it('a date more than 15 minutes off → 403 RequestTimeTooSkewed', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing`, signingDate: new Date(Date.now() - 20 * 60_000) });
    expect([res.status, res.code]).toEqual([403, 'RequestTimeTooSkewed']);
  });

  it('the wrong region → 400 AuthorizationHeaderMalformed', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing`, region: 'eu-west-1' });
    expect([res.status, res.code]).toEqual([400, 'AuthorizationHeaderMalformed']);
  });

  it('an x-amz-* header added after signing → 403 AccessDenied (headers not signed)', async () => {
    const { headers, url } = await signHeaders(server, { method: 'PUT', path: `/${BUCKET}/unsigned-meta`, body: 'x' });
    const res = await raw(url, { method: 'PUT', headers: { ...headers, 'x-amz-meta-injected': 'evil' }, body: 'x' });
    expect([res.status, res.code]).toEqual([403, 'AccessDenied']);
    expect(await stored('unsigned-meta')).toBe(false);
  });

  it('a header changed after signing (a signed one) → SignatureDoesNotMatch', async () => {
    const { headers, url } = await signHeaders(server, { path: `/${BUCKET}/existing`, headers: { range: 'bytes=0-3' } });
    const res = await raw(url, { headers: { ...headers, range: 'bytes=0-12' } });
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('S3 requires x-amz-content-sha256 on header-signed requests', async () => {
    const res = await signedRequest(server, { path: `/${BUCKET}/existing`, payloadHash: null });
    expect([res.status, res.code]).toEqual([400, 'InvalidRequest']);
  });

  it('Expect: 100-continue with a bad signature is refused before the body is sent', async () => {
    const { headers, url } = await signHeaders(server, { method: 'PUT', path: `/${BUCKET}/continue`, body: 'never', secretAccessKey: 'wrong' });
    const res = await raw(url, { method: 'PUT', headers: { ...headers, expect: '100-continue' } });
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await stored('continue')).toBe(false);
  });
});

describe('payload integrity', () => {
  it('a body that does not match x-amz-content-sha256 → 400 XAmzContentSHA256Mismatch, nothing stored', async () => {
    const { headers, url } = await signHeaders(server, { method: 'PUT', path: `/${BUCKET}/sha-mismatch`, body: 'signed body' });
    const res = await raw(url, { method: 'PUT', headers, body: 'forged body' });
    expect([res.status, res.code]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(await stored('sha-mismatch')).toBe(false);
  });

  it('a wrong Content-MD5 → 400 BadDigest, nothing stored; a malformed one → 400 InvalidDigest', async () => {
    const bad = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/md5`, body: 'data', headers: { 'content-md5': md5Base64('other') }, payloadHash: 'UNSIGNED-PAYLOAD' });
    expect([bad.status, bad.code]).toEqual([400, 'BadDigest']);
    expect(await stored('md5')).toBe(false);
    const malformed = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/md5`, body: 'data', headers: { 'content-md5': 'not-base64!' } });
    expect([malformed.status, malformed.code]).toEqual([400, 'InvalidDigest']);
    const good = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/md5`, body: 'data', headers: { 'content-md5': md5Base64('data') } });
    expect(good.status).toBe(200);
  });

  for (const name of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const) {
    it(`x-amz-checksum-${name}: the right value is accepted and echoed, a wrong one → 400 BadDigest`, async () => {
      const header = `x-amz-checksum-${name}`;
      const good = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/ck-${name}`, body: 'checksummed', headers: { [header]: b64(name, 'checksummed') }, payloadHash: 'UNSIGNED-PAYLOAD' });
      expect(good.status).toBe(200);
      expect(good.headers[header]).toBe(b64(name, 'checksummed'));
      const bad = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/ck-bad-${name}`, body: 'checksummed', headers: { [header]: b64(name, 'something else') }, payloadHash: 'UNSIGNED-PAYLOAD' });
      expect([bad.status, bad.code]).toEqual([400, 'BadDigest']);
      expect(await stored(`ck-bad-${name}`)).toBe(false);
      const malformed = await signedRequest(server, { method: 'PUT', path: `/${BUCKET}/ck-bad-${name}`, body: 'checksummed', headers: { [header]: 'AAAA' }, payloadHash: 'UNSIGNED-PAYLOAD' });
      expect([malformed.status, malformed.code]).toEqual([400, 'InvalidRequest']);
    });
  }

  it('a body shorter than Content-Length (client gone) stores nothing', async () => {
    const { headers } = await signHeaders(server, { method: 'PUT', path: `/${BUCKET}/cut`, body: 'x'.repeat(1000), payloadHash: 'UNSIGNED-PAYLOAD' });
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        const head = [`PUT /${BUCKET}/cut HTTP/1.1`, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`), '', ''].join('\r\n');
        socket.write(head + 'x'.repeat(400), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(await stored('cut')).toBe(false);
  });
});

describe('aws-chunked bodies', () => {
  const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) % 256));

  async function chunkedPut(key: string, options: { mutate?: (body: Buffer) => Buffer; trailer?: Record<string, string>; signed: boolean }) {
    const mode = options.signed ? (options.trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD') : 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    const extra: Record<string, string> = { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(payload.length) };
    if (options.trailer) extra['x-amz-trailer'] = Object.keys(options.trailer).join(',');
    // The encoded length depends only on sizes and signature lengths, so a dry run gives it.
    const dry = encodeAwsChunked(payload, 65536, options.signed ? { datetime: '', scope: '', key: Buffer.alloc(32), seedSignature: '' } : undefined, options.trailer);
    extra['content-length'] = String(dry.length);
    const { headers, url } = await signHeaders(server, { method: 'PUT', path: `/${BUCKET}/${key}`, headers: extra, payloadHash: mode });
    const seed = /Signature=([0-9a-f]{64})/.exec(headers.authorization!)![1]!;
    const datetime = headers['x-amz-date']!;
    const date = datetime.slice(0, 8);
    const signing = options.signed
      ? { datetime, scope: `${date}/us-east-1/s3/aws4_request`, key: signingKey(CREDS.secretAccessKey, date, 'us-east-1', 's3'), seedSignature: seed }
      : undefined;
    let body = encodeAwsChunked(payload, 65536, signing, options.trailer);
    expect(body.length).toBe(dry.length);
    if (options.mutate) body = options.mutate(body);
    return raw(url, { method: 'PUT', headers, body });
  }

  it('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) are decoded and stored exactly', async () => {
    const res = await chunkedPut('chunked-signed', { signed: true });
    expect(res.status).toBe(200);
    expect(Buffer.from(await server.store.getBytes(BUCKET, 'chunked-signed')).equals(payload)).toBe(true);
    expect((await server.store.head(BUCKET, 'chunked-signed')).contentEncoding).toBeUndefined();
  });

  it('a flipped byte in a signed chunk → 403 SignatureDoesNotMatch, nothing stored', async () => {
    const res = await chunkedPut('chunked-forged', { signed: true, mutate: (b) => {
        b[150_000] = b[150_000]! ^ 1;
        return b;
      } });
    expect([res.status, res.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await stored('chunked-forged')).toBe(false);
  });

  it('signed chunks with a signed CRC32 trailer are verified', async () => {
    const res = await chunkedPut('chunked-trailer', { signed: true, trailer: { 'x-amz-checksum-crc32': b64('crc32', payload) } });
    expect(res.status).toBe(200);
    expect(res.headers['x-amz-checksum-crc32']).toBe(b64('crc32', payload));
  });

  it('unsigned chunks with a CRC32C trailer (what current SDKs send): right → 200, wrong → 400 BadDigest', async () => {
    const ok = await chunkedPut('chunked-unsigned', { signed: false, trailer: { 'x-amz-checksum-crc32c': b64('crc32c', payload) } });
    expect(ok.status).toBe(200);
    expect(Buffer.from(await server.store.getBytes(BUCKET, 'chunked-unsigned')).equals(payload)).toBe(true);
    const bad = await chunkedPut('chunked-unsigned-bad', { signed: false, trailer: { 'x-amz-checksum-crc32c': b64('crc32c', 'other') } });
    expect([bad.status, bad.code]).toEqual([400, 'BadDigest']);
    expect(await stored('chunked-unsigned-bad')).toBe(false);
  });
});

describe('presigned URLs', () => {
  it('expiry is enforced and any altered parameter or path is refused', async () => {
    const clock = new ManualClock(new Date());
    const s = await startServer({ credentials: CREDS, clock: clock.fn, memory: { clock: clock.fn } });
    try {
      await s.store.createBucket('presign-bucket');
      await s.store.put('presign-bucket', 'a', 'secret a');
      await s.store.put('presign-bucket', 'b', 'secret b');
      const url = s.presigner.presign({ bucket: 'presign-bucket', key: 'a', method: 'GET', expiresIn: 60 });
      expect((await raw(url)).text).toBe('secret a');
      const variants: Array<[string, string]> = [['path', url.replace('/a?', '/b?')]];
      const u = new URL(url);
      for (const name of ['X-Amz-Signature', 'X-Amz-Expires', 'X-Amz-Date', 'X-Amz-Credential', 'X-Amz-SignedHeaders']) {
        const altered = new URL(url);
        const v = u.searchParams.get(name)!;
        altered.searchParams.set(name, name === 'X-Amz-SignedHeaders' ? 'host;range' : v.slice(0, -1) + (v.endsWith('0') ? '1' : '0'));
        variants.push([name, altered.href]);
      }
      const added = new URL(url);
      added.searchParams.set('versionId', 'other');
      variants.push(['added parameter', added.href]);
      for (const [what, href] of variants) {
        const res = await raw(href);
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.text, what).not.toContain('secret');
      }
      const wrongMethod = await raw(url, { method: 'PUT', body: 'x' });
      expect(wrongMethod.status).toBe(403);
      clock.advance(61_000);
      const late = await raw(url);
      expect([late.status, late.code]).toEqual([403, 'AccessDenied']);
      expect(late.text).toContain('Request has expired');
    } finally {
      await s.close();
    }
  });
});

describe('a dialect without x-amz-content-sha256 (as MediaStore signs): the signature covers the body hash', () => {
  class HashInSignature extends S3Dialect {
    override readonly requirePayloadHashHeader = false;
  }

  it('verifies the signature when the body ends: right body stored, altered body refused', async () => {
    const s = await startServer({ credentials: CREDS, dialect: (store, info) => new HashInSignature(store, info) });
    try {
      await s.store.createBucket('deferred');
      const ok = await signedRequest(s, { method: 'PUT', path: '/deferred/k', body: 'hashed into the signature', payloadHash: null });
      expect(ok.status).toBe(200);
      expect(new TextDecoder().decode(await s.store.getBytes('deferred', 'k'))).toBe('hashed into the signature');
      const { headers, url } = await signHeaders(s, { method: 'PUT', path: '/deferred/k2', body: 'original', payloadHash: null });
      const forged = await raw(url, { method: 'PUT', headers, body: 'modified' });
      expect([forged.status, forged.code]).toEqual([403, 'SignatureDoesNotMatch']);
      await expect(s.store.head('deferred', 'k2')).rejects.toMatchObject({ code: 'ObjectNotFound' });
      expect(createHash('sha256').update('x').digest('hex')).toHaveLength(64);
    } finally {
      await s.close();
    }
  });
});
