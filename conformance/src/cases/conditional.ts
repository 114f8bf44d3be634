import { equal, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

const OTHER_ETAG = '"0123456789abcdef0123456789abcdef"';

async function object(ctx: CaseContext, body = 'conditional') {
  const bucket = await ctx.bucket();
  const key = ctx.key('c');
  const put = await ctx.put(bucket, key, body);
  const info = await ctx.store.head(bucket, key);
  return { bucket, key, etag: put.etag, lastModified: info.lastModified };
}

const HOUR = 3600_000;

export const conditionalCases = defineGroup('conditional', [], {
  'get-if-match': {
    title: 'get with a matching If-Match reads; with another ETag fails with PreconditionFailed (412)',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, etag } = await object(ctx);
      equal(await (await ctx.store.get(bucket, key, { ifMatch: etag })).body.text(), 'conditional', 'body with a matching If-Match');
      equal(await (await ctx.store.get(bucket, key, { ifMatch: '*' })).body.text(), 'conditional', 'body with If-Match *');
      await rejects(ctx.store.get(bucket, key, { ifMatch: OTHER_ETAG }), 'PreconditionFailed', 'get with a stale If-Match');
    },
  },
  'get-if-none-match': {
    title: 'get with a matching If-None-Match fails with NotModified (304), not PreconditionFailed; another ETag reads',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, etag } = await object(ctx);
      await rejects(ctx.store.get(bucket, key, { ifNoneMatch: etag }), 'NotModified', 'get with a matching If-None-Match');
      equal(await (await ctx.store.get(bucket, key, { ifNoneMatch: OTHER_ETAG })).body.text(), 'conditional', 'body with another If-None-Match');
    },
  },
  'head-if-match': {
    title: 'head with a stale If-Match fails with PreconditionFailed (412)',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, etag } = await object(ctx);
      equal((await ctx.store.head(bucket, key, { ifMatch: etag })).etag, etag, 'head with a matching If-Match');
      await rejects(ctx.store.head(bucket, key, { ifMatch: OTHER_ETAG }), 'PreconditionFailed', 'head with a stale If-Match');
    },
  },
  'head-if-none-match': {
    title: 'head with a matching If-None-Match fails with NotModified (304)',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, etag } = await object(ctx);
      await rejects(ctx.store.head(bucket, key, { ifNoneMatch: etag }), 'NotModified', 'head with a matching If-None-Match');
      equal((await ctx.store.head(bucket, key, { ifNoneMatch: OTHER_ETAG })).etag, etag, 'head with another If-None-Match');
    },
  },
  'if-modified-since': {
    title: 'If-Modified-Since after the last change gives NotModified; before it reads',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, lastModified } = await object(ctx);
      await rejects(ctx.store.get(bucket, key, { ifModifiedSince: new Date(lastModified.getTime() + HOUR) }), 'NotModified', 'get modified since a later date');
      await rejects(ctx.store.head(bucket, key, { ifModifiedSince: new Date(lastModified.getTime() + HOUR) }), 'NotModified', 'head modified since a later date');
      equal(await (await ctx.store.get(bucket, key, { ifModifiedSince: new Date(lastModified.getTime() - HOUR) })).body.text(), 'conditional', 'get modified since an earlier date');
    },
  },
  'if-unmodified-since': {
    title: 'If-Unmodified-Since before the last change fails with PreconditionFailed; after it reads',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, lastModified } = await object(ctx);
      await rejects(ctx.store.get(bucket, key, { ifUnmodifiedSince: new Date(lastModified.getTime() - HOUR) }), 'PreconditionFailed', 'get unmodified since an earlier date');
      equal(await (await ctx.store.get(bucket, key, { ifUnmodifiedSince: new Date(lastModified.getTime() + HOUR) })).body.text(), 'conditional', 'get unmodified since a later date');
    },
  },
  precedence: {
    title: 'If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since (RFC 7232, as S3)',
    requires: ['conditionalRead'],
    async run(ctx) {
      const { bucket, key, etag, lastModified } = await object(ctx);
      const earlier = new Date(lastModified.getTime() - HOUR);
      equal(await (await ctx.store.get(bucket, key, { ifMatch: etag, ifUnmodifiedSince: earlier })).body.text(), 'conditional', 'If-Match true + If-Unmodified-Since false reads');
      await rejects(ctx.store.get(bucket, key, { ifNoneMatch: etag, ifModifiedSince: earlier }), 'NotModified', 'If-None-Match false + If-Modified-Since true');
    },
  },
  'put-if-none-match': {
    title: 'put with If-None-Match "*" creates a new key and fails with PreconditionFailed on an existing one',
    requires: ['conditionalWrite.ifNoneMatch'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('once'), 'first', { ifNoneMatch: '*' });
      await rejects(ctx.store.put(bucket, ctx.key('once'), 'second', { ifNoneMatch: '*' }), 'PreconditionFailed', 'put If-None-Match * on an existing key');
      equal(await ctx.text(bucket, ctx.key('once')), 'first', 'content after the refused put');
    },
  },
  'put-if-none-match-after-delete': {
    title: 'put with If-None-Match "*" succeeds once the key is deleted (a delete marker is no object)',
    requires: ['conditionalWrite.ifNoneMatch', 'versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('k'), 'first');
      await ctx.store.delete(bucket, ctx.key('k'));
      await ctx.put(bucket, ctx.key('k'), 'again', { ifNoneMatch: '*' });
      equal(await ctx.text(bucket, ctx.key('k')), 'again', 'content');
    },
  },
  'put-if-match': {
    title: 'put with If-Match writes over the matching ETag and fails with PreconditionFailed on a stale one',
    requires: ['conditionalWrite.ifMatch'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const first = await ctx.put(bucket, ctx.key('cas'), 'v1');
      const second = await ctx.put(bucket, ctx.key('cas'), 'v2', { ifMatch: first.etag });
      await rejects(ctx.store.put(bucket, ctx.key('cas'), 'v3', { ifMatch: first.etag }), 'PreconditionFailed', 'put with a stale If-Match');
      equal(await ctx.text(bucket, ctx.key('cas')), 'v2', 'content after the refused put');
      equal((await ctx.store.head(bucket, ctx.key('cas'))).etag, second.etag, 'ETag after the refused put');
    },
  },
  'put-if-match-missing-key': {
    title: 'put with If-Match on a key with no object fails (ObjectNotFound, as S3 answers 404) and writes nothing',
    requires: ['conditionalWrite.ifMatch'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await rejects(ctx.store.put(bucket, ctx.key('absent'), 'x', { ifMatch: OTHER_ETAG }), ['ObjectNotFound', 'PreconditionFailed'], 'put If-Match on a missing key');
      await rejects(ctx.store.head(bucket, ctx.key('absent')), 'ObjectNotFound', 'nothing written');
    },
  },
  'complete-if-none-match': {
    title: 'completing a multipart upload with If-None-Match "*" fails with PreconditionFailed when the key exists',
    requires: ['conditionalWrite.ifNoneMatch', 'multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('mp'), 'existing');
      const upload = await ctx.store.createMultipartUpload(bucket, ctx.key('mp'));
      const part = await ctx.store.uploadPart(upload, 1, 'new');
      await rejects(ctx.store.completeMultipartUpload(upload, [part], { ifNoneMatch: '*' }), 'PreconditionFailed', 'complete If-None-Match * on an existing key');
      equal(await ctx.text(bucket, ctx.key('mp')), 'existing', 'content after the refused complete');
      await ctx.store.abortMultipartUpload(upload).catch(() => {});
    },
  },
});
