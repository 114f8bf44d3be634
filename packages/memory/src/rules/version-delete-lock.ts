import { retentionInForce } from './retention-in-force.js';
import type { LockViolation, VersionLockState } from './types.js';

export interface VersionDeleteContext {
  /** The version a delete with a version id (or a null-version overwrite) would remove. */
  version: VersionLockState;
  now: Date;
  bypassGovernanceRetention: boolean;
}

/**
 * May this specific version be deleted? S3's object lock:
 * - a legal hold blocks it until the hold is removed, bypass or not;
 * - a COMPLIANCE retention in force blocks it, bypass or not;
 * - a GOVERNANCE retention in force blocks it unless the caller bypasses governance;
 * - an expired retention protects nothing.
 * (A delete without a version id removes no version: it adds a delete marker and is never checked here.)
 */
export function versionDeleteLock(ctx: VersionDeleteContext): LockViolation | null {
  if (ctx.version.legalHold === true) {
    return { reason: 'legal-hold', message: 'The version is under a legal hold: remove the hold before deleting it' };
  }
  const retention = ctx.version.retention;
  if (retentionInForce(retention, ctx.now)) {
    const until = retention.retainUntil.toISOString();
    if (retention.mode === 'COMPLIANCE') {
      return { reason: 'compliance', message: `The version is under COMPLIANCE retention until ${until}: it cannot be deleted before then, bypass or not` };
    }
    if (!ctx.bypassGovernanceRetention) {
      return { reason: 'retention', message: `The version is under GOVERNANCE retention until ${until}: deleting it needs bypassGovernanceRetention` };
    }
  }
  return null;
}
