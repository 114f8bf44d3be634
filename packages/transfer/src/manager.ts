import type { Store } from '@stowage/core';
import { copy, type CopySource, type CopyTarget, type CopyTransferOptions, type CopyTransferResult } from './copy.js';
import { download, type Download, type DownloadOptions } from './download/downloader.js';
import type { UploadOptions, UploadResult } from './options.js';
import type { TransferBody } from './source.js';
import { upload } from './upload/uploader.js';

/** Defaults bound to one store: `new TransferManager(store, { concurrency: 8 }).upload(bucket, key, body)`. */
export class TransferManager {
  constructor(
    readonly store: Store,
    readonly defaults: UploadOptions & DownloadOptions = {},
  ) {}

  upload(bucket: string, key: string, body: TransferBody, options: UploadOptions = {}): Promise<UploadResult> {
    return upload(this.store, bucket, key, body, { ...this.defaults, ...options });
  }

  download(bucket: string, key: string, options: DownloadOptions = {}): Download {
    return download(this.store, bucket, key, { ...this.defaults, ...options });
  }

  /** Copies into this manager's store (from any store). */
  copyFrom(source: CopySource, target: Omit<CopyTarget, 'store'>, options: CopyTransferOptions = {}): Promise<CopyTransferResult> {
    return copy(source, { ...target, store: this.store }, { ...this.defaults, ...options });
  }
}
