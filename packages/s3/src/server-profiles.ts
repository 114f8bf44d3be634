import { refineCapabilities, type Capabilities, type CapabilityOverrides } from '@stowage/core';
import type { ServerProfile } from './config.js';

/**
 * Capability refinements per server profile, applied over core's
 * `s3Capabilities()` (a full S3). Data only. Every entry that turns a
 * capability off or declares a key rule was measured against the real server
 * (Ceph RGW 16.2.15, MinIO 2026-02 from source); the answer it gave is quoted
 * beside it, and the package tests re-check each one.
 */
export const SERVER_PROFILE_CAPABILITIES: Readonly<Record<ServerProfile, CapabilityOverrides>> = {
  /** Amazon S3 itself: everything core's s3Capabilities() lists. */
  aws: {},

  'ceph-rgw': {
    // PUT with `If-None-Match: *` over an existing key: 200, object overwritten.
    // PUT with `If-Match: "<wrong etag>"`: 200, object overwritten.
    // CompleteMultipartUpload with `If-None-Match: *` over an existing key: 200, overwritten.
    // Pacific ignores both headers, so a conditional write would silently not be one.
    conditionalWrite: { ifMatch: false, ifNoneMatch: false },
    // CopyObject with `x-amz-copy-source-if-match: "nope"`: 200, copied. Pacific reads
    // only the non-standard `x-amz-copy-if-*` names, and answers
    // `x-amz-copy-if-unmodified-since` with a response Node's HTTP parser rejects
    // ("Parse Error: Expected HTTP/"), so the feature is off rather than patched.
    conditionalCopy: false,
    // PUT with a wrong `x-amz-checksum-crc32` / `-crc32c` / `-sha1` / `-sha256`: 200,
    // stored. A wrong Content-MD5: 400 BadDigest. Only MD5 is verified.
    checksums: ['md5'],
    // PutObjectRetention with an empty <Retention/> and bypass: 400 MalformedXML; a past
    // RetainUntilDate: 400 InvalidArgument "the retain-until date must be in the future".
    objectLock: { removeRetention: false },
    // Keys: "/lead", "a//b", "./x", "a/../b", a 256-byte segment, control characters and
    // backslashes are all stored and listed back unchanged; 1025 bytes: 400 InvalidObjectName.
    keyRules: [],
  },

  minio: {
    // Key rules MinIO enforces (each answer below is from a PUT of such a key):
    keyRules: [
      // "/lead": 200, but stored and listed as "lead" (the key does not round-trip).
      { rule: 'no-leading-slash' },
      // "a//b", "a/b//": 400 XMinioInvalidObjectName "Object name contains unsupported characters."
      { rule: 'no-empty-segments' },
      // ".", "..", "./x", "a/./b", "a/../b", "a/.": 400 XMinioInvalidResourceName
      // "Resource name contains bad components such as ".." or "."."
      { rule: 'no-dot-segments' },
      // a 256-byte path segment: 400 XMinioInvalidObjectName (255 bytes: stored).
      { rule: 'max-segment-bytes', max: 255 },
    ],
    // One entry: name + value of 2037 bytes stored, 2038: 400 MetadataTooLarge "Your
    // metadata headers exceed the maximum allowed metadata size."; two entries: 2026.
    // MinIO counts the 11-byte "x-amz-meta-" prefix of each entry against 2048.
    metadataEntryOverhead: 11,
  },

  /**
   * An S3-compatible server we know nothing about: what a server may
   * silently ignore (conditional headers, flexible checksums) is off; what
   * fails loudly when absent (versioning, object lock) stays on.
   */
  generic: {
    conditionalWrite: { ifMatch: false, ifNoneMatch: false },
    conditionalCopy: false,
    checksums: ['md5'],
  },
};

/**
 * Answers a profile's server gets wrong that the driver can put right with
 * one more request on a rare path (data, like the capabilities).
 */
export interface ServerQuirks {
  /** PutBucketVersioning on a missing bucket answers 200 (MinIO): check the bucket first. */
  versioningIgnoresMissingBucket: boolean;
  /** GetObjectLockConfiguration on a missing bucket answers ObjectLockConfigurationNotFoundError (MinIO): check the bucket. */
  lockConfigIgnoresMissingBucket: boolean;
  /** AbortMultipartUpload of an unknown upload id answers 204 (MinIO): check the upload first. */
  abortIgnoresMissingUpload: boolean;
  /** CreateBucket of a bucket you own answers 200 (Ceph; AWS in us-east-1): check the bucket first. */
  createIgnoresExistingBucket: boolean;
  /**
   * A key with multipart activity answers HEAD / GET 200 with no ETag and no
   * bytes, even after the abort (Ceph 16): such an answer is no object.
   */
  phantomObjectsWithoutEtag: boolean;
  /** CopyObject answers without x-amz-version-id (Ceph 16): read it from a HEAD of the copy. */
  copyOmitsVersionId: boolean;
  /**
   * Object-lock headers on CopyObject / CreateMultipartUpload are ignored
   * (Ceph 16): the driver sets the retention / legal hold on the new version
   * right after the copy or the completion (for multipart: uploads this
   * process started).
   */
  lockIgnoredOnCopyAndMultipart: boolean;
}

const NO_QUIRKS: ServerQuirks = {
  versioningIgnoresMissingBucket: false,
  lockConfigIgnoresMissingBucket: false,
  abortIgnoresMissingUpload: false,
  createIgnoresExistingBucket: false,
  phantomObjectsWithoutEtag: false,
  copyOmitsVersionId: false,
  lockIgnoredOnCopyAndMultipart: false,
};

export const SERVER_PROFILE_QUIRKS: Readonly<Record<ServerProfile, ServerQuirks>> = {
  aws: NO_QUIRKS,
  // Measured on 16.2.15: re-creating an owned bucket → 200; HEAD / GET of a key after an
  // UploadPart (and after its abort) → 200, Content-Length 0, no ETag, not listed; CopyObject
  // → no x-amz-version-id in a versioned bucket; x-amz-object-lock-* on CopyObject and
  // CreateMultipartUpload → no retention / legal hold on the new version.
  'ceph-rgw': { ...NO_QUIRKS, createIgnoresExistingBucket: true, phantomObjectsWithoutEtag: true, copyOmitsVersionId: true, lockIgnoredOnCopyAndMultipart: true },
  // Measured: PutBucketVersioning on a missing bucket → 200; GetObjectLockConfiguration on a
  // missing bucket → 404 ObjectLockConfigurationNotFoundError; AbortMultipartUpload of an
  // unknown or already aborted upload id → 204.
  minio: { ...NO_QUIRKS, versioningIgnoresMissingBucket: true, lockConfigIgnoresMissingBucket: true, abortIgnoresMissingUpload: true },
  // Unknown server: take the checks that cost a request on rare calls only; nothing
  // that changes what a write does.
  generic: { ...NO_QUIRKS, versioningIgnoresMissingBucket: true, lockConfigIgnoresMissingBucket: true, abortIgnoresMissingUpload: true, createIgnoresExistingBucket: true, phantomObjectsWithoutEtag: true },
};

/** Core's full-S3 capabilities refined for one server profile. */
export function profileCapabilities(profile: ServerProfile, base: Capabilities): Capabilities {
  return refineCapabilities(base, SERVER_PROFILE_CAPABILITIES[profile]);
}
