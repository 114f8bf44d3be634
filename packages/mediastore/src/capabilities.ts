import type { Capabilities, KeyRule } from '@stowage/core';

/** MediaStore's documented limits (API reference, `mediastore-data-2017-09-01`); MB is decimal. */
export const MEDIASTORE_CAPS = {
  /** PutObject with STANDARD upload availability (every put of a known length). */
  standardMaxBytes: 25_000_000,
  /** PutObject with STREAMING upload availability (every put of an unknown length). */
  streamingMaxBytes: 10_000_000,
  /** Path: 1–900 characters (the allowed characters are ASCII, so bytes). */
  maxPathLength: 900,
  /** At most 10 folders above an object: 11 path segments. */
  maxSegments: 11,
  /** ListItems MaxResults. */
  maxResults: 1000,
  /** ListItems NextToken lifetime. */
  tokenLifetimeMs: 15 * 60_000,
} as const;

/** PathNaming: `(?:[A-Za-z0-9_\.\-\~]+/){0,10}[A-Za-z0-9_\.\-\~]+`. */
export const PATH_PATTERN = '^[A-Za-z0-9_.~-]+(?:/[A-Za-z0-9_.~-]+)*$';
/** ContentType: `^[\w\-\/\.\+]{1,255}$` (so no `; charset=…`). */
export const CONTENT_TYPE_PATTERN = /^[\w\-/.+]{1,255}$/;

/**
 * The key rules MediaStore's paths follow, enforced by core before any I/O
 * (and by the service — our server checks the same). `.` and `..` segments
 * fit the pattern but SigV4 signs non-S3 paths with dot segments resolved, so
 * such a path cannot be addressed as written: refused too.
 */
export const MEDIASTORE_KEY_RULES: readonly KeyRule[] = [
  { rule: 'max-segments', max: MEDIASTORE_CAPS.maxSegments },
  {
    rule: 'pattern',
    pattern: PATH_PATTERN,
    description: 'must be MediaStore path segments of A-Z a-z 0-9 _ . - ~ joined by single "/" (no leading, trailing or doubled "/")',
  },
  { rule: 'no-dot-segments' },
];

/** What a MediaStore container offers, as data. */
export function mediaStoreCapabilities(): Capabilities {
  return {
    managedBuckets: false,
    bucketRegion: false,
    versioning: false,
    versioningSuspend: false,
    objectLock: null,
    multipart: null,
    maxObjectSize: MEDIASTORE_CAPS.standardMaxBytes,
    maxPutSize: MEDIASTORE_CAPS.standardMaxBytes,
    // Up to the 10 MB streaming cap, sent with STREAMING availability (chunked).
    unknownLengthPut: true,
    presign: { get: true, put: false, maxExpirySeconds: 7 * 24 * 3600 },
    conditionalWrite: { ifMatch: false, ifNoneMatch: false },
    conditionalRead: false,
    conditionalCopy: false,
    suffixRange: true,
    userMetadata: false,
    maxMetadataBytes: 0,
    metadataEntryOverhead: 0,
    contentHeaders: { cacheControl: true, contentDisposition: false, contentEncoding: false },
    copy: false,
    batchDeleteMax: null,
    listing: { anyDelimiter: false, startAfter: false, utf8Order: true, maxPageSize: MEDIASTORE_CAPS.maxResults },
    listVersions: false,
    keyRules: MEDIASTORE_KEY_RULES,
    maxKeyBytes: MEDIASTORE_CAPS.maxPathLength,
    checksums: [],
  };
}
