import { describe, expect, it } from 'vitest';
import { copy, upload } from '../src/index.js';
import { instrumentedStore, KiB, pattern } from './support/stores.js';

describe('copy', () => {
  it('memory → another memory store: streamed, verified, headers and metadata carried', async () => {
    const a = instrumentedStore();
    const b = instrumentedStore();
    await a.store.createBucket('src-bucket');
    await b.store.createBucket('dst-bucket');
    const data = pattern(300 * KiB);
    await upload(a.store, 'src-bucket', 'obj', data, { partSize: 16 * KiB, contentType: 'application/x-test', metadata: { owner: 'Zoë' } });
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: b.store, bucket: 'dst-bucket', key: 'copy' }, { partSize: 32 * KiB, download: { strategy: 'ranges', rangeSize: 16 * KiB } });
    expect(r.mode).toBe('streamed');
    expect(r.source.verified).toBe(true);
    expect(r.upload!.integrity.etagVerified).toBe(true);
    expect(Buffer.compare(Buffer.from(await b.store.getBytes('dst-bucket', 'copy')), Buffer.from(data))).toBe(0);
    const info = await b.store.head('dst-bucket', 'copy');
    expect(info.contentType).toBe('application/x-test');
    expect(info.metadata.owner).toBe('Zoë');
    expect(info.metadata['stowage-parts']).toBe('v1 32768 0 32768');
  });

  it('within one store: a server-side copy', async () => {
    const a = instrumentedStore();
    await a.store.createBucket('src-bucket');
    const data = pattern(100 * KiB);
    await a.store.put('src-bucket', 'obj', data);
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: a.store, bucket: 'src-bucket', key: 'copy' });
    expect(r.mode).toBe('server-side');
    expect(a.count('copyObject')).toBe(1);
    expect(a.count('uploadPart')).toBe(0);
    expect(Buffer.compare(Buffer.from(await a.store.getBytes('src-bucket', 'copy')), Buffer.from(data))).toBe(0);
  });

  it('within one store, above the single-copy limit: streamed', async () => {
    const a = instrumentedStore({ capabilities: { maxPutSize: 64 * KiB } });
    await a.store.createBucket('src-bucket');
    const data = pattern(100 * KiB);
    await upload(a.store, 'src-bucket', 'obj', data, { partSize: 16 * KiB });
    const r = await copy({ store: a.store, bucket: 'src-bucket', key: 'obj' }, { store: a.store, bucket: 'src-bucket', key: 'copy' }, { partSize: 16 * KiB });
    expect(r.mode).toBe('streamed');
    expect(Buffer.compare(Buffer.from(await a.store.getBytes('src-bucket', 'copy')), Buffer.from(data))).toBe(0);
  });
});
