import { describe, expect, it } from 'vitest';
import type { Retention } from '@stowage/core';
import {
  conditionalRead,
  conditionalWrite,
  copyMetadata,
  defaultRules,
  partSizes,
  putAllowed,
  retentionChange,
  versionDeleteLock,
  type MemoryRules,
} from '../src/index.js';
import { DAY, setup, T0 } from './helpers.js';

const now = T0;
const future = new Date(T0.getTime() + DAY);
const later = new Date(T0.getTime() + 2 * DAY);
const past = new Date(T0.getTime() - 1);
const G = (d: Date): Retention => ({ mode: 'GOVERNANCE', retainUntil: d });
const C = (d: Date): Retention => ({ mode: 'COMPLIANCE', retainUntil: d });

describe('the rules as pure functions', () => {
  it('versionDeleteLock', () => {
    const check = (version: Parameters<typeof versionDeleteLock>[0]['version'], bypass: boolean) =>
      versionDeleteLock({ version, now, bypassGovernanceRetention: bypass })?.reason ?? null;
    expect(check({}, false)).toBeNull();
    expect(check({ retention: G(future) }, false)).toBe('retention');
    expect(check({ retention: G(future) }, true)).toBeNull();
    expect(check({ retention: C(future) }, true)).toBe('compliance');
    expect(check({ retention: C(past) }, false)).toBeNull();
    expect(check({ retention: G(now) }, false)).toBeNull();
    expect(check({ legalHold: true }, true)).toBe('legal-hold');
    expect(check({ legalHold: false, retention: G(future) }, true)).toBeNull();
  });

  it('retentionChange', () => {
    const check = (current: Retention | undefined, next: Retention | null, bypass = false) =>
      retentionChange({ current, next, now, bypassGovernanceRetention: bypass })?.reason ?? null;
    expect(check(undefined, null)).toBeNull();
    expect(check(G(future), G(later))).toBeNull();
    expect(check(G(later), G(future))).toBe('retention');
    expect(check(G(later), G(future), true)).toBeNull();
    expect(check(G(future), null)).toBe('retention');
    expect(check(G(future), null, true)).toBeNull();
    expect(check(G(future), C(future))).toBe('retention');
    expect(check(G(future), C(future), true)).toBeNull();
    expect(check(C(future), C(later))).toBeNull();
    expect(check(C(future), C(future))).toBeNull();
    expect(check(C(later), C(future), true)).toBe('compliance');
    expect(check(C(future), null, true)).toBe('compliance');
    expect(check(C(future), G(later), true)).toBe('compliance');
    expect(check(C(past), G(future))).toBeNull();
  });

  it('putAllowed: only an in-place overwrite of a locked null version is refused', () => {
    expect(putAllowed({ current: { retention: C(future), legalHold: true }, replaces: undefined, now })).toBeNull();
    expect(putAllowed({ current: undefined, replaces: { retention: G(future) }, now })?.reason).toBe('retention');
    expect(putAllowed({ current: undefined, replaces: { legalHold: true }, now })?.reason).toBe('legal-hold');
    expect(putAllowed({ current: undefined, replaces: { retention: G(past) }, now })).toBeNull();
  });

  it('partSizes', () => {
    const parts = (...sizes: number[]) => sizes.map((size, i) => ({ partNumber: i + 1, size }));
    expect(partSizes({ parts: parts(5, 5, 1), minPartSize: 5 })).toBeNull();
    expect(partSizes({ parts: parts(1), minPartSize: 5 })).toBeNull();
    expect(partSizes({ parts: parts(5, 4, 5), minPartSize: 5 })?.index).toBe(1);
  });

  it('conditionalWrite', () => {
    expect(conditionalWrite({ current: undefined, ifNoneMatch: '*' })).toBeNull();
    expect(conditionalWrite({ current: { etag: '"a"' }, ifNoneMatch: '*' })?.error).toBe('PreconditionFailed');
    expect(conditionalWrite({ current: undefined, ifMatch: '"a"' })?.error).toBe('NoSuchKey');
    expect(conditionalWrite({ current: { etag: '"a"' }, ifMatch: 'a' })).toBeNull();
    expect(conditionalWrite({ current: { etag: '"a"' }, ifMatch: '"b"' })?.error).toBe('PreconditionFailed');
  });

  it('conditionalRead', () => {
    const object = { etag: '"e"', lastModified: T0 };
    expect(conditionalRead({ object, conditions: { ifNoneMatch: '"e"' }, operation: 'read' })?.error).toBe('NotModified');
    expect(conditionalRead({ object, conditions: { ifNoneMatch: '"e"' }, operation: 'copy' })?.error).toBe('PreconditionFailed');
    expect(conditionalRead({ object, conditions: { ifMatch: '"e"', ifUnmodifiedSince: past }, operation: 'read' })).toBeNull();
  });

  it('copyMetadata', () => {
    const source = { metadata: { a: '1' }, headers: { contentType: 'text/plain' } };
    const request = { metadata: { b: '2' }, headers: { cacheControl: 'no-cache' } };
    expect(copyMetadata({ directive: 'copy', source, request })).toEqual(source);
    expect(copyMetadata({ directive: 'replace', source, request })).toEqual(request);
    const out = copyMetadata({ directive: 'copy', source, request });
    out.metadata.a = 'changed';
    expect(source.metadata.a).toBe('1');
  });
});

describe('substituting a rule changes the store (what the conformance mutants rely on)', () => {
  async function lockedWith(rules: Partial<MemoryRules>) {
    const ctx = setup({ rules });
    await ctx.store.createBucket('locked', { objectLock: true });
    return ctx;
  }

  it('versionDeleteLock: "governance bypass ignored"', async () => {
    const { store } = await lockedWith({ versionDeleteLock: (ctx) => defaultRules.versionDeleteLock({ ...ctx, bypassGovernanceRetention: false }) });
    const { versionId } = await store.put('locked', 'k', 'x', { retention: G(future) });
    await expect(store.delete('locked', 'k', { versionId, bypassGovernanceRetention: true })).rejects.toMatchObject({ code: 'ObjectLocked' });
  });

  it('versionDeleteLock: "legal hold ignored"', async () => {
    const { store } = await lockedWith({ versionDeleteLock: (ctx) => defaultRules.versionDeleteLock({ ...ctx, version: { ...ctx.version, legalHold: false } }) });
    const { versionId } = await store.put('locked', 'k', 'x', { legalHold: true });
    await expect(store.delete('locked', 'k', { versionId })).resolves.toEqual({ versionId });
  });

  it('retentionChange: "COMPLIANCE shortenable"', async () => {
    const { store } = await lockedWith({ retentionChange: () => null });
    const { versionId } = await store.put('locked', 'k', 'x', { retention: C(later) });
    await store.setRetention('locked', 'k', C(future), { versionId });
    expect(await store.getRetention('locked', 'k', { versionId })).toEqual(C(future));
  });

  it('putAllowed: "a PUT on a locked key refused"', async () => {
    const { store } = await lockedWith({
      putAllowed: (ctx) => (ctx.current?.retention ? { reason: 'retention', message: 'mutant' } : defaultRules.putAllowed(ctx)),
    });
    await store.put('locked', 'k', 'x', { retention: G(future) });
    await expect(store.put('locked', 'k', 'y')).rejects.toMatchObject({ code: 'ObjectLocked' });
  });

  it('partSizes: "multipart accepting a too-small middle part"', async () => {
    const { store } = setup({ rules: { partSizes: () => null } });
    await store.createBucket('bkt');
    const upload = await store.createMultipartUpload('bkt', 'k');
    const parts = [await store.uploadPart(upload, 1, 'a'), await store.uploadPart(upload, 2, 'b')];
    await store.completeMultipartUpload(upload, parts);
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('ab');
  });

  it('conditionalWrite: "conditional put ignored"', async () => {
    const { store } = setup({ rules: { conditionalWrite: () => null } });
    await store.createBucket('bkt');
    await store.put('bkt', 'k', 'one');
    await store.put('bkt', 'k', 'two', { ifNoneMatch: '*' });
    expect(await (await store.get('bkt', 'k')).body.text()).toBe('two');
  });

  it('copyMetadata: "metadata value altered on copy"', async () => {
    const { store } = setup({
      rules: { copyMetadata: (ctx) => { const out = defaultRules.copyMetadata(ctx); return { ...out, metadata: { ...out.metadata, m: 'altered' } }; } },
    });
    await store.createBucket('bkt');
    await store.put('bkt', 'a', 'x', { metadata: { m: 'original' } });
    await store.copy({ bucket: 'bkt', key: 'a' }, { bucket: 'bkt', key: 'b' });
    expect((await store.head('bkt', 'b')).metadata).toEqual({ m: 'altered' });
  });

  it('the default rules are frozen and shared by every store', () => {
    expect(Object.isFrozen(defaultRules)).toBe(true);
    expect(Object.keys(defaultRules).sort()).toEqual(['conditionalRead', 'conditionalWrite', 'copyMetadata', 'partSizes', 'putAllowed', 'retentionChange', 'versionDeleteLock']);
  });
});
