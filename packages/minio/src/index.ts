import type { ProviderConfig } from '@stowage/core';
import { MinioDriver } from './minio-driver.js';

export { MinioDriver, type MinioObjectInfo, type RawRequest } from './minio-driver.js';
export { resolveConfig, type MinioStoreConfig, type MinioCredentials, type ResolvedMinioConfig } from './config.js';
export { MINIO_FEATURE_PROFILES, minioCapabilities, type MinioCapabilities, type MinioFeatures, type MinioFeatureOverrides } from './profiles.js';
export { type Encryption, type ObjectEncryption } from './encryption.js';
export { mapMinioError, errorCode, errorMessage, MinioServerError } from './errors.js';
export { AbortableTransport, type CallContext, type TransportOptions } from './transport.js';
export { MinioStore, createMinioStore, type BucketNotification, type NotificationTarget, type BucketEncryption, type BucketPolicy } from './minio-store.js';
export { BucketEventStream, type BucketEvent, type BucketEventName, type ListenOptions } from './extensions/listen.js';
export { SelectStream, eventStreamMessages, type SelectRequest, type SelectEvent, type SelectStats, type SelectCsv } from './extensions/select.js';
export type { PostPolicy, PostPolicyResult, ReplicationConfigOpts, ReplicationRule, LifecycleConfig, LifecycleRule } from 'minio';

/**
 * The provider entry point `openStore` loads: a driver from a plain config
 * object or one parsed from a URL (`minio://key:secret@127.0.0.1:9000?useSSL=false`).
 */
export function createDriver(config: ProviderConfig | Record<string, unknown> = {}): MinioDriver {
  return new MinioDriver(config);
}
