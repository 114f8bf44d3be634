import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MultipartUpload, Store } from '@stowage/core';
import { createMemoryStore } from '../src/index.js';
import { setup, streamOf } from './helpers.js';

const md5 = (s: string) => createHash('md5').update(s).digest();

async function started(key = 'big') {
  const ctx = setup(); // minPartSize 5 bytes
  await ctx.store.createBucket('bkt');
  const upload = await ctx.store.createMultipartUpload('bkt', key, { metadata: { origin: 'multipart' }, contentType: 'text/plain' });
  return { ...ctx, upload };
}

async function allParts(store: Store, upload: MultipartUpload, pageSize: number) {
  const parts: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listParts(upload, { pageSize, cursor });
    parts.push(...page.parts.map((p) => p.partNumber));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { parts, pages };
}

describe('multipart upload', () => {
  it('assembles the parts in order with the ETag "<md5 of part md5s>-N" and the upload metadata', async () => {
    const { store, upload } = await started();
    const p2 = await store.uploadPart(upload, 2, 'world');
    const p1 = await store.uploadPart(upload, 1, 'hello');
    const p3 = await store.uploadPart(upload, 3, '!');
    expect(p1.etag).toBe(`"${md5('hello').toString('hex')}"`);
    const done = await store.completeMultipartUpload(upload, [p1, p2, p3]);
    const expected = createHash('md5').update(Buffer.concat([md5('hello'), md5('world'), md5('!')])).digest('hex');
    expect(done.etag).toBe(`"${expected}-3"`);
    const got = await store.get('bkt', 'big');
    expect(await got.body.text()).toBe('helloworld!');
    expect(got.info).toMatchObject({ etag: done.etag, size: 11, metadata: { origin: 'multipart' }, contentType: 'text/plain' });
    // the upload is gone once completed
    await expect(store.listParts(upload)).rejects.toMatchObject({ code: 'UploadNotFound', uploadId: upload.uploadId });
    await expect(store.abortMultipartUpload(upload)).rejects.toMatchObject({ code: 'UploadNotFound' });
  });

  it('accepts part numbers 1..10000 and skipped numbers; a re-uploaded part replaces the old one', async () => {
    const { store, upload } = await started();
    await expect(store.uploadPart(upload, 0, 'x')).rejects.toMatchObject({ code: 'InvalidArgument', field: 'partNumber' });
    await expect(store.uploadPart(upload, 10001, 'x')).rejects.toMatchObject({ code: 'InvalidArgument', field: 'partNumber' });
    const a = await store.uploadPart(upload, 1, 'first');
    const a2 = await store.uploadPart(upload, 1, 'FIRST');
    const z = await store.uploadPart(upload, 10000, 'last');
    await expect(store.completeMultipartUpload(upload, [a, z])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[0].etag' });
    await store.completeMultipartUpload(upload, [a2, z]);
    expect(await (await store.get('bkt', 'big')).body.text()).toBe('FIRSTlast');
  });

  it('refuses a part under the minimum size unless it is the last', async () => {
    const { store, upload } = await started();
    const p1 = await store.uploadPart(upload, 1, '12345');
    const p2 = await store.uploadPart(upload, 2, '1234');
    const p3 = await store.uploadPart(upload, 3, '12');
    await expect(store.completeMultipartUpload(upload, [p1, p2, p3])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[1]' });
    // the last part may be small, even empty
    const p4 = await store.uploadPart(upload, 4, '');
    await store.completeMultipartUpload(upload, [p1, p4]);
    expect(await (await store.get('bkt', 'big')).body.text()).toBe('12345');
  });

  it('uses 5 MiB as the default minimum part size', async () => {
    const store = createMemoryStore({ retry: false });
    await store.createBucket('bkt');
    const upload = await store.createMultipartUpload('bkt', 'k');
    const small = await store.uploadPart(upload, 1, new Uint8Array(5 * 1024 * 1024 - 1));
    const tail = await store.uploadPart(upload, 2, 'tail');
    await expect(store.completeMultipartUpload(upload, [small, tail])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[0]' });
    const full = await store.uploadPart(upload, 1, new Uint8Array(5 * 1024 * 1024));
    await store.completeMultipartUpload(upload, [full, tail]);
    expect((await store.head('bkt', 'k')).size).toBe(5 * 1024 * 1024 + 4);
  });

  it('fails on a wrong or missing ETag, a part never uploaded, or parts out of order', async () => {
    const { store, upload } = await started();
    const p1 = await store.uploadPart(upload, 1, 'aaaaa');
    const p2 = await store.uploadPart(upload, 2, 'bbbbb');
    await expect(store.completeMultipartUpload(upload, [p1, { partNumber: 2, etag: p1.etag }])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[1].etag' });
    await expect(store.completeMultipartUpload(upload, [p1, { partNumber: 2, etag: '' }])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[1].etag' });
    await expect(store.completeMultipartUpload(upload, [p1, { partNumber: 3, etag: p2.etag }])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[1].partNumber' });
    await expect(store.completeMultipartUpload(upload, [p2, p1])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts' });
    await expect(store.completeMultipartUpload(upload, [p1, p1])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts' });
    await expect(store.head('bkt', 'big')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    // quoted or bare ETags are both accepted
    await store.completeMultipartUpload(upload, [p1, { partNumber: 2, etag: p2.etag.slice(1, -1) }]);
    expect(await (await store.get('bkt', 'big')).body.text()).toBe('aaaaabbbbb');
  });

  it('parts not named in the complete are dropped', async () => {
    const { store, upload } = await started();
    const p1 = await store.uploadPart(upload, 1, 'aaaaa');
    await store.uploadPart(upload, 2, 'bbbbb');
    const p3 = await store.uploadPart(upload, 3, 'c');
    await store.completeMultipartUpload(upload, [p1, p3]);
    expect(await (await store.get('bkt', 'big')).body.text()).toBe('aaaaac');
  });

  it('abort frees the upload and its parts', async () => {
    const { store, upload } = await started();
    await store.uploadPart(upload, 1, 'aaaaa');
    await store.abortMultipartUpload(upload);
    await expect(store.uploadPart(upload, 2, 'x')).rejects.toMatchObject({ code: 'UploadNotFound' });
    await expect(store.listParts(upload)).rejects.toMatchObject({ code: 'UploadNotFound' });
    await expect(store.completeMultipartUpload(upload, [{ partNumber: 1, etag: '"x"' }])).rejects.toMatchObject({ code: 'UploadNotFound' });
    expect((await store.listUploads('bkt')).uploads).toEqual([]);
    // the freed parts are unreachable from the driver's state
    const driver = store.unwrapDriver();
    await expect(driver.listParts!({ ...upload, maxParts: 10, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'UploadNotFound' });
  });

  it('an upload id is bound to its key and bucket', async () => {
    const { store, upload } = await started('one');
    await store.createBucket('other');
    await expect(store.uploadPart({ ...upload, key: 'two' }, 1, 'x')).rejects.toMatchObject({ code: 'UploadNotFound' });
    await expect(store.uploadPart({ ...upload, bucket: 'other' }, 1, 'x')).rejects.toMatchObject({ code: 'UploadNotFound' });
    await expect(store.uploadPart({ ...upload, uploadId: 'nope' }, 1, 'x')).rejects.toMatchObject({ code: 'UploadNotFound' });
  });

  it('a part aborted mid-stream is not stored; an abort during a part upload fails it', async () => {
    const { store, upload } = await started();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        await gate;
        c.enqueue(new Uint8Array(5));
        c.close();
      },
    });
    const pending = store.uploadPart(upload, 1, slow);
    await store.abortMultipartUpload(upload);
    release();
    await expect(pending).rejects.toMatchObject({ code: 'UploadNotFound' });
  });

  it('takes streamed parts and reports part sizes', async () => {
    const { store, upload } = await started();
    await store.uploadPart(upload, 1, streamOf(['ab', 'cde']));
    const page = await store.listParts(upload);
    expect(page.parts).toEqual([{ partNumber: 1, etag: `"${md5('abcde').toString('hex')}"`, size: 5, lastModified: expect.any(Date) }]);
  });

  it('listParts paginates in part-number order', async () => {
    const { store, upload } = await started();
    for (const n of [7, 3, 1, 10, 5, 2]) await store.uploadPart(upload, n, `p${n}xxx`);
    const { parts, pages } = await allParts(store, upload, 2);
    expect(parts).toEqual([1, 2, 3, 5, 7, 10]);
    expect(pages).toBe(3);
    const exact = await allParts(store, upload, 6);
    expect(exact).toEqual({ parts: [1, 2, 3, 5, 7, 10], pages: 1 });
  });

  it('listUploads paginates by key (UTF-8 order) then initiation, with a prefix', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const made: MultipartUpload[] = [];
    for (const key of ['b', 'a/2', '🚀', 'a/1', '\uFFFD', 'b']) made.push(await store.createMultipartUpload('bkt', key));
    const seen: MultipartUpload[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listUploads('bkt', { pageSize: 2, cursor });
      expect(page.uploads.length).toBeLessThanOrEqual(2);
      seen.push(...page.uploads);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((u) => u.key)).toEqual(['a/1', 'a/2', 'b', 'b', '\uFFFD', '🚀']);
    // the two uploads of "b" in the order they were started
    expect(seen.filter((u) => u.key === 'b').map((u) => u.uploadId)).toEqual([made[0]!.uploadId, made[5]!.uploadId]);
    const prefixed = await store.listUploads('bkt', { prefix: 'a/' });
    expect(prefixed.uploads.map((u) => u.key)).toEqual(['a/1', 'a/2']);
    expect(prefixed.nextCursor).toBeUndefined();
    expect(seen[0]).toMatchObject({ bucket: 'bkt', initiated: expect.any(Date) });
  });

  it('completing in a versioned bucket adds a version', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const first = await store.put('bkt', 'k', 'single');
    const upload = await store.createMultipartUpload('bkt', 'k');
    const p = await store.uploadPart(upload, 1, 'multi');
    const done = await store.completeMultipartUpload(upload, [p]);
    expect(done.versionId).toEqual(expect.any(String));
    expect(done.versionId).not.toBe(first.versionId);
    expect(await (await store.get('bkt', 'k', { versionId: first.versionId })).body.text()).toBe('single');
  });

  it('an upload in progress is not listed as an object until completed', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const upload = await store.createMultipartUpload('bkt', 'k');
    expect((await store.listPage('bkt')).objects).toEqual([]);
    const p = await store.uploadPart(upload, 1, 'x');
    await store.completeMultipartUpload(upload, [p]);
    expect((await store.listPage('bkt')).objects.map((o) => o.key)).toEqual(['k']);
  });

  it('deleting a bucket is not blocked by uploads in progress (as AWS), and they go with it', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const upload = await store.createMultipartUpload('bkt', 'k');
    await store.uploadPart(upload, 1, 'abc');
    await store.deleteBucket('bkt');
    await store.createBucket('bkt');
    expect((await store.listUploads('bkt')).uploads).toEqual([]);
    await expect(store.uploadPart(upload, 2, 'x')).rejects.toMatchObject({ code: 'UploadNotFound' });
  });
});
