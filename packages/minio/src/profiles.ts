import { s3ProfileCapabilities, type Capabilities, type CapabilityOverrides, type S3ServerProfile } from '@stowage/core';

/**
 * The MinIO client API beyond the portable contract, as capability flags
 * (`capabilities.minio.<name>`, e.g. `hasCapability(caps, 'minio.select')`).
 * An extension whose flag is off fails with NotSupportedError before any
 * request. Data per server profile, each measured on the real server.
 */
export interface MinioFeatures {
  /** Bucket policy get / set / delete. */
  bucketPolicy: boolean;
  /** Bucket notification configuration get / set / delete (targets are the server's: webhook, queues…). */
  bucketNotification: boolean;
  /** `listenBucketNotification`: MinIO's own streaming API (GET /bucket?events=…). */
  listenBucketNotification: boolean;
  /** Default bucket encryption get / set / delete. */
  bucketEncryption: boolean;
  /** Bucket replication configuration get / set / delete (needs a remote target registered on the server). */
  replication: boolean;
  /** Lifecycle configuration get / set / delete. */
  lifecycle: boolean;
  /** Clearing a bucket's default retention (the object lock configuration "delete"). */
  objectLockConfigDelete: boolean;
  /** SelectObjectContent (S3 Select, SQL over CSV / JSON / Parquet). */
  select: boolean;
  /** Presigned POST policies (browser form uploads). */
  postPolicy: boolean;
  /** SSE-C (customer keys). Needs TLS on MinIO, so off for an http:// endpoint. */
  sseC: boolean;
  /** SSE-S3 / SSE-KMS (needs a KMS on the server). */
  sseKms: boolean;
  /** Object and bucket tagging. */
  tagging: boolean;
}

export type MinioFeatureOverrides = Partial<MinioFeatures>;

/** Core's capabilities plus the MinIO extension flags. */
export type MinioCapabilities = Capabilities & { readonly minio: MinioFeatures };

const ALL: MinioFeatures = {
  bucketPolicy: true,
  bucketNotification: true,
  listenBucketNotification: true,
  bucketEncryption: true,
  replication: true,
  lifecycle: true,
  objectLockConfigDelete: true,
  select: true,
  postPolicy: true,
  sseC: true,
  sseKms: true,
  tagging: true,
};

/**
 * The extension flags per server profile. `minio` is MinIO 2026-02 from source
 * (scripts/servers: the TLS instance has a KMS key, a webhook target and a
 * replication target). `ceph-rgw` is Ceph RGW 16.2.15 as scripts/servers runs it;
 * each "false" carries the server's answer, measured with this adapter.
 */
export const MINIO_FEATURE_PROFILES: Readonly<Record<S3ServerProfile, MinioFeatures>> = {
  minio: {
    ...ALL,
    // The pinned build (v0.0.0-20260212201848-7aac2a2c5b7c) answers GET /bucket?events=…
    // with 200 text/event-stream, but its flushes are lost (the trackingResponseWriter that
    // s3APIMiddleware wraps every response in implements no http.Flusher): no header, no
    // keep-alive and no event reaches the client until ~4 KiB of output accumulate — one
    // put is never delivered, six are, in one burst. Turn it on for a MinIO that flushes:
    // capabilities: { minio: { listenBucketNotification: true } }.
    listenBucketNotification: false,
  },
  aws: { ...ALL, listenBucketNotification: false },
  'ceph-rgw': {
    ...ALL,
    // GET /bucket?events=s3:ObjectCreated:* (MinIO's listen API) is not an RGW API: it
    // answers 200 with a ListBucketResult (a plain listing), and with the event names
    // repeated (several events) 403 SignatureDoesNotMatch.
    listenBucketNotification: false,
    // PutBucketNotification with a QueueConfiguration: 400 MalformedXML (RGW 16 takes
    // TopicConfigurations of topics made through its own SNS-like API only).
    bucketNotification: false,
    // PutBucketEncryption (AES256): 400 InvalidArgument (no KMS / SSE-S3 configured).
    bucketEncryption: false,
    // PutBucketReplication: 405 MethodNotAllowed (RGW replicates by multisite zones).
    replication: false,
    // SelectObjectContent of a CSV: 200 with one Records event whose payload is
    // "failure -->SELECT s.name FROM S3Object s WHERE …<---" and no End event.
    select: false,
    // A presigned POST policy form upload: 400 InvalidArgument "Malformed JSON" — and in one CI
    // dry run of several, a radosgw segfault while parsing the policy (RGWPolicy::from_json →
    // json_spirit, boost::spirit acquire_object_id), the server gone for every later request.
    postPolicy: false,
    // SSE-C over plain HTTP: 400 InvalidRequest (rgw crypt require ssl).
    sseC: false,
    // PUT with x-amz-server-side-encryption: AES256: 400 InvalidRequest (no KMS configured).
    sseKms: false,
  },
  generic: {
    ...ALL,
    listenBucketNotification: false,
    bucketNotification: false,
    replication: false,
    select: false,
    sseC: false,
    sseKms: false,
  },
};

/** The capabilities a driver declares: core's S3 profile, the extension flags, then the caller's overrides. */
export function minioCapabilities(
  profile: S3ServerProfile,
  options: { useSSL: boolean; overrides?: (CapabilityOverrides & { minio?: MinioFeatureOverrides }) | undefined },
): MinioCapabilities {
  const { minio: featureOverrides, ...overrides } = options.overrides ?? {};
  const base = s3ProfileCapabilities(profile, overrides as CapabilityOverrides);
  const features: MinioFeatures = { ...MINIO_FEATURE_PROFILES[profile] };
  // SSE-C needs TLS (MinIO: 400 InvalidRequest "…must be made over a secure connection.").
  if (!options.useSSL) features.sseC = false;
  return { ...base, minio: { ...features, ...featureOverrides } };
}
