import { describe, expect, it } from 'vitest';
import type { Store, VersionSummary } from '@stowage/core';
import { setup } from './helpers.js';

async function versions(store: Store, bucket: string, prefix?: string): Promise<VersionSummary[]> {
  const out: VersionSummary[] = [];
  for await (const v of store.listVersions(bucket, { prefix })) out.push(v);
  return out;
}

describe('unversioned bucket', () => {
  it('keeps one null version per key: a put replaces it, a delete removes it without a marker', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    expect(await store.getVersioning('bkt')).toBe('Unversioned');
    const put = await store.put('bkt', 'k', 'one');
    expect(put.versionId).toBeUndefined();
    await store.put('bkt', 'k', 'two');
    const list = await versions(store, 'bkt');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ key: 'k', versionId: 'null', isLatest: true, isDeleteMarker: false, size: 3 });
    expect((await store.head('bkt', 'k')).versionId).toBeUndefined();
    expect(await store.getBytes('bkt', 'k', { versionId: 'null' })).toEqual(new TextEncoder().encode('two'));
    expect(await store.delete('bkt', 'k')).toEqual({});
    expect(await versions(store, 'bkt')).toEqual([]);
    // deleting what is not there succeeds
    expect(await store.delete('bkt', 'k')).toEqual({});
  });
});

describe('versioning enabled', () => {
  it('version and upload ids are letters and digits only (an id starting with "-" would read as a command-line option)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) ids.add((await store.put('bkt', 'k', 'x')).versionId!);
    expect(ids.size).toBe(300);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{32}$/);
    const upload = await store.createMultipartUpload('bkt', 'mp');
    expect(upload.uploadId).toMatch(/^[A-Za-z0-9]{43}$/);
  });

  it('gives every put a new version id, newest listed first, and the latest is current', async () => {
    const { store, clock } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const ids: string[] = [];
    for (const body of ['a', 'bb', 'ccc']) {
      ids.push((await store.put('bkt', 'k', body)).versionId!);
      clock.advance(1000);
    }
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id !== 'null' && id.length > 0)).toBe(true);
    const list = await versions(store, 'bkt');
    expect(list.map((v) => v.versionId)).toEqual([...ids].reverse());
    expect(list.map((v) => v.isLatest)).toEqual([true, false, false]);
    expect(list.map((v) => v.size)).toEqual([3, 2, 1]);
    expect((await store.head('bkt', 'k')).versionId).toBe(ids[2]);
    expect(await (await store.get('bkt', 'k', { versionId: ids[0] })).body.text()).toBe('a');
  });

  it('a delete adds a marker: get/head say not found, old versions stay readable, removing the marker restores', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'k', 'one');
    const del = await store.delete('bkt', 'k');
    expect(del).toMatchObject({ deleteMarker: true, versionId: expect.any(String) });
    await expect(store.get('bkt', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound', provider: 'memory' });
    await expect(store.head('bkt', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    expect(await (await store.get('bkt', 'k', { versionId: v1.versionId })).body.text()).toBe('one');
    const list = await versions(store, 'bkt');
    expect(list.map((v) => [v.isDeleteMarker, v.isLatest])).toEqual([[true, true], [false, false]]);
    expect((await store.listPage('bkt')).objects).toEqual([]);
    // get / head of a delete marker by its version id: InvalidArgument on versionId (S3: 405)
    await expect(store.get('bkt', 'k', { versionId: del.versionId })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'versionId' });
    await expect(store.head('bkt', 'k', { versionId: del.versionId })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'versionId' });
    // removing the marker brings the object back
    expect(await store.delete('bkt', 'k', { versionId: del.versionId })).toEqual({ versionId: del.versionId, deleteMarker: true });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('one');
    expect((await store.listPage('bkt')).objects.map((o) => o.key)).toEqual(['k']);
  });

  it('a delete of a key that never existed still adds a marker', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const del = await store.delete('bkt', 'ghost');
    expect(del.deleteMarker).toBe(true);
    expect((await versions(store, 'bkt')).map((v) => [v.key, v.isDeleteMarker])).toEqual([['ghost', true]]);
    await expect(store.deleteBucket('bkt')).rejects.toMatchObject({ code: 'BucketNotEmpty' });
  });

  it('deleting the current version makes the previous one current', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    await store.put('bkt', 'k', 'one');
    const v2 = await store.put('bkt', 'k', 'two');
    await store.delete('bkt', 'k', { versionId: v2.versionId });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('one');
    expect((await versions(store, 'bkt'))[0]!.isLatest).toBe(true);
  });

  it('an unknown version id: not found on read, success on delete (as S3)', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    await store.put('bkt', 'k', 'one');
    await expect(store.get('bkt', 'k', { versionId: 'nope' })).rejects.toMatchObject({ code: 'VersionNotFound', versionId: 'nope' });
    await expect(store.head('bkt', 'other', { versionId: 'nope' })).rejects.toMatchObject({ code: 'VersionNotFound' });
    expect(await store.delete('bkt', 'k', { versionId: 'nope' })).toEqual({ versionId: 'nope' });
    expect(await versions(store, 'bkt')).toHaveLength(1);
  });

  it('the null version made before versioning stays addressable as "null" and is kept by later puts', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'old');
    await store.setVersioning('bkt', 'Enabled');
    expect((await store.head('bkt', 'k')).versionId).toBe('null');
    const v2 = await store.put('bkt', 'k', 'new');
    expect((await versions(store, 'bkt')).map((v) => v.versionId)).toEqual([v2.versionId, 'null']);
    expect(await (await store.get('bkt', 'k', { versionId: 'null' })).body.text()).toBe('old');
    await store.delete('bkt', 'k', { versionId: 'null' });
    expect((await versions(store, 'bkt')).map((v) => v.versionId)).toEqual([v2.versionId]);
  });
});

describe('versioning suspended', () => {
  it('a put replaces the null version and keeps the others; the put answers without a version id', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'k', 'v1');
    await store.setVersioning('bkt', 'Suspended');
    expect(await store.getVersioning('bkt')).toBe('Suspended');
    const n1 = await store.put('bkt', 'k', 'null-1');
    expect(n1.versionId).toBeUndefined();
    expect((await store.head('bkt', 'k')).versionId).toBe('null');
    await store.put('bkt', 'k', 'null-2');
    const list = await versions(store, 'bkt');
    expect(list.map((v) => v.versionId)).toEqual(['null', v1.versionId]);
    expect(await (await store.get('bkt', 'k', { versionId: 'null' })).body.text()).toBe('null-2');
  });

  it('the replaced null version moves to the top even when it was not the latest', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'null-0');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'k', 'v1');
    await store.setVersioning('bkt', 'Suspended');
    await store.put('bkt', 'k', 'null-1');
    const list = await versions(store, 'bkt');
    expect(list.map((v) => [v.versionId, v.isLatest, v.size])).toEqual([
      ['null', true, 6],
      [v1.versionId, false, 2],
    ]);
  });

  it('a delete replaces the null version with a null delete marker', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Enabled');
    const v1 = await store.put('bkt', 'k', 'v1');
    await store.setVersioning('bkt', 'Suspended');
    await store.put('bkt', 'k', 'null-1');
    const del = await store.delete('bkt', 'k');
    expect(del).toEqual({ deleteMarker: true, versionId: 'null' });
    const list = await versions(store, 'bkt');
    expect(list.map((v) => [v.versionId, v.isDeleteMarker])).toEqual([
      ['null', true],
      [v1.versionId, false],
    ]);
    await expect(store.get('bkt', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    // a second delete replaces the null marker with a new null marker
    await store.delete('bkt', 'k');
    expect(await versions(store, 'bkt')).toHaveLength(2);
    // re-enabling: new puts get real ids again
    await store.setVersioning('bkt', 'Enabled');
    const v3 = await store.put('bkt', 'k', 'v3');
    expect(v3.versionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await versions(store, 'bkt')).map((v) => v.versionId)).toEqual([v3.versionId, 'null', v1.versionId]);
  });

  it('an unversioned bucket can be suspended directly, and cannot return to unversioned', async () => {
    const { store } = setup();
    await store.createBucket('bkt');
    await store.setVersioning('bkt', 'Suspended');
    expect(await store.getVersioning('bkt')).toBe('Suspended');
    await expect(store.setVersioning('bkt', 'Unversioned' as 'Enabled')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
