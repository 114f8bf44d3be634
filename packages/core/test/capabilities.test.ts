import { describe, expect, it } from 'vitest';
import { hasCapability, refineCapabilities, s3Capabilities } from '../src/index.js';

describe('hasCapability', () => {
  const caps = refineCapabilities(s3Capabilities(), { maxObjectSize: 25_000_000, objectLock: null, checksums: [] });

  it('reads booleans, records, numbers and lists by dotted path', () => {
    expect(hasCapability(caps, 'copy')).toBe(true);
    expect(hasCapability(caps, 'objectLock')).toBe(false);
    expect(hasCapability(caps, 'objectLock.compliance')).toBe(false);
    expect(hasCapability(caps, 'listing.startAfter')).toBe(true);
    expect(hasCapability(caps, 'maxObjectSize')).toBe(true);
    expect(hasCapability(caps, 'checksums')).toBe(false);
    expect(hasCapability(caps, 'no.such.path')).toBe(false);
  });

  it('asks a numeric capability for a minimum with ">="', () => {
    expect(hasCapability(caps, 'maxObjectSize>=25000000')).toBe(true);
    expect(hasCapability(caps, 'maxObjectSize>=67108864')).toBe(false);
    expect(hasCapability(s3Capabilities(), 'maxObjectSize>=67108864')).toBe(true);
    expect(hasCapability(caps, 'listing.maxPageSize>=1000')).toBe(true);
    expect(hasCapability(caps, 'listing.maxPageSize>=1001')).toBe(false);
    // Only numbers compare: a record or a boolean never meets a minimum.
    expect(hasCapability(caps, 'listing>=1')).toBe(false);
    expect(hasCapability(caps, 'copy>=1')).toBe(false);
  });
});
