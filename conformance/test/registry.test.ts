import { describe, expect, it } from 'vitest';
import { ALL_CASES, GROUPS } from '../src/runner-entry.js';
import { checkCompliance, ComplianceGuardError } from '../src/guard.js';

/** The floor per group: the suite may grow, never shrink below it. */
const MINIMUM: Record<(typeof GROUPS)[number], number> = {
  bucket: 8,
  object: 15,
  range: 10,
  metadata: 10,
  key: 15,
  list: 25,
  copy: 8,
  'batch-delete': 6,
  conditional: 8,
  presign: 6,
  multipart: 12,
  checksum: 2,
  versioning: 10,
  lock: 25,
  errors: 10,
  concurrency: 4,
};

describe('the case registry', () => {
  it('has at least 150 cases, and the minimum per group', () => {
    expect(ALL_CASES.length).toBeGreaterThanOrEqual(150);
    for (const g of GROUPS) expect(ALL_CASES.filter((c) => c.group === g).length, g).toBeGreaterThanOrEqual(MINIMUM[g]);
  });

  it('has stable, unique group.case ids in group order', () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of ALL_CASES) expect(c.id).toMatch(new RegExp(`^${c.group.replace('-', '\\-')}\\.[a-z0-9][a-z0-9.-]*$`));
    const order = ALL_CASES.map((c) => GROUPS.indexOf(c.group));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('only requires capability paths that exist', () => {
    const known = new Set(['managedBuckets', 'bucketRegion', 'versioning', 'versioningSuspend', 'objectLock', 'objectLock.governance', 'objectLock.compliance', 'objectLock.legalHold', 'objectLock.defaultRetention', 'objectLock.removeRetention', 'multipart', 'multipart.listPartsPagination', 'multipart.completeSubset', 'multipart.listUploadsPrefix', 'multipart.copyPart', 'storedChecksums', 'listing.keyAlsoPrefix', 'listing.exactEnd', 'suspendedDeleteMarkerReported', 'presign.get', 'presign.put', 'conditionalWrite.ifMatch', 'conditionalWrite.ifNoneMatch', 'conditionalRead', 'conditionalCopy', 'suffixRange', 'userMetadata', 'contentHeaders.cacheControl', 'contentHeaders.contentDisposition', 'contentHeaders.contentEncoding', 'copy', 'listing.anyDelimiter', 'listing.startAfter', 'listVersions', 'maxObjectSize>=67108864']);
    for (const c of ALL_CASES) for (const r of c.requires) expect(known.has(r), `${c.id} requires ${r}`).toBe(true);
  });
});

describe('the COMPLIANCE guard', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);

  it('lets GOVERNANCE and COMPLIANCE up to 30 s through', () => {
    expect(() => checkCompliance({ mode: 'GOVERNANCE', retainUntil: at(86_400 * 365) }, now, true)).not.toThrow();
    expect(() => checkCompliance({ mode: 'COMPLIANCE', retainUntil: at(30) }, now, true)).not.toThrow();
  });

  it('refuses COMPLIANCE over 30 s ahead, and any COMPLIANCE when not allowed', () => {
    expect(() => checkCompliance({ mode: 'COMPLIANCE', retainUntil: at(30.001) }, now, true)).toThrow(ComplianceGuardError);
    expect(() => checkCompliance({ mode: 'COMPLIANCE', retainUntil: at(5) }, now, false)).toThrow(ComplianceGuardError);
  });
});
