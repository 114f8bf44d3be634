import { deepEqual, equal, ok, rejects } from '../assert.js';
import { defineGroup } from '../registry.js';

export const versioningCases = defineGroup('versioning', ['versioning'], {
  enable: {
    title: 'enabling versioning is reported back as Enabled',
    requires: ['managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await ctx.store.setVersioning(bucket, 'Enabled');
      equal(await ctx.store.getVersioning(bucket), 'Enabled', 'versioning state');
    },
  },
  'puts-make-versions': {
    title: 'each put makes a new version with a distinct id, listed newest first',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const ids: string[] = [];
      for (const body of ['one', 'two', 'three']) {
        const put = await ctx.put(bucket, ctx.key('k'), body);
        ok(put.versionId && put.versionId !== 'null', `versionId of a put in a versioned bucket (got ${put.versionId})`);
        ids.push(put.versionId);
      }
      equal(new Set(ids).size, 3, 'distinct version ids');
      deepEqual((await ctx.listVersionsAll(bucket, { prefix: ctx.key() })).map((v) => v.versionId), [...ids].reverse(), 'versions, newest first');
      equal(await ctx.text(bucket, ctx.key('k')), 'three', 'current content');
    },
  },
  'get-by-version': {
    title: 'every version stays readable by its id, with its own size and ETag',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const a = await ctx.put(bucket, ctx.key('k'), 'first');
      const b = await ctx.put(bucket, ctx.key('k'), 'second!');
      equal(await ctx.text(bucket, ctx.key('k'), a.versionId), 'first', 'first version');
      equal(await ctx.text(bucket, ctx.key('k'), b.versionId), 'second!', 'second version');
      const head = await ctx.store.head(bucket, ctx.key('k'), { versionId: a.versionId });
      equal(head.size, 5, 'size of the first version');
      equal(head.etag, a.etag, 'ETag of the first version');
      equal(head.versionId, a.versionId, 'versionId reported by head');
    },
  },
  'delete-makes-marker': {
    title: 'a delete without a version id adds a delete marker: the key reads as missing, its versions remain',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const put = await ctx.put(bucket, ctx.key('k'), 'kept');
      const del = await ctx.store.delete(bucket, ctx.key('k'));
      equal(del.deleteMarker, true, 'deleteMarker');
      ok(del.versionId && del.versionId !== put.versionId, 'the marker has its own version id');
      await rejects(ctx.store.get(bucket, ctx.key('k')), 'ObjectNotFound', 'get of a key behind a delete marker');
      equal(await ctx.text(bucket, ctx.key('k'), put.versionId), 'kept', 'the old version by id');
    },
  },
  'remove-marker-restores': {
    title: 'deleting the delete marker by its version id makes the previous version current again',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('k'), 'back again');
      const del = await ctx.store.delete(bucket, ctx.key('k'));
      ok(del.versionId, 'marker version id');
      const removed = await ctx.store.delete(bucket, ctx.key('k'), { versionId: del.versionId });
      equal(removed.deleteMarker, true, 'deleting a marker reports deleteMarker');
      equal(await ctx.text(bucket, ctx.key('k')), 'back again', 'current content after removing the marker');
    },
  },
  'delete-version-permanently': {
    title: 'deleting a version by id removes only that version; deleting the current one promotes the previous',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const a = await ctx.put(bucket, ctx.key('k'), 'a');
      const b = await ctx.put(bucket, ctx.key('k'), 'b');
      const c = await ctx.put(bucket, ctx.key('k'), 'c');
      const del = await ctx.store.delete(bucket, ctx.key('k'), { versionId: b.versionId });
      equal(del.versionId ?? b.versionId, b.versionId, 'deleted version id');
      ok(!del.deleteMarker, 'deleting an object version is not a marker');
      await rejects(ctx.store.get(bucket, ctx.key('k'), { versionId: b.versionId }), 'VersionNotFound', 'get of the deleted version');
      await ctx.store.delete(bucket, ctx.key('k'), { versionId: c.versionId });
      equal(await ctx.text(bucket, ctx.key('k')), 'a', 'current content after deleting the newest version');
      equal((await ctx.store.head(bucket, ctx.key('k'))).versionId, a.versionId, 'current version id');
    },
  },
  'version-of-other-key': {
    title: 'a version id of one key does not read another key (VersionNotFound)',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const a = await ctx.put(bucket, ctx.key('a'), 'a');
      await ctx.put(bucket, ctx.key('b'), 'b');
      await rejects(ctx.store.get(bucket, ctx.key('b'), { versionId: a.versionId }), 'VersionNotFound', "get of b with a's version id");
    },
  },
  suspend: {
    title: 'suspended versioning writes the "null" version in place and keeps the earlier versions',
    requires: ['versioningSuspend', 'listVersions', 'managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ versioning: true });
      const v1 = await ctx.put(bucket, 'k', 'versioned');
      await ctx.store.setVersioning(bucket, 'Suspended');
      equal(await ctx.store.getVersioning(bucket), 'Suspended', 'versioning state');
      const n1 = await ctx.put(bucket, 'k', 'null one');
      ok(n1.versionId === undefined || n1.versionId === 'null', `a put in a suspended bucket writes the null version (got ${n1.versionId})`);
      await ctx.put(bucket, 'k', 'null two');
      const versions = await ctx.listVersionsAll(bucket);
      deepEqual(versions.map((v) => v.versionId), ['null', v1.versionId], 'versions: one null version (overwritten in place), then the older one');
      equal(await ctx.text(bucket, 'k'), 'null two', 'current content');
      equal(await ctx.text(bucket, 'k', v1.versionId), 'versioned', 'the version from before the suspension');
    },
  },
  'suspended-delete-null-marker': {
    title: 'a delete in a suspended bucket puts a "null" delete marker in place of the null version',
    requires: ['versioningSuspend', 'listVersions', 'managedBuckets', 'suspendedDeleteMarkerReported'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ versioning: true });
      const v1 = await ctx.put(bucket, 'k', 'versioned');
      await ctx.store.setVersioning(bucket, 'Suspended');
      await ctx.put(bucket, 'k', 'null version');
      const del = await ctx.store.delete(bucket, 'k');
      equal(del.deleteMarker, true, 'deleteMarker');
      const versions = await ctx.listVersionsAll(bucket);
      deepEqual(versions.map((v) => [v.versionId, v.isDeleteMarker]), [['null', true], [v1.versionId, false]], 'versions after the delete');
    },
  },
  'pre-versioning-null-version': {
    title: 'an object written before versioning was enabled is the "null" version, readable by that id',
    requires: ['listVersions', 'managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket();
      await ctx.put(bucket, 'k', 'before');
      await ctx.store.setVersioning(bucket, 'Enabled');
      const after = await ctx.put(bucket, 'k', 'after');
      const versions = await ctx.listVersionsAll(bucket);
      deepEqual(versions.map((v) => v.versionId), [after.versionId, 'null'], 'version ids');
      equal(await ctx.text(bucket, 'k', 'null'), 'before', 'the null version by id');
    },
  },
  'unversioned-lists-null': {
    title: 'in an unversioned bucket, puts return no version id and version listing shows one "null" version',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const put1 = await ctx.put(bucket, ctx.key('k'), 'one');
      await ctx.put(bucket, ctx.key('k'), 'two');
      ok(put1.versionId === undefined || put1.versionId === 'null', `versionId in an unversioned bucket (got ${put1.versionId})`);
      const versions = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      deepEqual(versions.map((v) => [v.versionId, v.isLatest]), [['null', true]], 'versions');
    },
  },
  'latest-flag': {
    title: 'exactly one entry per key is latest, and it is the newest',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      for (const k of ['x', 'y', 'x', 'z', 'y', 'x']) await ctx.put(bucket, ctx.key(k), k);
      await ctx.store.delete(bucket, ctx.key('z'));
      const versions = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      for (const k of ['x', 'y', 'z']) {
        const mine = versions.filter((v) => v.key === ctx.key(k));
        equal(mine.filter((v) => v.isLatest).length, 1, `latest entries of ${k}`);
        equal(mine[0]!.isLatest, true, `the first listed entry of ${k} is latest`);
      }
    },
  },
  'unversioned-state-refused-before-io': {
    title: 'versioning cannot be set back to Unversioned (rejected before any request)',
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.rejectedBeforeIo((s) => s.setVersioning(bucket, 'Unversioned' as 'Enabled'), 'setVersioning Unversioned');
    },
  },
});
