import { isStowageError } from '@stowage/core';
import { deepEqual, equal, fail, ok } from '../assert.js';
import { mapLimit, pseudoRandomBytes, sha256 } from '../data.js';
import { defineGroup } from '../registry.js';

export const concurrencyCases = defineGroup('concurrency', [], {
  'parallel-writers-one-key': {
    title: 'eight parallel writers to one key leave exactly one of their values, whole',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const bodies = Array.from({ length: 8 }, (_, i) => pseudoRandomBytes(256 * 1024 + i, 700 + i));
      const hashes = new Set(bodies.map(sha256));
      await Promise.all(bodies.map((b) => ctx.store.put(bucket, ctx.key('contended'), b)));
      const stored = await ctx.store.getBytes(bucket, ctx.key('contended'));
      ok(hashes.has(sha256(stored)), `the stored value (${stored.length} bytes) is one of the values written, whole (not a mix or a truncation)`);
      equal((await ctx.store.head(bucket, ctx.key('contended'))).size, stored.length, 'head size vs stored bytes');
    },
  },
  'hundred-parallel-puts-listed': {
    title: '100 parallel puts to distinct keys are all listed, once each',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const keys = Array.from({ length: 100 }, (_, i) => ctx.key(`p${String(i).padStart(3, '0')}`));
      await Promise.all(keys.map((k) => ctx.store.put(bucket, k, k)));
      const listed = await ctx.listAll(bucket, { prefix: ctx.key(), pageSize: 30 });
      deepEqual(listed.keys, keys, 'keys listed');
    },
  },
  'readers-during-overwrite': {
    title: 'readers racing overwrites only ever see one whole value',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const bodies = Array.from({ length: 4 }, (_, i) => pseudoRandomBytes(128 * 1024, 720 + i));
      const hashes = new Set(bodies.map(sha256));
      await ctx.store.put(bucket, ctx.key('r'), bodies[0]!);
      const writers = bodies.map((b) => ctx.store.put(bucket, ctx.key('r'), b));
      const readers = Array.from({ length: 12 }, async () => sha256(await ctx.store.getBytes(bucket, ctx.key('r'))));
      const [, seen] = await Promise.all([Promise.all(writers), Promise.all(readers)]);
      for (const h of seen) ok(hashes.has(h), 'every reader sees a whole value that was written (no torn read)');
    },
  },
  'if-none-match-race': {
    title: 'of ten parallel create-if-absent puts exactly one wins; the others fail with PreconditionFailed',
    requires: ['conditionalWrite.ifNoneMatch'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ctx.store.put(bucket, ctx.key('race'), `writer ${i}`, { ifNoneMatch: '*' }).then(
            () => ({ i, won: true as const }),
            (e: unknown) => ({ i, won: false as const, e }),
          ),
        ),
      );
      const winners = outcomes.filter((o) => o.won);
      equal(winners.length, 1, 'winners');
      for (const o of outcomes) {
        if (!o.won && !isStowageError(o.e, 'PreconditionFailed')) fail(`a losing writer failed with ${isStowageError(o.e) ? o.e.code : String(o.e)} (expected PreconditionFailed)`);
      }
      equal(await ctx.text(bucket, ctx.key('race')), `writer ${winners[0]!.i}`, 'the stored value is the winner’s');
    },
  },
  'parallel-multipart-one-key': {
    title: 'two multipart uploads to one key completing in parallel leave one of them whole',
    requires: ['multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const bodies = [pseudoRandomBytes(300_000, 730), pseudoRandomBytes(300_001, 731)];
      const uploads = await Promise.all(bodies.map(() => ctx.store.createMultipartUpload(bucket, ctx.key('mp'))));
      const parts = await Promise.all(uploads.map((u, i) => ctx.store.uploadPart(u, 1, bodies[i]!)));
      await Promise.all(uploads.map((u, i) => ctx.store.completeMultipartUpload(u, [parts[i]!])));
      const stored = sha256(await ctx.store.getBytes(bucket, ctx.key('mp')));
      ok(bodies.some((b) => sha256(b) === stored), 'the stored object is one of the two uploads, whole');
    },
  },
  'parallel-deletes': {
    title: '50 parallel deletes leave none of the keys listed',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const keys = Array.from({ length: 50 }, (_, i) => ctx.key(`d${i}`));
      await ctx.putMany(bucket, keys);
      await Promise.all(keys.map((k) => ctx.store.delete(bucket, k)));
      equal((await ctx.listAll(bucket, { prefix: ctx.key() })).keys.length, 0, 'keys left');
    },
  },
  'parallel-versions': {
    title: '20 parallel puts to one key in a versioned bucket make 20 distinct versions',
    requires: ['listVersions'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const puts = await mapLimit(Array.from({ length: 20 }, (_, i) => i), 20, (i) => ctx.store.put(bucket, ctx.key('v'), `v${i}`));
      const ids = new Set(puts.map((p) => p.versionId));
      equal(ids.size, 20, 'distinct version ids returned');
      const listed = await ctx.listVersionsAll(bucket, { prefix: ctx.key() });
      deepEqual(new Set(listed.map((v) => v.versionId)), ids, 'versions listed');
      equal(listed.filter((v) => v.isLatest).length, 1, 'latest versions');
    },
  },
});
