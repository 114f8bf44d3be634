import { describe, expect, it } from 'vitest';
import { s3CopySource, s3PartCopyHeaders, s3PartCopyMembers, Store, type DriverPartCopyRequest } from '../src/index.js';
import { ScriptedDriver } from './support/scripted-driver.js';

/** The scripted driver with a part copy that records what reached it. */
class PartCopyDriver extends ScriptedDriver {
  async uploadPartCopy(req: DriverPartCopyRequest) {
    this.calls.push({ op: 'uploadPartCopy', req: req as unknown as Record<string, unknown> });
    req.signal.throwIfAborted();
    return { etag: '"0123456789abcdef0123456789abcdef"', lastModified: new Date(0), sourceVersionId: req.sourceVersionId };
  }
}

const upload = { bucket: 'target', key: 'big.bin', uploadId: 'u-1' };
const source = { bucket: 'source', key: 'dir/a b+c.bin' };

describe('Store.uploadPartCopy', () => {
  it('hands the driver a validated request and returns the part', async () => {
    const driver = new PartCopyDriver();
    const store = new Store(driver);
    const part = await store.uploadPartCopy(upload, 3, { ...source, versionId: 'v1' }, { range: { start: 5, end: 9 }, ifMatch: '"abc"' });
    expect(part).toEqual({ partNumber: 3, etag: '"0123456789abcdef0123456789abcdef"', lastModified: new Date(0), sourceVersionId: 'v1' });
    const req = driver.calls[0]!.req;
    expect(req).toMatchObject({ bucket: 'target', key: 'big.bin', uploadId: 'u-1', partNumber: 3, sourceBucket: 'source', sourceKey: 'dir/a b+c.bin', sourceVersionId: 'v1', range: { start: 5, end: 9 }, ifMatch: '"abc"' });
  });

  it('rejects bad ranges, part numbers and sources before any I/O', async () => {
    const driver = new PartCopyDriver();
    const store = new Store(driver);
    const max = driver.capabilities.multipart!.maxPartSize;
    await expect(store.uploadPartCopy(upload, 1, source, { range: { start: 9, end: 5 } })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'range' });
    await expect(store.uploadPartCopy(upload, 1, source, { range: { start: -1, end: 5 } })).rejects.toMatchObject({ field: 'range.start' });
    await expect(store.uploadPartCopy(upload, 1, source, { range: { start: 0 } as never })).rejects.toMatchObject({ field: 'range.end' });
    await expect(store.uploadPartCopy(upload, 1, source, { range: { start: 0, end: max } })).rejects.toMatchObject({ field: 'range' });
    await expect(store.uploadPartCopy(upload, 0, source)).rejects.toMatchObject({ field: 'partNumber' });
    await expect(store.uploadPartCopy(upload, 10_001, source)).rejects.toMatchObject({ field: 'partNumber' });
    await expect(store.uploadPartCopy(upload, 1, { bucket: 'source', key: '' })).rejects.toMatchObject({ field: 'source.key' });
    await expect(store.uploadPartCopy(upload, 1, { bucket: 'Bad_Bucket', key: 'k' })).rejects.toMatchObject({ field: 'source.bucket' });
    await expect(store.uploadPartCopy(upload, 1, { ...source, versionId: '' })).rejects.toMatchObject({ field: 'versionId' });
    await expect(store.uploadPartCopy(upload, 1, source, { ifMatch: '' })).rejects.toMatchObject({ field: 'ifMatch' });
    expect(driver.calls).toEqual([]);
  });

  it('is NotSupported without the capability, or without conditional copies for ifMatch', async () => {
    const plain = new ScriptedDriver();
    await expect(new Store(plain).uploadPartCopy(upload, 1, source)).rejects.toMatchObject({ code: 'NotSupported', capability: 'multipart.copyPart' });
    const off = new PartCopyDriver({ multipart: { ...new ScriptedDriver().capabilities.multipart!, copyPart: false } });
    await expect(new Store(off).uploadPartCopy(upload, 1, source)).rejects.toMatchObject({ code: 'NotSupported', capability: 'multipart.copyPart' });
    const noConditional = new PartCopyDriver({ conditionalCopy: false });
    await expect(new Store(noConditional).uploadPartCopy(upload, 1, source, { ifMatch: '"x"' })).rejects.toMatchObject({ code: 'NotSupported', capability: 'conditionalCopy' });
    const noMultipart = new PartCopyDriver({ multipart: null });
    await expect(new Store(noMultipart).uploadPartCopy(upload, 1, source)).rejects.toMatchObject({ code: 'NotSupported' });
    expect([off, noConditional, noMultipart].flatMap((d) => d.calls)).toEqual([]);
  });

  it('honours an AbortSignal', async () => {
    const driver = new PartCopyDriver();
    const controller = new AbortController();
    controller.abort();
    await expect(new Store(driver).uploadPartCopy(upload, 1, source, { signal: controller.signal })).rejects.toMatchObject({ code: 'Aborted' });
  });
});

describe('S3 part-copy wire helpers', () => {
  const req = { ...upload, partNumber: 2, sourceBucket: 'source', sourceKey: 'dir/a b+c?.bin', sourceVersionId: 'v/1', range: { start: 0, end: 5242879 }, ifMatch: '"e"', signal: new AbortController().signal };
  it('encode the source like CopyObject does, the range as bytes=start-end', () => {
    expect(s3CopySource('b', 'dir/a b+c?.bin')).toBe('b/dir/a%20b%2Bc%3F.bin');
    expect(s3PartCopyMembers(req)).toEqual({
      Bucket: 'target',
      Key: 'big.bin',
      UploadId: 'u-1',
      PartNumber: 2,
      CopySource: 'source/dir/a%20b%2Bc%3F.bin?versionId=v%2F1',
      CopySourceRange: 'bytes=0-5242879',
      CopySourceIfMatch: '"e"',
    });
    expect(s3PartCopyHeaders({ ...req, range: undefined, ifMatch: undefined })).toEqual({ 'x-amz-copy-source': '/source/dir/a%20b%2Bc%3F.bin?versionId=v%2F1' });
  });
});
