import type { ProviderConfig } from '@stowage/core';
import { IbmCosDriver } from './ibm-cos-driver.js';

export { IbmCosDriver, objectInfo, withSdkParams, type KeyProtectOptions, type RawAnswer } from './ibm-cos-driver.js';
export { IbmCosStore, createIbmCosStore, type IbmCreateBucketOptions, type IbmPutOptions, type IbmCopyOptions, type IbmCompleteOptions } from './ibm-cos-store.js';
export { resolveConfig, isIbmCloudEndpoint, DEFAULT_IBM_ENDPOINT, type IbmCosConfig, type ResolvedIbmCosConfig } from './config.js';
export {
  resolveCredentials,
  DEFAULT_IAM_ENDPOINT,
  type CredentialLookup,
  type CredentialSource,
  type HmacCredentials,
  type IamCredentials,
  type IbmCredentials,
  type ResolvedCredentials,
} from './credentials.js';
export { IBM_SERVER_PROFILES, IBM_CLOUD_PROFILE, PROFILE_CAPABILITIES, PROFILE_QUIRKS, SDK_LIMITS, profileCapabilities, type IbmServerProfile } from './server-profiles.js';
export { mapIbmError, sdkErrorCode, sdkErrorMessage, type ErrorContext } from './errors.js';
export {
  LEGAL_HOLD_ID,
  MAX_LEGAL_HOLDS,
  MAX_RETENTION_DAYS,
  validateLegalHoldId,
  type IbmRetentionOptions,
  type LegalHoldList,
  type ProtectionConfiguration,
  type RetentionExtension,
} from './extensions/immutable.js';
export type { WebsiteConfiguration } from './extensions/website.js';

/**
 * The provider entry point `openStore` loads: a driver from a config object
 * or a URL (`ibm-cos://?endpoint=http://127.0.0.1:7480&accessKeyId=…&secretAccessKey=…&serverProfile=ceph-rgw`).
 */
export function createDriver(config: ProviderConfig | Record<string, unknown> = {}): IbmCosDriver {
  return new IbmCosDriver(config);
}
