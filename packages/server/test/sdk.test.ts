import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  paginateListObjectsV2,
  type ListObjectsCommandOutput,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/index.js';
import { CREDS, sdkClient, streamToBuffer, testServer, type ChecksumMode } from './support.js';

async function failure(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    return e as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

let counter = 0;
const uniqueBucket = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

function pattern(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A stream body of known length: the SDK sends it aws-chunked (with a CRC32 trailer when WHEN_SUPPORTED). */
function streamBody(data: Buffer, chunk = 16 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
    })(),
  );
}

describe.each<ChecksumMode>(['WHEN_SUPPORTED', 'WHEN_REQUIRED'])('the AWS SDK (requestChecksumCalculation %s) against the server', (mode) => {
  let server: RunningServer;
  let s3: S3Client;

  beforeAll(async () => {
    server = await testServer();
    s3 = sdkClient(server, mode);
  });
  afterAll(async () => {
    s3.destroy();
    await server.close();
  });

  describe('buckets', () => {
    it('create, head, list, location, delete; errors for missing and duplicate buckets', async () => {
      const bucket = uniqueBucket('bk');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
      const list = await s3.send(new ListBucketsCommand({}));
      expect(list.Buckets?.map((b) => b.Name)).toContain(bucket);
      expect(list.Buckets?.find((b) => b.Name === bucket)?.CreationDate).toBeInstanceOf(Date);
      const loc = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
      expect(loc.LocationConstraint ?? '').toBe('');
      const dup = await failure(s3.send(new CreateBucketCommand({ Bucket: bucket })));
      expect([dup.name, dup.$metadata.httpStatusCode]).toEqual(['BucketAlreadyOwnedByYou', 409]);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
      const notEmpty = await failure(s3.send(new DeleteBucketCommand({ Bucket: bucket })));
      expect([notEmpty.name, notEmpty.$metadata.httpStatusCode]).toEqual(['BucketNotEmpty', 409]);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      const gone = await failure(s3.send(new HeadBucketCommand({ Bucket: bucket })));
      expect(gone.$metadata.httpStatusCode).toBe(404);
      const missing = await failure(s3.send(new ListObjectsV2Command({ Bucket: bucket })));
      expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchBucket', 404]);
      const badName = await failure(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
      expect([badName.name, badName.$metadata.httpStatusCode]).toEqual(['InvalidBucketName', 400]);
    });

    it('a bucket created with object lock reports its configuration; versioning is Enabled', async () => {
      const bucket = uniqueBucket('lk');
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
      const config = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      expect(config.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
      const plain = uniqueBucket('pl');
      await s3.send(new CreateBucketCommand({ Bucket: plain }));
      const none = await failure(s3.send(new GetObjectLockConfigurationCommand({ Bucket: plain })));
      expect([none.name, none.$metadata.httpStatusCode]).toEqual(['ObjectLockConfigurationNotFoundError', 404]);
    });
  });

  describe('objects', () => {
    let bucket: string;
    beforeAll(async () => {
      bucket = uniqueBucket('obj');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it('put and get round-trip bytes, standard headers and user metadata (Unicode included)', async () => {
      const body = pattern(100_000);
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'dir/ünïcødé key+plus&amp',
          Body: body,
          ContentType: 'application/x-test',
          CacheControl: 'max-age=60',
          ContentDisposition: 'attachment; filename="a.bin"',
          ContentEncoding: 'identity',
          // Node's HTTP client refuses characters over U+00FF in headers, so the caller (like core's Store) sends those as an RFC 2047 word.
          Metadata: { plain: 'value', latin: 'naïve', unicode: `=?UTF-8?B?${Buffer.from('naïve ✓ 日本').toString('base64')}?=` },
        }),
      );
      expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/ünïcødé key+plus&amp' }));
      expect((await streamToBuffer(got.Body)).equals(body)).toBe(true);
      expect(got.ContentLength).toBe(body.length);
      expect(got.ETag).toBe(put.ETag);
      expect(got.ContentType).toBe('application/x-test');
      expect(got.CacheControl).toBe('max-age=60');
      expect(got.ContentDisposition).toBe('attachment; filename="a.bin"');
      expect(got.ContentEncoding).toBe('identity');
      expect(got.LastModified).toBeInstanceOf(Date);
      // Non-ASCII values come back as RFC 2047 encoded words, exactly as AWS sends them.
      expect(got.Metadata?.plain).toBe('value');
      expect(got.Metadata?.latin).toBe(`=?UTF-8?B?${Buffer.from('naïve').toString('base64')}?=`);
      expect(Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(got.Metadata?.unicode ?? '')?.[1] ?? '', 'base64').toString('utf8')).toBe('naïve ✓ 日本');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/ünïcødé key+plus&amp' }));
      expect(head.ContentLength).toBe(body.length);
      expect(head.Metadata).toEqual(got.Metadata);
    });

    it('a streamed body (aws-chunked when the SDK adds checksums) is stored exactly', async () => {
      const body = pattern(3 * 1024 * 1024 + 17, 5);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body: streamBody(body), ContentLength: body.length }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }));
      expect((await streamToBuffer(got.Body)).equals(body)).toBe(true);
    });

    it('an empty object', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'empty' }));
      expect((await streamToBuffer(got.Body)).length).toBe(0);
      expect(got.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    });

    it('ranges: 206 with Content-Range, suffix and open ranges, 416 past the end', async () => {
      const body = pattern(1000);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: body }));
      const mid = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=10-19' }));
      expect(mid.$metadata.httpStatusCode).toBe(206);
      expect(mid.ContentRange).toBe('bytes 10-19/1000');
      expect(mid.ContentLength).toBe(10);
      expect((await streamToBuffer(mid.Body)).equals(body.subarray(10, 20))).toBe(true);
      const suffix = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=-100' }));
      expect(suffix.ContentRange).toBe('bytes 900-999/1000');
      expect((await streamToBuffer(suffix.Body)).equals(body.subarray(900))).toBe(true);
      const open = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=995-' }));
      expect((await streamToBuffer(open.Body)).equals(body.subarray(995))).toBe(true);
      const past = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=990-5000' }));
      expect(past.ContentRange).toBe('bytes 990-999/1000');
      const bad = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=1000-1001' })));
      expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['InvalidRange', 416]);
      const whole = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=5-1,7-9' }));
      expect(whole.$metadata.httpStatusCode).toBe(200);
      await streamToBuffer(whole.Body);
    });

    it('conditional reads: 304 and 412', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'conditional' }));
      const etag = put.ETag!;
      const ok = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: etag }));
      await streamToBuffer(ok.Body);
      const notModified = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfNoneMatch: etag })));
      expect(notModified.$metadata.httpStatusCode).toBe(304);
      const failed = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"0000"' })));
      expect([failed.name, failed.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
      const future = new Date(Date.now() + 3600_000);
      const past = new Date(Date.now() - 3600_000);
      const since = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfModifiedSince: future })));
      expect(since.$metadata.httpStatusCode).toBe(304);
      const unmodified = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfUnmodifiedSince: past })));
      expect(unmodified.$metadata.httpStatusCode).toBe(412);
    });

    it('conditional writes: If-None-Match * and If-Match', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'first', IfNoneMatch: '*' }));
      const again = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'second', IfNoneMatch: '*' })));
      expect(again.$metadata.httpStatusCode).toBe(412);
      const wrong = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'third', IfMatch: '"ffff"' })));
      expect(wrong.$metadata.httpStatusCode).toBe(412);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cw' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'fourth', IfMatch: head.ETag }));
    });

    it('missing keys and versions: NoSuchKey (404) with the key in the error', async () => {
      const e = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope/none' })));
      expect([e.name, e.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
      expect((e as unknown as { Key?: string }).Key).toBe('nope/none');
      const head = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nope' })));
      expect(head.$metadata.httpStatusCode).toBe(404);
    });

    it('delete is idempotent (204)', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'del', Body: 'x' }));
      const first = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del' }));
      expect(first.$metadata.httpStatusCode).toBe(204);
      const second = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del' }));
      expect(second.$metadata.httpStatusCode).toBe(204);
    });

    it('copy: metadata directive COPY and REPLACE, conditional copy, copy onto itself refused without REPLACE', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'copy me', ContentType: 'text/plain', Metadata: { a: '1' } }));
      const copied = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }));
      expect(copied.CopyObjectResult?.ETag).toMatch(/^"/);
      expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
      const dst = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst' }));
      expect([dst.ContentType, dst.Metadata]).toEqual(['text/plain', { a: '1' }]);
      await s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: 'dst2', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'application/json' }),
      );
      const dst2 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst2' }));
      expect([dst2.ContentType, dst2.Metadata]).toEqual(['application/json', { b: '2' }]);
      const cond = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/src`, CopySourceIfMatch: '"nope"' })));
      expect(cond.$metadata.httpStatusCode).toBe(412);
      const self = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src` })));
      expect([self.name, self.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { c: '3' } }));
      const encoded = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst 4', CopySource: encodeURIComponent(`${bucket}/dir/ünïcødé key+plus&amp`) }));
      expect(encoded.CopyObjectResult?.ETag).toBeTruthy();
      const missing = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/missing` })));
      expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
    });

    it('DeleteObjects: deleted and per-key errors, quiet mode', async () => {
      for (const k of ['d/1', 'd/2', 'd/3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/1' }, { Key: 'd/2' }, { Key: 'd/none' }] } }));
      expect(out.Deleted?.map((d) => d.Key).sort()).toEqual(['d/1', 'd/2', 'd/none']);
      const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd/3' }], Quiet: true } }));
      expect(quiet.Deleted ?? []).toEqual([]);
      const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'd/' }));
      expect(left.KeyCount).toBe(0);
    });
  });

  describe('listing', () => {
    let bucket: string;
    const keys = ['a', 'b/1', 'b/2', 'b/3/x', 'c', 'd&<>"\'', 'e\u00e9', 'f\u{1F600}', 'g/h/i', 'z'];
    beforeAll(async () => {
      bucket = uniqueBucket('ls');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    });

    it('ListObjectsV2 pages with continuation tokens (max-keys 3) and returns every key in UTF-8 order', async () => {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListObjectsV2({ client: s3, pageSize: 3 }, { Bucket: bucket })) {
        pages++;
        expect(page.KeyCount).toBeLessThanOrEqual(3);
        for (const o of page.Contents ?? []) seen.push(o.Key!);
      }
      expect(seen).toEqual([...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
      expect(pages).toBe(4);
    });

    it('prefix, delimiter and start-after', async () => {
      const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
      expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'g/']);
      expect(top.Contents?.map((o) => o.Key)).toContain('a');
      const inB = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'b/', Delimiter: '/' }));
      expect(inB.Contents?.map((o) => o.Key)).toEqual(['b/1', 'b/2']);
      expect(inB.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/3/']);
      const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'c' }));
      expect(after.Contents?.[0]?.Key).toBe('d&<>"\'');
      expect(after.StartAfter).toBe('c');
    });

    it('encoding-type=url encodes keys and prefixes (the SDK decodes them)', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'e', EncodingType: 'url' }));
      expect(out.EncodingType).toBe('url');
      expect(out.Contents?.map((o) => decodeURIComponent(o.Key!))).toEqual(['e\u00e9']);
    });

    it('a tampered continuation token is refused (400 InvalidArgument)', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
      const token = page.NextContinuationToken!;
      const bad = await failure(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: `${token.slice(0, -2)}xx` })));
      expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(['InvalidArgument', 400]);
    });

    it('ListObjects (V1) with marker paging, and with a delimiter (NextMarker)', async () => {
      const seen: string[] = [];
      let marker: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page: ListObjectsCommandOutput = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 4, Marker: marker }));
        for (const o of page.Contents ?? []) seen.push(o.Key!);
        if (!page.IsTruncated) break;
        marker = page.NextMarker ?? page.Contents![page.Contents!.length - 1]!.Key;
      }
      expect(seen.length).toBe(keys.length);
      const items: string[] = [];
      marker = undefined;
      for (let i = 0; i < 20; i++) {
        const page: ListObjectsCommandOutput = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 2, Delimiter: '/', Marker: marker }));
        items.push(...(page.Contents ?? []).map((o) => o.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
        if (!page.IsTruncated) break;
        marker = page.NextMarker;
      }
      expect(items.sort()).toEqual(['a', 'b/', 'c', 'd&<>"\'', 'e\u00e9', 'f\u{1F600}', 'g/', 'z'].sort());
    });
  });

  describe('versioning', () => {
    it('versions, delete markers, ListObjectVersions paging, get and delete by version', async () => {
      const bucket = uniqueBucket('ver');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBeUndefined();
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Enabled');
      const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'one' }));
      const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'two' }));
      expect(v1.VersionId).toBeTruthy();
      expect(v2.VersionId).not.toBe(v1.VersionId);
      for (let i = 0; i < 5; i++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `m${i}`, Body: String(i) }));
      const del = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }));
      expect(del.DeleteMarker).toBe(true);
      const gone = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' })));
      expect(gone.$metadata.httpStatusCode).toBe(404);
      const old = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: v1.VersionId }));
      expect(await old.Body!.transformToString()).toBe('one');
      expect(old.VersionId).toBe(v1.VersionId);

      const versions: string[] = [];
      const markers: string[] = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
        for (const v of page.Versions ?? []) versions.push(`${v.Key}:${v.VersionId}:${v.IsLatest}`);
        for (const m of page.DeleteMarkers ?? []) markers.push(`${m.Key}:${m.IsLatest}`);
        if (!page.IsTruncated) break;
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
      }
      expect(versions).toHaveLength(7);
      expect(versions).toContain(`k:${v1.VersionId}:false`);
      expect(markers).toEqual(['k:true']);

      // markers made by the client: key-marker alone skips all versions of that key
      const afterK = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'k' }));
      expect(afterK.Versions?.every((v) => v.Key !== 'k')).toBe(true);
      const afterV2 = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'k', VersionIdMarker: v2.VersionId }));
      expect(afterV2.Versions?.[0]).toMatchObject({ Key: 'k', VersionId: v1.VersionId });

      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k', VersionId: del.VersionId }));
      const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
      expect(await back.Body!.transformToString()).toBe('two');
      const noVersion = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k', VersionId: 'no-such-version' })));
      expect(noVersion.$metadata.httpStatusCode).toBeGreaterThanOrEqual(400);
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status).toBe('Suspended');
      // copy from a version
      const cp = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'from-v1', CopySource: `${bucket}/k?versionId=${v1.VersionId}` }));
      expect(cp.CopySourceVersionId).toBe(v1.VersionId);
      expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'from-v1' }))).Body!.transformToString()).toBe('one');
    });
  });

  describe('object lock', () => {
    it('retention, default retention, legal hold; a locked version cannot be deleted, governance can be bypassed', async () => {
      const bucket = uniqueBucket('wl');
      await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
      const until = new Date(Date.now() + 3600_000);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'locked', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: until }));
      const r = await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'locked' }));
      expect(r.Retention?.Mode).toBe('GOVERNANCE');
      expect(r.Retention?.RetainUntilDate?.getTime()).toBe(Math.floor(until.getTime() / 1000) * 1000 + (until.getTime() % 1000));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'locked' }));
      expect(head.ObjectLockMode).toBe('GOVERNANCE');
      const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'locked', VersionId: put.VersionId })));
      expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      // extend, then shorten without bypass (refused), then remove with bypass
      const later = new Date(Date.now() + 7200_000);
      await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'locked', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: later } }));
      const shorten = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'locked', Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until } })));
      expect(shorten.$metadata.httpStatusCode).toBe(403);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'locked', VersionId: put.VersionId, BypassGovernanceRetention: true }));

      const noRetention = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'y' }));
      const none = await failure(s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'plain' })));
      expect([none.name, none.$metadata.httpStatusCode]).toEqual(['NoSuchObjectLockConfiguration', 404]);
      expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'plain' }))).LegalHold?.Status).toBe('OFF');
      await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'plain', LegalHold: { Status: 'ON' } }));
      expect((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'plain' }))).LegalHold?.Status).toBe('ON');
      const held = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'plain', VersionId: noRetention.VersionId, BypassGovernanceRetention: true })));
      expect(held.$metadata.httpStatusCode).toBe(403);
      await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'plain', LegalHold: { Status: 'OFF' } }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'plain', VersionId: noRetention.VersionId }));

      await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } }));
      const config = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
      expect(config.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual({ Mode: 'GOVERNANCE', Days: 1 });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'defaulted', Body: 'z' }));
      expect((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'defaulted' }))).Retention?.Mode).toBe('GOVERNANCE');

      const plain = uniqueBucket('nl');
      await s3.send(new CreateBucketCommand({ Bucket: plain }));
      const notLockable = await failure(
        s3.send(new PutObjectLockConfigurationCommand({ Bucket: plain, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } } } })),
      );
      expect([notLockable.name, notLockable.$metadata.httpStatusCode]).toEqual(['InvalidBucketState', 409]);
    });
  });

  describe('multipart', () => {
    let bucket: string;
    beforeAll(async () => {
      bucket = uniqueBucket('mp');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it('create, upload parts (bytes and streams), list parts with paging, complete; the ETag is the multipart ETag', async () => {
      const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big', ContentType: 'application/x-big', Metadata: { m: 'v' } }));
      const uploadId = created.UploadId!;
      const parts = [pattern(300_000, 1), pattern(300_000, 2), pattern(1234, 3)];
      const etags: string[] = [];
      for (const [i, data] of parts.entries()) {
        const body = i === 1 ? streamBody(data) : data;
        const out = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'big', UploadId: uploadId, PartNumber: i + 1, Body: body, ContentLength: data.length }));
        etags.push(out.ETag!);
      }
      const page1 = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'big', UploadId: uploadId, MaxParts: 2 }));
      expect(page1.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
      expect(page1.IsTruncated).toBe(true);
      const page2 = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'big', UploadId: uploadId, MaxParts: 2, PartNumberMarker: page1.NextPartNumberMarker }));
      expect(page2.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[3, 1234]]);
      expect(page2.IsTruncated).toBe(false);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(uploadId);
      const done = await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'big', UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
      );
      expect(done.ETag).toMatch(/-3"$/);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
      expect((await streamToBuffer(got.Body)).equals(Buffer.concat(parts))).toBe(true);
      expect([got.ContentType, got.Metadata]).toEqual(['application/x-big', { m: 'v' }]);
      const after = await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'big', UploadId: uploadId })));
      expect([after.name, after.$metadata.httpStatusCode]).toEqual(['NoSuchUpload', 404]);
    });

    it('a wrong part ETag is InvalidPart, a small middle part is EntityTooSmall', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'bad' }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 1, Body: 'tiny' }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 2, Body: 'tiny' }));
      const wrong = await failure(
        s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'bad', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] } })),
      );
      expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['InvalidPart', 400]);
      const small = await failure(
        s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'bad', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } })),
      );
      expect([small.name, small.$metadata.httpStatusCode]).toEqual(['EntityTooSmall', 400]);
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'bad', UploadId }));
      const aborted = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 3, Body: 'x' })));
      expect([aborted.name, aborted.$metadata.httpStatusCode]).toEqual(['NoSuchUpload', 404]);
    });

    it('UploadPartCopy copies a range of an object into a part', async () => {
      const source = pattern(50_000, 9);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-src', Body: source }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'assembled' }));
      const a = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'assembled', UploadId, PartNumber: 1, CopySource: `${bucket}/copy-src`, CopySourceRange: 'bytes=0-29999' }));
      const b = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'assembled', UploadId, PartNumber: 2, CopySource: `${bucket}/copy-src`, CopySourceRange: 'bytes=30000-49999' }));
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'assembled',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.CopyPartResult?.ETag }, { PartNumber: 2, ETag: b.CopyPartResult?.ETag }] },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'assembled' }));
      expect((await streamToBuffer(got.Body)).equals(source)).toBe(true);
    });

    it('ListMultipartUploads pages with key and upload-id markers and groups by delimiter', async () => {
      const b = uniqueBucket('mpl');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      const ids: string[] = [];
      for (const key of ['x/1', 'x/1', 'x/2', 'y', 'z/deep/1']) ids.push((await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: key }))).UploadId!);
      const seen: string[] = [];
      let keyMarker: string | undefined;
      let uploadIdMarker: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: b, MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
        seen.push(...(page.Uploads ?? []).map((u) => u.UploadId!));
        if (!page.IsTruncated) break;
        keyMarker = page.NextKeyMarker;
        uploadIdMarker = page.NextUploadIdMarker;
      }
      expect(seen.sort()).toEqual([...ids].sort());
      const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket: b, Delimiter: '/' }));
      expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['x/', 'z/']);
      expect(grouped.Uploads?.map((u) => u.Key)).toEqual(['y']);
    });
  });

  describe('presigned URLs', () => {
    it('the SDK presigner: GET and PUT URLs work with fetch; expired and altered ones are refused', async () => {
      const bucket = uniqueBucket('ps');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a b/c', Body: 'presigned body' }));
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'a b/c' }), { expiresIn: 60 });
      const res = await fetch(get);
      expect([res.status, await res.text()]).toEqual([200, 'presigned body']);
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'via-url' }), { expiresIn: 60 });
      const putRes = await fetch(put, { method: 'PUT', body: 'uploaded' });
      expect(putRes.status).toBe(200);
      expect(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'via-url' }))).Body!.transformToString()).toBe('uploaded');
      const altered = new URL(get);
      altered.searchParams.set('X-Amz-Expires', '61');
      const tampered = await fetch(altered);
      expect(tampered.status).toBe(403);
      expect(await tampered.text()).toContain('SignatureDoesNotMatch');
      const added = new URL(get);
      added.searchParams.set('response-content-type', 'text/html');
      expect((await fetch(added)).status).toBe(403);
      const expired = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'a b/c' }), { expiresIn: 1, signingDate: new Date(Date.now() - 5000) });
      const late = await fetch(expired);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('Request has expired');
    });
  });
});

describe('addressing and the default memory store', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(() => server.close());

  it('virtual-host style (bucket.localhost) reaches the same objects as path style', async () => {
    const path = sdkClient(server);
    await path.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
    await path.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/k', Body: 'virtual' }));
    // The SDK puts the bucket in the Host header; the connection still goes to 127.0.0.1.
    const virtual = new S3Client({
      endpoint: `http://localhost:${server.port}`,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: CREDS,
      maxAttempts: 1,
    });
    virtual.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { hostname: string; headers: Record<string, string> };
        expect(req.hostname).toBe('vhost-bucket.localhost');
        req.hostname = '127.0.0.1';
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'route-to-loopback' },
    );
    const got = await virtual.send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/k' }));
    expect(await got.Body!.transformToString()).toBe('virtual');
    const listed = await virtual.send(new ListObjectsV2Command({ Bucket: 'vhost-bucket' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['dir/k']);
    virtual.destroy();
    path.destroy();
  });

  it('the served memory store presigns URLs for this server (memory@server)', async () => {
    const store = server.store;
    await store.createBucket('presign-direct');
    await store.put('presign-direct', 'k', 'hello from memory');
    const url = await store.presign('presign-direct', 'k', { method: 'GET', expiresIn: 60 });
    expect(url.startsWith(server.url)).toBe(true);
    const res = await fetch(url);
    expect([res.status, await res.text()]).toEqual([200, 'hello from memory']);
    const putUrl = await store.presign('presign-direct', 'typed', { method: 'PUT', expiresIn: 60, contentType: 'application/json' });
    expect((await fetch(putUrl, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect((await store.head('presign-direct', 'typed')).contentType).toBe('application/json');
    // the content type is signed: another one is refused
    expect((await fetch(putUrl, { method: 'PUT', body: '{}', headers: { 'content-type': 'text/plain' } })).status).toBe(403);
  });
});
