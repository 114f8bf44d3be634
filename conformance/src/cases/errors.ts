import { isStowageError, type MultipartUpload } from '@stowage/core';
import { equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

const FAKE_UPLOAD = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA';

/**
 * A version id in the server's own format that no longer exists (version ids
 * are opaque: a made-up one may fairly be refused as malformed instead).
 */
async function deletedVersion(ctx: CaseContext, bucket: string): Promise<string> {
  const old = await ctx.put(bucket, ctx.key('k'), 'old');
  await ctx.put(bucket, ctx.key('k'), 'current');
  ok(old.versionId, 'a put in a versioned bucket returns a versionId');
  await ctx.store.delete(bucket, ctx.key('k'), { versionId: old.versionId });
  return old.versionId;
}

export const errorsCases = defineGroup('errors', [], {
  'missing-bucket.objects': {
    title: 'put, get, head and delete in a missing bucket fail with BucketNotFound',
    async run(ctx) {
      const b = ctx.run.missingBucketName();
      await rejects(ctx.store.put(b, 'k', 'x'), 'BucketNotFound', 'put');
      await rejects(ctx.store.get(b, 'k'), 'BucketNotFound', 'get');
      await rejects(ctx.store.head(b, 'k'), 'BucketNotFound', 'head');
      await rejects(ctx.store.delete(b, 'k'), 'BucketNotFound', 'delete');
    },
  },
  'missing-bucket.listing': {
    title: 'listing objects, versions and uploads of a missing bucket fails with BucketNotFound',
    async run(ctx) {
      const b = ctx.run.missingBucketName();
      await rejects(ctx.store.listPage(b), 'BucketNotFound', 'listPage');
      if (ctx.caps.listVersions) await rejects(ctx.store.listVersionsPage(b), 'BucketNotFound', 'listVersionsPage');
      if (ctx.caps.multipart) await rejects(ctx.store.listUploads(b), 'BucketNotFound', 'listUploads');
    },
  },
  'missing-bucket.multipart': {
    title: 'starting a multipart upload in a missing bucket fails with BucketNotFound',
    requires: ['multipart'],
    async run(ctx) {
      await rejects(ctx.store.createMultipartUpload(ctx.run.missingBucketName(), 'k'), 'BucketNotFound', 'createMultipartUpload');
    },
  },
  'missing-bucket.configuration': {
    title: 'versioning and object-lock configuration of a missing bucket fail with BucketNotFound',
    requires: ['versioning'],
    async run(ctx) {
      const b = ctx.run.missingBucketName();
      await rejects(ctx.store.getVersioning(b), 'BucketNotFound', 'getVersioning');
      await rejects(ctx.store.setVersioning(b, 'Enabled'), 'BucketNotFound', 'setVersioning');
      if (ctx.caps.objectLock) await rejects(ctx.store.getObjectLockConfiguration(b), 'BucketNotFound', 'getObjectLockConfiguration');
    },
  },
  'missing-object.reads': {
    title: 'get and head of a missing key fail with ObjectNotFound (not BucketNotFound, not a generic 404)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const e = await rejects(ctx.store.get(bucket, ctx.key('absent')), 'ObjectNotFound', 'get');
      await rejects(ctx.store.head(bucket, ctx.key('absent')), 'ObjectNotFound', 'head');
      equal(e.retryable, false, 'a not-found error is not retryable');
      equal(e.provider, ctx.store.provider, 'the error names the provider');
    },
  },
  'missing-object.lock-operations': {
    title: 'retention and legal-hold calls on a missing key fail with ObjectNotFound',
    requires: ['objectLock.legalHold', 'objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      await rejects(ctx.store.getRetention(bucket, ctx.key('absent')), 'ObjectNotFound', 'getRetention');
      await rejects(ctx.store.setRetention(bucket, ctx.key('absent'), { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(3600) }), 'ObjectNotFound', 'setRetention');
      await rejects(ctx.store.getLegalHold(bucket, ctx.key('absent')), 'ObjectNotFound', 'getLegalHold');
      await rejects(ctx.store.setLegalHold(bucket, ctx.key('absent'), true), 'ObjectNotFound', 'setLegalHold');
    },
  },
  'behind-delete-marker': {
    title: 'get and head of a key whose current version is a delete marker fail with ObjectNotFound',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('k'), 'x');
      await ctx.store.delete(bucket, ctx.key('k'));
      await rejects(ctx.store.get(bucket, ctx.key('k')), 'ObjectNotFound', 'get');
      await rejects(ctx.store.head(bucket, ctx.key('k')), 'ObjectNotFound', 'head');
    },
  },
  'missing-version': {
    title: 'get, head and copy of a version id that no longer exists fail with VersionNotFound',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const gone = await deletedVersion(ctx, bucket);
      await rejects(ctx.store.get(bucket, ctx.key('k'), { versionId: gone }), 'VersionNotFound', 'get of a deleted version');
      await rejects(ctx.store.head(bucket, ctx.key('k'), { versionId: gone }), 'VersionNotFound', 'head of a deleted version');
      if (ctx.caps.copy) await rejects(ctx.store.copy({ bucket, key: ctx.key('k'), versionId: gone }, { bucket, key: ctx.key('c') }), 'VersionNotFound', 'copy from a deleted version');
    },
  },
  'missing-version.lock-operations': {
    title: 'retention and legal-hold calls on a version id that no longer exists fail with VersionNotFound',
    requires: ['objectLock.legalHold', 'objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const gone = await deletedVersion(ctx, bucket);
      await rejects(ctx.store.getRetention(bucket, ctx.key('k'), { versionId: gone }), 'VersionNotFound', 'getRetention');
      await rejects(ctx.store.setRetention(bucket, ctx.key('k'), { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(3600) }, { versionId: gone }), 'VersionNotFound', 'setRetention');
      await rejects(ctx.store.getLegalHold(bucket, ctx.key('k'), { versionId: gone }), 'VersionNotFound', 'getLegalHold');
      await rejects(ctx.store.setLegalHold(bucket, ctx.key('k'), true, { versionId: gone }), 'VersionNotFound', 'setLegalHold');
    },
  },
  'missing-upload': {
    title: 'every multipart call with an unknown upload id fails with UploadNotFound',
    requires: ['multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const upload: MultipartUpload = { bucket, key: ctx.key('k'), uploadId: FAKE_UPLOAD };
      await rejects(ctx.store.uploadPart(upload, 1, 'x'), 'UploadNotFound', 'uploadPart');
      await rejects(ctx.store.listParts(upload), 'UploadNotFound', 'listParts');
      await rejects(ctx.store.completeMultipartUpload(upload, [{ partNumber: 1, etag: '"x"' }]), 'UploadNotFound', 'completeMultipartUpload');
      await rejects(ctx.store.abortMultipartUpload(upload), 'UploadNotFound', 'abortMultipartUpload');
    },
  },
  'upload-of-other-key': {
    title: 'an upload id used with another key fails with UploadNotFound',
    requires: ['multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const real = await ctx.store.createMultipartUpload(bucket, ctx.key('a'));
      await rejects(ctx.store.uploadPart({ ...real, key: ctx.key('b') }, 1, 'x'), 'UploadNotFound', 'uploadPart with another key');
      await ctx.store.abortMultipartUpload(real);
    },
  },
  'completed-upload-gone': {
    title: 'after completion, the upload id is gone (UploadNotFound for parts and abort)',
    requires: ['multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const upload = await ctx.store.createMultipartUpload(bucket, ctx.key('c'));
      await ctx.store.completeMultipartUpload(upload, [await ctx.store.uploadPart(upload, 1, 'x')]);
      await rejects(ctx.store.listParts(upload), 'UploadNotFound', 'listParts after complete');
      await rejects(ctx.store.uploadPart(upload, 2, 'y'), 'UploadNotFound', 'uploadPart after complete');
    },
  },
  'delete-marker-has-no-content': {
    title: 'get of a delete marker by its version id is refused (S3 405), not served as an object',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('k'), 'x');
      const del = await ctx.store.delete(bucket, ctx.key('k'));
      ok(del.versionId, 'marker version id');
      await rejects(ctx.store.get(bucket, ctx.key('k'), { versionId: del.versionId }), ['InvalidArgument', 'ObjectNotFound', 'VersionNotFound'], 'get of a delete marker');
    },
  },
  'aborted-signal': {
    title: 'a call with an already-aborted signal fails with Aborted and does nothing',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const signal = AbortSignal.abort();
      await rejects(ctx.store.put(bucket, ctx.key('a'), 'x', { signal }), 'Aborted', 'put with an aborted signal');
      await rejects(ctx.store.head(bucket, ctx.key('a')), 'ObjectNotFound', 'nothing written');
    },
  },
  'error-shape': {
    title: 'errors are typed Stowage errors: code, provider, status, JSON without secrets',
    async run(ctx) {
      const bucket = await ctx.bucket();
      let caught: unknown;
      try {
        await ctx.store.get(bucket, ctx.key('nope'));
      } catch (e) {
        caught = e;
      }
      ok(isStowageError(caught), 'a StowageError');
      const json = JSON.parse(JSON.stringify(caught)) as Record<string, unknown>;
      equal(json.code, 'ObjectNotFound', 'code in JSON');
      equal(json.provider, ctx.store.provider, 'provider in JSON');
      ok(typeof json.message === 'string' && json.message.length > 0, 'message in JSON');
      if (json.statusCode !== undefined) equal(json.statusCode, 404, 'statusCode');
      ok(!/secret|signature=|authorization/i.test(JSON.stringify(json)), 'the JSON mentions no secret');
    },
  },
});
