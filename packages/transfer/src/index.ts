export { upload, resumeUpload, choosePartChecksum, SourceChangedError } from './upload/uploader.js';
export {
  FileCheckpointStore,
  MemoryCheckpointStore,
  CHECKPOINT_VERSION,
  type CheckpointStore,
  type UploadCheckpoint,
  type CheckpointPart,
  type SourceIdentity,
} from './resume/checkpoint.js';
export { download, Download, type DownloadOptions, type DownloadResult } from './download/downloader.js';
export { copy, type CopySource, type CopyTarget, type CopyTransferOptions, type CopyTransferResult } from './copy.js';
export type { UploadOptions, UploadResult, TransferCommonOptions } from './options.js';
export type { Progress, ProgressListener } from './progress.js';
export type { TransferBody, FileBody } from './source.js';
export {
  planKnownLength,
  planUnknownLength,
  partSizeAt,
  partBoundaries,
  scheduleCapacity,
  DEFAULT_PART_SIZE,
  DEFAULT_CONCURRENCY,
  type PartSchedule,
  type PlanOptions,
} from './upload/part-planner.js';
export { BufferPool } from './upload/buffer-pool.js';
export { planRanges } from './download/range-planner.js';
export { parseEtag, compositeEtag, unquoteEtag, type EtagForm } from './integrity/etag.js';
export { crc32, crc32c } from '@stowage/core';
export { MANIFEST_KEY, encodeSchedule, decodeSchedule } from './integrity/manifest.js';
export { planIntegrity, OrderedHasher, type IntegrityPlan, type VerifyMethod } from './integrity/verifier.js';
export { TransferManager } from './manager.js';
