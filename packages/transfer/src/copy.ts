import { IntegrityError, type Metadata, type Store } from '@stowage/core';
import { download, type DownloadOptions, type DownloadResult } from './download/downloader.js';
import { parseEtag } from './integrity/etag.js';
import { MANIFEST_KEY } from './integrity/manifest.js';
import type { UploadOptions, UploadResult } from './options.js';
import { upload } from './upload/uploader.js';

export interface CopySource {
  store: Store;
  bucket: string;
  key: string;
  versionId?: string;
}

export interface CopyTarget {
  store: Store;
  bucket: string;
  key: string;
}

export interface CopyTransferOptions extends Omit<UploadOptions, 'contentLength'> {
  /** Options of the streamed read (verification, strategy, range size). */
  download?: Pick<DownloadOptions, 'verify' | 'strategy' | 'rangeSize' | 'singleStreamRate'>;
  /** `'auto'` (default): a server-side copy when both ends are the same store and the object fits one copy; `false`: always stream. */
  serverSide?: 'auto' | false;
}

export interface CopyTransferResult {
  mode: 'server-side' | 'streamed';
  etag: string;
  versionId?: string;
  size: number;
  source: { etag: string; versionId?: string; verified: boolean };
  upload?: UploadResult;
  download?: Omit<DownloadResult, 'info'>;
}

/**
 * Copies an object between stores (or within one). Same store: a server-side
 * copy when the store has one and the object fits its single-request limit.
 * Otherwise a streamed pipeline — parallel ranged reads pinned to the source
 * version into a parallel multipart upload — with the download's whole-object
 * check and the upload's per-part checksums: memory stays at the upload's
 * bound plus the download's look-ahead.
 */
export async function copy(source: CopySource, target: CopyTarget, options: CopyTransferOptions = {}): Promise<CopyTransferResult> {
  const same = source.store === target.store;
  if (same && options.serverSide !== false && source.store.capabilities.copy) {
    const info = await source.store.head(source.bucket, source.key, { versionId: source.versionId, signal: options.signal });
    if (info.size <= source.store.capabilities.maxPutSize) {
      const res = await source.store.copy(
        { bucket: source.bucket, key: source.key, versionId: info.versionId ?? source.versionId },
        { bucket: target.bucket, key: target.key },
        { signal: options.signal, ifMatch: source.store.capabilities.conditionalCopy ? info.etag : undefined },
      );
      const src = parseEtag(info.etag);
      const dst = parseEtag(res.etag);
      if (src.kind === 'md5' && dst.kind === 'md5' && src.md5 !== dst.md5) {
        throw new IntegrityError(`The copy's ETag ${res.etag} differs from the source's ${info.etag}`, { provider: source.store.provider });
      }
      options.onProgress?.({ bytesDone: info.size, totalBytes: info.size, partsDone: 1, partsFailed: 0, partsRetried: 0, partsTotal: 1, rate: 0, etaSeconds: 0, elapsedMs: 0 });
      const out: CopyTransferResult = { mode: 'server-side', etag: res.etag, size: info.size, source: { etag: info.etag, verified: false } };
      if (res.versionId !== undefined) out.versionId = res.versionId;
      if (info.versionId !== undefined) out.source.versionId = info.versionId;
      return out;
    }
  }

  const d = download(source.store, source.bucket, source.key, {
    ...options.download,
    versionId: source.versionId,
    signal: options.signal,
    concurrency: options.concurrency,
  });
  const info = await d.open();
  const { download: _d, serverSide: _s, ...uploadOptions } = options;
  const metadata: Metadata = { ...info.metadata, ...(options.metadata ?? {}) };
  delete metadata[MANIFEST_KEY];
  const body = d.stream();
  const up = await upload(target.store, target.bucket, target.key, body, {
    ...uploadOptions,
    contentLength: info.size,
    metadata,
    contentType: options.contentType ?? info.contentType,
    cacheControl: options.cacheControl ?? info.cacheControl,
    contentDisposition: options.contentDisposition ?? info.contentDisposition,
    contentEncoding: options.contentEncoding ?? info.contentEncoding,
  });
  const down = await d.result;
  const { info: _i, ...downSummary } = down;
  const out: CopyTransferResult = {
    mode: 'streamed',
    etag: up.etag,
    size: up.size,
    source: { etag: down.etag, verified: down.integrity.verified },
    upload: up,
    download: downSummary,
  };
  if (up.versionId !== undefined) out.versionId = up.versionId;
  if (down.versionId !== undefined) out.source.versionId = down.versionId;
  return out;
}

