/**
 * @stowage/server's MediaStore Data dialect driven by the raw AWS SDK client
 * (@aws-sdk/client-mediastore-data) only — no adapter: each operation's
 * documented response fields, errors, the service's rules, SigV4.
 */
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  ContainerNotFoundException,
  DeleteObjectCommand,
  DescribeObjectCommand,
  GetObjectCommand,
  ListItemsCommand,
  MediaStoreDataClient,
  ObjectNotFoundException,
  PutObjectCommand,
  RequestedRangeNotSatisfiableException,
} from '@aws-sdk/client-mediastore-data';
import { SignatureV4 } from '@smithy/signature-v4';
import { ManualClock } from '@stowage/memory';
import type { RunningServer } from '@stowage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, CONTAINER, CREDS, mediaStoreServer, rejection, sdk } from './support.js';

let server: RunningServer;
let memory: import('@stowage/core').Store;
let client: MediaStoreDataClient;

beforeAll(async () => {
  ({ server, memory } = await mediaStoreServer());
  client = sdk(server);
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const text = async (body: unknown) => Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());

describe('PutObject', () => {
  it('answers ContentSHA256, ETag and StorageClass, and stores type and cache control', async () => {
    const body = bytes(5000, 3);
    const out = await client.send(
      new PutObjectCommand({ Path: 'put/fields.bin', Body: body, ContentType: 'video/mp2t', CacheControl: 'max-age=5', StorageClass: 'TEMPORAL', UploadAvailability: 'STANDARD' }),
    );
    expect(out.ContentSHA256).toBe(sha256(body));
    expect(out.ETag).toBe(md5(body));
    expect(out.ETag).toMatch(/^[0-9A-Fa-f]+$/);
    expect(out.StorageClass).toBe('TEMPORAL');
    expect(out.$metadata.httpStatusCode).toBe(200);
    const info = await memory.head(CONTAINER, 'put/fields.bin');
    expect([info.size, info.contentType, info.cacheControl]).toEqual([5000, 'video/mp2t', 'max-age=5']);
  });

  it('accepts the unsigned payload the SDK sends for a stream (chunked, STREAMING)', async () => {
    const stream = new PassThrough();
    const sending = client.send(new PutObjectCommand({ Path: 'put/streamed.ts', Body: stream, ContentType: 'video/mp2t', UploadAvailability: 'STREAMING' }));
    stream.end(Buffer.from('streamed segment'));
    const out = await sending;
    expect(out.ContentSHA256).toBe(sha256(Buffer.from('streamed segment')));
    expect(Buffer.from(await memory.getBytes(CONTAINER, 'put/streamed.ts')).toString()).toBe('streamed segment');
  });

  it('refuses a ContentType outside the pattern (no "; charset=")', async () => {
    const e = await rejection(client.send(new PutObjectCommand({ Path: 'put/typed.txt', Body: Buffer.from('x'), ContentType: 'text/plain; charset=utf-8' })));
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(await memory.bucketExists(CONTAINER)).toBe(true);
    await expect(memory.head(CONTAINER, 'put/typed.txt')).rejects.toMatchObject({ code: 'ObjectNotFound' });
  });

  it('refuses a STANDARD put over 25 MB and a STREAMING put over 10 MB, storing nothing', async () => {
    const big = Buffer.alloc(25_000_001, 7);
    const e = await rejection(client.send(new PutObjectCommand({ Path: 'put/too-big.bin', Body: big })));
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['ValidationException', 400]);
    expect(e.message).toMatch(/25 MB/);
    // Exactly 25 MB is fine.
    await client.send(new PutObjectCommand({ Path: 'put/at-cap.bin', Body: big.subarray(0, 25_000_000) }));
    expect((await memory.head(CONTAINER, 'put/at-cap.bin')).size).toBe(25_000_000);

    const stream = new PassThrough();
    const sending = client.send(new PutObjectCommand({ Path: 'put/too-big.ts', Body: stream, UploadAvailability: 'STREAMING' }));
    for (let i = 0; i < 11; i++) stream.write(Buffer.alloc(1_000_000, i));
    stream.end();
    const s = await rejection(sending);
    expect(s.$metadata?.httpStatusCode === 400 || /socket|EPIPE|ECONNRESET/i.test(s.message)).toBe(true);
    await expect(memory.head(CONTAINER, 'put/too-big.bin')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await expect(memory.head(CONTAINER, 'put/too-big.ts')).rejects.toMatchObject({ code: 'ObjectNotFound' });
  });

  it('refuses STREAMING availability without chunked transfer, and an unknown storage class', async () => {
    const e = await rejection(client.send(new PutObjectCommand({ Path: 'put/not-chunked', Body: Buffer.from('x'), UploadAvailability: 'STREAMING' })));
    expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['ValidationException', 400]);
    const c = await rejection(client.send(new PutObjectCommand({ Path: 'put/cold', Body: Buffer.from('x'), StorageClass: 'GLACIER' as 'TEMPORAL' })));
    expect(c.name).toBe('ValidationException');
  });

  it('cancels an upload that has not ended within the time limit (30 s documented; shortened here)', async () => {
    const { server: slow, memory: slowMemory } = await mediaStoreServer({ dialect: { uploadTimeoutMs: 300 } });
    const c = sdk(slow);
    try {
      const body = new PassThrough();
      const sending = c.send(new PutObjectCommand({ Path: 'slow/segment.ts', Body: body, UploadAvailability: 'STREAMING' }));
      body.write(Buffer.from('never finished'));
      await rejection(sending);
      body.destroy();
      await expect(slowMemory.head(CONTAINER, 'slow/segment.ts')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    } finally {
      c.destroy();
      await slow.close();
    }
  });

  it('enforces the path rules: characters, 10 folders, 900 characters, no empty or dot segments', async () => {
    const refused = ['a b', 'caf\u00e9', 'x+y', 'pct%41', 'colon:name', `${'f/'.repeat(11)}obj`, 'x'.repeat(901), 'dir/', 'a//b', '/lead', './dot', 'a/../b'];
    for (const path of refused) {
      const e = await rejection(client.send(new PutObjectCommand({ Path: path, Body: Buffer.from('x') })));
      // Signed as the SDK signs non-S3 paths (dot and empty segments resolved, encoded twice), then refused by the rules.
      expect([e.name, e.$metadata?.httpStatusCode], path).toEqual(['ValidationException', 400]);
    }
    const listed = [];
    for await (const o of memory.list(CONTAINER)) listed.push(o.key);
    for (const path of refused) expect(listed).not.toContain(path.replace(/^\//, ''));
    // The limits themselves are accepted: 10 folders, 900 characters, every allowed character.
    for (const path of [`${'f/'.repeat(10)}obj`, `long/${'y'.repeat(895)}`, 'chars/AZaz09_.-~']) {
      await client.send(new PutObjectCommand({ Path: path, Body: Buffer.from('ok') }));
      expect((await client.send(new DescribeObjectCommand({ Path: path }))).ContentLength).toBe(2);
    }
  });
});

describe('GetObject', () => {
  const body = bytes(1000, 9);
  beforeAll(async () => {
    await client.send(new PutObjectCommand({ Path: 'get/obj.bin', Body: body, ContentType: 'application/octet-stream', CacheControl: 'no-cache' }));
  });

  it('answers the body with StatusCode, ContentLength, ContentType, CacheControl, ETag, LastModified', async () => {
    const out = await client.send(new GetObjectCommand({ Path: 'get/obj.bin' }));
    expect(out.StatusCode).toBe(200);
    expect(out.ContentLength).toBe(1000);
    expect(out.ContentType).toBe('application/octet-stream');
    expect(out.CacheControl).toBe('no-cache');
    expect(out.ETag).toBe(md5(body));
    expect(out.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(out.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(out.ContentRange).toBeUndefined();
    expect((await text(out.Body)).equals(body)).toBe(true);
  });

  it('answers a Range with 206 and ContentRange (suffix ranges too)', async () => {
    const out = await client.send(new GetObjectCommand({ Path: 'get/obj.bin', Range: 'bytes=10-19' }));
    expect([out.StatusCode, out.ContentRange, out.ContentLength]).toEqual([206, 'bytes 10-19/1000', 10]);
    expect((await text(out.Body)).equals(body.subarray(10, 20))).toBe(true);
    const suffix = await client.send(new GetObjectCommand({ Path: 'get/obj.bin', Range: 'bytes=-5' }));
    expect([suffix.StatusCode, suffix.ContentRange]).toEqual([206, 'bytes 995-999/1000']);
    expect((await text(suffix.Body)).equals(body.subarray(995))).toBe(true);
    const open = await client.send(new GetObjectCommand({ Path: 'get/obj.bin', Range: 'bytes=990-' }));
    expect(open.ContentRange).toBe('bytes 990-999/1000');
    await text(open.Body);
  });

  it('an unsatisfiable Range → RequestedRangeNotSatisfiableException 416', async () => {
    const e = await rejection(client.send(new GetObjectCommand({ Path: 'get/obj.bin', Range: 'bytes=1000-' })));
    expect(e).toBeInstanceOf(RequestedRangeNotSatisfiableException);
    expect(e.$metadata?.httpStatusCode).toBe(416);
  });

  it('a missing object → ObjectNotFoundException 404', async () => {
    const e = await rejection(client.send(new GetObjectCommand({ Path: 'get/missing.bin' })));
    expect(e).toBeInstanceOf(ObjectNotFoundException);
    expect(e.$metadata?.httpStatusCode).toBe(404);
  });

  it('during a STREAMING upload, answers the bytes received so far, then the rest as they arrive', async () => {
    const upload = new PassThrough();
    const sending = client.send(new PutObjectCommand({ Path: 'live/segment.ts', Body: upload, ContentType: 'video/mp2t', UploadAvailability: 'STREAMING' }));
    upload.write(Buffer.from('first part|'));
    // Wait until the server holds the first bytes, then read them while the upload is still open.
    let out: import('@aws-sdk/client-mediastore-data').GetObjectCommandOutput;
    for (let i = 0; ; i++) {
      try {
        out = await client.send(new GetObjectCommand({ Path: 'live/segment.ts', Range: 'bytes=0-3' }));
        break;
      } catch (e) {
        if (i > 100 || !(e instanceof ObjectNotFoundException)) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    // Range is ignored for an object still uploading with streaming availability.
    expect([out.StatusCode, out.ContentType]).toEqual([200, 'video/mp2t']);
    const reader = (out.Body as { transformToWebStream(): ReadableStream<Uint8Array> }).transformToWebStream().getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('first part|');
    // Not yet stored: only the live upload has it.
    await expect(memory.head(CONTAINER, 'live/segment.ts')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    upload.end(Buffer.from('second part'));
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += Buffer.from(value).toString();
    }
    expect(rest).toBe('second part');
    await sending;
    expect(Buffer.from(await memory.getBytes(CONTAINER, 'live/segment.ts')).toString()).toBe('first part|second part');
  });
});

describe('DescribeObject and DeleteObject', () => {
  it('DescribeObject answers ETag, ContentType, ContentLength, CacheControl, LastModified', async () => {
    const body = Buffer.from('describe me');
    await client.send(new PutObjectCommand({ Path: 'desc/obj.txt', Body: body, ContentType: 'text/plain', CacheControl: 'public' }));
    const out = await client.send(new DescribeObjectCommand({ Path: 'desc/obj.txt' }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.ETag).toBe(md5(body));
    expect(out.ContentType).toBe('text/plain');
    expect(out.ContentLength).toBe(body.length);
    expect(out.CacheControl).toBe('public');
    expect(out.LastModified).toBeInstanceOf(Date);
  });

  it('DescribeObject of a missing object → ObjectNotFoundException 404 (a HEAD: typed by x-amzn-ErrorType)', async () => {
    const e = await rejection(client.send(new DescribeObjectCommand({ Path: 'desc/missing.txt' })));
    expect(e).toBeInstanceOf(ObjectNotFoundException);
    expect(e.name).toBe('ObjectNotFoundException');
    expect(e.$metadata?.httpStatusCode).toBe(404);
  });

  it('DeleteObject removes the object; deleting a missing one → ObjectNotFoundException', async () => {
    await client.send(new PutObjectCommand({ Path: 'del/obj', Body: Buffer.from('x') }));
    const out = await client.send(new DeleteObjectCommand({ Path: 'del/obj' }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(await rejection(client.send(new DescribeObjectCommand({ Path: 'del/obj' })))).toBeInstanceOf(ObjectNotFoundException);
    expect(await rejection(client.send(new DeleteObjectCommand({ Path: 'del/obj' })))).toBeInstanceOf(ObjectNotFoundException);
  });
});

describe('ListItems', () => {
  beforeAll(async () => {
    for (const path of ['tree/b.ts', 'tree/a.ts', 'tree/sub/x.ts', 'tree/sub/deeper/y.ts', 'tree/a-', 'tree/a0']) {
      await client.send(new PutObjectCommand({ Path: path, Body: Buffer.from(path), ContentType: 'video/mp2t' }));
    }
  });

  it('lists one folder level: OBJECT items with their fields, FOLDER items by name', async () => {
    const out = await client.send(new ListItemsCommand({ Path: 'tree' }));
    expect(out.NextToken).toBeUndefined();
    expect(out.Items!.map((i) => [i.Name, i.Type])).toEqual([
      ['a-', 'OBJECT'],
      ['a.ts', 'OBJECT'],
      ['a0', 'OBJECT'],
      ['b.ts', 'OBJECT'],
      ['sub', 'FOLDER'],
    ]);
    const a = out.Items!.find((i) => i.Name === 'a.ts')!;
    expect(a.ETag).toBe(md5(Buffer.from('tree/a.ts')));
    expect(a.ContentLength).toBe('tree/a.ts'.length);
    expect(a.ContentType).toBe('video/mp2t');
    expect(a.LastModified).toBeInstanceOf(Date);
    // Leading and trailing "/" are allowed in ListItems' Path.
    const slashed = await client.send(new ListItemsCommand({ Path: '/tree/sub/' }));
    expect(slashed.Items!.map((i) => [i.Name, i.Type])).toEqual([
      ['deeper', 'FOLDER'],
      ['x.ts', 'OBJECT'],
    ]);
    const root = await client.send(new ListItemsCommand({}));
    expect(root.Items!.some((i) => i.Name === 'tree' && i.Type === 'FOLDER')).toBe(true);
  });

  it('pages with MaxResults and NextToken, every item once', async () => {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(new ListItemsCommand({ Path: 'tree', MaxResults: 2, NextToken: token }));
      expect(out.Items!.length).toBeLessThanOrEqual(2);
      names.push(...out.Items!.map((i) => i.Name!));
      token = out.NextToken;
      pages++;
    } while (token);
    expect(names).toEqual(['a-', 'a.ts', 'a0', 'b.ts', 'sub']);
    expect(pages).toBe(3);
  });

  it('refuses MaxResults outside 1..1000, a Path outside the pattern, and a NextToken of another Path', async () => {
    for (const MaxResults of [0, 1001]) {
      const e = await rejection(client.send(new ListItemsCommand({ Path: 'tree', MaxResults })));
      expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['ValidationException', 400]);
    }
    expect((await rejection(client.send(new ListItemsCommand({ Path: 'a b' })))).name).toBe('ValidationException');
    const first = await client.send(new ListItemsCommand({ Path: 'tree', MaxResults: 1 }));
    expect((await rejection(client.send(new ListItemsCommand({ Path: 'tree/sub', NextToken: first.NextToken })))).name).toBe('ValidationException');
    expect((await rejection(client.send(new ListItemsCommand({ Path: 'tree', NextToken: `${first.NextToken}x` })))).name).toBe('ValidationException');
  });

  it('folders are implicit: gone once empty', async () => {
    await client.send(new PutObjectCommand({ Path: 'ephemeral/only/one.ts', Body: Buffer.from('x') }));
    expect((await client.send(new ListItemsCommand({ Path: 'ephemeral' }))).Items!.map((i) => i.Name)).toEqual(['only']);
    await client.send(new DeleteObjectCommand({ Path: 'ephemeral/only/one.ts' }));
    expect((await client.send(new ListItemsCommand({ Path: 'ephemeral' }))).Items).toEqual([]);
    expect((await client.send(new ListItemsCommand({}))).Items!.some((i) => i.Name === 'ephemeral')).toBe(false);
  });

  it('tokens expire after 15 minutes (ExpiredNextTokenException)', async () => {
    const clock = new ManualClock(new Date());
    const { server: timed } = await mediaStoreServer({ server: { clock: clock.fn, maxClockSkewMs: 24 * 3600_000 } });
    const c = sdk(timed);
    try {
      for (const p of ['t/1', 't/2', 't/3']) await c.send(new PutObjectCommand({ Path: p, Body: Buffer.from(p) }));
      const first = await c.send(new ListItemsCommand({ Path: 't', MaxResults: 1 }));
      clock.advance(14 * 60_000);
      const second = await c.send(new ListItemsCommand({ Path: 't', MaxResults: 1, NextToken: first.NextToken }));
      expect(second.Items!.map((i) => i.Name)).toEqual(['2']);
      clock.advance(2 * 60_000);
      const e = await rejection(c.send(new ListItemsCommand({ Path: 't', MaxResults: 1, NextToken: first.NextToken })));
      expect([e.name, e.$metadata?.httpStatusCode]).toEqual(['ExpiredNextTokenException', 400]);
      expect(e.message).toMatch(/expire/);
    } finally {
      c.destroy();
      await timed.close();
    }
  });
});

describe('containers, SigV4 and the error shape', () => {
  it('a wrong secret → 403, nothing stored', async () => {
    const wrong = sdk(server, { ...CREDS, secretAccessKey: 'not-the-secret' });
    try {
      const e = await rejection(wrong.send(new PutObjectCommand({ Path: 'auth/x', Body: Buffer.from('x') })));
      expect(e.$metadata?.httpStatusCode).toBe(403);
      expect(e.name).toBe('InvalidSignatureException');
      const d = await rejection(wrong.send(new DescribeObjectCommand({ Path: 'get/obj.bin' })));
      expect(d.$metadata?.httpStatusCode).toBe(403);
    } finally {
      wrong.destroy();
    }
    await expect(memory.head(CONTAINER, 'auth/x')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    const unknown = sdk(server, { accessKeyId: 'nobody', secretAccessKey: 'x' });
    expect((await rejection(unknown.send(new ListItemsCommand({})))).$metadata?.httpStatusCode).toBe(403);
    unknown.destroy();
  });

  it('a request signed for another service is refused', async () => {
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: CREDS, sha256: (client.config as unknown as { sha256: never }).sha256 });
    const url = new URL(server.url);
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/get/obj.bin', query: {}, headers: { host: url.host } });
    const res = await fetch(`${server.url}/get/obj.bin`, { headers: signed.headers });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  it('presigned (query-string) GETs are verified, expiry included', async () => {
    await client.send(new PutObjectCommand({ Path: 'pre/obj.txt', Body: Buffer.from('presigned') }));
    const signer = new SignatureV4({ service: 'mediastore', region: 'us-east-1', credentials: CREDS, sha256: (client.config as unknown as { sha256: never }).sha256 });
    const url = new URL(server.url);
    const presign = async (expiresIn: number, path = '/pre/obj.txt') => {
      const r = await signer.presign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query: {}, headers: { host: url.host } }, { expiresIn });
      return `${server.url}${path}?${new URLSearchParams(r.query as Record<string, string>).toString()}`;
    };
    const ok = await fetch(await presign(60));
    expect([ok.status, await ok.text()]).toEqual([200, 'presigned']);
    const moved = (await presign(60)).replace('/pre/obj.txt', '/get/obj.bin');
    expect((await fetch(moved)).status).toBe(403);
    const soon = await presign(1);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await fetch(soon);
    expect(late.status).toBe(403);
    expect(late.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });

  it('errors are JSON {"Message"} with x-amzn-ErrorType; a HEAD has the header and no body', async () => {
    const anonymous = await fetch(`${server.url}/get/obj.bin`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(anonymous.headers.get('content-type')).toBe('application/json');
    const json = (await anonymous.json()) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['Message']);
    expect(json.Message).toMatch(/^[ \w:.?-]+$/);
    const e = await rejection(client.send(new DescribeObjectCommand({ Path: 'nothing/here' })));
    expect(e.$response?.headers?.['x-amzn-errortype']).toBe('ObjectNotFoundException');
  });

  it('a container that does not exist → ContainerNotFoundException 404', async () => {
    const { server: empty } = await mediaStoreServer({ createContainer: false });
    const c = sdk(empty);
    try {
      for (const command of [new ListItemsCommand({}), new PutObjectCommand({ Path: 'x', Body: Buffer.from('x') }), new GetObjectCommand({ Path: 'x' })]) {
        const e = await rejection(c.send(command as never));
        expect(e).toBeInstanceOf(ContainerNotFoundException);
        expect(e.$metadata?.httpStatusCode).toBe(404);
      }
    } finally {
      c.destroy();
      await empty.close();
    }
  });
});
