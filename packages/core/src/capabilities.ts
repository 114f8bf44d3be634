import type { KeyRule } from './validation/key-rules.js';

export type ChecksumAlgorithm = 'md5' | 'crc32' | 'crc32c' | 'sha1' | 'sha256';

export interface MultipartCapabilities {
  minPartSize: number;
  maxPartSize: number;
  maxParts: number;
  /** ListParts answers with pagination (max-parts / part-number-marker). */
  listPartsPagination: boolean;
  /**
   * A completion may name a subset of the uploaded parts (the others are
   * dropped), as S3 allows. Absent: true. Ceph RGW 16 answers 400 InvalidPart.
   */
  completeSubset?: boolean;
  /**
   * ListMultipartUploads filters by any prefix. Absent: true. MinIO filters
   * only by an exact key: a prefix that is a "directory" lists nothing.
   */
  listUploadsPrefix?: boolean;
  /**
   * A part can be copied server-side from a byte range of an existing object
   * (S3 UploadPartCopy: `x-amz-copy-source` with `x-amz-copy-source-range`).
   * Absent: false.
   */
  copyPart?: boolean;
}

export interface ObjectLockCapabilities {
  governance: boolean;
  compliance: boolean;
  legalHold: boolean;
  /** Legal holds carry ids (IBM COS) rather than an on/off flag. */
  legalHoldIds: boolean;
  /** Bucket default retention (days or years). */
  defaultRetention: boolean;
  /**
   * A retention can be removed (`setRetention(…, null)`, GOVERNANCE with
   * bypass). Absent: true. Ceph RGW 16 answers MalformedXML to an empty
   * Retention, so it cannot.
   */
  removeRetention?: boolean;
}

/**
 * What a backend can do. Data, not code: the conformance suite, the transfer
 * manager and the CLI read it; nothing switches on a provider name. Gating names
 * are the dotted paths of this record (e.g. `objectLock.compliance`).
 */
export interface Capabilities {
  /** Buckets can be created, listed and deleted through the API. */
  managedBuckets: boolean;
  /** Bucket create accepts a region / location constraint. */
  bucketRegion: boolean;
  versioning: boolean;
  /** Versioning can be suspended (S3 `Suspended`). */
  versioningSuspend: boolean;
  objectLock: ObjectLockCapabilities | null;
  multipart: MultipartCapabilities | null;
  /** Largest object accepted, by any path. */
  maxObjectSize: number;
  /** Largest single-request put. */
  maxPutSize: number;
  /**
   * Largest object one single-request copy accepts (S3 CopyObject: 5 GiB);
   * larger ones are copied in parts (`multipart.copyPart`). Absent: `maxPutSize`.
   */
  maxCopySize?: number;
  /** A put with a body of unknown length is accepted in one request. */
  unknownLengthPut: boolean;
  presign: { get: boolean; put: boolean; maxExpirySeconds: number } | null;
  conditionalWrite: { ifMatch: boolean; ifNoneMatch: boolean };
  conditionalRead: boolean;
  /** Conditional copy (`x-amz-copy-source-if-*`). */
  conditionalCopy: boolean;
  suffixRange: boolean;
  userMetadata: boolean;
  /** Total bytes of user metadata names and values. */
  maxMetadataBytes: number;
  /**
   * Bytes the server counts per metadata entry on top of its name and value
   * against `maxMetadataBytes` (MinIO counts the `x-amz-meta-` prefix: 11).
   * Absent: 0.
   */
  metadataEntryOverhead?: number;
  contentHeaders: { cacheControl: boolean; contentDisposition: boolean; contentEncoding: boolean };
  copy: boolean;
  /** Max keys in one batch delete request; null when there is no batch delete on the wire. */
  batchDeleteMax: number | null;
  listing: {
    /** Any delimiter string, not only `/`. */
    anyDelimiter: boolean;
    startAfter: boolean;
    /** Keys come back in UTF-8 byte order. */
    utf8Order: boolean;
    maxPageSize: number;
    /**
     * A key can also begin other keys followed by "/" (`a` next to `a/1`), and
     * both list. Absent: true. MinIO keeps objects as directories: with `a`
     * present, the keys under `a/` are not listed.
     */
    keyAlsoPrefix?: boolean;
    /**
     * The page that lists the last entry says the listing is over. Absent:
     * true. MinIO follows a listing that ends exactly on a page boundary with
     * one more, empty page.
     */
    exactEnd?: boolean;
  };
  listVersions: boolean;
  /**
   * A delete in a versioning-suspended bucket reports the `null` delete marker
   * it makes (`deleteMarker: true`). Absent: true. MinIO makes the marker but
   * answers without `x-amz-delete-marker`.
   */
  suspendedDeleteMarkerReported?: boolean;
  /** Key rules the real server enforces; core rejects such keys before I/O. */
  keyRules: readonly KeyRule[];
  maxKeyBytes: number;
  /** Checksum algorithms the server verifies on upload. */
  checksums: readonly ChecksumAlgorithm[];
  /**
   * Whole-object checksums the server keeps and returns to a checksum-mode read
   * (single puts that carried one; multipart uploads created with one, full-object
   * or composite). Absent: none. Ceph RGW 16 keeps none.
   */
  storedChecksums?: readonly Exclude<ChecksumAlgorithm, 'md5'>[];
}

/** A deep-partial refinement, for server profiles and third-party overrides. */
export type CapabilityOverrides = {
  [K in keyof Capabilities]?: Capabilities[K] extends readonly unknown[] | null | number | boolean | string
    ? Capabilities[K]
    : Capabilities[K] extends object | null
      ? Partial<NonNullable<Capabilities[K]>> | null
      : Capabilities[K];
};

/** S3's published limits, the base most drivers refine. */
export const S3_LIMITS = {
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
  maxObjectSize: 5 * 1024 ** 4,
  maxPutSize: 5 * 1024 ** 3,
  maxCopySize: 5 * 1024 ** 3,
  maxKeyBytes: 1024,
  maxMetadataBytes: 2048,
  maxPageSize: 1000,
  batchDeleteMax: 1000,
} as const;

/** Merges overrides into a base record (one level deep for nested records). */
export function refineCapabilities(base: Capabilities, overrides: CapabilityOverrides | undefined): Capabilities {
  if (!overrides) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = (base as unknown as Record<string, unknown>)[name];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
      out[name] = { ...current, ...value };
    } else {
      out[name] = value;
    }
  }
  return out as unknown as Capabilities;
}

/**
 * Reads a capability by dotted path. Truthy for `true`, non-null records and
 * positive numbers: `has(caps, 'objectLock.compliance')`. A numeric
 * capability can be asked for a minimum: `has(caps, 'maxObjectSize>=67108864')`
 * (a backend whose objects stop at 25 MB lacks 64 MiB objects).
 */
export function hasCapability(caps: Capabilities, path: string): boolean {
  const threshold = /^(.+?)>=(\d+)$/.exec(path);
  let value: unknown = caps;
  for (const part of (threshold ? threshold[1]! : path).split('.')) {
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[part];
  }
  if (threshold) return typeof value === 'number' && value >= Number(threshold[2]);
  if (typeof value === 'number') return value > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** What a full S3 implementation offers; S3-family drivers refine it per server profile. */
export function s3Capabilities(): Capabilities {
  return {
    managedBuckets: true,
    bucketRegion: true,
    versioning: true,
    versioningSuspend: true,
    objectLock: { governance: true, compliance: true, legalHold: true, legalHoldIds: false, defaultRetention: true, removeRetention: true },
    multipart: { minPartSize: S3_LIMITS.minPartSize, maxPartSize: S3_LIMITS.maxPartSize, maxParts: S3_LIMITS.maxParts, listPartsPagination: true, completeSubset: true, copyPart: true },
    maxObjectSize: S3_LIMITS.maxObjectSize,
    maxPutSize: S3_LIMITS.maxPutSize,
    maxCopySize: S3_LIMITS.maxCopySize,
    unknownLengthPut: false,
    presign: { get: true, put: true, maxExpirySeconds: 7 * 24 * 3600 },
    conditionalWrite: { ifMatch: true, ifNoneMatch: true },
    conditionalRead: true,
    conditionalCopy: true,
    suffixRange: true,
    userMetadata: true,
    maxMetadataBytes: S3_LIMITS.maxMetadataBytes,
    metadataEntryOverhead: 0,
    contentHeaders: { cacheControl: true, contentDisposition: true, contentEncoding: true },
    copy: true,
    batchDeleteMax: S3_LIMITS.batchDeleteMax,
    listing: { anyDelimiter: true, startAfter: true, utf8Order: true, maxPageSize: S3_LIMITS.maxPageSize },
    listVersions: true,
    keyRules: [],
    maxKeyBytes: S3_LIMITS.maxKeyBytes,
    checksums: ['md5', 'crc32', 'crc32c', 'sha1', 'sha256'],
  };
}
