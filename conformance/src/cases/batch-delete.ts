import { isStowageError } from '@stowage/core';
import { deepEqual, equal, ok, rejects } from '../assert.js';
import { defineGroup } from '../registry.js';

export const batchDeleteCases = defineGroup('batch-delete', [], {
  'mixed-existing-missing': {
    title: 'existing and missing keys in one batch: one result per entry, in order, all deleted',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.putMany(bucket, [ctx.key('a'), ctx.key('c')]);
      const entries = [ctx.key('a'), ctx.key('b-missing'), ctx.key('c'), ctx.key('d-missing')];
      const results = await ctx.store.deleteMany(bucket, entries);
      deepEqual(results.map((r) => [r.key, r.deleted]), entries.map((k) => [k, true]), 'results (a missing key counts as deleted)');
      equal((await ctx.listAll(bucket, { prefix: ctx.key() })).keys.length, 0, 'keys left');
    },
  },
  'empty-list': {
    title: 'an empty batch does nothing and answers no results',
    async run(ctx) {
      const bucket = await ctx.bucket();
      deepEqual(await ctx.store.deleteMany(bucket, []), [], 'results');
    },
  },
  duplicates: {
    title: 'the same key twice in a batch is deleted once and reported for each entry',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('dup'), 'x');
      const results = await ctx.store.deleteMany(bucket, [ctx.key('dup'), ctx.key('dup')]);
      equal(results.length, 2, 'results');
      ok(results.every((r) => r.deleted), 'both entries report deleted');
      await rejects(ctx.store.head(bucket, ctx.key('dup')), 'ObjectNotFound', 'the key after the batch');
    },
  },
  'over-batch-limit': {
    title: 'more entries than the backend takes per request are split and all deleted',
    timeoutMs: 120_000,
    async run(ctx) {
      const bucket = await ctx.bucket();
      const max = ctx.caps.batchDeleteMax ?? 1000;
      const keep = [ctx.key('first'), ctx.key('zz-last')];
      await ctx.putMany(bucket, keep);
      const entries = [keep[0]!, ...Array.from({ length: max }, (_, i) => ctx.key(`missing-${i}`)), keep[1]!];
      const results = await ctx.store.deleteMany(bucket, entries);
      equal(results.length, entries.length, 'one result per entry');
      ok(results.every((r) => r.deleted), 'every entry deleted');
      deepEqual(results.map((r) => r.key), entries, 'results in input order');
      equal((await ctx.listAll(bucket, { prefix: ctx.key() })).keys.length, 0, 'keys left');
    },
  },
  'invalid-key-rejected-before-io': {
    title: 'one invalid key fails the whole batch before any request (nothing deleted)',
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('stays'), 'x');
      await ctx.rejectedBeforeIo((s) => s.deleteMany(bucket, [ctx.key('stays'), 'lone-\ud800']), 'a batch with an invalid key');
      equal(await ctx.text(bucket, ctx.key('stays')), 'x', 'the valid key is still there');
    },
  },
  'missing-bucket': {
    title: 'a batch on a missing bucket fails as a whole with BucketNotFound',
    async run(ctx) {
      await rejects(ctx.store.deleteMany(ctx.run.missingBucketName(), ['a', 'b']), 'BucketNotFound', 'deleteMany on a missing bucket');
    },
  },
  versions: {
    title: 'entries with version ids delete exactly those versions',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const v1 = await ctx.put(bucket, ctx.key('k'), 'one');
      const v2 = await ctx.put(bucket, ctx.key('k'), 'two');
      const v3 = await ctx.put(bucket, ctx.key('k'), 'three');
      const results = await ctx.store.deleteMany(bucket, [{ key: ctx.key('k'), versionId: v1.versionId! }, { key: ctx.key('k'), versionId: v3.versionId! }]);
      ok(results.every((r) => r.deleted), 'both versions deleted');
      equal(await ctx.text(bucket, ctx.key('k')), 'two', 'the remaining version is current');
      const left = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      deepEqual(left.map((v) => v.versionId), [v2.versionId], 'versions left');
    },
  },
  'markers-in-versioned-bucket': {
    title: 'entries without version ids in a versioned bucket create delete markers, reported as such',
    requires: ['versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.putMany(bucket, [ctx.key('a'), ctx.key('b')]);
      const results = await ctx.store.deleteMany(bucket, [ctx.key('a'), ctx.key('b')]);
      for (const r of results) {
        ok(r.deleted, `${r.key} deleted`);
        if (r.deleted) {
          equal(r.deleteMarker, true, `${r.key} reported as a delete marker`);
          ok(typeof r.deleteMarkerVersionId === 'string' && r.deleteMarkerVersionId.length > 0, `${r.key} delete marker version id`);
        }
      }
      equal((await ctx.listVersionsAll(bucket, { prefix: ctx.key() })).length, 4, 'versions and markers kept');
    },
  },
  'locked-version-refused': {
    title: 'a locked version in a batch gets a per-key ObjectLocked error; the other entries are deleted',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const locked = await ctx.put(bucket, ctx.key('locked'), 'x', { retention: { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(3600) } });
      const free = await ctx.put(bucket, ctx.key('free'), 'y');
      const results = await ctx.store.deleteMany(bucket, [
        { key: ctx.key('free'), versionId: free.versionId! },
        { key: ctx.key('locked'), versionId: locked.versionId! },
      ]);
      equal(results.length, 2, 'results');
      equal(results[0]!.deleted, true, 'the unlocked version');
      const refused = results[1]!;
      equal(refused.deleted, false, 'the locked version');
      if (!refused.deleted) {
        ok(isStowageError(refused.error, 'ObjectLocked') || isStowageError(refused.error, 'AccessDenied'), `per-key error ${refused.error.code} (expected ObjectLocked)`);
        equal(refused.error.code, 'ObjectLocked', 'per-key error code');
      }
      equal(await ctx.text(bucket, ctx.key('locked'), locked.versionId), 'x', 'the locked version is intact');
    },
  },
  'bypass-governance': {
    title: 'with bypassGovernanceRetention a batch deletes GOVERNANCE-retained versions',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const locked = await ctx.put(bucket, ctx.key('g'), 'x', { retention: { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(3600) } });
      const results = await ctx.store.deleteMany(bucket, [{ key: ctx.key('g'), versionId: locked.versionId! }], { bypassGovernanceRetention: true });
      equal(results[0]?.deleted, true, 'deleted with bypass');
      await rejects(ctx.store.head(bucket, ctx.key('g'), { versionId: locked.versionId }), ['VersionNotFound', 'ObjectNotFound'], 'the version after the bypass delete');
    },
  },
});
