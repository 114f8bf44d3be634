import type { CompletedPart, MultipartUpload } from '@stowage/core';
import { bytesEqual, deepEqual, equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { concatBytes, hashStream, pseudoRandomBytes, sha256 } from '../data.js';
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
