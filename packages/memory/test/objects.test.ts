import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openStore } from '@stowage/core';
import * as memory from '../src/index.js';
import { MemoryDriver } from '../src/index.js';
import { setup, streamOf, T0, text } from './helpers.js';

const md5hex = (s: string | Uint8Array) => createHash('md5').update(s).digest('hex');

describe('buckets', () => {
  it('create, exists, list (sorted), delete; errors are typed and name the provider', async () => {
    const { store } = setup();
    await store.createBucket('zeta');
    await store.createBucket('alpha', { region: 'eu-west-1' });
    await expect(store.createBucket('zeta')).rejects.toMatchObject({ code: 'AlreadyExists', provider: 'memory' });
    expect(await store.bucketExists('alpha')).toBe(true);
    expect(await store.bucketExists('nope-bucket')).toBe(false);
    expect(await store.listBuckets()).toEqual([
      { name: 'alpha', createdAt: T0, region: 'eu-west-1' },
      { name: 'zeta', createdAt: T0 },
    ]);
    await store.put('zeta', 'k', 'x');
    await expect(store.deleteBucket('zeta')).rejects.toMatchObject({ code: 'BucketNotEmpty', bucket: 'zeta' });
    await store.delete('zeta', 'k');
    await store.deleteBucket('zeta');
    expect((await store.listBuckets()).map((b) => b.name)).toEqual(['alpha']);
    await expect(store.put('zeta', 'k', 'x')).rejects.toMatchObject({ code: 'BucketNotFound', bucket: 'zeta', provider: 'memory' });
    await expect(store.listPage('zeta')).rejects.toMatchObject({ code: 'BucketNotFound' });
    await expect(store.deleteBucket('zeta')).rejects.toMatchObject({ code: 'BucketNotFound' });
  });
});

describe('put, get, head, delete', () => {
  it('round-trips bytes with a quoted MD5 ETag, size, lastModified in whole seconds', async () => {
    const { store, clock } = setup();
    await store.createBucket('bkt');
    clock.advance(1500);
    const put = await store.put('bkt', 'dir/file.txt', 'hello world');
    expect(put.etag).toBe(`"${md5hex('hello world')}"`);
    const info = await store.head('bkt', 'dir/file.txt');
    expect(info).toMatchObject({ bucket: 'bkt', key: 'dir/file.txt', size: 11, etag: put.etag, storageClass: 'STANDARD' });
    expect(info.lastModified).toEqual(new Date(T0.getTime() + 1000));
    const got = await store.get('bkt', 'dir/file.txt');
    expect(got.info.size).toBe(11);
    expect(await got.body.text()).toBe('hello world');
  });

  it('stores metadata as given and returns it per the core rules (lower-case names, any Unicode value)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const metadata = { 'X-Author': 'Zoë', plain: 'ascii', spaced: '  padded  ', encoded: '=?UTF-8?B?looks-encoded?=', emoji: '🚀' };
    await store.put('bkt', 'k', 'x', { metadata });
    const expected = { 'x-author': 'Zoë', plain: 'ascii', spaced: '  padded  ', encoded: '=?UTF-8?B?looks-encoded?=', emoji: '🚀' };
    expect((await store.head('bkt', 'k')).metadata).toEqual(expected);
    expect((await store.get('bkt', 'k')).info.metadata).toEqual(expected);
    // the driver holds the wire-encoded values the Store gave it
    const raw = await store.unwrapDriver<MemoryDriver>().headObject({ bucket: 'bkt', key: 'k', conditions: {}, signal: new AbortController().signal });
    expect(raw.metadata['x-author']).toBe(`=?UTF-8?B?${Buffer.from('Zoë').toString('base64')}?=`);
  });

  it('keeps content headers; content type defaults to binary/octet-stream as in S3', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'a', 'x', { contentType: 'text/plain', cacheControl: 'max-age=60', contentDisposition: 'attachment', contentEncoding: 'identity' });
    expect(await store.head('bkt', 'a')).toMatchObject({ contentType: 'text/plain', cacheControl: 'max-age=60', contentDisposition: 'attachment', contentEncoding: 'identity' });
    await store.put('bkt', 'b', 'x');
    const b = await store.head('bkt', 'b');
    expect(b.contentType).toBe('binary/octet-stream');
    expect(b.cacheControl).toBeUndefined();
  });

  it('stream-writes bodies of unknown length (web stream, Node Readable, async iterable)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'web', streamOf(['he', 'llo', '', ' there']));
    expect(await (await store.get('bkt', 'web')).body.text()).toBe('hello there');
    await store.put('bkt', 'node', Readable.from([Buffer.from('node '), Buffer.from('stream')]));
    expect(await (await store.get('bkt', 'node')).body.text()).toBe('node stream');
    async function* gen() {
      yield text('async ');
      yield text('iterable');
    }
    await store.put('bkt', 'iter', gen());
    expect(await (await store.get('bkt', 'iter')).body.text()).toBe('async iterable');
    await store.put('bkt', 'empty', streamOf([]));
    expect((await store.head('bkt', 'empty')).size).toBe(0);
    expect((await store.head('bkt', 'empty')).etag).toBe(`"${md5hex('')}"`);
  });

  it('checks a declared length against the body', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await expect(store.put('bkt', 'k', streamOf(['abc']), { contentLength: 5 })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'contentLength' });
    await expect(store.put('bkt', 'k', streamOf(['abcdef']), { contentLength: 5 })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'contentLength' });
    await expect(store.head('bkt', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await store.put('bkt', 'k', streamOf(['ab', 'cde']), { contentLength: 5 });
    expect((await store.head('bkt', 'k')).size).toBe(5);
  });

  it('verifies Content-MD5', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const good = createHash('md5').update('data').digest('base64');
    const bad = createHash('md5').update('other').digest('base64');
    await store.put('bkt', 'k', 'data', { contentMd5: good });
    await expect(store.put('bkt', 'k2', 'data', { contentMd5: bad })).rejects.toMatchObject({ code: 'IntegrityError' });
    await expect(store.put('bkt', 'k2', 'data', { contentMd5: 'not-md5' })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'contentMd5' });
    await expect(store.head('bkt', 'k2')).rejects.toMatchObject({ code: 'ObjectNotFound' });
  });

  it('verifies every S3 checksum (CRC32, CRC32C, SHA-1, SHA-256) and refuses a body that does not match', async () => {
    const { store } = setup({ capabilities: { multipart: { minPartSize: 5 } } });
    await store.createBucket('bkt');
    const sha256 = createHash('sha256').update('data').digest('base64');
    await store.put('bkt', 'k', 'data', { checksum: { algorithm: 'sha256', value: sha256 } });
    await expect(store.put('bkt', 'k2', 'other', { checksum: { algorithm: 'sha256', value: sha256 } })).rejects.toMatchObject({ code: 'IntegrityError' });
    // CRC32 of "data" is 0xADF3F363, CRC32C of "123456789" is 0xE3069283 (the standard check value)
    await store.put('bkt', 'k3', 'data', { checksum: { algorithm: 'crc32', value: Buffer.from('adf3f363', 'hex').toString('base64') } });
    await expect(store.put('bkt', 'k4', 'data', { checksum: { algorithm: 'crc32', value: 'AAAAAA==' } })).rejects.toMatchObject({ code: 'IntegrityError' });
    await store.put('bkt', 'k5', '123456789', { checksum: { algorithm: 'crc32c', value: Buffer.from('e3069283', 'hex').toString('base64') } });
    await expect(store.put('bkt', 'k6', '123456780', { checksum: { algorithm: 'crc32c', value: Buffer.from('e3069283', 'hex').toString('base64') } })).rejects.toMatchObject({ code: 'IntegrityError' });
    const upload = await store.createMultipartUpload('bkt', 'mp');
    await expect(store.uploadPart(upload, 1, 'part', { checksum: { algorithm: 'sha1', value: createHash('sha1').update('nope').digest('base64') } })).rejects.toMatchObject({ code: 'IntegrityError' });
    await expect(store.head('bkt', 'k2')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    expect(setup().store.capabilities.checksums).toEqual(['md5', 'crc32', 'crc32c', 'sha1', 'sha256']);
  });

  it('keeps whole-object checksums: of a put, of a full-object upload (checked at completion), of a composite upload (of the part checksums, -N)', async () => {
    const { store } = setup({ capabilities: { multipart: { minPartSize: 5 } } });
    await store.createBucket('bkt');
    const crc = (s: string | Uint8Array) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(zlib.crc32(typeof s === 'string' ? Buffer.from(s) : s) >>> 0);
      return b.toString('base64');
    };
    await store.put('bkt', 'single', 'hello', { checksum: { algorithm: 'crc32', value: crc('hello') } });
    expect((await store.head('bkt', 'single', { checksum: true })).checksum).toEqual({ algorithm: 'crc32', type: 'full-object', value: crc('hello') });
    expect((await store.head('bkt', 'single')).checksum).toBeUndefined();
    expect((await store.get('bkt', 'single', { checksum: true, range: { offset: 1, length: 2 } })).info.checksum).toBeUndefined();

    const full = await store.createMultipartUpload('bkt', 'full', { checksum: { algorithm: 'crc32', type: 'full-object' } });
    const p1 = await store.uploadPart(full, 1, 'first', { checksum: { algorithm: 'crc32', value: crc('first') } });
    const p2 = await store.uploadPart(full, 2, 'second');
    const parts = [
      { ...p1, checksum: { algorithm: 'crc32' as const, value: crc('first') } },
      { ...p2, checksum: { algorithm: 'crc32' as const, value: crc('second') } },
    ];
    await expect(store.completeMultipartUpload(full, [p1, p2])).rejects.toMatchObject({ code: 'InvalidArgument', field: 'parts[0].checksum' });
    await expect(store.completeMultipartUpload(full, parts, { checksum: { algorithm: 'crc32', value: crc('firstsecondX') } })).rejects.toMatchObject({ code: 'IntegrityError' });
    await store.completeMultipartUpload(full, parts, { checksum: { algorithm: 'crc32', value: crc('firstsecond') } });
    expect((await store.get('bkt', 'full', { checksum: true })).info.checksum).toEqual({ algorithm: 'crc32', type: 'full-object', value: crc('firstsecond') });

    const composite = await store.createMultipartUpload('bkt', 'comp', { checksum: { algorithm: 'crc32', type: 'composite' } });
    const c1 = await store.uploadPart(composite, 1, 'first');
    const c2 = await store.uploadPart(composite, 2, 'second');
    await expect(
      store.completeMultipartUpload(composite, [{ ...c1, checksum: { algorithm: 'crc32', value: crc('first') } }, { ...c2, checksum: { algorithm: 'crc32', value: crc('second') } }], { checksum: { algorithm: 'crc32', value: crc('firstsecond') } }),
    ).rejects.toMatchObject({ code: 'InvalidArgument', field: 'checksum' });
    await store.completeMultipartUpload(composite, [{ ...c1, checksum: { algorithm: 'crc32', value: crc('first') } }, { ...c2, checksum: { algorithm: 'crc32', value: crc('second') } }]);
    const joined = Buffer.concat([Buffer.from(crc('first'), 'base64'), Buffer.from(crc('second'), 'base64')]);
    expect((await store.head('bkt', 'comp', { checksum: true })).checksum).toEqual({ algorithm: 'crc32', type: 'composite', value: `${crc(joined)}-2` });

    const sha = await store.createMultipartUpload('bkt', 'sha', { checksum: { algorithm: 'crc32c', type: 'full-object' } });
    await expect(store.uploadPart(sha, 1, 'x', { checksum: { algorithm: 'crc32', value: crc('x') } })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'checksum' });
    await expect(store.createMultipartUpload('bkt', 'bad', { checksum: { algorithm: 'sha256', type: 'full-object' } })).rejects.toMatchObject({ code: 'NotSupported' });
  });

  it('isolates stored bytes from the caller, both ways', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const input = text('original');
    await store.put('bkt', 'k', input);
    input.fill(0);
    const first = await store.getBytes('bkt', 'k');
    expect(new TextDecoder().decode(first)).toBe('original');
    first.fill(0);
    expect(new TextDecoder().decode(await store.getBytes('bkt', 'k'))).toBe('original');
    // a streamed body whose chunks the producer reuses afterwards
    const chunk = text('stream');
    await store.put('bkt', 's', streamOf([chunk]));
    chunk.fill(0);
    expect(await (await store.get('bkt', 's')).body.text()).toBe('stream');
    // a copy shares nothing observable either
    await store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'k2' });
    (await store.getBytes('bkt', 'k2')).fill(1);
    expect(new TextDecoder().decode(await store.getBytes('bkt', 'k'))).toBe('original');
  });

  it('streams large bodies in 64 KiB chunks', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const big = new Uint8Array(200 * 1024).map((_, i) => i % 251);
    await store.put('bkt', 'big', big);
    const sizes: number[] = [];
    let total = 0;
    for await (const chunk of (await store.get('bkt', 'big')).body) {
      sizes.push(chunk.length);
      total += chunk.length;
    }
    expect(sizes).toEqual([65536, 65536, 65536, 8192]);
    expect(total).toBe(big.length);
    expect(await store.getBytes('bkt', 'big')).toEqual(big);
  });

  it('a body read after the object was deleted or overwritten still delivers the version it opened', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'first');
    const got = await store.get('bkt', 'k');
    await store.put('bkt', 'k', 'second');
    await store.delete('bkt', 'k');
    expect(await got.body.text()).toBe('first');
  });

  it('get/head of a missing key is ObjectNotFound; delete of one succeeds', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await expect(store.get('bkt', 'missing')).rejects.toMatchObject({ code: 'ObjectNotFound', bucket: 'bkt', key: 'missing', provider: 'memory' });
    await expect(store.head('bkt', 'missing')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await expect(store.delete('bkt', 'missing')).resolves.toEqual({});
  });

  it('accepts any key S3 accepts: slashes, dots, spaces, control-free Unicode', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const keys = ['/leading', 'trailing/', 'a//b', './x/../y', 'with space', 'ünïcødé', '日本語/ファイル', '🚀', 'back\\slash', 'x'.repeat(1024)];
    for (const k of keys) await store.put('bkt', k, k);
    for (const k of keys) expect(await (await store.get('bkt', k)).body.text()).toBe(k);
    expect(store.capabilities.keyRules).toEqual([]);
  });
});

describe('ranges', () => {
  it('returns the span asked for, with the whole size in info', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', '0123456789');
    const cases: Array<[Parameters<typeof store.get>[2], string, { start: number; end: number }]> = [
      [{ range: { offset: 2, length: 3 } }, '234', { start: 2, end: 4 }],
      [{ range: { offset: 7 } }, '789', { start: 7, end: 9 }],
      [{ range: { offset: 8, length: 100 } }, '89', { start: 8, end: 9 }],
      [{ range: { suffix: 3 } }, '789', { start: 7, end: 9 }],
      [{ range: { suffix: 50 } }, '0123456789', { start: 0, end: 9 }],
      [{ range: { offset: 0, length: 1 } }, '0', { start: 0, end: 0 }],
      [{ range: { offset: 9, length: 1 } }, '9', { start: 9, end: 9 }],
    ];
    for (const [options, body, span] of cases) {
      const got = await store.get('bkt', 'k', options);
      expect(got.info.size).toBe(10);
      expect(got.range).toEqual(span);
      expect(await got.body.text()).toBe(body);
    }
  });

  it('a start at or past the end is InvalidRange; the driver reports the span it sent', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', '0123456789');
    await store.put('bkt', 'empty', '');
    await expect(store.get('bkt', 'k', { range: { offset: 10 } })).rejects.toMatchObject({ code: 'InvalidRange', provider: 'memory' });
    await expect(store.get('bkt', 'empty', { range: { offset: 0 } })).rejects.toMatchObject({ code: 'InvalidRange' });
    await expect(store.get('bkt', 'empty', { range: { suffix: 1 } })).rejects.toMatchObject({ code: 'InvalidRange' });
    const driver = store.unwrapDriver<MemoryDriver>();
    const raw = await driver.getObject({ bucket: 'bkt', key: 'k', range: { offset: 3, length: 2 }, conditions: {}, signal: new AbortController().signal });
    expect(raw.contentRange).toEqual({ start: 3, end: 4, total: 10 });
    expect(raw.info.size).toBe(10);
    await raw.body.cancel();
  });
});

describe('copy', () => {
  it('copies bytes and (by default) metadata and content headers; returns the ETag and source version', async () => {
    const { store } = setup();
    await store.createBucket('src');
    await store.createBucket('dst');
    await store.setVersioning('src', 'Enabled');
    const v = await store.put('src', 'a', 'payload', { metadata: { colour: 'vert émeraude' }, contentType: 'text/x-thing', cacheControl: 'no-cache' });
    const r = await store.copy({ bucket: 'src', key: 'a' }, { bucket: 'dst', key: 'b' });
    expect(r.etag).toBe(v.etag);
    expect(r.sourceVersionId).toBe(v.versionId);
    expect(r.versionId).toBeUndefined();
    const info = await store.head('dst', 'b');
    expect(info).toMatchObject({ metadata: { colour: 'vert émeraude' }, contentType: 'text/x-thing', cacheControl: 'no-cache', size: 7 });
    expect(await (await store.get('dst', 'b')).body.text()).toBe('payload');
  });

  it('replace takes only the given metadata and headers', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'a', 'x', { metadata: { old: '1' }, contentType: 'text/plain', cacheControl: 'no-cache' });
    await store.copy({ bucket: 'bkt', key: 'a' }, { bucket: 'bkt', key: 'b' }, { metadataDirective: 'replace', metadata: { fresh: 'ÿes' }, contentDisposition: 'inline' });
    const info = await store.head('bkt', 'b');
    expect(info.metadata).toEqual({ fresh: 'ÿes' });
    expect(info.contentDisposition).toBe('inline');
    expect(info.cacheControl).toBeUndefined();
    expect(info.contentType).toBe('binary/octet-stream');
  });

  it('copies a given source version; a delete-marker source is refused; a missing one is not found', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'a', 'one');
    await store.put('bkt', 'a', 'two');
    const r = await store.copy({ bucket: 'bkt', key: 'a', versionId: v1.versionId }, { bucket: 'bkt', key: 'b' });
    expect(r.sourceVersionId).toBe(v1.versionId);
    expect(r.versionId).toEqual(expect.any(String));
    expect(await (await store.get('bkt', 'b')).body.text()).toBe('one');
    const marker = await store.delete('bkt', 'a');
    await expect(store.copy({ bucket: 'bkt', key: 'a' }, { bucket: 'bkt', key: 'c' })).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await expect(store.copy({ bucket: 'bkt', key: 'a', versionId: marker.versionId }, { bucket: 'bkt', key: 'c' })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'sourceVersionId' });
    await expect(store.copy({ bucket: 'bkt', key: 'nope' }, { bucket: 'nope-bucket', key: 'c' })).rejects.toMatchObject({ code: 'BucketNotFound' });
  });

  it('refuses copying an object onto itself without a change, as S3 does; restoring a version onto itself works', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'a', 'one', { metadata: { m: '1' } });
    await store.put('bkt', 'a', 'two');
    await expect(store.copy({ bucket: 'bkt', key: 'a' }, { bucket: 'bkt', key: 'a' })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'metadataDirective' });
    await store.copy({ bucket: 'bkt', key: 'a' }, { bucket: 'bkt', key: 'a' }, { metadataDirective: 'replace', metadata: { m: '2' } });
    expect((await store.head('bkt', 'a')).metadata).toEqual({ m: '2' });
    await store.copy({ bucket: 'bkt', key: 'a', versionId: v1.versionId }, { bucket: 'bkt', key: 'a' });
    expect(await (await store.get('bkt', 'a')).body.text()).toBe('one');
  });

  it('a copy of a multipart object gets a plain MD5 ETag', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const upload = await store.createMultipartUpload('bkt', 'mp');
    const p1 = await store.uploadPart(upload, 1, 'hello');
    const p2 = await store.uploadPart(upload, 2, 'world');
    const done = await store.completeMultipartUpload(upload, [p1, p2]);
    expect(done.etag).toMatch(/-2"$/);
    const r = await store.copy({ bucket: 'bkt', key: 'mp' }, { bucket: 'bkt', key: 'plain' });
    expect(r.etag).toBe(`"${md5hex('helloworld')}"`);
  });
});

describe('signals, capabilities, config', () => {
  it('every method honours an already-aborted signal', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'x');
    const signal = AbortSignal.abort(new Error('stop'));
    const calls: Array<() => Promise<unknown>> = [
      () => store.put('bkt', 'k2', 'x', { signal }),
      () => store.get('bkt', 'k', { signal }),
      () => store.head('bkt', 'k', { signal }),
      () => store.delete('bkt', 'k', { signal }),
      () => store.listPage('bkt', { signal }),
      () => store.createBucket('other', { signal }),
      () => store.copy({ bucket: 'bkt', key: 'k' }, { bucket: 'bkt', key: 'k3' }, { signal }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: 'Aborted' });
    // and the driver itself checks, without the Store in front
    const driver = store.unwrapDriver<MemoryDriver>();
    await expect(driver.headObject({ bucket: 'bkt', key: 'k', conditions: {}, signal })).rejects.toMatchObject({ code: 'Aborted' });
    await expect(driver.listObjects({ bucket: 'bkt', maxKeys: 10, signal })).rejects.toMatchObject({ code: 'Aborted' });
    expect(await store.getBytes('bkt', 'k')).toEqual(text('x'));
    expect(await store.bucketExists('other')).toBe(false);
  });

  it('an abort while a streamed body is being read stops the put and stores nothing', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    const controller = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        sent++;
        if (sent === 3) controller.abort();
        c.enqueue(text('chunk'));
      },
    });
    await expect(store.put('bkt', 'k', body, { signal: controller.signal })).rejects.toMatchObject({ code: 'Aborted' });
    await expect(store.head('bkt', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
  });

  it('declares S3 capabilities with presign absent, no key rules, every S3 checksum, kept CRCs, unknown-length puts', () => {
    const { store } = setup();
    expect(store.capabilities.presign).toBeNull();
    expect(store.capabilities.keyRules).toEqual([]);
    expect(store.capabilities.checksums).toEqual(['md5', 'crc32', 'crc32c', 'sha1', 'sha256']);
    expect(store.capabilities.storedChecksums).toEqual(['crc32', 'crc32c']);
    expect(store.capabilities.unknownLengthPut).toBe(true);
    expect(new MemoryDriver().capabilities.multipart?.minPartSize).toBe(5 * 1024 * 1024);
    expect(store.provider).toBe('memory');
  });

  it('presign is refused without a presigner and delegated with one', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await expect(store.presign('bkt', 'k', { method: 'GET' })).rejects.toMatchObject({ code: 'NotSupported', capability: 'presign' });
    const seen: unknown[] = [];
    const signed = memory.createMemoryStore({
      presign: async (req) => {
        seen.push(req);
        return `http://127.0.0.1:1/${req.bucket}/${req.key}?sig=x`;
      },
    });
    expect(signed.capabilities.presign).toEqual({ get: true, put: true, maxExpirySeconds: 604800 });
    expect(await signed.presign('bkt', 'k', { method: 'PUT', expiresIn: 60, contentType: 'text/plain' })).toBe('http://127.0.0.1:1/bkt/k?sig=x');
    expect(seen).toEqual([{ bucket: 'bkt', key: 'k', method: 'PUT', expiresIn: 60, versionId: undefined, contentType: 'text/plain' }]);
  });

  it("openStore('memory://') loads createDriver; settings refine it", async () => {
    const store = await openStore('memory://?minPartSize=5', { modules: { memory } });
    expect(store.provider).toBe('memory');
    expect(store.capabilities.multipart?.minPartSize).toBe(5);
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'v');
    expect(await store.getBytes('bkt', 'k')).toEqual(text('v'));
    const fresh = await openStore('memory://', { modules: { memory } });
    expect(await fresh.bucketExists('bkt')).toBe(false);
  });

  it('the driver clock is the injected one', () => {
    const { store, clock } = setup();
    expect(store.now()).toEqual(T0);
    clock.advance(5000);
    expect(store.now()).toEqual(new Date(T0.getTime() + 5000));
  });
});
