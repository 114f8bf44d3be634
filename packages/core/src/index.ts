export * from './errors/stowage-error.js';
export { redact, registerSecret } from './errors/redact.js';
export * from './capabilities.js';
export type * from './driver.js';
export type * from './types.js';
export { Store, type StoreOptions, type GetResult, type ObjectLocation } from './store.js';
export { ObjectBody } from './body/object-body.js';
export { prepareBody, collectStream, iterableToStream, type PreparedBody } from './body/body-input.js';
export { guardBody, sliceStream } from './body/stream-transforms.js';
export { nodeReadableToWeb, type NodeReadableToWebOptions } from './body/node-readable.js';
export { CursorCodec } from './pagination/cursor.js';
export { compareUtf8 } from './key-order.js';
export { runWithRetry, backoffDelay, sleep, abortError, type RetryOptions, type StoreHooks, type OperationEvent } from './retry/retry-policy.js';
export { validateBucketName } from './validation/bucket-name.js';
export { validateKey, validateKeyFragment, utf8Length, isWellFormedUnicode } from './validation/object-key.js';
export { checkKeyRule, type KeyRule } from './validation/key-rules.js';
export { validateRange, resolveRange, rangeHeader, parseContentRange, type ResolvedRange } from './validation/range.js';
export { validateCopyRange } from './validation/range.js';
export { encodeMetadata, decodeMetadata, encodeMetadataValue, decodeMetadataValue } from './validation/metadata.js';
export { validatePartNumber } from './validation/part-number.js';
export { validateRetention, validateRetentionMode, validateDefaultRetention } from './validation/retention.js';
export { openStore, type OpenStoreOptions } from './config/open-store.js';
export { parseStoreUrl } from './config/parse-store-url.js';
export { configString, configBoolean, configPort, configObject, configEndpoint, configEndpointUrl } from './config/config-values.js';
export { BUILTIN_PROVIDERS, type ProviderModule, type ProviderConfig } from './config/provider-module.js';
export { mapS3ErrorCode, s3LockReason, s3StatusCode, isS3NotFoundCode, type S3ErrorContext } from './s3/error-codes.js';
export { S3_SERVER_PROFILES, S3_SERVER_PROFILE_NAMES, s3ProfileCapabilities, type S3ServerProfile } from './s3/server-profiles.js';
export { S3_SERVER_QUIRKS, NO_S3_QUIRKS, type S3ServerQuirks } from './s3/server-quirks.js';
export { quoteEtag, multipartEtag, encodeCopySourceKey, decodeS3Listed } from './s3/etag.js';
export { crc32, crc32c, crc32Combine, crcBytes, checksumDigest, checksumBase64 } from './checksums/crc.js';
export { S3_CHECKSUM_MEMBERS, s3ChecksumMember, s3ChecksumHeader, s3UploadChecksumMembers, s3UploadChecksumHeaders, s3StoredChecksum, s3StoredChecksumFromHeaders } from './s3/checksum-members.js';
export { s3CopySource, s3CopySourceRange, s3PartCopyContext, s3PartCopyHeaders, s3PartCopyMembers } from './s3/part-copy.js';
export { s3DeleteManyResults, S3_DELETE_RECHECK_LIMIT, type S3DeleteAnswer } from './s3/delete-objects.js';
export {
  applyLockAfterWrite,
  completionFailure,
  copyVersionFromHead,
  headNotFoundCause,
  isS3LockConfigMissing,
  isS3NoRetention,
  noLockConfiguration,
  PendingUploadLocks,
  phantomObjectError,
  refuseOwnedBucket,
  requestedLock,
  settleCopy,
  type S3LockToApply,
  type S3QuirkDriver,
} from './s3/quirk-workarounds.js';
export { isProtectedTransport, mayLeavePayloadUnsigned, type PayloadSigning } from './s3/payload-signing.js';
export {
  s3ContentMembers,
  s3CopyConditionMembers,
  s3DeleteAnswers,
  s3DeleteMember,
  s3LockConfiguration,
  s3LockConfigurationMember,
  s3LockMembers,
  s3MetadataMember,
  s3ObjectsPage,
  s3PartsPage,
  s3PutResult,
  s3ReadConditionMembers,
  s3Retention,
  s3UploadMarkers,
  s3UploadsPage,
  s3VersioningState,
  s3VersionMarkers,
  s3VersionsPage,
} from './s3/model-members.js';
export { networkErrorCode } from './errors/network.js';
