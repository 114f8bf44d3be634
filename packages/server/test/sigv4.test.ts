import { Readable } from 'node:stream';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { authenticate, type SignedRequest } from '../src/auth/authenticate.js';
import { AwsChunkedDecoder, encodeAwsChunked } from '../src/auth/aws-chunked.js';
import { createChecksum } from '../src/auth/checksums.js';
import { canonicalRequest, presignUrl, signingKey, uriEncode } from '../src/auth/sigv4.js';
import { HttpError } from '../src/http/errors.js';
import { Sha256 } from './sha256.js';

// AWS's published SigV4 examples (the sigv4 test suite's "get-vanilla" family,
// with AKIDEXAMPLE, and the S3 developer guide's examples, with AKIAIOSFODNN7EXAMPLE).
const SUITE = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const S3_DOC = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function fakeRequest(method: string, target: string, headers: Record<string, string>, hasBody = false): SignedRequest {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q + 1);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method,
    rawPath,
    queryPairs: query
      .split('&')
      .filter(Boolean)
      .map((p) => {
        const eq = p.indexOf('=');
        return [decodeURIComponent(eq === -1 ? p : p.slice(0, eq)), decodeURIComponent(eq === -1 ? '' : p.slice(eq + 1))] as const;
      }),
    header: (n) => lower[n],
    headerValues: (n) => (lower[n] === undefined ? undefined : [lower[n]!]),
    headerNames: () => Object.keys(lower),
    hasBody,
  };
}

function auth(req: SignedRequest, creds: { accessKeyId: string; secretAccessKey: string }, service: string, now: string, requireHash = false) {
  return authenticate(req, {
    service,
    region: 'us-east-1',
    secretFor: (id) => (id === creds.accessKeyId ? creds.secretAccessKey : undefined),
    now: () => new Date(now),
    requirePayloadHashHeader: requireHash,
  });
}

function authError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpError) return e;
    throw e;
  }
  throw new Error('expected an HttpError');
}

describe('SigV4 known answers (AWS published examples)', () => {
  it('get-vanilla verifies (signature 5fa00fa3…)', () => {
    const req = fakeRequest('GET', '/', {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    });
    expect(auth(req, SUITE, 'service', '2015-08-30T12:36:00Z').accessKeyId).toBe('AKIDEXAMPLE');
  });

  it('get-vanilla-query-order-key-case verifies (query sorted by name)', () => {
    const req = fakeRequest('GET', '/?Param2=value2&Param1=value1', {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    });
    expect(auth(req, SUITE, 'service', '2015-08-30T12:36:00Z').via).toBe('header');
  });

  it('post-vanilla verifies', () => {
    const req = fakeRequest('POST', '/', {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    });
    expect(auth(req, SUITE, 'service', '2015-08-30T12:36:00Z').via).toBe('header');
  });

  it('get-vanilla with one character of the signature changed is SignatureDoesNotMatch', () => {
    const req = fakeRequest('GET', '/', {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30',
    });
    const e = authError(() => auth(req, SUITE, 'service', '2015-08-30T12:36:00Z'));
    expect([e.status, e.code]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('the S3 guide GET object example verifies (Range signed, f0e8bdb8…)', () => {
    const req = fakeRequest('GET', '/test.txt', {
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    });
    expect(auth(req, S3_DOC, 's3', '2013-05-24T00:00:00Z', true).payload).toEqual({ kind: 'sha256', hash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  });

  it('the S3 guide presigned URL example verifies (aeeed9bb…), and our presigner produces it', () => {
    const target =
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    const req = fakeRequest('GET', target, { host: 'examplebucket.s3.amazonaws.com' });
    expect(auth(req, S3_DOC, 's3', '2013-05-24T01:00:00Z', true).via).toBe('query');
    const url = presignUrl({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      credentials: S3_DOC,
      region: 'us-east-1',
      service: 's3',
      expiresIn: 86400,
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(`https://examplebucket.s3.amazonaws.com${target}`);
    // a day and a second later it has expired
    const late = authError(() => auth(req, S3_DOC, 's3', '2013-05-25T00:00:01Z', true));
    expect([late.status, late.code, late.message]).toEqual([403, 'AccessDenied', 'Request has expired']);
  });

  it('the S3 guide aws-chunked example: seed and all three chunk signatures verify', async () => {
    const req = fakeRequest(
      'PUT',
      '/examplebucket/chunkObject.txt',
      {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824',
      },
      true,
    );
    const result = auth(req, S3_DOC, 's3', '2013-05-24T00:00:00Z', true);
    expect(result.payload).toEqual({ kind: 'chunked-signed', trailer: false });
    const signing = { datetime: result.datetime, scope: result.scope, key: result.signingKey, seedSignature: result.signature };
    const body = encodeAwsChunked(Buffer.alloc(66560, 'a'), 65536, signing);
    expect(body.length).toBe(66824);
    const text = body.toString('latin1');
    expect(text).toContain('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n');
    expect(text).toContain('400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n');
    expect(text).toContain('0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n');
    const decoded = await collect(Readable.from(split(body, 777)).pipe(new AwsChunkedDecoder({ signing, trailer: false, decodedLength: 66560 })));
    expect(decoded.equals(Buffer.alloc(66560, 'a'))).toBe(true);
  });
});

describe('SigV4 against @smithy/signature-v4 (the SDK signer)', () => {
  const creds = { accessKeyId: 'AKID', secretAccessKey: 'secret/with+chars' };
  const cases: Array<{ method: string; path: string; query: Record<string, string>; headers: Record<string, string> }> = [
    { method: 'GET', path: '/bucket/key%20with%20spaces/%E2%82%AC', query: { versionId: 'a+b/c=', 'list-type': '2', prefix: 'x y' }, headers: {} },
    { method: 'PUT', path: '/bucket/k', query: {}, headers: { 'x-amz-meta-a': '  spaced   value  ', 'content-type': 'text/plain' } },
    { method: 'DELETE', path: '/bucket/%21%27%28%29%2A', query: { uploadId: '~_-.' }, headers: {} },
    { method: 'POST', path: '/bucket', query: { delete: '' }, headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' } },
  ];
  for (const c of cases) {
    it(`${c.method} ${c.path} ${JSON.stringify(c.query)}`, async () => {
      const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
      const headers = { host: 'localhost:9000', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...c.headers };
      const date = new Date('2024-02-29T10:20:30Z');
      const signed = await signer.sign({ method: c.method, protocol: 'http:', hostname: 'localhost', port: 9000, path: c.path, query: c.query, headers }, { signingDate: date });
      const qs = Object.entries(c.query)
        .map(([n, v]) => `${uriEncode(n)}=${uriEncode(v)}`)
        .join('&');
      const req = fakeRequest(c.method, c.path + (qs ? `?${qs}` : ''), signed.headers as Record<string, string>);
      const result = authenticate(req, { service: 's3', region: 'eu-west-1', secretFor: () => creds.secretAccessKey, now: () => date, requirePayloadHashHeader: true });
      expect(result.payload.kind).toBe('unsigned');
      // and a wrong secret does not verify
      const e = authError(() => authenticate(req, { service: 's3', region: 'eu-west-1', secretFor: () => 'other', now: () => date, requirePayloadHashHeader: true }));
      expect(e.code).toBe('SignatureDoesNotMatch');
    });
  }

  it('presigned URLs: smithy presign verifies with us, ours verifies with the same canonical form', async () => {
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: creds, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const date = new Date('2024-01-01T00:00:00Z');
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/b/k%2Bplus', query: { versionId: 'v1' }, headers: { host: '127.0.0.1:9000', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
      // As @aws-sdk/s3-request-presigner does: S3 query auth signs UNSIGNED-PAYLOAD (the header is hoisted into the query).
      { signingDate: date, expiresIn: 60 },
    );
    const qs = Object.entries(presigned.query ?? {})
      .map(([n, v]) => `${uriEncode(n)}=${uriEncode(String(v))}`)
      .join('&');
    const req = fakeRequest('GET', `/b/k%2Bplus?${qs}`, { host: '127.0.0.1:9000' });
    const opts = { service: 's3', region: 'us-east-1', secretFor: () => creds.secretAccessKey, requirePayloadHashHeader: true };
    expect(authenticate(req, { ...opts, now: () => new Date('2024-01-01T00:00:59Z') }).via).toBe('query');
    expect(authError(() => authenticate(req, { ...opts, now: () => new Date('2024-01-01T00:01:01Z') })).message).toBe('Request has expired');

    expect(presigned.query!['X-Amz-Content-Sha256']).toBe('UNSIGNED-PAYLOAD');
    const ours = presignUrl({ method: 'GET', url: new URL('http://127.0.0.1:9000/b/k%2Bplus?versionId=v1'), credentials: creds, region: 'us-east-1', service: 's3', expiresIn: 60, now: date });
    // Our presigner (no hoisted header) signs the same canonical request otherwise: it verifies too.
    const oursReq = fakeRequest('GET', ours.slice('http://127.0.0.1:9000'.length), { host: '127.0.0.1:9000' });
    expect(authenticate(oursReq, { ...opts, now: () => date }).via).toBe('query');
  });

  it('the signing key is the HMAC chain of the published example', () => {
    // From the SigV4 documentation: kSigning for 20150830/us-east-1/iam.
    expect(signingKey(SUITE.secretAccessKey, '20150830', 'us-east-1', 'iam').toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('canonical request of get-vanilla', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query: [],
      headers: (n) => ({ host: ['example.amazonaws.com'], 'x-amz-date': ['20150830T123600Z'] })[n],
      signedHeaders: ['host', 'x-amz-date'],
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    expect(canonical).toBe('GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('aws-chunked decoder', () => {
  const signing = { datetime: '20240101T000000Z', scope: '20240101/us-east-1/s3/aws4_request', key: signingKey('k', '20240101', 'us-east-1', 's3'), seedSignature: 'ab'.repeat(32) };
  const payload = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));

  it('decodes signed chunks with signed trailers, split at every awkward boundary', async () => {
    const crc = createChecksum('crc32');
    crc.update(payload);
    const body = encodeAwsChunked(payload, 8192, signing, { 'x-amz-checksum-crc32': crc.digest().toString('base64') });
    for (const size of [1, 2, 7, 8193, 65536]) {
      const decoder = new AwsChunkedDecoder({ signing, trailer: true, decodedLength: payload.length });
      const out = await collect(Readable.from(split(body, size)).pipe(decoder));
      expect(out.equals(payload)).toBe(true);
      expect(decoder.trailers.get('x-amz-checksum-crc32')).toBe(crc.digest().toString('base64'));
    }
  });

  it('refuses a chunk whose data was altered (its signature no longer matches)', async () => {
    const body = encodeAwsChunked(payload, 8192, signing);
    body[20_000] = body[20_000]! ^ 1;
    await expect(collect(Readable.from([body]).pipe(new AwsChunkedDecoder({ signing, trailer: false })))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a forged trailer signature', async () => {
    const body = encodeAwsChunked(payload, 8192, signing, { 'x-amz-checksum-crc32': 'AAAAAA==' });
    const text = body.toString('latin1').replace('x-amz-checksum-crc32:AAAAAA==', 'x-amz-checksum-crc32:AAAAAB==');
    await expect(collect(Readable.from([Buffer.from(text, 'latin1')]).pipe(new AwsChunkedDecoder({ signing, trailer: true })))).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('refuses a body cut short and one longer than x-amz-decoded-content-length', async () => {
    const body = encodeAwsChunked(payload, 8192);
    await expect(collect(Readable.from([body.subarray(0, body.length - 10)]).pipe(new AwsChunkedDecoder({ trailer: false })))).rejects.toMatchObject({ code: 'IncompleteBody' });
    await expect(collect(Readable.from([body]).pipe(new AwsChunkedDecoder({ trailer: false, decodedLength: 10 })))).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});

describe('checksums (standard check values of "123456789")', () => {
  const check = Buffer.from('123456789');
  const digest = (name: Parameters<typeof createChecksum>[0], parts: Buffer[] = [check]) => {
    const c = createChecksum(name);
    for (const p of parts) c.update(p);
    return c.digest().toString('hex');
  };
  it('CRC-32, CRC-32C and CRC-64/NVME', () => {
    expect(digest('crc32')).toBe('cbf43926');
    expect(digest('crc32c')).toBe('e3069283');
    expect(digest('crc64nvme')).toBe('ae8b14860a799888');
  });
  it('incremental updates give the same digest as one pass (slicing-by-8 tail handling)', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
    for (const name of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256', 'md5'] as const) {
      expect(digest(name, split(data, 13))).toBe(digest(name, [data]));
    }
  });
});

function split(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
