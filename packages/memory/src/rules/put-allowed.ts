import { retentionInForce } from './retention-in-force.js';
import type { LockViolation, VersionLockState } from './types.js';

export interface PutAllowedContext {
  /** The key's current version (not a delete marker), if any. Its lock never matters to a put. */
  current: VersionLockState | undefined;
  /**
   * The version this write would overwrite in place: the null version, in an
   * unversioned or suspended bucket. Undefined when the write adds a version.
   */
  replaces: VersionLockState | undefined;
  now: Date;
}

/**
 * May a write (put, copy, multipart complete) create the key's new current
 * version? In S3 a lock protects versions, not keys: a write to a key whose
 * current version is locked succeeds and adds a new version. Only a write that
 * would destroy a locked version in place (overwriting a locked null version)
 * is refused — which object-lock buckets, always versioned, never do.
 */
export function putAllowed(ctx: PutAllowedContext): LockViolation | null {
  const replaced = ctx.replaces;
  if (!replaced) return null;
  if (replaced.legalHold === true) return { reason: 'legal-hold', message: 'The write would overwrite a null version under a legal hold' };
  if (retentionInForce(replaced.retention, ctx.now)) {
    return {
      reason: replaced.retention.mode === 'COMPLIANCE' ? 'compliance' : 'retention',
      message: `The write would overwrite a null version under ${replaced.retention.mode} retention until ${replaced.retention.retainUntil.toISOString()}`,
    };
  }
  return null;
}
