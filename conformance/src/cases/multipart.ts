import type { CompletedPart, MultipartUpload } from '@stowage/core';
import { bytesEqual, deepEqual, equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { concatBytes, hashStream, md5Hex, pseudoRandomBytes, sha256 } from '../data.js';
import { defineGroup } from '../registry.js';

/** The smallest part the backend accepts anywhere but last. */
const minPart = (ctx: CaseContext) => ctx.caps.multipart!.minPartSize;

async function start(ctx: CaseContext, name = 'mp'): Promise<{ bucket: string; key: string; upload: MultipartUpload }> {
  const bucket = await ctx.bucket();
  const key = ctx.key(name);
  return { bucket, key, upload: await ctx.store.createMultipartUpload(bucket, key) };
}

async function uploadAll(ctx: CaseContext, upload: MultipartUpload, bodies: readonly Uint8Array[], numbers?: readonly number[]): Promise<CompletedPart[]> {
  const parts: CompletedPart[] = [];
  for (let i = 0; i < bodies.length; i++) parts.push(await ctx.store.uploadPart(upload, numbers?.[i] ?? i + 1, bodies[i]!));
  return parts;
}

async function expectContent(ctx: CaseContext, bucket: string, key: string, expected: Uint8Array): Promise<void> {
  const read = await hashStream((await ctx.store.get(bucket, key)).body.stream());
  equal(read.size, expected.length, 'size of the completed object');
  equal(read.sha256, sha256(expected), 'SHA-256 of the completed object');
}

export const multipartCases = defineGroup('multipart', ['multipart'], {
  'one-part': {
    title: 'an upload of one small part completes to exactly that part',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const body = pseudoRandomBytes(1234, 500);
      const parts = await uploadAll(ctx, upload, [body]);
      const done = await ctx.store.completeMultipartUpload(upload, parts);
      ok(/^"[^"]+"$/.test(done.etag), `the ETag ${done.etag} is quoted`);
      bytesEqual(await ctx.store.getBytes(bucket, key), body, 'content');
    },
  },
  'many-parts': {
    title: 'parts of the minimum size plus a short last part complete to their concatenation',
    timeoutMs: 180_000,
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const bodies = [pseudoRandomBytes(minPart(ctx), 501), pseudoRandomBytes(minPart(ctx), 502), pseudoRandomBytes(777, 503)];
      const parts = await uploadAll(ctx, upload, bodies);
      await ctx.store.completeMultipartUpload(upload, parts);
      await expectContent(ctx, bucket, key, concatBytes(bodies));
    },
  },
  'etag-format': {
    title: 'the completed ETag is the quoted MD5 of the part MD5s with "-<parts>" (S3 format)',
    async run(ctx) {
      const { upload } = await start(ctx);
      const bodies = [pseudoRandomBytes(minPart(ctx), 504), pseudoRandomBytes(10, 505)];
      const parts = await uploadAll(ctx, upload, bodies);
      const done = await ctx.store.completeMultipartUpload(upload, parts);
      const { createHash } = await import('node:crypto');
      const digests = bodies.map((b) => createHash('md5').update(b).digest());
      const expected = `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-2"`;
      equal(done.etag, expected, 'multipart ETag');
    },
  },
  'too-small-middle-part': {
    title: 'a part under the minimum size anywhere but last fails the complete (InvalidArgument), and the upload stays open',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const parts = await uploadAll(ctx, upload, [pseudoRandomBytes(minPart(ctx), 506), pseudoRandomBytes(minPart(ctx) - 1, 507), pseudoRandomBytes(10, 508)]);
      await rejects(ctx.store.completeMultipartUpload(upload, parts), 'InvalidArgument', 'complete with a too-small middle part');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'no object after the refused complete');
      const listed = await ctx.store.listParts(upload);
      equal(listed.parts.length, 3, 'parts still listed after the refused complete');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'wrong-etag-on-complete': {
    title: 'completing with an ETag that is not the part’s fails (InvalidArgument) and writes nothing',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const [part] = await uploadAll(ctx, upload, [pseudoRandomBytes(100, 509)]);
      await rejects(ctx.store.completeMultipartUpload(upload, [{ partNumber: 1, etag: '"0123456789abcdef0123456789abcdef"' }]), 'InvalidArgument', 'complete with a wrong ETag');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'no object');
      await ctx.store.completeMultipartUpload(upload, [part!]);
    },
  },
  'missing-part-on-complete': {
    title: 'completing with a part number never uploaded fails (InvalidArgument)',
    async run(ctx) {
      const { upload } = await start(ctx);
      const parts = await uploadAll(ctx, upload, [pseudoRandomBytes(100, 510)]);
      await rejects(ctx.store.completeMultipartUpload(upload, [...parts, { partNumber: 2, etag: parts[0]!.etag }]), 'InvalidArgument', 'complete with an unknown part');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'parts-out-of-order': {
    title: 'completing with parts not in ascending order fails (InvalidArgument)',
    async run(ctx) {
      const { upload } = await start(ctx);
      const parts = await uploadAll(ctx, upload, [pseudoRandomBytes(minPart(ctx), 511), pseudoRandomBytes(10, 512)]);
      await rejects(ctx.store.completeMultipartUpload(upload, [parts[1]!, parts[0]!]), 'InvalidArgument', 'complete with descending parts');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'gaps-and-subset': {
    title: 'part numbers may have gaps, and a complete may use a subset of the uploaded parts',
    requires: ['multipart.completeSubset'],
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const bodies = [pseudoRandomBytes(minPart(ctx), 513), pseudoRandomBytes(50, 514), pseudoRandomBytes(60, 515)];
      const parts = await uploadAll(ctx, upload, bodies, [2, 5, 9]);
      await ctx.store.completeMultipartUpload(upload, [parts[0]!, parts[2]!]);
      await expectContent(ctx, bucket, key, concatBytes([bodies[0]!, bodies[2]!]));
    },
  },
  'part-overwrite': {
    title: 'uploading a part number again replaces it; the last upload wins',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const first = await ctx.store.uploadPart(upload, 1, 'first try');
      const second = await ctx.store.uploadPart(upload, 1, 'second try');
      ok(first.etag !== second.etag, 'different ETags for different part bodies');
      const listed = await ctx.store.listParts(upload);
      deepEqual(listed.parts.map((p) => [p.partNumber, p.etag]), [[1, second.etag]], 'parts listed');
      await ctx.store.completeMultipartUpload(upload, [second]);
      equal(await ctx.text(bucket, key), 'second try', 'content');
    },
  },
  'abort-then-gone': {
    title: 'after abort, parts, complete and the upload listing all answer UploadNotFound / nothing',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const parts = await uploadAll(ctx, upload, [pseudoRandomBytes(100, 516)]);
      await ctx.store.abortMultipartUpload(upload);
      await rejects(ctx.store.listParts(upload), 'UploadNotFound', 'listParts after abort');
      await rejects(ctx.store.uploadPart(upload, 2, 'late'), 'UploadNotFound', 'uploadPart after abort');
      await rejects(ctx.store.completeMultipartUpload(upload, parts), 'UploadNotFound', 'complete after abort');
      const uploads = await ctx.store.listUploads(bucket, { prefix: key });
      ok(!uploads.uploads.some((u) => u.uploadId === upload.uploadId), 'the aborted upload is no longer listed');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'no object after abort');
    },
  },
  'list-uploads': {
    title: 'open uploads are listed with key and id, filtered by prefix; completed ones are not',
    requires: ['multipart.listUploadsPrefix'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const a = await ctx.store.createMultipartUpload(bucket, ctx.key('a'));
      const b = await ctx.store.createMultipartUpload(bucket, ctx.key('b/x'));
      const c = await ctx.store.createMultipartUpload(bucket, ctx.key('c'));
      await ctx.store.completeMultipartUpload(c, [await ctx.store.uploadPart(c, 1, 'done')]);
      const all = await ctx.store.listUploads(bucket, { prefix: ctx.key() });
      deepEqual(all.uploads.map((u) => [u.key, u.uploadId]), [[a.key, a.uploadId], [b.key, b.uploadId]], 'uploads under the case prefix');
      const some = await ctx.store.listUploads(bucket, { prefix: ctx.key('b/') });
      deepEqual(some.uploads.map((u) => u.uploadId), [b.uploadId], 'uploads under b/');
    },
  },
  'list-uploads-pagination': {
    title: 'listing uploads one per page returns each upload once, two uploads of one key included',
    requires: ['multipart.listUploadsPrefix'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const made = [
        await ctx.store.createMultipartUpload(bucket, ctx.key('p')),
        await ctx.store.createMultipartUpload(bucket, ctx.key('p')),
        await ctx.store.createMultipartUpload(bucket, ctx.key('q')),
      ];
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.store.listUploads(bucket, { prefix: ctx.key(), pageSize: 1, cursor });
        ok(page.uploads.length <= 1, 'page size respected');
        seen.push(...page.uploads.map((u) => u.uploadId));
        cursor = page.nextCursor;
        ok(++pages <= 10, 'the upload listing ends');
      } while (cursor);
      deepEqual([...seen].sort(), made.map((u) => u.uploadId).sort(), 'upload ids across pages');
    },
  },
  'list-parts': {
    title: 'listParts reports each part’s number, ETag and size',
    async run(ctx) {
      const { upload } = await start(ctx);
      const parts = await uploadAll(ctx, upload, [pseudoRandomBytes(100, 517), pseudoRandomBytes(200, 518), pseudoRandomBytes(300, 519)]);
      const listed = await ctx.store.listParts(upload);
      deepEqual(listed.parts.map((p) => [p.partNumber, p.etag]), parts.map((p) => [p.partNumber, p.etag]), 'numbers and ETags');
      deepEqual(listed.parts.map((p) => p.size), [100, 200, 300], 'sizes');
      equal(listed.nextCursor, undefined, 'cursor of a complete list');
    },
  },
  'list-parts-pagination': {
    title: 'listParts two per page over five parts: three pages, each part once, in order',
    requires: ['multipart.listPartsPagination'],
    async run(ctx) {
      const { upload } = await start(ctx);
      await uploadAll(ctx, upload, [1, 2, 3, 4, 5].map((n) => pseudoRandomBytes(10 * n, 520 + n)));
      const numbers: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await ctx.store.listParts(upload, { pageSize: 2, cursor });
        ok(page.parts.length <= 2, 'page size respected');
        numbers.push(...page.parts.map((p) => p.partNumber));
        cursor = page.nextCursor;
        ok(++pages <= 10, 'the part listing ends');
      } while (cursor);
      deepEqual(numbers, [1, 2, 3, 4, 5], 'part numbers across pages');
      equal(pages, 3, 'pages');
    },
  },
  'not-visible-until-complete': {
    title: 'an object being uploaded is neither readable nor listed until complete',
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const part = await ctx.store.uploadPart(upload, 1, 'pending');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'head before complete');
      equal((await ctx.listAll(bucket, { prefix: key })).keys.length, 0, 'listed before complete');
      await ctx.store.completeMultipartUpload(upload, [part]);
      equal(await ctx.text(bucket, key), 'pending', 'content after complete');
    },
  },
  'metadata-and-headers': {
    title: 'metadata and content headers given at create are on the completed object',
    requires: ['userMetadata'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const upload = await ctx.store.createMultipartUpload(bucket, ctx.key('m'), { metadata: { origin: 'multipart', note: 'ünïcode' }, contentType: 'video/mp4' });
      await ctx.store.completeMultipartUpload(upload, [await ctx.store.uploadPart(upload, 1, 'frames')]);
      const info = await ctx.store.head(bucket, ctx.key('m'));
      deepEqual(info.metadata, { origin: 'multipart', note: 'ünïcode' }, 'metadata');
      equal(info.contentType, 'video/mp4', 'contentType');
    },
  },
  'replaces-existing': {
    title: 'completing an upload replaces the object at the key',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('r'), 'before');
      const upload = await ctx.store.createMultipartUpload(bucket, ctx.key('r'));
      await ctx.store.completeMultipartUpload(upload, [await ctx.store.uploadPart(upload, 1, 'after')]);
      equal(await ctx.text(bucket, ctx.key('r')), 'after', 'content');
    },
  },
  'copy-part.whole': {
    title: 'a part copied from a whole object has the MD5 of its bytes as ETag, is listed with its size, and completes to those bytes',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const body = pseudoRandomBytes(1500, 530);
      await ctx.put(bucket, ctx.key('src'), body);
      const part = await ctx.store.uploadPartCopy(upload, 1, { bucket, key: ctx.key('src') });
      equal(part.partNumber, 1, 'part number');
      equal(part.etag, `"${md5Hex(body)}"`, 'part ETag (MD5 of the copied bytes)');
      const listed = await ctx.store.listParts(upload);
      deepEqual(listed.parts.map((p) => [p.partNumber, p.etag, p.size]), [[1, part.etag, 1500]], 'parts listed');
      await ctx.store.completeMultipartUpload(upload, [part]);
      bytesEqual(await ctx.store.getBytes(bucket, key), body, 'content');
    },
  },
  'copy-part.range': {
    title: 'a part copied from an inclusive byte range holds exactly bytes start..end of the source',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const body = pseudoRandomBytes(3000, 531);
      await ctx.put(bucket, ctx.key('src'), body);
      const part = await ctx.store.uploadPartCopy(upload, 1, { bucket, key: ctx.key('src') }, { range: { start: 1000, end: 1999 } });
      const expected = body.subarray(1000, 2000);
      equal(part.etag, `"${md5Hex(expected)}"`, 'part ETag (MD5 of bytes 1000-1999)');
      deepEqual((await ctx.store.listParts(upload)).parts.map((p) => p.size), [1000], 'part size');
      await ctx.store.completeMultipartUpload(upload, [part]);
      bytesEqual(await ctx.store.getBytes(bucket, key), expected, 'content');
    },
  },
  'copy-part.assemble': {
    title: 'copied ranges and an uploaded part complete to their concatenation, with the multipart ETag of their MD5s',
    requires: ['multipart.copyPart'],
    timeoutMs: 180_000,
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const source = pseudoRandomBytes(minPart(ctx) + 500, 532);
      await ctx.put(bucket, ctx.key('src'), source);
      const from = { bucket, key: ctx.key('src') };
      const uploaded = pseudoRandomBytes(minPart(ctx), 533);
      const parts = [
        await ctx.store.uploadPartCopy(upload, 1, from, { range: { start: 0, end: minPart(ctx) - 1 } }),
        await ctx.store.uploadPart(upload, 2, uploaded),
        await ctx.store.uploadPartCopy(upload, 3, from, { range: { start: minPart(ctx), end: minPart(ctx) + 499 } }),
      ];
      const done = await ctx.store.completeMultipartUpload(upload, parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })));
      const bodies = [source.subarray(0, minPart(ctx)), uploaded, source.subarray(minPart(ctx))];
      await expectContent(ctx, bucket, key, concatBytes(bodies));
      const { createHash } = await import('node:crypto');
      const digests = bodies.map((b) => createHash('md5').update(b).digest());
      equal(done.etag, `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-3"`, 'multipart ETag');
    },
  },
  'copy-part.too-small-middle-part': {
    title: 'a copied part under the minimum size anywhere but last fails the complete (InvalidArgument), as an uploaded one does',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      await ctx.put(bucket, ctx.key('src'), pseudoRandomBytes(100, 534));
      const parts = [await ctx.store.uploadPartCopy(upload, 1, { bucket, key: ctx.key('src') }), await ctx.store.uploadPart(upload, 2, pseudoRandomBytes(10, 535))];
      await rejects(ctx.store.completeMultipartUpload(upload, parts), 'InvalidArgument', 'complete with a too-small copied first part');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'no object after the refused complete');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'copy-part.invalid-before-io': {
    title: 'malformed ranges, oversized ranges, bad part numbers and bad sources are rejected before any request',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, upload } = await start(ctx);
      const from = { bucket, key: ctx.key('src') };
      const max = ctx.caps.multipart!.maxPartSize;
      const ranges: unknown[] = [{ start: 10, end: 5 }, { start: -1, end: 5 }, { start: 0.5, end: 5 }, { start: 0 }, { offset: 0, length: 5 }, { start: 0, end: max }, 'bytes=0-5'];
      for (const range of ranges) {
        await ctx.rejectedBeforeIo((s) => s.uploadPartCopy(upload, 1, from, { range: range as { start: number; end: number } }), `range ${JSON.stringify(range)}`);
      }
      for (const n of [0, 1.5, ctx.caps.multipart!.maxParts + 1]) {
        await ctx.rejectedBeforeIo((s) => s.uploadPartCopy(upload, n, from), `part number ${n}`);
      }
      await ctx.rejectedBeforeIo((s) => s.uploadPartCopy(upload, 1, { bucket, key: '' }), 'empty source key');
      await ctx.rejectedBeforeIo((s) => s.uploadPartCopy(upload, 1, { bucket: 'Not A Bucket', key: 'k' }), 'malformed source bucket');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'copy-part.range-past-end': {
    title: 'a range starting past the source is InvalidRange; one ending past it is refused (S3: InvalidArgument); neither writes a part',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, upload } = await start(ctx);
      await ctx.put(bucket, ctx.key('src'), pseudoRandomBytes(500, 536));
      const from = { bucket, key: ctx.key('src') };
      await rejects(ctx.store.uploadPartCopy(upload, 1, from, { range: { start: 500, end: 600 } }), 'InvalidRange', 'range starting at the source size');
      // AWS and MinIO: 400 InvalidArgument "Range specified is not valid for source object"; Ceph RGW 16: 416 InvalidRange.
      await rejects(ctx.store.uploadPartCopy(upload, 1, from, { range: { start: 0, end: 500 } }), ['InvalidArgument', 'InvalidRange'], 'range ending at the source size');
      equal((await ctx.store.listParts(upload)).parts.length, 0, 'parts after the refused copies');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'copy-part.missing-source': {
    title: 'copying a part from a key that does not exist fails with ObjectNotFound',
    requires: ['multipart.copyPart'],
    async run(ctx) {
      const { bucket, upload } = await start(ctx);
      await rejects(ctx.store.uploadPartCopy(upload, 1, { bucket, key: ctx.key('nothing-here') }), 'ObjectNotFound', 'copy from a missing key');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
  'copy-part.if-match': {
    title: 'a part copy with the source’s ETag in ifMatch copies; with another ETag it fails with PreconditionFailed',
    requires: ['multipart.copyPart', 'conditionalCopy'],
    async run(ctx) {
      const { bucket, key, upload } = await start(ctx);
      const put = await ctx.put(bucket, ctx.key('src'), 'the source');
      const from = { bucket, key: ctx.key('src') };
      await rejects(ctx.store.uploadPartCopy(upload, 1, from, { ifMatch: '"0123456789abcdef0123456789abcdef"' }), 'PreconditionFailed', 'copy with a wrong ifMatch');
      equal((await ctx.store.listParts(upload)).parts.length, 0, 'parts after the refused copy');
      const part = await ctx.store.uploadPartCopy(upload, 1, from, { ifMatch: put.etag });
      await ctx.store.completeMultipartUpload(upload, [part]);
      equal(await ctx.text(bucket, key), 'the source', 'content');
    },
  },
  'copy-part.version': {
    title: 'a part copied from a named source version holds that version’s bytes, not the current ones',
    requires: ['multipart.copyPart', 'versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const src = ctx.key('src');
      const v1 = await ctx.put(bucket, src, 'version one bytes');
      await ctx.put(bucket, src, 'version two, the current one');
      ok(v1.versionId !== undefined, 'the first put made a version');
      const whole = await ctx.store.createMultipartUpload(bucket, ctx.key('whole'));
      const part = await ctx.store.uploadPartCopy(whole, 1, { bucket, key: src, versionId: v1.versionId });
      equal(part.etag, `"${md5Hex(new TextEncoder().encode('version one bytes'))}"`, 'ETag of the part copied from version one');
      await ctx.store.completeMultipartUpload(whole, [part]);
      equal(await ctx.text(bucket, ctx.key('whole')), 'version one bytes', 'content copied from version one');
      const ranged = await ctx.store.createMultipartUpload(bucket, ctx.key('ranged'));
      await ctx.store.completeMultipartUpload(ranged, [await ctx.store.uploadPartCopy(ranged, 1, { bucket, key: src, versionId: v1.versionId }, { range: { start: 8, end: 10 } })]);
      equal(await ctx.text(bucket, ctx.key('ranged')), 'one', 'content copied from a range of version one');
    },
  },
  'invalid-part-numbers-before-io': {
    title: 'part numbers 0, fractional and over the maximum are rejected before any request',
    async run(ctx) {
      const { upload } = await start(ctx);
      for (const n of [0, -1, 1.5, ctx.caps.multipart!.maxParts + 1]) {
        await ctx.rejectedBeforeIo((s) => s.uploadPart(upload, n, 'x'), `part number ${n}`);
      }
      await ctx.rejectedBeforeIo((s) => s.completeMultipartUpload(upload, []), 'complete with no parts');
      await ctx.store.abortMultipartUpload(upload);
    },
  },
});
