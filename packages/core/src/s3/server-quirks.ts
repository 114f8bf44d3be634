import type { S3ServerProfile } from './server-profiles.js';

/**
 * Answers an S3-compatible server gets wrong that a driver can put right with
 * one more request on a rare path. Data, like the capabilities, and shared by
 * every S3-family adapter whatever its SDK (the wire answers are the server's):
 * each entry was measured on the real server (Ceph RGW 16.2.15, MinIO 2026-02).
 */
export interface S3ServerQuirks {
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
   * (Ceph 16): set the retention / legal hold on the new version right after
   * the copy or the completion.
   */
  lockIgnoredOnCopyAndMultipart: boolean;
  /** CompleteMultipartUpload answers an empty <ETag/> (Ceph 16): compute the multipart ETag from the parts. */
  completeOmitsEtag: boolean;
}

const NONE: S3ServerQuirks = {
  versioningIgnoresMissingBucket: false,
  lockConfigIgnoresMissingBucket: false,
  abortIgnoresMissingUpload: false,
  createIgnoresExistingBucket: false,
  phantomObjectsWithoutEtag: false,
  copyOmitsVersionId: false,
  lockIgnoredOnCopyAndMultipart: false,
  completeOmitsEtag: false,
};

/** The quirks of each S3 server profile (see S3_SERVER_PROFILES for the capabilities). */
export const S3_SERVER_QUIRKS: Readonly<Record<S3ServerProfile, S3ServerQuirks>> = {
  aws: NONE,
  // Ceph 16.2.15: re-creating an owned bucket → 200; HEAD / GET of a key after an UploadPart
  // (and after its abort) → 200, Content-Length 0, no ETag, not listed; CopyObject → no
  // x-amz-version-id in a versioned bucket; x-amz-object-lock-* on CopyObject and
  // CreateMultipartUpload → no retention / legal hold on the new version; CompleteMultipartUpload
  // → <ETag></ETag>.
  'ceph-rgw': { ...NONE, createIgnoresExistingBucket: true, phantomObjectsWithoutEtag: true, copyOmitsVersionId: true, lockIgnoredOnCopyAndMultipart: true, completeOmitsEtag: true },
  // MinIO: PutBucketVersioning on a missing bucket → 200; GetObjectLockConfiguration on a missing
  // bucket → 404 ObjectLockConfigurationNotFoundError; AbortMultipartUpload of an unknown upload → 204.
  minio: { ...NONE, versioningIgnoresMissingBucket: true, lockConfigIgnoresMissingBucket: true, abortIgnoresMissingUpload: true },
  // An unknown server: the checks that cost a request on rare calls only, nothing that changes a write.
  generic: { ...NONE, versioningIgnoresMissingBucket: true, lockConfigIgnoresMissingBucket: true, abortIgnoresMissingUpload: true, createIgnoresExistingBucket: true, phantomObjectsWithoutEtag: true, completeOmitsEtag: true },
};

/** No quirks at all (a server that answers as AWS does). */
export const NO_S3_QUIRKS: Readonly<S3ServerQuirks> = NONE;
