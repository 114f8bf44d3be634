/**
 * Legal hold and retention, the records-management workflow: a bucket with
 * object lock, a contract kept under retention, a legal hold when litigation
 * starts, the refusals the lock guarantees, the hold released and the
 * retention extended. GOVERNANCE where the backend has it (IBM Cloud has
 * COMPLIANCE only: then a retention of a few seconds, waited out).
 *
 *   pnpm --filter examples legal-hold-retention [store-url]
 */
import { isStowageError, type ObjectLockedError, type RetentionMode } from '@stowage/core';
import { describeUrl, openFromConfig } from './lib/open.js';

const { store, url } = await openFromConfig(process.argv[2]);
const lock = store.capabilities.objectLock;
if (!lock || !store.capabilities.managedBuckets) {
  console.log(`${describeUrl(url)}: this backend has no object lock (capabilities.objectLock is null): nothing to show`);
  process.exit(0);
}
const mode: RetentionMode = lock.governance ? 'GOVERNANCE' : 'COMPLIANCE';
const bucket = `records-${Date.now().toString(36)}`;
await store.createBucket(bucket, { objectLock: true });
console.log(`bucket ${bucket} with object lock on ${describeUrl(url)}; retention mode ${mode}`);

const keepMs = mode === 'GOVERNANCE' ? 3600_000 : 4000;
const retainUntil = new Date(store.now().getTime() + keepMs);
const { versionId } = await store.put(bucket, 'contracts/2025-001.pdf', 'signed contract', { retention: { mode, retainUntil } });
console.log(`stored contracts/2025-001.pdf version ${versionId}, retained until ${retainUntil.toISOString()}`);

const tryDelete = async (label: string, bypass: boolean) => {
  try {
    await store.delete(bucket, 'contracts/2025-001.pdf', { versionId, bypassGovernanceRetention: bypass || undefined });
    console.log(`${label}: deleted`);
    return true;
  } catch (e) {
    if (!isStowageError(e, 'ObjectLocked')) throw e;
    console.log(`${label}: refused — ${e.code}, reason ${(e as ObjectLockedError).reason}`);
    return false;
  }
};

if (await tryDelete('delete the retained version', false)) throw new Error('a retained version was deleted');
if (lock.legalHold) {
  await store.setLegalHold(bucket, 'contracts/2025-001.pdf', true, { versionId });
  console.log(`legal hold on: ${await store.getLegalHold(bucket, 'contracts/2025-001.pdf', { versionId })}`);
  if (await tryDelete('delete under legal hold, even with the governance bypass', true)) throw new Error('a held version was deleted');
  await store.setLegalHold(bucket, 'contracts/2025-001.pdf', false, { versionId });
  console.log('legal hold released');
}
const extended = new Date(retainUntil.getTime() + (mode === 'GOVERNANCE' ? 86_400_000 : 1000));
await store.setRetention(bucket, 'contracts/2025-001.pdf', { mode, retainUntil: extended }, { versionId });
console.log(`retention extended to ${(await store.getRetention(bucket, 'contracts/2025-001.pdf', { versionId }))?.retainUntil.toISOString()}`);

if (mode === 'GOVERNANCE') {
  await tryDelete('delete with the governance bypass (an administrator)', true);
} else {
  const wait = extended.getTime() - store.now().getTime() + 1500;
  console.log(`COMPLIANCE cannot be bypassed: waiting ${(wait / 1000).toFixed(1)} s for the retention to end`);
  await new Promise((r) => setTimeout(r, wait));
  await tryDelete('delete after the retention ended', false);
}
for await (const v of store.listVersions(bucket)) await store.delete(bucket, v.key, { versionId: v.versionId, bypassGovernanceRetention: true });
await store.deleteBucket(bucket);
await store.close();
