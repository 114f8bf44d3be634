import {
  NO_S3_QUIRKS,
  refineCapabilities,
  s3Capabilities,
  S3_SERVER_PROFILES,
  S3_SERVER_QUIRKS,
  type Capabilities,
  type CapabilityOverrides,
  type S3ServerQuirks,
} from '@stowage/core';

/**
 * Which server the SDK talks to. `ibm-cloud` is IBM Cloud Object Storage
 * itself; the others are core's S3 server profiles (shared by every S3-family
 * adapter), for the S3-compatible servers the same SDK reaches with HMAC keys.
 */
export type IbmServerProfile = 'ibm-cloud' | 'ceph-rgw' | 'minio' | 'aws' | 'generic';

export const IBM_SERVER_PROFILES: readonly IbmServerProfile[] = ['ibm-cloud', 'ceph-rgw', 'minio', 'aws', 'generic'];

/**
 * What ibm-cos-sdk 1.15 itself cannot send, whatever the server: its API model
 * has no `IfMatch` on PutObject (only `IfNoneMatch`) and no flexible checksums
 * (`x-amz-checksum-*`), so only Content-MD5 is verified.
 */
export const SDK_LIMITS: CapabilityOverrides = {
  conditionalWrite: { ifMatch: false },
  checksums: ['md5'],
};

/**
 * IBM Cloud Object Storage, as IBM documents it (there is no IBM Cloud account
 * reachable from CI: see the README for what is checked against our server).
 */
export const IBM_CLOUD_PROFILE: CapabilityOverrides = {
  // Object Lock on IBM Cloud supports COMPLIANCE retention only; the immutable-storage
  // extensions (protection configuration, retention periods, legal hold ids) are
  // IBM's own: retention can only grow, holds carry ids (up to 100 per object).
  objectLock: { governance: false, compliance: true, legalHold: true, legalHoldIds: true, defaultRetention: true, removeRetention: false },
  // PutObject takes If-None-Match but no If-Match.
  conditionalWrite: { ifMatch: false, ifNoneMatch: true },
  // IBM's published limits: objects up to 10 TiB (multipart), 5 GiB per single PUT.
  maxObjectSize: 10 * 1024 ** 4,
  checksums: ['md5'],
};

/** The capability refinements of each profile, over core's `s3Capabilities()` and the SDK's limits. */
export const PROFILE_CAPABILITIES: Readonly<Record<IbmServerProfile, CapabilityOverrides>> = {
  'ibm-cloud': IBM_CLOUD_PROFILE,
  'ceph-rgw': S3_SERVER_PROFILES['ceph-rgw'],
  minio: S3_SERVER_PROFILES.minio,
  aws: S3_SERVER_PROFILES.aws,
  generic: S3_SERVER_PROFILES.generic,
};

/** The server answers each profile's driver works around (core's S3 quirks; none known for IBM Cloud). */
export const PROFILE_QUIRKS: Readonly<Record<IbmServerProfile, S3ServerQuirks>> = {
  'ibm-cloud': NO_S3_QUIRKS,
  'ceph-rgw': S3_SERVER_QUIRKS['ceph-rgw'],
  minio: S3_SERVER_QUIRKS.minio,
  aws: S3_SERVER_QUIRKS.aws,
  generic: S3_SERVER_QUIRKS.generic,
};

/**
 * The capabilities of a profile: core's full S3, the SDK's limits, the
 * profile, then `overrides`. Without HMAC keys (IAM tokens only) there is no
 * presigning: a presigned URL needs a SigV4 secret.
 */
export function profileCapabilities(profile: IbmServerProfile, options: { canPresign: boolean; overrides?: CapabilityOverrides }): Capabilities {
  let caps = refineCapabilities(refineCapabilities(s3Capabilities(), SDK_LIMITS), PROFILE_CAPABILITIES[profile]);
  // The SDK limits win over a profile that would turn them back on.
  caps = refineCapabilities(caps, { conditionalWrite: { ...caps.conditionalWrite, ifMatch: false }, checksums: ['md5'] });
  if (!options.canPresign) caps = { ...caps, presign: null };
  return refineCapabilities(caps, options.overrides);
}
