/** @stowage/mediastore over the server's MediaStore Data dialect: config, rules before I/O, caps, listing, cursors, presign. */
import { openStore, Store, isStowageError, parseStoreUrl } from '@stowage/core';
import type { RunningServer } from '@stowage/server';
import { upload } from '@stowage/transfer';
import { ListItemsCommand, MediaStoreDataClient } from '@aws-sdk/client-mediastore-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediastore from '../src/index.js';
import { createDriver, MEDIASTORE_CAPS, MediaStoreDriver, resolveConfig } from '../src/index.js';
import { bytes, CONTAINER, CREDS, mediaStoreServer } from './support.js';

let server: RunningServer;
let memory: Store;
let requests: string[];
let driver: MediaStoreDriver;
let store: Store;

beforeAll(async () => {
  ({ server, memory, requests } = await mediaStoreServer());
  driver = createDriver({ endpoint: server.url, region: server.region, container: CONTAINER, credentials: CREDS });
  store = new Store(driver, { retry: false });
});
afterAll(async () => {
  await driver.close();
  await server.close();
});

/** Runs `fn` and returns how many requests reached the server meanwhile. */
async function requestsDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = requests.length;
  await fn();
  return requests.length - before;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isStowageError(e)) return e.code;
    throw e;
  }
  return 'resolved';
}

function stream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({ pull: (c) => (i < chunks.length ? c.enqueue(chunks[i++]!) : c.close()) });
}

describe('config', () => {
  it('needs an endpoint and a container that is a valid bucket name for core', () => {
    expect(() => resolveConfig({ container: 'box' + 'x' })).toThrow(/endpoint/);
    expect(() => resolveConfig({ endpoint: 'http://127.0.0.1:1' })).toThrow(/container/);
    expect(() => resolveConfig({ endpoint: 'http://127.0.0.1:1', container: 'My_Container' })).toThrow(/valid bucket name/);
    expect(() => resolveConfig({ endpoint: 'http://127.0.0.1:1', container: 'box', colour: 'blue' })).toThrow(/config.colour/);
    expect(() => resolveConfig({ endpoint: 'ftp://x', container: 'box' })).toThrow(/http/);
  });

  it('takes the region from an AWS data endpoint, the container from the URL form', () => {
    const aws = resolveConfig({ endpoint: 'https://abcd1234.data.mediastore.eu-west-1.amazonaws.com', container: 'live' });
    expect([aws.region, aws.endpoint, aws.container]).toEqual(['eu-west-1', 'https://abcd1234.data.mediastore.eu-west-1.amazonaws.com', 'live']);
    const url = resolveConfig(parseStoreUrl('mediastore://127.0.0.1:9900/live-box?useSSL=false&accessKeyId=AK&secretAccessKey=SK'));
    expect([url.endpoint, url.container, url.region]).toEqual(['http://127.0.0.1:9900', 'live-box', 'us-east-1']);
  });

  it('openStore loads createDriver from a mediastore:// URL', async () => {
    const opened = await openStore(
      `mediastore://?endpoint=${encodeURIComponent(server.url)}&container=${CONTAINER}&accessKeyId=${CREDS.accessKeyId}&secretAccessKey=${CREDS.secretAccessKey}`,
      { modules: { mediastore } },
    );
    try {
      expect(opened.provider).toBe('mediastore');
      await opened.put(CONTAINER, 'opened/by-url', 'via openStore');
      expect(await (await opened.get(CONTAINER, 'opened/by-url')).body.text()).toBe('via openStore');
    } finally {
      await opened.close();
    }
  });

  it('declares what MediaStore lacks as capabilities', () => {
    const caps = store.capabilities;
    expect(caps.managedBuckets).toBe(false);
    expect([caps.versioning, caps.objectLock, caps.multipart, caps.userMetadata, caps.copy]).toEqual([false, null, null, false, false]);
    expect([caps.maxObjectSize, caps.maxPutSize, caps.unknownLengthPut]).toEqual([25_000_000, 25_000_000, true]);
    expect(caps.presign).toEqual({ get: true, put: false, maxExpirySeconds: 604800 });
    expect(caps.maxKeyBytes).toBe(900);
  });
});

describe('objects', () => {
  it('round-trips content type, cache control and ranges; head is DescribeObject', async () => {
    const body = bytes(3000, 5);
    const put = await store.put(CONTAINER, 'obj/one.ts', body, { contentType: 'video/mp2t', cacheControl: 'max-age=2' });
    expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const info = await store.head(CONTAINER, 'obj/one.ts');
    expect([info.size, info.etag, info.contentType, info.cacheControl, info.storageClass]).toEqual([3000, put.etag, 'video/mp2t', 'max-age=2', 'TEMPORAL']);
    const ranged = await store.get(CONTAINER, 'obj/one.ts', { range: { offset: 100, length: 50 } });
    expect(ranged.range).toEqual({ start: 100, end: 149 });
    expect(Buffer.from(await ranged.body.bytes()).equals(body.subarray(100, 150))).toBe(true);
    expect(Buffer.from(await store.getBytes(CONTAINER, 'obj/one.ts', { range: { suffix: 10 } })).equals(body.subarray(2990))).toBe(true);
    expect(await code(store.get(CONTAINER, 'obj/one.ts', { range: { offset: 3000 } }))).toBe('InvalidRange');
  });

  it('missing objects are ObjectNotFound; deleting one succeeds; another bucket is BucketNotFound without a request', async () => {
    expect(await code(store.get(CONTAINER, 'obj/none'))).toBe('ObjectNotFound');
    expect(await code(store.head(CONTAINER, 'obj/none'))).toBe('ObjectNotFound');
    await store.delete(CONTAINER, 'obj/none');
    expect(await store.bucketExists(CONTAINER)).toBe(true);
    expect(await requestsDuring(async () => {
      expect(await store.bucketExists('other-box')).toBe(false);
      expect(await code(store.put('other-box', 'k', 'x'))).toBe('BucketNotFound');
    })).toBe(0);
  });

  it('keys and content types outside MediaStore\'s rules are refused before any request', async () => {
    const n = await requestsDuring(async () => {
      for (const key of ['with space', 'caf\u00e9', 'a//b', '/lead', 'dir/', './x', 'a/../b', `${'f/'.repeat(11)}x`, 'x'.repeat(901)]) {
        expect(await code(store.put(CONTAINER, key, 'x')), key).toBe('InvalidArgument');
      }
      expect(await code(store.put(CONTAINER, 'typed/x.txt', 'x', { contentType: 'text/plain; charset=utf-8' }))).toBe('InvalidArgument');
      expect(await code(store.put(CONTAINER, 'meta/x', 'x', { metadata: { a: 'b' } }))).toBe('NotSupported');
    });
    expect(n).toBe(0);
    await store.put(CONTAINER, `${'f/'.repeat(10)}x`, 'deepest allowed');
    await store.put(CONTAINER, `long/${'y'.repeat(895)}`, 'longest allowed');
  });

  it('objects over the caps are refused before upload; the transfer manager reports the cap', async () => {
    const big = new Uint8Array(MEDIASTORE_CAPS.standardMaxBytes + 1);
    const n = await requestsDuring(async () => {
      await expect(store.put(CONTAINER, 'cap/big', big)).rejects.toThrow(/25000000/);
      const e = await upload(store, CONTAINER, 'cap/big', big).catch((x: unknown) => x);
      expect(isStowageError(e, 'InvalidArgument')).toBe(true);
      expect((e as Error).message).toMatch(/max object size of 25000000/);
    });
    expect(n).toBe(0);
    // The transfer manager reads a stream of unknown length up to the cap, and sends nothing when it is over.
    const over = Array.from({ length: 26 }, (_, i) => new Uint8Array(1_000_000).fill(i));
    expect(await requestsDuring(async () => {
      const t = await upload(store, CONTAINER, 'cap/transfer', stream(over)).catch((x: unknown) => x);
      expect(isStowageError(t, 'InvalidArgument')).toBe(true);
      expect((t as Error).message).toMatch(/max object size of 25000000 bytes \(nothing was sent\)/);
    })).toBe(0);
    // A stream of unknown length goes out STREAMING, and is cut at 10 MB.
    const chunks = Array.from({ length: 11 }, (_, i) => new Uint8Array(1_000_000).fill(i));
    const e = await store.put(CONTAINER, 'cap/stream', stream(chunks)).catch((x: unknown) => x);
    expect(isStowageError(e, 'InvalidArgument')).toBe(true);
    expect((e as Error).message).toMatch(/10 MB limit for streaming uploads/);
    expect(await code(memory.head(CONTAINER, 'cap/stream'))).toBe('ObjectNotFound');
  });

  it('a stream of unknown length is uploaded with STREAMING availability; one of known length with STANDARD', async () => {
    await store.put(CONTAINER, 'stream/unknown.ts', stream([bytes(70_000, 1), bytes(1, 2)]), { contentType: 'video/mp2t' });
    expect((await store.head(CONTAINER, 'stream/unknown.ts')).size).toBe(70_001);
    await store.put(CONTAINER, 'stream/known.ts', stream([bytes(5, 3), bytes(7, 4)]), { contentLength: 12 });
    expect((await store.head(CONTAINER, 'stream/known.ts')).size).toBe(12);
    expect(await code(store.put(CONTAINER, 'stream/short.ts', stream([bytes(5, 3)]), { contentLength: 12 }))).toBe('InvalidArgument');
    expect(await code(memory.head(CONTAINER, 'stream/short.ts'))).toBe('ObjectNotFound');
    const logged = requests.filter((l) => l.includes('/stream/')).join('\n');
    expect(logged).toMatch(/PUT \/stream\/unknown.ts 200/);
  });
});

describe('listing', () => {
  const keys = ['lst/a', 'lst/a-/x', 'lst/a.b', 'lst/a/1', 'lst/a/2/deep', 'lst/a0', 'lst/b/c/d/e', 'lst/z'];
  beforeAll(async () => {
    for (const k of keys) await store.put(CONTAINER, k, k);
  });

  it('a recursive listing walks the folders, in UTF-8 order, at every page size', async () => {
    for (const pageSize of [1, 2, 3, 7, 8, 1000]) {
      const out: string[] = [];
      let pages = 0;
      for await (const page of store.listPages(CONTAINER, { prefix: 'lst/', pageSize })) {
        pages++;
        out.push(...page.objects.map((o) => o.key));
      }
      expect(out, `pageSize ${pageSize}`).toEqual([...keys].sort());
      expect(pages, `pages at pageSize ${pageSize}`).toBe(Math.ceil(keys.length / pageSize));
    }
    const some: string[] = [];
    for await (const o of store.list(CONTAINER, { prefix: 'lst/a' })) some.push(o.key);
    expect(some).toEqual(['lst/a', 'lst/a-/x', 'lst/a.b', 'lst/a/1', 'lst/a/2/deep', 'lst/a0']);
  });

  it('delimiter "/" gives the folders as common prefixes', async () => {
    const page = await store.listPage(CONTAINER, { prefix: 'lst/', delimiter: '/' });
    expect(page.objects.map((o) => o.key)).toEqual(['lst/a', 'lst/a.b', 'lst/a0', 'lst/z']);
    expect(page.commonPrefixes).toEqual(['lst/a-/', 'lst/a/', 'lst/b/']);
    const summary = page.objects[0]!;
    expect([summary.size, summary.etag.startsWith('"'), summary.lastModified instanceof Date]).toEqual([5, true, true]);
  });

  it('a prefix no MediaStore path can start with lists nothing, without a request', async () => {
    expect(await requestsDuring(async () => {
      expect((await store.listPage(CONTAINER, { prefix: 'with space/' })).objects).toEqual([]);
      expect((await store.listPage(CONTAINER, { prefix: '../lst/' })).objects).toEqual([]);
    })).toBe(0);
  });

  /** A position of the driver holding a real ListItems NextToken (of page 2 of folder `p/`), received `age` ms ago. */
  async function positionWithToken(target: RunningServer, age: number): Promise<string> {
    const raw = new MediaStoreDataClient({ endpoint: target.url, region: target.region, credentials: CREDS, maxAttempts: 1 });
    try {
      const first = await raw.send(new ListItemsCommand({ Path: 'p', MaxResults: 1 }));
      expect(first.NextToken).toBeDefined();
      return JSON.stringify({ v: 1, m: 'l', f: [{ p: 'p/', t: first.NextToken, at: Date.now() - age }] });
    } finally {
      raw.destroy();
    }
  }

  it('a cursor says clearly when its NextToken has expired (15 minutes), before any request', async () => {
    for (const k of ['p/1', 'p/2', 'p/3']) await store.put(CONTAINER, k, k);
    const list = (token: string) => driver.listObjects({ bucket: CONTAINER, prefix: 'p/', delimiter: '/', maxKeys: 1, token, signal: new AbortController().signal });
    const fresh = await list(await positionWithToken(server, 14 * 60_000));
    expect(fresh.objects.map((o) => o.key)).toEqual(['p/2']);
    const stale = await positionWithToken(server, 16 * 60_000);
    let error: unknown;
    expect(await requestsDuring(async () => {
      error = await list(stale).catch((e: unknown) => e);
    })).toBe(0);
    expect(isStowageError(error, 'InvalidArgument'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/has expired: .*tokens expire after 15 minutes; start the listing again/);
  });

  it('a NextToken the server has expired is reported as an expired cursor', async () => {
    const { server: short } = await mediaStoreServer({ dialect: { tokenLifetimeMs: 300 } });
    const d = createDriver({ endpoint: short.url, container: CONTAINER, credentials: CREDS });
    try {
      const s = new Store(d, { retry: false });
      for (const k of ['p/1', 'p/2', 'p/3']) await s.put(CONTAINER, k, k);
      const token = await positionWithToken(short, 0);
      await new Promise((r) => setTimeout(r, 400));
      const e = await d.listObjects({ bucket: CONTAINER, prefix: 'p/', delimiter: '/', maxKeys: 1, token, signal: new AbortController().signal }).catch((x: unknown) => x);
      expect(isStowageError(e, 'InvalidArgument'), String(e)).toBe(true);
      expect((e as Error).message).toMatch(/cursor: has expired: MediaStore ListItems tokens expire after 15 minutes/);
    } finally {
      await d.close();
      await short.close();
    }
  });
});

describe('presign', () => {
  it('a presigned GET URL fetches the object; altered or expired, it is refused', async () => {
    await store.put(CONTAINER, 'pre/signed.txt', 'presigned content');
    const url = await store.presign(CONTAINER, 'pre/signed.txt', { method: 'GET', expiresIn: 5 });
    const res = await fetch(url);
    expect([res.status, await res.text()]).toEqual([200, 'presigned content']);
    expect((await fetch(url.replace('signed.txt', 'other.txt'))).status).toBe(403);
    await new Promise((r) => setTimeout(r, 6200));
    expect((await fetch(url)).status).toBe(403);
    expect(await code(store.presign(CONTAINER, 'pre/signed.txt', { method: 'PUT' }))).toBe('NotSupported');
  });
});
