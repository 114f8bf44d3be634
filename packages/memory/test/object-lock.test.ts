import { describe, expect, it } from 'vitest';
import { DAY, setup, T0 } from './helpers.js';

const until = (days: number) => new Date(T0.getTime() + days * DAY);
const governance = (days: number) => ({ mode: 'GOVERNANCE' as const, retainUntil: until(days) });
const compliance = (days: number) => ({ mode: 'COMPLIANCE' as const, retainUntil: until(days) });

async function lockedBucket() {
  const ctx = setup();
  await ctx.store.createBucket('locked', { objectLock: true });
  return ctx;
}

describe('object lock: GOVERNANCE', () => {
  it('a PUT on a locked key succeeds and adds a version; the locked version stays readable', async () => {
    const { store } = await lockedBucket();
    const v1 = await store.put('locked', 'k', 'one', { retention: governance(10) });
    const v2 = await store.put('locked', 'k', 'two');
    expect(v2.versionId).toBeDefined();
    expect(v2.versionId).not.toBe(v1.versionId);
    expect(await (await store.get('locked', 'k')).body.text()).toBe('two');
    expect(await (await store.get('locked', 'k', { versionId: v1.versionId })).body.text()).toBe('one');
    const versions = [];
    for await (const v of store.listVersions('locked')) versions.push(v.versionId);
    expect(versions).toEqual([v2.versionId, v1.versionId]);
  });

  it('a plain DELETE adds a delete marker and leaves the locked version in place', async () => {
    const { store } = await lockedBucket();
    const v1 = await store.put('locked', 'k', 'one', { retention: governance(10) });
    const del = await store.delete('locked', 'k');
    expect(del.deleteMarker).toBe(true);
    expect(del.versionId).toBeDefined();
    await expect(store.head('locked', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    expect((await store.head('locked', 'k', { versionId: v1.versionId })).size).toBe(3);
  });

  it('deleting the locked version fails; with the bypass flag it succeeds', async () => {
    const { store } = await lockedBucket();
    const v1 = await store.put('locked', 'k', 'one', { retention: governance(10) });
    await expect(store.delete('locked', 'k', { versionId: v1.versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'retention', provider: 'memory' });
    expect((await store.head('locked', 'k', { versionId: v1.versionId })).etag).toBeDefined();
    await expect(store.delete('locked', 'k', { versionId: v1.versionId, bypassGovernanceRetention: true })).resolves.toEqual({ versionId: v1.versionId });
    await expect(store.head('locked', 'k', { versionId: v1.versionId })).rejects.toMatchObject({ code: 'VersionNotFound' });
  });

  it('shortening needs the bypass flag; extending does not', async () => {
    const { store } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: governance(10) });
    await expect(store.setRetention('locked', 'k', governance(5), { versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'retention' });
    expect((await store.getRetention('locked', 'k', { versionId }))?.retainUntil).toEqual(until(10));
    await store.setRetention('locked', 'k', governance(20), { versionId });
    expect((await store.getRetention('locked', 'k', { versionId }))?.retainUntil).toEqual(until(20));
    await store.setRetention('locked', 'k', governance(5), { versionId, bypassGovernanceRetention: true });
    expect((await store.getRetention('locked', 'k', { versionId }))?.retainUntil).toEqual(until(5));
  });

  it('removing the retention needs the bypass flag', async () => {
    const { store } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: governance(10) });
    await expect(store.setRetention('locked', 'k', null, { versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'retention' });
    await store.setRetention('locked', 'k', null, { versionId, bypassGovernanceRetention: true });
    expect(await store.getRetention('locked', 'k', { versionId })).toBeUndefined();
    // nothing protects it now
    await store.delete('locked', 'k', { versionId });
  });

  it('can be raised to COMPLIANCE only with bypass (a mode change alters the lock)', async () => {
    const { store } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: governance(10) });
    await expect(store.setRetention('locked', 'k', compliance(10), { versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'retention' });
    expect((await store.getRetention('locked', 'k', { versionId }))?.mode).toBe('GOVERNANCE');
    await store.setRetention('locked', 'k', compliance(10), { versionId, bypassGovernanceRetention: true });
    expect(await store.getRetention('locked', 'k', { versionId })).toEqual(compliance(10));
    await expect(store.delete('locked', 'k', { versionId, bypassGovernanceRetention: true })).rejects.toMatchObject({ reason: 'compliance' });
  });

  it('expires with the clock: no sleeping, the version becomes deletable', async () => {
    const { store, clock } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: governance(10) });
    clock.advance(10 * DAY - 1);
    await expect(store.delete('locked', 'k', { versionId })).rejects.toMatchObject({ code: 'ObjectLocked' });
    clock.advance(1);
    await expect(store.delete('locked', 'k', { versionId })).resolves.toEqual({ versionId });
  });
});

describe('object lock: COMPLIANCE', () => {
  it('blocks deleting the version, bypass or not, until it expires', async () => {
    const { store, clock } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: compliance(3) });
    await expect(store.delete('locked', 'k', { versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'compliance' });
    await expect(store.delete('locked', 'k', { versionId, bypassGovernanceRetention: true })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'compliance' });
    clock.advance(3 * DAY);
    await expect(store.delete('locked', 'k', { versionId })).resolves.toEqual({ versionId });
  });

  it('still lets a PUT add a version and a plain DELETE add a marker', async () => {
    const { store } = await lockedBucket();
    await store.put('locked', 'k', 'one', { retention: compliance(3) });
    await expect(store.put('locked', 'k', 'two')).resolves.toMatchObject({ versionId: expect.any(String) });
    await expect(store.delete('locked', 'k')).resolves.toMatchObject({ deleteMarker: true });
  });

  it('can only be extended: never shortened, removed, or changed to GOVERNANCE, bypass or not', async () => {
    const { store } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: compliance(10) });
    for (const bypassGovernanceRetention of [false, true]) {
      await expect(store.setRetention('locked', 'k', compliance(5), { versionId, bypassGovernanceRetention })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'compliance' });
      await expect(store.setRetention('locked', 'k', null, { versionId, bypassGovernanceRetention })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'compliance' });
      // COMPLIANCE → GOVERNANCE fails even when it would extend the date
      await expect(store.setRetention('locked', 'k', governance(30), { versionId, bypassGovernanceRetention })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'compliance' });
    }
    expect(await store.getRetention('locked', 'k', { versionId })).toEqual(compliance(10));
    await store.setRetention('locked', 'k', compliance(30), { versionId });
    expect(await store.getRetention('locked', 'k', { versionId })).toEqual(compliance(30));
  });

  it('once expired, may be replaced by anything', async () => {
    const { store, clock } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: compliance(1) });
    clock.advance(2 * DAY);
    await store.setRetention('locked', 'k', governance(5), { versionId });
    expect((await store.getRetention('locked', 'k', { versionId }))?.mode).toBe('GOVERNANCE');
  });
});

describe('object lock: legal hold', () => {
  it('blocks deleting the version until removed, bypass or not; a plain DELETE still adds a marker', async () => {
    const { store } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { legalHold: true });
    expect(await store.getLegalHold('locked', 'k', { versionId })).toBe(true);
    await expect(store.delete('locked', 'k', { versionId })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'legal-hold' });
    await expect(store.delete('locked', 'k', { versionId, bypassGovernanceRetention: true })).rejects.toMatchObject({ code: 'ObjectLocked', reason: 'legal-hold' });
    await expect(store.delete('locked', 'k')).resolves.toMatchObject({ deleteMarker: true });
    await store.setLegalHold('locked', 'k', false, { versionId });
    expect(await store.getLegalHold('locked', 'k', { versionId })).toBe(false);
    await expect(store.delete('locked', 'k', { versionId })).resolves.toEqual({ versionId });
  });

  it('blocks even when the retention has expired, and adds to an active retention', async () => {
    const { store, clock } = await lockedBucket();
    const { versionId } = await store.put('locked', 'k', 'one', { retention: governance(1) });
    await store.setLegalHold('locked', 'k', true, { versionId });
    await expect(store.delete('locked', 'k', { versionId, bypassGovernanceRetention: true })).rejects.toMatchObject({ reason: 'legal-hold' });
    clock.advance(2 * DAY);
    await expect(store.delete('locked', 'k', { versionId })).rejects.toMatchObject({ reason: 'legal-hold' });
  });

  it('is per version: holding one version does not hold the next', async () => {
    const { store } = await lockedBucket();
    const held = await store.put('locked', 'k', 'one', { legalHold: true });
    const free = await store.put('locked', 'k', 'two');
    expect(await store.getLegalHold('locked', 'k')).toBe(false);
    await store.delete('locked', 'k', { versionId: free.versionId });
    await expect(store.delete('locked', 'k', { versionId: held.versionId })).rejects.toMatchObject({ reason: 'legal-hold' });
  });

  it('is reported on head', async () => {
    const { store } = await lockedBucket();
    await store.put('locked', 'k', 'one', { legalHold: true, retention: governance(2) });
    expect(await store.head('locked', 'k')).toMatchObject({ legalHold: true, retention: governance(2) });
  });
});

describe('object lock: the bucket', () => {
  it('a lock-enabled bucket is versioned and cannot suspend versioning', async () => {
    const { store } = await lockedBucket();
    expect(await store.getVersioning('locked')).toBe('Enabled');
    await expect(store.setVersioning('locked', 'Suspended')).rejects.toMatchObject({ code: 'InvalidArgument', field: 'state' });
    expect(await store.getVersioning('locked')).toBe('Enabled');
    await store.setVersioning('locked', 'Enabled');
    expect(await store.getObjectLockConfiguration('locked')).toEqual({ enabled: true });
  });

  it('suspending versioning fails on a lock bucket holding a GOVERNANCE-locked version', async () => {
    const { store } = await lockedBucket();
    await store.put('locked', 'k', 'one', { retention: governance(10) });
    await expect(store.setVersioning('locked', 'Suspended')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('applies the default retention (days) to each new version, not to older ones', async () => {
    const { store, clock } = await lockedBucket();
    const before = await store.put('locked', 'a', 'x');
    await store.setDefaultRetention('locked', { mode: 'GOVERNANCE', days: 2 });
    expect(await store.getObjectLockConfiguration('locked')).toEqual({ enabled: true, defaultRetention: { mode: 'GOVERNANCE', days: 2 } });
    clock.advance(1000);
    const after = await store.put('locked', 'a', 'y');
    expect(await store.getRetention('locked', 'a', { versionId: before.versionId })).toBeUndefined();
    expect(await store.getRetention('locked', 'a', { versionId: after.versionId })).toEqual({ mode: 'GOVERNANCE', retainUntil: new Date(T0.getTime() + 1000 + 2 * DAY) });
    await expect(store.delete('locked', 'a', { versionId: after.versionId })).rejects.toMatchObject({ reason: 'retention' });
    // an explicit retention wins over the default
    const explicit = await store.put('locked', 'b', 'z', { retention: compliance(9) });
    expect(await store.getRetention('locked', 'b', { versionId: explicit.versionId })).toEqual(compliance(9));
    // a delete marker has no retention and the default does not make one
    await store.delete('locked', 'b');
  });

  it('applies a default retention in years (calendar years, UTC)', async () => {
    const { store } = await lockedBucket();
    await store.setDefaultRetention('locked', { mode: 'COMPLIANCE', years: 1 });
    const { versionId } = await store.put('locked', 'k', 'x');
    expect(await store.getRetention('locked', 'k', { versionId })).toEqual({ mode: 'COMPLIANCE', retainUntil: new Date('2031-01-01T00:00:00Z') });
    await store.setDefaultRetention('locked', undefined);
    expect(await store.getObjectLockConfiguration('locked')).toEqual({ enabled: true });
    const next = await store.put('locked', 'k', 'y');
    expect(await store.getRetention('locked', 'k', { versionId: next.versionId })).toBeUndefined();
  });

  it('applies the default retention to copies and multipart uploads too', async () => {
    const { store } = await lockedBucket();
    await store.setDefaultRetention('locked', { mode: 'GOVERNANCE', days: 1 });
    await store.put('locked', 'src', 'x');
    const copy = await store.copy({ bucket: 'locked', key: 'src' }, { bucket: 'locked', key: 'dst' });
    expect((await store.getRetention('locked', 'dst', { versionId: copy.versionId }))?.mode).toBe('GOVERNANCE');
    const upload = await store.createMultipartUpload('locked', 'mp');
    const part = await store.uploadPart(upload, 1, 'abc');
    const done = await store.completeMultipartUpload(upload, [part]);
    expect((await store.getRetention('locked', 'mp', { versionId: done.versionId }))?.mode).toBe('GOVERNANCE');
  });

  it('refuses retention and legal holds on a bucket without object lock', async () => {
    const { store } = setup();
    await store.createBucket('plain');
    await store.setVersioning('plain', 'Enabled');
    await expect(store.put('plain', 'k', 'x', { retention: governance(1) })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'retention' });
    await expect(store.put('plain', 'k', 'x', { legalHold: true })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'legalHold' });
    await expect(store.head('plain', 'k')).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await store.put('plain', 'k', 'x');
    await expect(store.setRetention('plain', 'k', governance(1))).rejects.toMatchObject({ code: 'InvalidArgument', field: 'retention' });
    await expect(store.getRetention('plain', 'k')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(store.setLegalHold('plain', 'k', true)).rejects.toMatchObject({ code: 'InvalidArgument', field: 'legalHold' });
    await expect(store.setDefaultRetention('plain', { mode: 'GOVERNANCE', days: 1 })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(store.createMultipartUpload('plain', 'k', { retention: governance(1) })).rejects.toMatchObject({ field: 'retention' });
    await expect(store.copy({ bucket: 'plain', key: 'k' }, { bucket: 'plain', key: 'k2' }, { legalHold: true })).rejects.toMatchObject({ field: 'legalHold' });
    expect(await store.getObjectLockConfiguration('plain')).toEqual({ enabled: false });
  });

  it('retention and legal hold of a delete marker are refused; of a missing key, not found', async () => {
    const { store } = await lockedBucket();
    await store.put('locked', 'k', 'x');
    const marker = await store.delete('locked', 'k');
    await expect(store.setRetention('locked', 'k', governance(1), { versionId: marker.versionId })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'versionId' });
    await expect(store.setLegalHold('locked', 'k', true)).rejects.toMatchObject({ code: 'ObjectNotFound' });
    await expect(store.getRetention('locked', 'nope')).rejects.toMatchObject({ code: 'ObjectNotFound' });
  });

  it('applies to the current version when no version id is given', async () => {
    const { store } = await lockedBucket();
    const v1 = await store.put('locked', 'k', 'x');
    await store.setRetention('locked', 'k', governance(3));
    expect(await store.getRetention('locked', 'k', { versionId: v1.versionId })).toEqual(governance(3));
    await store.setLegalHold('locked', 'k', true);
    expect(await store.getLegalHold('locked', 'k', { versionId: v1.versionId })).toBe(true);
  });

  it('deleteMany honours locks per entry and the bypass flag', async () => {
    const { store } = await lockedBucket();
    const g = await store.put('locked', 'g', 'x', { retention: governance(3) });
    const c = await store.put('locked', 'c', 'x', { retention: compliance(3) });
    const h = await store.put('locked', 'h', 'x', { legalHold: true });
    const f = await store.put('locked', 'f', 'x');
    const entries = [
      { key: 'g', versionId: g.versionId },
      { key: 'c', versionId: c.versionId },
      { key: 'h', versionId: h.versionId },
      { key: 'f', versionId: f.versionId },
    ];
    const plain = await store.deleteMany('locked', entries);
    expect(plain.map((r) => (r.deleted ? 'deleted' : (r.error as { reason?: string }).reason))).toEqual(['retention', 'compliance', 'legal-hold', 'deleted']);
    const bypass = await store.deleteMany('locked', entries, { bypassGovernanceRetention: true });
    expect(bypass.map((r) => (r.deleted ? 'deleted' : (r.error as { reason?: string }).reason))).toEqual(['deleted', 'compliance', 'legal-hold', 'deleted']);
    const markers = await store.deleteMany('locked', ['c', 'h']);
    expect(markers.every((r) => r.deleted && r.deleteMarker === true && typeof r.deleteMarkerVersionId === 'string')).toBe(true);
  });

  it("a copy does not carry the source version's lock to the target", async () => {
    const { store } = await lockedBucket();
    await store.createBucket('plain');
    await store.put('locked', 'src', 'x', { retention: compliance(5), legalHold: true });
    await store.copy({ bucket: 'locked', key: 'src' }, { bucket: 'plain', key: 'dst' });
    const info = await store.head('plain', 'dst');
    expect(info.retention).toBeUndefined();
    expect(info.legalHold).toBeUndefined();
    await store.delete('plain', 'dst');
    const inside = await store.copy({ bucket: 'locked', key: 'src' }, { bucket: 'locked', key: 'dst' });
    expect(await store.getRetention('locked', 'dst', { versionId: inside.versionId })).toBeUndefined();
    expect(await store.getLegalHold('locked', 'dst', { versionId: inside.versionId })).toBe(false);
  });
});
