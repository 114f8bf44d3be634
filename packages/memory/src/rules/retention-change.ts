import type { Retention } from '@stowage/core';
import { retentionInForce } from './retention-in-force.js';
import type { LockViolation } from './types.js';

export interface RetentionChangeContext {
  /** The version's retention now, if any. */
  current: Retention | undefined;
  /** The retention asked for; `null` removes it. */
  next: Retention | null;
  now: Date;
  bypassGovernanceRetention: boolean;
}

/**
 * May a version's retention be replaced by `next`? S3's rules for a retention in force:
 * - COMPLIANCE can only be kept or extended: never shortened, removed, or
 *   changed to GOVERNANCE, bypass or not;
 * - GOVERNANCE can be extended freely; shortening it, removing it or changing
 *   its mode to COMPLIANCE needs the bypass flag (what AWS answers, and Ceph RGW
 *   and MinIO with it: a mode change is an alteration of the lock settings).
 * A retention that has expired protects nothing, so anything may replace it.
 */
export function retentionChange(ctx: RetentionChangeContext): LockViolation | null {
  const current = ctx.current;
  if (!retentionInForce(current, ctx.now)) return null;
  const until = current.retainUntil.toISOString();
  const next = ctx.next;
  if (current.mode === 'COMPLIANCE') {
    if (next === null) return { reason: 'compliance', message: `A COMPLIANCE retention (until ${until}) cannot be removed, bypass or not` };
    if (next.mode !== 'COMPLIANCE') return { reason: 'compliance', message: `A COMPLIANCE retention (until ${until}) cannot be changed to GOVERNANCE, bypass or not` };
    if (next.retainUntil.getTime() < current.retainUntil.getTime()) {
      return { reason: 'compliance', message: `A COMPLIANCE retention (until ${until}) can only be extended, never shortened, bypass or not` };
    }
    return null;
  }
  if (ctx.bypassGovernanceRetention) return null;
  if (next === null) return { reason: 'retention', message: `Removing a GOVERNANCE retention (until ${until}) needs bypassGovernanceRetention` };
  if (next.mode !== 'GOVERNANCE') {
    return { reason: 'retention', message: `Changing a GOVERNANCE retention (until ${until}) to ${next.mode} needs bypassGovernanceRetention` };
  }
  if (next.retainUntil.getTime() < current.retainUntil.getTime()) {
    return { reason: 'retention', message: `Shortening a GOVERNANCE retention (until ${until}) needs bypassGovernanceRetention` };
  }
  return null;
}
