import type { ProviderConfig } from '@stowage/core';
import { S3Driver } from './s3-driver.js';

export { S3Driver } from './s3-driver.js';
export { S3Store, createS3Store } from './s3-store.js';
export {
  resolveConfig,
  SERVER_PROFILES,
  type S3StoreConfig,
  type S3CallOptions,
  type ServerProfile,
  type StaticCredentials,
  type CredentialProvider,
  type ChecksumMode,
  type ResolvedS3Config,
} from './config.js';
export { mapS3Error, s3ErrorCode, s3ErrorMessage, type ErrorContext } from './errors.js';
export { CHECKSUM_REQUIRED_OPERATIONS } from './content-md5.js';
export { decodeBencode, type BencodeValue, type GetObjectTorrentRequest } from './extensions/torrent.js';
export type { WriteGetObjectResponseRequest } from './extensions/write-get-object-response.js';

/**
 * The provider entry point `openStore` loads: a driver from a plain config
 * object or one parsed from a URL (`s3://?endpoint=http://127.0.0.1:7480&region=us-east-1&forcePathStyle=true&accessKeyId=…`).
 * URL values arrive as strings, numbers or booleans and are coerced.
 */
export function createDriver(config: ProviderConfig | Record<string, unknown> = {}): S3Driver {
  return new S3Driver(config);
}
