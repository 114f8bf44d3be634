import { describe, expect, it } from 'vitest';
import { setup, T0 } from './helpers.js';

const SEC = 1000;

async function withObject() {
  const ctx = setup();
  await ctx.store.createBucket('bkt');
  ctx.clock.advance(10 * SEC);
  const put = await ctx.store.put('bkt', 'k', 'body');
  // lastModified = T0 + 10 s
  ctx.clock.advance(60 * SEC);
  return { ...ctx, etag: put.etag };
}

const at = (s: number) => new Date(T0.getTime() + s * SEC);

describe('conditional reads (get and head)', () => {
  it('ifMatch: a match reads, a mismatch is PreconditionFailed; quoted or bare, lists and * accepted', async () => {
    const { store, etag } = await withObject();
    const bare = etag.slice(1, -1);
    for (const ifMatch of [etag, bare, `"nope", ${etag}`, '*']) {
      expect((await store.head('bkt', 'k', { ifMatch })).etag).toBe(etag);
      expect(await (await store.get('bkt', 'k', { ifMatch })).body.text()).toBe('body');
    }
    await expect(store.get('bkt', 'k', { ifMatch: '"0123"' })).rejects.toMatchObject({ code: 'PreconditionFailed', provider: 'memory' });
    await expect(store.head('bkt', 'k', { ifMatch: '"0123"' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('ifNoneMatch: a match is NotModified, a mismatch reads', async () => {
    const { store, etag } = await withObject();
    await expect(store.get('bkt', 'k', { ifNoneMatch: etag })).rejects.toMatchObject({ code: 'NotModified', provider: 'memory' });
    await expect(store.head('bkt', 'k', { ifNoneMatch: etag })).rejects.toMatchObject({ code: 'NotModified' });
    await expect(store.get('bkt', 'k', { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'NotModified' });
    expect(await (await store.get('bkt', 'k', { ifNoneMatch: '"other"' })).body.text()).toBe('body');
  });

  it('ifModifiedSince / ifUnmodifiedSince compare whole seconds', async () => {
    const { store } = await withObject();
    await expect(store.get('bkt', 'k', { ifModifiedSince: at(10) })).rejects.toMatchObject({ code: 'NotModified' });
    await expect(store.get('bkt', 'k', { ifModifiedSince: new Date(at(10).getTime() + 999) })).rejects.toMatchObject({ code: 'NotModified' });
    await expect(store.head('bkt', 'k', { ifModifiedSince: at(11) })).rejects.toMatchObject({ code: 'NotModified' });
    expect((await store.head('bkt', 'k', { ifModifiedSince: at(9) })).size).toBe(4);
    expect((await store.head('bkt', 'k', { ifUnmodifiedSince: at(10) })).size).toBe(4);
    expect((await store.head('bkt', 'k', { ifUnmodifiedSince: at(11) })).size).toBe(4);
    await expect(store.head('bkt', 'k', { ifUnmodifiedSince: at(9) })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('S3 precedence: If-Match true beats If-Unmodified-Since false; If-None-Match false beats If-Modified-Since true', async () => {
    const { store, etag } = await withObject();
    // If-Match true + If-Unmodified-Since false → 200
    expect((await store.head('bkt', 'k', { ifMatch: etag, ifUnmodifiedSince: at(5) })).size).toBe(4);
    // If-Match false + If-Unmodified-Since true → 412
    await expect(store.head('bkt', 'k', { ifMatch: '"x"', ifUnmodifiedSince: at(20) })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    // If-None-Match false (etag matches) + If-Modified-Since true → 304
    await expect(store.head('bkt', 'k', { ifNoneMatch: etag, ifModifiedSince: at(5) })).rejects.toMatchObject({ code: 'NotModified' });
    // If-None-Match true (differs) + If-Modified-Since false → 200
    expect((await store.head('bkt', 'k', { ifNoneMatch: '"x"', ifModifiedSince: at(20) })).size).toBe(4);
    // 412 wins over 304
    await expect(store.head('bkt', 'k', { ifMatch: '"x"', ifNoneMatch: etag })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('apply to a given version', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'k', 'one');
    const v2 = await store.put('bkt', 'k', 'two');
    expect((await store.head('bkt', 'k', { versionId: v1.versionId, ifMatch: v1.etag })).size).toBe(3);
    await expect(store.head('bkt', 'k', { versionId: v1.versionId, ifMatch: v2.etag })).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });
});

describe('conditional writes (put)', () => {
  it('ifNoneMatch "*" writes only when no object exists', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'first', { ifNoneMatch: '*' });
    await expect(store.put('bkt', 'k', 'second', { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'PreconditionFailed', provider: 'memory' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('first');
  });

  it('ifNoneMatch "*" writes when the current version is a delete marker', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    await store.put('bkt', 'k', 'first');
    await store.delete('bkt', 'k');
    await store.put('bkt', 'k', 'again', { ifNoneMatch: '*' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('again');
  });

  it('ifMatch writes only over the matching ETag; on a missing key it is ObjectNotFound (S3 404 NoSuchKey)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await expect(store.put('bkt', 'k', 'x', { ifMatch: '"abc"' })).rejects.toMatchObject({ code: 'ObjectNotFound' });
    const first = await store.put('bkt', 'k', 'first');
    await expect(store.put('bkt', 'k', 'x', { ifMatch: '"0000"' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('first');
    const second = await store.put('bkt', 'k', 'second', { ifMatch: first.etag });
    await store.put('bkt', 'k', 'third', { ifMatch: second.etag.slice(1, -1) });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('third');
  });

  it('apply to a multipart complete (ifNoneMatch)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'exists');
    const upload = await store.createMultipartUpload('bkt', 'k');
    const part = await store.uploadPart(upload, 1, 'abc');
    await expect(store.completeMultipartUpload(upload, [part], { ifNoneMatch: '*' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    // the upload survives the failed complete
    await store.delete('bkt', 'k');
    await store.completeMultipartUpload(upload, [part], { ifNoneMatch: '*' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('abc');
  });

  it('the condition is decided when the body has arrived, not when the put started', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        await gate;
        c.enqueue(new TextEncoder().encode('slow'));
        c.close();
      },
    });
    const pending = store.put('bkt', 'k', slow, { ifNoneMatch: '*' });
    await store.put('bkt', 'k', 'fast', { ifNoneMatch: '*' });
    release();
    await expect(pending).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('fast');
  });
});

describe('conditional copy (source conditions)', () => {
  it('every failed source condition is PreconditionFailed (never NotModified)', async () => {
    const { store, etag } = await withObject();
    await store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c1' }, { ifMatch: etag });
    await expect(store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c2' }, { ifMatch: '"x"' })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c2' }, { ifNoneMatch: etag })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c2' }, { ifModifiedSince: at(30) })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c2' }, { ifUnmodifiedSince: at(5) })).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'c3' }, { ifNoneMatch: '"x"', ifModifiedSince: at(5) });
    await expect(store.head('bkt', 'c2')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    expect((await store.head('bkt', 'c3')).etag).toBe(etag);
  });
});
