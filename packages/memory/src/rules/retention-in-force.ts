import type { Retention } from '@stowage/core';

/** A retention protects its version until `retainUntil`; at and after that instant it no longer does. */
export function retentionInForce(retention: Retention | undefined, now: Date): retention is Retention {
  return retention !== undefined && retention.retainUntil.getTime() > now.getTime();
}
