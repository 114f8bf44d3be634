import type { Retention } from '@stowage/core';

/** The lock state of one stored version, as the lock rules see it. */
export interface VersionLockState {
  retention?: Retention;
  legalHold?: boolean;
}

/** Why a lock rule refused; the driver turns it into an ObjectLockedError with this reason. */
export interface LockViolation {
  reason: 'retention' | 'legal-hold' | 'compliance';
  message: string;
}

export type ContentHeaderName = 'contentType' | 'cacheControl' | 'contentDisposition' | 'contentEncoding';
export type ContentHeaderSet = Partial<Record<ContentHeaderName, string>>;
