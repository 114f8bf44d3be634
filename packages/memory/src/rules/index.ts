import { conditionalRead } from './conditional-read.js';
import { conditionalWrite } from './conditional-write.js';
import { copyMetadata } from './copy-metadata.js';
import { partSizes } from './part-sizes.js';
import { putAllowed } from './put-allowed.js';
import { retentionChange } from './retention-change.js';
import { versionDeleteLock } from './version-delete-lock.js';

export type { VersionDeleteContext } from './version-delete-lock.js';
export type { RetentionChangeContext } from './retention-change.js';
export type { PutAllowedContext } from './put-allowed.js';
export type { PartSizesContext, PartSizeViolation } from './part-sizes.js';
export type { ConditionalWriteContext, WriteConditionFailure } from './conditional-write.js';
export type { ConditionalReadContext, ReadConditionFailure } from './conditional-read.js';
export type { CopyMetadataContext } from './copy-metadata.js';
export type { LockViolation, VersionLockState, ContentHeaderName, ContentHeaderSet } from './types.js';
export { versionDeleteLock, retentionChange, putAllowed, partSizes, conditionalWrite, conditionalRead, copyMetadata };
export { retentionInForce } from './retention-in-force.js';
export { etagMatches, bareEtag } from './etag-match.js';

/**
 * The semantic decisions of the memory store, each a pure function. The
 * driver asks these and acts on the answer, so a certifying test suite can
 * build a deliberately wrong store by substituting one (`rules` in
 * MemoryDriverOptions) and prove its tests notice. Never substitute them in
 * anything but such a suite: the defaults are S3's behaviour.
 */
export interface MemoryRules {
  /** May a specific version be deleted (retention, legal hold, bypass)? */
  versionDeleteLock: typeof versionDeleteLock;
  /** May a version's retention be changed or removed? */
  retentionChange: typeof retentionChange;
  /** May a write create the key's new current version? */
  putAllowed: typeof putAllowed;
  /** Are the parts of a multipart complete large enough? */
  partSizes: typeof partSizes;
  /** Do ifMatch / ifNoneMatch allow a put or multipart complete? */
  conditionalWrite: typeof conditionalWrite;
  /** Do the read conditions allow a get, head or copy source? */
  conditionalRead: typeof conditionalRead;
  /** The metadata and content headers a copy writes. */
  copyMetadata: typeof copyMetadata;
}

export const defaultRules: Readonly<MemoryRules> = Object.freeze({
  versionDeleteLock,
  retentionChange,
  putAllowed,
  partSizes,
  conditionalWrite,
  conditionalRead,
  copyMetadata,
});
