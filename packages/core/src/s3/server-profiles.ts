import { refineCapabilities, s3Capabilities, type Capabilities, type CapabilityOverrides } from '../capabilities.js';

/** An S3-compatible server whose behaviour has been measured. */
export type S3ServerProfile = 'aws' | 'ceph-rgw' | 'minio' | 'generic';

export const S3_SERVER_PROFILE_NAMES: readonly S3ServerProfile[] = ['aws', 'ceph-rgw', 'minio', 'generic'];

/**
 * What S3-compatible servers do differently from core's `s3Capabilities()`,
 * per server, whatever the SDK talking to them: data only, shared by the
 * S3-family adapters (@stowage/s3, @stowage/minio). Every entry that turns a
 * capability off or declares a key rule was measured against the real server
 * (Ceph RGW 16.2.15, MinIO 2026-02 from source); its answer is quoted beside it.
 */
export const S3_SERVER_PROFILES: Readonly<Record<S3ServerProfile, CapabilityOverrides>> = {
  /** Amazon S3 itself: everything core's s3Capabilities() lists, and the checksums it keeps. */
  aws: { storedChecksums: ['crc32', 'crc32c'] },

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
    // UploadPartCopy with `x-amz-copy-source-if-match: "<wrong etag>"`: 200, part copied
    // (the part copy itself works: whole source, `x-amz-copy-source-range`, a source versionId).
    conditionalCopy: false,
    // PUT with a wrong `x-amz-checksum-crc32` / `-crc32c` / `-sha1` / `-sha256`: 200,
    // stored. A wrong Content-MD5: 400 BadDigest. Only MD5 is verified.
    checksums: ['md5'],
    // PutObjectRetention with an empty <Retention/> and bypass: 400 MalformedXML; a past
    // RetainUntilDate: 400 InvalidArgument "the retain-until date must be in the future".
    objectLock: { removeRetention: false },
    // CompleteMultipartUpload naming parts 2 and 9 of uploaded 2, 5, 9: 400 InvalidPart
    // (AWS and MinIO complete with the subset and drop part 5).
    multipart: { completeSubset: false },
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
    listing: {
      // ListObjectsV2 with delimiter "|" (or "--") and max-keys 1 over p|1 p|2 p/3 q …: the
      // page after the common prefix "p|" answers "p|" again with the same continuation
      // token, forever. "/" pages correctly. So only "/" is offered.
      anyDelimiter: false,
      // Keys a/1, a/2 and a: ListObjectsV2 prefix "a/" → no keys; ab and ab/1 with
      // delimiter "/" → no common prefix "ab/". An object is a directory on MinIO's disks.
      keyAlsoPrefix: false,
      // Six keys listed with max-keys 1: the sixth page answers IsTruncated true with a
      // continuation token, and a seventh, empty page ends the listing.
      exactEnd: false,
    },
    // ListMultipartUploads prefix "m/" with uploads on m/a and m/b/x: no uploads (no
    // prefix: both). MinIO filters uploads by an exact key only.
    multipart: { listUploadsPrefix: false },
    // DeleteObject without a version id in a suspended bucket: 204 with neither
    // x-amz-delete-marker nor x-amz-version-id, though ListObjectVersions then shows the
    // "null" delete marker (MinIO sets the header only for non-null version ids).
    suspendedDeleteMarkerReported: false,
    // CreateMultipartUpload with ChecksumAlgorithm CRC32 + ChecksumType FULL_OBJECT, parts and
    // completion carrying their CRC32s: HEAD / GET with x-amz-checksum-mode ENABLED answer the
    // whole object's CRC32 with x-amz-checksum-type FULL_OBJECT (COMPOSITE: "<crc>-2"), and so
    // does a single PUT that carried one. A ranged GET answers none. Ceph RGW 16: none at all.
    storedChecksums: ['crc32'],
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

/** Core's full-S3 capabilities refined for one server profile (and then `overrides`). */
export function s3ProfileCapabilities(profile: S3ServerProfile, overrides?: CapabilityOverrides): Capabilities {
  return refineCapabilities(refineCapabilities(s3Capabilities(), S3_SERVER_PROFILES[profile]), overrides);
}
