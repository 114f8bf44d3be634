import type { PutResult, Retention, RetentionMode } from '@stowage/core';
import { deepEqual, equal, ok, rejects, sameInstant } from '../assert.js';
import type { CaseContext } from '../context.js';
import { ComplianceGuardError } from '../guard.js';
import { defineGroup } from '../registry.js';

const HOUR = 3600;
/** COMPLIANCE dates stay within the guard's 30 s. */
const COMPLIANCE_SECONDS = 20;

async function locked(ctx: CaseContext, mode: RetentionMode, seconds = mode === 'COMPLIANCE' ? COMPLIANCE_SECONDS : HOUR, body = 'locked body'): Promise<{ bucket: string; key: string; put: PutResult; retention: Retention }> {
  const bucket = await ctx.lockBucket();
  const key = ctx.key('obj');
  const retention: Retention = { mode, retainUntil: ctx.retainUntil(seconds) };
  const put = await ctx.put(bucket, key, body, { retention });
  ok(put.versionId, 'versionId of a put in a lock bucket');
  return { bucket, key, put, retention };
}

async function versionStillThere(ctx: CaseContext, bucket: string, key: string, versionId: string, body = 'locked body'): Promise<void> {
  equal(await ctx.text(bucket, key, versionId), body, 'the locked version is intact');
}

async function held(ctx: CaseContext): Promise<{ bucket: string; key: string; put: PutResult }> {
  const bucket = await ctx.lockBucket();
  const key = ctx.key('held');
  const put = await ctx.put(bucket, key, 'locked body', { legalHold: true });
  return { bucket, key, put };
}

export const lockCases = defineGroup('lock', ['objectLock'], {
  'bucket-is-versioned': {
    title: 'a lock bucket is versioned (Enabled) and reports object lock enabled',
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      equal(await ctx.store.getVersioning(bucket), 'Enabled', 'versioning');
      equal((await ctx.store.getObjectLockConfiguration(bucket)).enabled, true, 'object lock enabled');
    },
  },
  'no-suspend': {
    title: 'versioning of a lock bucket cannot be suspended',
    requires: ['versioningSuspend'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      await rejects(ctx.store.setVersioning(bucket, 'Suspended'), 'InvalidArgument', 'suspending a lock bucket');
      equal(await ctx.store.getVersioning(bucket), 'Enabled', 'versioning after the refused suspend');
    },
  },
  'retention-refused-on-plain-bucket': {
    title: 'a retention on a put, or set later, in a bucket without object lock is refused (InvalidArgument)',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const retention: Retention = { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(HOUR) };
      await rejects(ctx.store.put(bucket, ctx.key('r'), 'x', { retention }), 'InvalidArgument', 'put with retention in a plain bucket');
      await rejects(ctx.store.head(bucket, ctx.key('r')), 'ObjectNotFound', 'nothing written');
      await ctx.put(bucket, ctx.key('r'), 'x');
      await rejects(ctx.store.setRetention(bucket, ctx.key('r'), retention), 'InvalidArgument', 'setRetention in a plain bucket');
    },
  },
  'legal-hold-refused-on-plain-bucket': {
    title: 'a legal hold in a bucket without object lock is refused (InvalidArgument)',
    requires: ['objectLock.legalHold'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      await ctx.put(bucket, ctx.key('h'), 'x');
      await rejects(ctx.store.setLegalHold(bucket, ctx.key('h'), true), 'InvalidArgument', 'setLegalHold in a plain bucket');
    },
  },
  'retention-round-trip': {
    title: 'a retention given on put reads back from getRetention and head (mode and date)',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'GOVERNANCE');
      const read = await ctx.store.getRetention(bucket, key, { versionId: put.versionId });
      ok(read, 'getRetention of a retained version');
      equal(read.mode, 'GOVERNANCE', 'mode');
      sameInstant(read.retainUntil, retention.retainUntil, 'retainUntil');
      const info = await ctx.store.head(bucket, key);
      equal(info.retention?.mode, 'GOVERNANCE', 'mode from head');
      sameInstant(info.retention?.retainUntil, retention.retainUntil, 'retainUntil from head');
    },
  },
  'no-retention-reads-undefined': {
    title: 'a version without retention or hold reads as none',
    requires: ['objectLock.legalHold'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const put = await ctx.put(bucket, ctx.key('free'), 'x');
      equal(await ctx.store.getRetention(bucket, ctx.key('free'), { versionId: put.versionId }), undefined, 'retention');
      equal(await ctx.store.getLegalHold(bucket, ctx.key('free'), { versionId: put.versionId }), false, 'legal hold');
    },
  },
  'governance.put-on-locked-key': {
    title: 'a put to a key whose current version is locked succeeds and adds a version (the lock protects versions, not keys)',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      const next = await ctx.put(bucket, key, 'newer body');
      ok(next.versionId && next.versionId !== put.versionId, 'the put made a new version');
      equal(await ctx.text(bucket, key), 'newer body', 'current content');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'governance.plain-delete-adds-marker': {
    title: 'a delete without a version id on a locked key succeeds by adding a delete marker',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      const del = await ctx.store.delete(bucket, key);
      equal(del.deleteMarker, true, 'deleteMarker');
      await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', 'the key reads as deleted');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'governance.version-delete-refused': {
    title: 'deleting a GOVERNANCE-retained version without bypass fails with ObjectLocked',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId }), 'ObjectLocked', 'version delete under GOVERNANCE');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'governance.bypass-deletes': {
    title: 'with bypassGovernanceRetention a GOVERNANCE-retained version is deleted',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      await ctx.store.delete(bucket, key, { versionId: put.versionId, bypassGovernanceRetention: true });
      await rejects(ctx.store.get(bucket, key, { versionId: put.versionId }), 'VersionNotFound', 'the version after the bypass delete');
    },
  },
  'governance.extend': {
    title: 'a GOVERNANCE retention can be extended without bypass',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      const later = ctx.retainUntil(2 * HOUR);
      await ctx.store.setRetention(bucket, key, { mode: 'GOVERNANCE', retainUntil: later }, { versionId: put.versionId });
      sameInstant((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.retainUntil, later, 'retainUntil after extending');
    },
  },
  'governance.shorten-needs-bypass': {
    title: 'shortening a GOVERNANCE retention fails with ObjectLocked without bypass and works with it',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'GOVERNANCE');
      const sooner = ctx.retainUntil(HOUR / 2);
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'GOVERNANCE', retainUntil: sooner }, { versionId: put.versionId }), 'ObjectLocked', 'shortening without bypass');
      sameInstant((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.retainUntil, retention.retainUntil, 'retainUntil after the refused change');
      await ctx.store.setRetention(bucket, key, { mode: 'GOVERNANCE', retainUntil: sooner }, { versionId: put.versionId, bypassGovernanceRetention: true });
      sameInstant((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.retainUntil, sooner, 'retainUntil after shortening with bypass');
    },
  },
  'governance.remove-needs-bypass': {
    title: 'removing a GOVERNANCE retention fails without bypass; with it, the version becomes deletable',
    requires: ['objectLock.governance', 'objectLock.removeRetention'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE');
      await rejects(ctx.store.setRetention(bucket, key, null, { versionId: put.versionId }), 'ObjectLocked', 'removing without bypass');
      await ctx.store.setRetention(bucket, key, null, { versionId: put.versionId, bypassGovernanceRetention: true });
      equal(await ctx.store.getRetention(bucket, key, { versionId: put.versionId }), undefined, 'retention after removal');
      await ctx.store.delete(bucket, key, { versionId: put.versionId });
    },
  },
  'governance.to-compliance': {
    title: 'raising a GOVERNANCE retention to COMPLIANCE needs the bypass flag, and then holds against bypass',
    requires: ['objectLock.governance', 'objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'GOVERNANCE', COMPLIANCE_SECONDS - 5);
      const until = ctx.retainUntil(COMPLIANCE_SECONDS);
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: until }, { versionId: put.versionId }), 'ObjectLocked', 'mode change without bypass');
      equal((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.mode, 'GOVERNANCE', 'mode after the refused change');
      await ctx.store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: until }, { versionId: put.versionId, bypassGovernanceRetention: true });
      equal((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.mode, 'COMPLIANCE', 'mode after raising');
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'bypass delete after raising to COMPLIANCE');
    },
  },
  'compliance.round-trip': {
    title: 'a COMPLIANCE retention (20 s ahead) reads back with its mode and date',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'COMPLIANCE');
      const read = await ctx.store.getRetention(bucket, key, { versionId: put.versionId });
      equal(read?.mode, 'COMPLIANCE', 'mode');
      sameInstant(read?.retainUntil, retention.retainUntil, 'retainUntil');
    },
  },
  'compliance.version-delete-refused': {
    title: 'deleting a COMPLIANCE-retained version fails with ObjectLocked',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'COMPLIANCE');
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId }), 'ObjectLocked', 'version delete under COMPLIANCE');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'compliance.bypass-does-not-delete': {
    title: 'bypassGovernanceRetention does not delete a COMPLIANCE-retained version',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'COMPLIANCE');
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'bypass delete under COMPLIANCE');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'compliance.cannot-shorten': {
    title: 'a COMPLIANCE retention cannot be shortened, even with bypass',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'COMPLIANCE');
      const sooner = ctx.retainUntil(COMPLIANCE_SECONDS / 2);
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: sooner }, { versionId: put.versionId }), 'ObjectLocked', 'shortening COMPLIANCE');
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: sooner }, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'shortening COMPLIANCE with bypass');
      sameInstant((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.retainUntil, retention.retainUntil, 'retainUntil after the refused changes');
    },
  },
  'compliance.can-extend': {
    title: 'a COMPLIANCE retention can be extended',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'COMPLIANCE', COMPLIANCE_SECONDS - 10);
      const later = ctx.retainUntil(COMPLIANCE_SECONDS);
      await ctx.store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: later }, { versionId: put.versionId });
      sameInstant((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.retainUntil, later, 'retainUntil after extending');
    },
  },
  'compliance.never-to-governance': {
    title: 'a COMPLIANCE retention cannot become GOVERNANCE (even later, even with bypass)',
    // Without GOVERNANCE (IBM Cloud) the Store refuses the mode before I/O (NotSupported): nothing to ask the server.
    requires: ['objectLock.compliance', 'objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'COMPLIANCE', COMPLIANCE_SECONDS - 10);
      const later = ctx.retainUntil(COMPLIANCE_SECONDS);
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'GOVERNANCE', retainUntil: later }, { versionId: put.versionId }), 'ObjectLocked', 'COMPLIANCE to GOVERNANCE');
      await rejects(ctx.store.setRetention(bucket, key, { mode: 'GOVERNANCE', retainUntil: later }, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'COMPLIANCE to GOVERNANCE with bypass');
      equal((await ctx.store.getRetention(bucket, key, { versionId: put.versionId }))?.mode, 'COMPLIANCE', 'mode after the refused changes');
    },
  },
  'compliance.cannot-remove': {
    title: 'a COMPLIANCE retention cannot be removed, even with bypass',
    requires: ['objectLock.compliance', 'objectLock.removeRetention'],
    async run(ctx) {
      const { bucket, key, put } = await locked(ctx, 'COMPLIANCE');
      await rejects(ctx.store.setRetention(bucket, key, null, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'removing COMPLIANCE with bypass');
    },
  },
  'compliance.guard-refuses-far-dates': {
    title: 'the suite itself refuses a COMPLIANCE date over 30 s ahead before sending it (nothing written)',
    requires: ['objectLock.compliance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      let refused = false;
      try {
        await ctx.store.put(bucket, ctx.key('far'), 'x', { retention: { mode: 'COMPLIANCE', retainUntil: ctx.retainUntil(31) } });
      } catch (e) {
        refused = e instanceof ComplianceGuardError;
      }
      ok(refused, 'the guard refuses a COMPLIANCE date 31 s ahead before sending it');
      await rejects(ctx.store.head(bucket, ctx.key('far')), 'ObjectNotFound', 'nothing was written');
    },
  },
  'compliance.expiry-then-delete': {
    title: 'once a COMPLIANCE date has passed, the version can be deleted',
    requires: ['objectLock.compliance'],
    timeoutMs: 120_000,
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'COMPLIANCE', 5);
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId }), 'ObjectLocked', 'delete before the date');
      await ctx.clock.waitUntilPast(retention.retainUntil);
      await ctx.store.delete(bucket, key, { versionId: put.versionId });
      await rejects(ctx.store.get(bucket, key, { versionId: put.versionId }), 'VersionNotFound', 'the version after the delete');
    },
  },
  'governance.expiry-then-delete': {
    title: 'once a GOVERNANCE date has passed, the version can be deleted without bypass',
    requires: ['objectLock.governance'],
    timeoutMs: 120_000,
    async run(ctx) {
      const { bucket, key, put, retention } = await locked(ctx, 'GOVERNANCE', 4);
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId }), 'ObjectLocked', 'delete before the date');
      await ctx.clock.waitUntilPast(retention.retainUntil);
      await ctx.store.delete(bucket, key, { versionId: put.versionId });
    },
  },
  'legal-hold.set-get': {
    title: 'a legal hold set on a version reads back on, then off once released',
    requires: ['objectLock.legalHold'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const put = await ctx.put(bucket, ctx.key('h'), 'x');
      await ctx.store.setLegalHold(bucket, ctx.key('h'), true, { versionId: put.versionId });
      equal(await ctx.store.getLegalHold(bucket, ctx.key('h'), { versionId: put.versionId }), true, 'hold after setting it');
      equal((await ctx.store.head(bucket, ctx.key('h'))).legalHold, true, 'hold reported by head');
      await ctx.store.setLegalHold(bucket, ctx.key('h'), false, { versionId: put.versionId });
      equal(await ctx.store.getLegalHold(bucket, ctx.key('h'), { versionId: put.versionId }), false, 'hold after releasing it');
    },
  },
  'legal-hold.blocks-version-delete': {
    title: 'a version under legal hold cannot be deleted (ObjectLocked); once released it can',
    requires: ['objectLock.legalHold'],
    async run(ctx) {
      const { bucket, key, put } = await held(ctx);
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId }), 'ObjectLocked', 'delete under legal hold');
      await versionStillThere(ctx, bucket, key, put.versionId!);
      await ctx.store.setLegalHold(bucket, key, false, { versionId: put.versionId });
      await ctx.store.delete(bucket, key, { versionId: put.versionId });
    },
  },
  'legal-hold.over-bypass': {
    title: 'bypassGovernanceRetention does not lift a legal hold, with or without a GOVERNANCE retention',
    requires: ['objectLock.legalHold', 'objectLock.governance'],
    async run(ctx) {
      const { bucket, key, put } = await held(ctx);
      await rejects(ctx.store.delete(bucket, key, { versionId: put.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'bypass delete under a legal hold');
      const both = await ctx.put(bucket, ctx.key('both'), 'locked body', { legalHold: true, retention: { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(HOUR) } });
      await rejects(ctx.store.delete(bucket, ctx.key('both'), { versionId: both.versionId, bypassGovernanceRetention: true }), 'ObjectLocked', 'bypass delete under a hold and GOVERNANCE');
      await versionStillThere(ctx, bucket, key, put.versionId!);
      await versionStillThere(ctx, bucket, ctx.key('both'), both.versionId!);
    },
  },
  'legal-hold.outlives-retention': {
    title: 'a legal hold keeps protecting a version after its retention date has passed',
    requires: ['objectLock.legalHold', 'objectLock.governance'],
    timeoutMs: 120_000,
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const retention: Retention = { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(3) };
      const put = await ctx.put(bucket, ctx.key('h'), 'x', { legalHold: true, retention });
      await ctx.clock.waitUntilPast(retention.retainUntil);
      await rejects(ctx.store.delete(bucket, ctx.key('h'), { versionId: put.versionId }), 'ObjectLocked', 'delete after the date, still held');
    },
  },
  'legal-hold.plain-delete-adds-marker': {
    title: 'a delete without a version id on a held key adds a delete marker; the held version stays',
    requires: ['objectLock.legalHold'],
    async run(ctx) {
      const { bucket, key, put } = await held(ctx);
      const del = await ctx.store.delete(bucket, key);
      equal(del.deleteMarker, true, 'deleteMarker');
      await versionStillThere(ctx, bucket, key, put.versionId!);
    },
  },
  'default-retention.applies': {
    title: 'a bucket default retention (GOVERNANCE, 1 day) is given to new versions',
    requires: ['objectLock.defaultRetention', 'objectLock.governance', 'managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ objectLock: true });
      await ctx.store.setDefaultRetention(bucket, { mode: 'GOVERNANCE', days: 1 });
      deepEqual((await ctx.store.getObjectLockConfiguration(bucket)).defaultRetention, { mode: 'GOVERNANCE', days: 1 }, 'default retention read back');
      const before = ctx.clock.now();
      const put = await ctx.put(bucket, 'k', 'x');
      const retention = await ctx.store.getRetention(bucket, 'k', { versionId: put.versionId });
      equal(retention?.mode, 'GOVERNANCE', 'mode from the default');
      sameInstant(retention?.retainUntil, new Date(before.getTime() + 86_400_000), 'retainUntil from the default', 60_000);
      await rejects(ctx.store.delete(bucket, 'k', { versionId: put.versionId }), 'ObjectLocked', 'delete of a version under default retention');
    },
  },
  'default-retention.explicit-wins': {
    title: 'an explicit retention on a put overrides the bucket default',
    requires: ['objectLock.defaultRetention', 'objectLock.governance', 'managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ objectLock: true });
      await ctx.store.setDefaultRetention(bucket, { mode: 'GOVERNANCE', days: 1 });
      const until = ctx.retainUntil(2 * HOUR);
      const put = await ctx.put(bucket, 'k', 'x', { retention: { mode: 'GOVERNANCE', retainUntil: until } });
      sameInstant((await ctx.store.getRetention(bucket, 'k', { versionId: put.versionId }))?.retainUntil, until, 'retainUntil');
    },
  },
  'default-retention.clear': {
    title: 'clearing the default retention leaves new versions unretained (and old ones retained)',
    requires: ['objectLock.defaultRetention', 'objectLock.governance', 'managedBuckets'],
    async run(ctx) {
      const bucket = await ctx.newBucket({ objectLock: true });
      await ctx.store.setDefaultRetention(bucket, { mode: 'GOVERNANCE', days: 1 });
      const old = await ctx.put(bucket, 'k', 'old');
      await ctx.store.setDefaultRetention(bucket, undefined);
      equal((await ctx.store.getObjectLockConfiguration(bucket)).defaultRetention, undefined, 'default retention after clearing');
      const fresh = await ctx.put(bucket, 'k', 'new');
      equal(await ctx.store.getRetention(bucket, 'k', { versionId: fresh.versionId }), undefined, 'retention of a new version');
      equal((await ctx.store.getRetention(bucket, 'k', { versionId: old.versionId }))?.mode, 'GOVERNANCE', 'retention of the older version');
    },
  },
  'retention-per-version': {
    title: 'a retention set on an older version locks only that version',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const v1 = await ctx.put(bucket, ctx.key('k'), 'one');
      const v2 = await ctx.put(bucket, ctx.key('k'), 'two');
      await ctx.store.setRetention(bucket, ctx.key('k'), { mode: 'GOVERNANCE', retainUntil: ctx.retainUntil(HOUR) }, { versionId: v1.versionId });
      equal(await ctx.store.getRetention(bucket, ctx.key('k'), { versionId: v2.versionId }), undefined, 'retention of the newer version');
      await ctx.store.delete(bucket, ctx.key('k'), { versionId: v2.versionId });
      await rejects(ctx.store.delete(bucket, ctx.key('k'), { versionId: v1.versionId }), 'ObjectLocked', 'delete of the retained older version');
    },
  },
  'marker-is-deletable': {
    title: 'the delete marker on a locked key is not locked: removing it restores the locked version',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const { bucket, key } = await locked(ctx, 'GOVERNANCE');
      const del = await ctx.store.delete(bucket, key);
      ok(del.versionId, 'marker version id');
      await ctx.store.delete(bucket, key, { versionId: del.versionId });
      equal(await ctx.text(bucket, key), 'locked body', 'current content after removing the marker');
    },
  },
  'multipart-with-retention': {
    title: 'a retention given when a multipart upload starts is on the completed version',
    requires: ['objectLock.governance', 'multipart'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const until = ctx.retainUntil(HOUR);
      const upload = await ctx.store.createMultipartUpload(bucket, ctx.key('mp'), { retention: { mode: 'GOVERNANCE', retainUntil: until } });
      const done = await ctx.store.completeMultipartUpload(upload, [await ctx.store.uploadPart(upload, 1, 'parts')]);
      sameInstant((await ctx.store.getRetention(bucket, ctx.key('mp'), { versionId: done.versionId }))?.retainUntil, until, 'retainUntil');
      await rejects(ctx.store.delete(bucket, ctx.key('mp'), { versionId: done.versionId }), 'ObjectLocked', 'delete of the completed version');
    },
  },
  'copy-with-retention': {
    title: 'a retention given on a copy is on the new version',
    requires: ['objectLock.governance', 'copy'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      await ctx.put(bucket, ctx.key('src'), 'x');
      const until = ctx.retainUntil(HOUR);
      const copied = await ctx.store.copy({ bucket, key: ctx.key('src') }, { bucket, key: ctx.key('dst') }, { retention: { mode: 'GOVERNANCE', retainUntil: until } });
      sameInstant((await ctx.store.getRetention(bucket, ctx.key('dst'), { versionId: copied.versionId }))?.retainUntil, until, 'retainUntil of the copy');
    },
  },
  'past-date-rejected-before-io': {
    title: 'a retain-until date in the past (or invalid) is rejected before any request',
    requires: ['objectLock.governance'],
    async run(ctx) {
      const bucket = await ctx.lockBucket();
      const past = new Date(ctx.clock.now().getTime() - 1000);
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('p'), 'x', { retention: { mode: 'GOVERNANCE', retainUntil: past } }), 'a date in the past');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('p'), 'x', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(NaN) } }), 'an invalid date');
      await ctx.rejectedBeforeIo((s) => s.put(bucket, ctx.key('p'), 'x', { retention: { mode: 'FOREVER' as 'GOVERNANCE', retainUntil: ctx.retainUntil(60) } }), 'an unknown mode');
    },
  },
});
