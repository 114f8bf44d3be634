import { Readable } from 'node:stream';
import * as Minio from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { CREDS, streamToBuffer, testServer } from './support.js';

// The minio client (minio-js) is an independent S3 client with its own signer
// (signed payloads, its own XML parsing): the path `minio@server` takes.
let server: RunningServer;
let mc: Minio.Client;

beforeAll(async () => {
  server = await testServer();
  mc = new Minio.Client({
    endPoint: '127.0.0.1',
    port: server.port,
    useSSL: false,
    accessKey: CREDS.accessKeyId,
    secretKey: CREDS.secretAccessKey,
    region: 'us-east-1',
    pathStyle: true,
    partSize: 5 * 1024 * 1024,
  });
});
afterAll(() => server.close());

function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}

async function collect<T>(stream: NodeJS.ReadableStream): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item as T);
  return out;
}

describe('the minio client against the server', () => {
  it('buckets: make, exists, list, remove', async () => {
    await mc.makeBucket('minio-b1', 'us-east-1');
    expect(await mc.bucketExists('minio-b1')).toBe(true);
    expect(await mc.bucketExists('minio-none')).toBe(false);
    expect((await mc.listBuckets()).map((b) => b.name)).toContain('minio-b1');
    await mc.removeBucket('minio-b1');
    expect(await mc.bucketExists('minio-b1')).toBe(false);
  });

  it('objects: put (buffer and stream), stat with metadata, get, partial get, copy, remove', async () => {
    await mc.makeBucket('minio-obj');
    const data = pattern(200_000);
    await mc.putObject('minio-obj', 'dir/a b', data, data.length, { 'Content-Type': 'application/x-minio', 'X-Amz-Meta-Color': 'blue' });
    const stat = await mc.statObject('minio-obj', 'dir/a b');
    expect(stat.size).toBe(data.length);
    expect(stat.metaData['content-type']).toBe('application/x-minio');
    expect(stat.metaData.color).toBe('blue');
    expect((await streamToBuffer(await mc.getObject('minio-obj', 'dir/a b'))).equals(data)).toBe(true);
    expect((await streamToBuffer(await mc.getPartialObject('minio-obj', 'dir/a b', 100, 50))).equals(data.subarray(100, 150))).toBe(true);
    await mc.putObject('minio-obj', 'streamed', Readable.from([data.subarray(0, 1000), data.subarray(1000)]), data.length);
    expect((await streamToBuffer(await mc.getObject('minio-obj', 'streamed'))).equals(data)).toBe(true);
    await mc.copyObject('minio-obj', 'copied', '/minio-obj/streamed', new Minio.CopyConditions());
    expect((await mc.statObject('minio-obj', 'copied')).size).toBe(data.length);
    await mc.removeObject('minio-obj', 'copied');
    await expect(mc.statObject('minio-obj', 'copied')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('a stream of unknown length over the part size goes multipart (12 MiB in 5 MiB parts)', async () => {
    await mc.makeBucket('minio-mp');
    const data = pattern(12 * 1024 * 1024 + 5);
    function* chunks() {
      for (let i = 0; i < data.length; i += 256 * 1024) yield data.subarray(i, i + 256 * 1024);
    }
    const out = await mc.putObject('minio-mp', 'big', Readable.from(chunks()));
    expect(out.etag).toMatch(/-3$/);
    expect((await streamToBuffer(await mc.getObject('minio-mp', 'big'))).equals(data)).toBe(true);
  });

  it('listing: listObjectsV2 (recursive and delimited), listObjects', async () => {
    await mc.makeBucket('minio-ls');
    for (const k of ['a', 'p/1', 'p/2', 'q/x/y']) await mc.putObject('minio-ls', k, Buffer.from(k));
    const all = await collect<{ name?: string }>(mc.listObjectsV2('minio-ls', '', true));
    expect(all.map((o) => o.name)).toEqual(['a', 'p/1', 'p/2', 'q/x/y']);
    const top = await collect<{ name?: string; prefix?: string }>(mc.listObjectsV2('minio-ls', '', false));
    expect(top.map((o) => o.name ?? o.prefix)).toEqual(['a', 'p/', 'q/']);
    const v1 = await collect<{ name?: string }>(mc.listObjects('minio-ls', 'p/', true));
    expect(v1.map((o) => o.name)).toEqual(['p/1', 'p/2']);
    const removed = await mc.removeObjects('minio-ls', ['a', 'p/1']);
    expect(removed.filter((r) => r !== null && r !== undefined && ('Error' in r || 'Code' in r))).toEqual([]);
    const left = await collect<{ name?: string }>(mc.listObjectsV2('minio-ls', '', true));
    expect(left.map((o) => o.name)).toEqual(['p/2', 'q/x/y']);
  });

  it('versioning, object lock config, retention and legal hold', async () => {
    await mc.makeBucket('minio-lock', 'us-east-1', { ObjectLocking: true });
    expect((await mc.getBucketVersioning('minio-lock')).Status).toBe('Enabled');
    const lock = (await mc.getObjectLockConfig('minio-lock')) as unknown as { objectLockEnabled?: string };
    expect(lock.objectLockEnabled).toBe('Enabled');
    await mc.setObjectLockConfig('minio-lock', { mode: 'GOVERNANCE', unit: 'Days', validity: 1 });
    expect(await mc.getObjectLockConfig('minio-lock')).toMatchObject({ mode: 'GOVERNANCE', unit: 'Days', validity: 1 });
    const put = await mc.putObject('minio-lock', 'held', Buffer.from('x'));
    const until = new Date(Date.now() + 2 * 86_400_000);
    await mc.putObjectRetention('minio-lock', 'held', { mode: 'GOVERNANCE', retainUntilDate: until.toISOString(), versionId: put.versionId ?? '' });
    const retention = await mc.getObjectRetention('minio-lock', 'held', { versionId: put.versionId ?? '' });
    expect(retention?.mode).toBe('GOVERNANCE');
    await mc.setObjectLegalHold('minio-lock', 'held', { status: 'ON', versionId: put.versionId ?? '' });
    expect(await mc.getObjectLegalHold('minio-lock', 'held', { versionId: put.versionId ?? '' })).toMatchObject({ Status: 'ON' });
    await expect(mc.removeObject('minio-lock', 'held', { versionId: put.versionId ?? undefined, governanceBypass: true })).rejects.toMatchObject({ code: 'AccessDenied' });
    await mc.setObjectLegalHold('minio-lock', 'held', { status: 'OFF', versionId: put.versionId ?? '' });
    await mc.removeObject('minio-lock', 'held', { versionId: put.versionId ?? undefined, governanceBypass: true });

    await mc.makeBucket('minio-ver');
    await mc.setBucketVersioning('minio-ver', { Status: 'Enabled' });
    await mc.putObject('minio-ver', 'k', Buffer.from('1'));
    await mc.putObject('minio-ver', 'k', Buffer.from('2'));
    const versions = await collect<{ name?: string; versionId?: string }>(mc.listObjects('minio-ver', '', true, { IncludeVersion: true }));
    expect(versions.filter((v) => v.name === 'k')).toHaveLength(2);
  });

  it('presigned GET and PUT URLs from minio-js work with fetch; a wrong secret is refused', async () => {
    await mc.makeBucket('minio-ps');
    await mc.putObject('minio-ps', 'k', Buffer.from('presigned by minio'));
    const url = await mc.presignedGetObject('minio-ps', 'k', 60);
    const res = await fetch(url);
    expect([res.status, await res.text()]).toEqual([200, 'presigned by minio']);
    const putUrl = await mc.presignedPutObject('minio-ps', 'up', 60);
    expect((await fetch(putUrl, { method: 'PUT', body: 'put by url' })).status).toBe(200);
    const wrong = new Minio.Client({ endPoint: '127.0.0.1', port: server.port, useSSL: false, accessKey: CREDS.accessKeyId, secretKey: 'wrong', region: 'us-east-1', pathStyle: true });
    await expect(wrong.getObject('minio-ps', 'k')).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });
});
