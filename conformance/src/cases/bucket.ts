import { equal, ok, rejects } from '../assert.js';
import { defineGroup } from '../registry.js';

export const bucketCases = defineGroup('bucket', ['managedBuckets'], {
  'create-exists-delete': {
    title: 'a created bucket exists; once deleted it does not',
    async run(ctx) {
      const bucket = await ctx.newBucket();
      ok(await ctx.store.bucketExists(bucket), 'bucketExists after createBucket');
      await ctx.store.deleteBucket(bucket);
      ok(!(await ctx.store.bucketExists(bucket)), 'bucketExists after deleteBucket');
    },
  },
  'list-includes-created': {
    title: 'listBuckets names a bucket just created, with a sane creation date',
    async run(ctx) {
      const bucket = await ctx.newBucket();
      const all = await ctx.store.listBuckets();
      const mine = all.find((b) => b.name === bucket);
      ok(mine, `listBuckets includes ${bucket}`);
      if (mine.createdAt !== undefined) {
        ok(mine.createdAt instanceof Date && !Number.isNaN(mine.createdAt.getTime()), 'createdAt is a valid Date');
        ok(Math.abs(mine.createdAt.getTime() - ctx.clock.now().getTime()) < 10 * 60_000, `createdAt ${mine.createdAt.toISOString()} is within 10 minutes of the backend's now`);
      }
    },
  },
  'create-existing-refused': {
    title: 'creating a bucket that exists fails with AlreadyExists',
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await rejects(ctx.store.createBucket(bucket), 'AlreadyExists', 'createBucket on an existing bucket');
    },
  },
  'delete-non-empty-refused': {
    title: 'deleting a bucket that holds an object fails with BucketNotEmpty and keeps the object',
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await ctx.put(bucket, 'keep', 'x');
      await rejects(ctx.store.deleteBucket(bucket), 'BucketNotEmpty', 'deleteBucket on a non-empty bucket');
      equal(await ctx.text(bucket, 'keep'), 'x', 'the object after the refused delete');
    },
  },
  'delete-with-only-versions-refused': {
    title: 'a versioned bucket whose keys are all deleted (markers and old versions remain) is not empty',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ versioning: true });
      await ctx.put(bucket, 'k', 'x');
      await ctx.store.delete(bucket, 'k');
      equal((await ctx.listAll(bucket)).keys.length, 0, 'objects listed after the delete');
      await rejects(ctx.store.deleteBucket(bucket), 'BucketNotEmpty', 'deleteBucket with versions left');
    },
  },
  'delete-missing': {
    title: 'deleting a bucket that does not exist fails with BucketNotFound',
    async run(ctx) {
      await rejects(ctx.store.deleteBucket(ctx.run.missingBucketName()), 'BucketNotFound', 'deleteBucket on a missing bucket');
    },
  },
  'exists-missing-false': {
    title: 'bucketExists answers false (not an error) for a bucket never created',
    async run(ctx) {
      equal(await ctx.store.bucketExists(ctx.run.missingBucketName()), false, 'bucketExists of a missing bucket');
    },
  },
  'invalid-names-rejected-before-io': {
    title: 'bucket names outside the DNS rules are rejected before any request',
    async run(ctx) {
      for (const name of ['ab', 'UPPER-case', 'under_score', '-lead', 'trail-', 'a..b', '192.168.1.1', 'x'.repeat(64), 'xn--punycode', 'with space']) {
        await ctx.rejectedBeforeIo((s) => s.createBucket(name), `createBucket(${JSON.stringify(name)})`);
        await ctx.rejectedBeforeIo((s) => s.put(name, 'k', 'x'), `put into ${JSON.stringify(name)}`);
      }
    },
  },
  'new-bucket-unversioned': {
    title: 'a new bucket reports versioning Unversioned and lists nothing',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      equal(await ctx.store.getVersioning(bucket), 'Unversioned', 'versioning of a new bucket');
      const page = await ctx.store.listPage(bucket);
      equal(page.objects.length + page.commonPrefixes.length, 0, 'entries in a new bucket');
      equal(page.nextCursor, undefined, 'cursor of an empty listing');
    },
  },
  'object-lock-bucket': {
    title: 'a bucket created with object lock reports it enabled, and versioning Enabled',
    requires: ['objectLock'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ objectLock: true });
      const config = await ctx.store.getObjectLockConfiguration(bucket);
      equal(config.enabled, true, 'objectLock enabled');
      equal(config.defaultRetention, undefined, 'default retention of a new lock bucket');
      equal(await ctx.store.getVersioning(bucket), 'Enabled', 'versioning of a lock bucket');
    },
  },
  'plain-bucket-lock-disabled': {
    title: 'a bucket created without object lock reports it disabled',
    requires: ['objectLock'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      const config = await ctx.store.getObjectLockConfiguration(bucket);
      equal(config.enabled, false, 'objectLock enabled on a plain bucket');
    },
  },
  'recreate-after-delete': {
    title: 'a deleted bucket name can be created again, empty',
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await ctx.put(bucket, 'old', 'x');
      await ctx.store.delete(bucket, 'old');
      await ctx.store.deleteBucket(bucket);
      await ctx.store.createBucket(bucket);
      equal((await ctx.listAll(bucket)).keys.length, 0, 'objects in the re-created bucket');
      await rejects(ctx.store.head(bucket, 'old'), 'ObjectNotFound', 'head of an object of the deleted bucket');
    },
  },
});
