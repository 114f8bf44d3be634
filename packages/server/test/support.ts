import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { Sha256 } from './sha256.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { startServer, type RunningServer, type StartServerOptions } from '../src/index.js';

export const CREDS = { accessKeyId: 'test-access', secretAccessKey: 'test-secret-key' };

export async function testServer(options: StartServerOptions = {}): Promise<RunningServer> {
  return startServer({ credentials: CREDS, memory: { capabilities: { multipart: { minPartSize: 5 } } }, ...options });
}

export type ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

/** The real AWS SDK pointed at the server. */
export function sdkClient(server: RunningServer, mode: ChecksumMode = 'WHEN_SUPPORTED', extra: Record<string, unknown> = {}): S3Client {
  return new S3Client({
    endpoint: server.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: CREDS,
    requestChecksumCalculation: mode,
    responseChecksumValidation: mode,
    maxAttempts: 1,
    ...extra,
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** The S3 error code, when the body is an <Error> document. */
  code: string | undefined;
}

/** A plain HTTP request (no signing). */
export function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

export interface SignOptions {
  method?: string;
  /** Path (already encoded) and query string, e.g. `/bucket/key?versionId=1`. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** x-amz-content-sha256: the real hash (default), a literal value, or none. */
  payloadHash?: string | null;
  secretAccessKey?: string;
  accessKeyId?: string;
  signingDate?: Date;
  region?: string;
}

/** Signs with @smithy/signature-v4 (the SDK's own signer, an independent implementation) and sends. */
export async function signedRequest(server: RunningServer, options: SignOptions): Promise<RawResponse> {
  const { headers, url } = await signHeaders(server, options);
  return raw(url, { method: options.method ?? 'GET', headers, body: options.body });
}

export async function signHeaders(server: RunningServer, options: SignOptions): Promise<{ headers: Record<string, string>; url: string }> {
  const url = new URL(server.url + options.path);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.from(options.body);
  const headers: Record<string, string> = { host: url.host, ...options.headers };
  if (options.payloadHash !== null) headers['x-amz-content-sha256'] = options.payloadHash ?? createHash('sha256').update(body).digest('hex');
  if (body.length > 0 && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  const query: Record<string, string> = {};
  for (const [n, v] of url.searchParams) query[n] = v;
  const signer = new SignatureV4({
    service: 's3',
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: options.accessKeyId ?? CREDS.accessKeyId, secretAccessKey: options.secretAccessKey ?? CREDS.secretAccessKey },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: options.method ?? 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return { headers: signed.headers as Record<string, string>, url: url.href };
}

export function md5Base64(data: Buffer | string): string {
  return createHash('md5').update(data).digest('base64');
}

export async function streamToBuffer(body: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}
