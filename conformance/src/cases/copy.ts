import { bytesEqual, deepEqual, equal, ok, rejects } from '../assert.js';
import { hashStream, pseudoRandomBytes, sha256 } from '../data.js';
import { defineGroup } from '../registry.js';

export const copyCases = defineGroup('copy', ['copy'], {
  'round-trip': {
    title: 'a copy has the source bytes; the source is unchanged',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(5000, 300);
      await ctx.put(bucket, ctx.key('src'), body);
      const result = await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') });
      ok(/^"[^"]+"$/.test(result.etag), `the copy ETag ${result.etag} is quoted`);
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('dst')), body, 'copied bytes');
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('src')), body, 'source bytes');
      equal((await ctx.store.head(bucket, ctx.key('dst'))).etag, result.etag, 'head ETag vs copy result ETag');
    },
  },
  'etag-matches-source': {
    title: 'copying a single-part object keeps its ETag (same bytes, same MD5)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const put = await ctx.put(bucket, ctx.key('src'), 'same bytes');
      const copied = await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') });
      equal(copied.etag, put.etag, 'ETag of the copy');
    },
  },
  'missing-source': {
    title: 'copying a key that does not exist fails with ObjectNotFound and writes nothing',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await rejects(ctx.store.copy({ bucket, key: ctx.key('nope') }, { bucket, key: ctx.key('dst') }), 'ObjectNotFound', 'copy from a missing key');
      await rejects(ctx.store.head(bucket, ctx.key('dst')), 'ObjectNotFound', 'the target after a failed copy');
    },
  },
  'missing-buckets': {
    title: 'a missing source or target bucket fails with BucketNotFound',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('src'), 'x');
      const missing = ctx.run.missingBucketName();
      await rejects(ctx.store.copy({ bucket: missing, key: 'k' }, { bucket, key: ctx.key('dst') }), 'BucketNotFound', 'copy from a missing bucket');
      await rejects(ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket: missing, key: 'k' }), 'BucketNotFound', 'copy into a missing bucket');
    },
  },
  'onto-itself-replace': {
    title: 'copying an object onto itself with replaced metadata changes the metadata, not the bytes',
    requires: ['userMetadata'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(3000, 301);
      await ctx.put(bucket, ctx.key('self'), body, { metadata: { version: 'one' }, contentType: 'text/plain' });
      await ctx.store.copy({ bucket, key: ctx.key('self') }, { bucket, key: ctx.key('self') }, { metadataDirective: 'replace', metadata: { version: 'Two', extra: 'ü' }, contentType: 'application/json' });
      const info = await ctx.store.head(bucket, ctx.key('self'));
      deepEqual(info.metadata, { version: 'Two', extra: 'ü' }, 'metadata after the self-copy');
      equal(info.contentType, 'application/json', 'contentType after the self-copy');
      bytesEqual(await ctx.store.getBytes(bucket, ctx.key('self')), body, 'bytes after the self-copy');
    },
  },
  'from-version': {
    title: 'copying from an older version copies that version',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const old = await ctx.put(bucket, ctx.key('src'), 'old content');
      await ctx.put(bucket, ctx.key('src'), 'new content');
      ok(old.versionId, 'versionId of the first put');
      const result = await ctx.store.copy({ bucket, key: ctx.key('src'), versionId: old.versionId }, { bucket, key: ctx.key('dst') });
      equal(await ctx.text(bucket, ctx.key('dst')), 'old content', 'content copied from the old version');
      if (result.sourceVersionId !== undefined) equal(result.sourceVersionId, old.versionId, 'sourceVersionId reported');
      ok(result.versionId !== undefined && result.versionId !== old.versionId, 'the copy is a new version with its own id');
    },
  },
  'from-delete-marker': {
    title: 'copying a key whose current version is a delete marker fails with ObjectNotFound',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('src'), 'x');
      await ctx.store.delete(bucket, ctx.key('src'));
      await rejects(ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') }), 'ObjectNotFound', 'copy of a deleted key');
    },
  },
  'across-buckets': {
    title: 'copying between two buckets works',
    requires: ['versioning'],
    async run(ctx) {
      const from = await ctx.bucket();
      const to = await ctx.versionedBucket();
      await ctx.put(from, ctx.key('src'), 'travels');
      await ctx.store.copy({ bucket: from, key: ctx.key('src') }, { bucket: to, key: ctx.key('dst') });
      equal(await ctx.text(to, ctx.key('dst')), 'travels', 'content in the other bucket');
    },
  },
  'overwrites-target': {
    title: 'a copy replaces an existing target entirely (bytes, metadata, type)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('src'), 'source', { contentType: 'text/plain' });
      await ctx.put(bucket, ctx.key('dst'), 'old target, longer', { contentType: 'text/html', metadata: ctx.caps.userMetadata ? { stale: 'yes' } : undefined });
      await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') });
      const info = await ctx.store.head(bucket, ctx.key('dst'));
      equal(await ctx.text(bucket, ctx.key('dst')), 'source', 'content');
      equal(info.contentType, 'text/plain', 'contentType');
      deepEqual(info.metadata, {}, 'metadata');
    },
  },
  conditional: {
    title: 'copy-source conditions: a stale If-Match or a matching If-None-Match fails with PreconditionFailed',
    requires: ['conditionalCopy'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const put = await ctx.put(bucket, ctx.key('src'), 'x');
      await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('ok') }, { ifMatch: put.etag });
      await rejects(ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('no1') }, { ifMatch: '"00000000000000000000000000000000"' }), 'PreconditionFailed', 'copy with a stale If-Match');
      await rejects(ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('no2') }, { ifNoneMatch: put.etag }), 'PreconditionFailed', 'copy with a matching If-None-Match');
      await rejects(ctx.store.head(bucket, ctx.key('no1')), 'ObjectNotFound', 'nothing written by a failed conditional copy');
    },
  },
  'multi-mebibyte': {
    title: 'a 6 MiB object copies intact',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const body = pseudoRandomBytes(6 * 1024 * 1024 + 1, 302);
      await ctx.put(bucket, ctx.key('big'), body);
      await ctx.store.copy({ bucket, key: ctx.key('big') }, { bucket, key: ctx.key('big-copy') });
      const read = await hashStream((await ctx.store.get(bucket, ctx.key('big-copy'))).body.stream());
      equal(read.sha256, sha256(body), 'SHA-256 of the copy');
    },
  },
  'directive-rules-before-io': {
    title: 'metadata given without directive replace is rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.rejectedBeforeIo((s) => s.copy({ bucket, key: ctx.key('a') }, { bucket, key: ctx.key('b') }, { metadata: { x: '1' } }), 'metadata with directive copy');
      await ctx.rejectedBeforeIo((s) => s.copy({ bucket, key: ctx.key('a') }, { bucket, key: ctx.key('b') }, { metadataDirective: 'bogus' as 'copy' }), 'an unknown directive');
    },
  },
});
