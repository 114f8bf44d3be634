import {
  abortError,
  InvalidArgumentError,
  IntegrityError,
  isStowageError,
  multipartEtag,
  sleep,
  type CompletedPart,
  type Metadata,
  type MultipartUpload,
  type ObjectInfo,
  type StoreHooks,
  type Store,
} from '@stowage/core';
import { download, type DownloadOptions, type DownloadResult } from './download/downloader.js';
import { parseEtag } from './integrity/etag.js';
import { encodeSchedule, MANIFEST_KEY } from './integrity/manifest.js';
import type { UploadOptions, UploadResult } from './options.js';
import { ProgressTracker } from './progress.js';
import { DEFAULT_CONCURRENCY, partBoundaries, planKnownLength } from './upload/part-planner.js';
import { SourceChangedError, upload } from './upload/uploader.js';

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
  /**
   * `'auto'` (default): within one store, a server-side copy — one request when the
   * object fits the store's single-copy limit, else parts copied by the server
   * (UploadPartCopy, `multipart.copyPart`); `false`: always stream.
   */
  serverSide?: 'auto' | false;
  /**
   * Within one store: objects larger than this are copied server-side in parts
   * (default and maximum: the store's single-copy limit, `capabilities.maxCopySize`,
   * S3's 5 GiB). Part size as for uploads of a known length (`partSize`, default 16 MiB).
   */
  multipartCopyThreshold?: number;
}

export interface CopyTransferResult {
  mode: 'server-side' | 'server-side-multipart' | 'streamed';
  etag: string;
  versionId?: string;
  size: number;
  source: { etag: string; versionId?: string; verified: boolean };
  upload?: UploadResult;
  download?: Omit<DownloadResult, 'info'>;
  /** `server-side-multipart`: the parts the server copied. */
  parts?: { count: number; partSize: number };
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
  const caps = source.store.capabilities;
  const copyLimit = caps.maxCopySize ?? caps.maxPutSize;
  const threshold = options.multipartCopyThreshold;
  if (threshold !== undefined && (!Number.isSafeInteger(threshold) || threshold < 0)) throw new InvalidArgumentError('multipartCopyThreshold', 'must be a non-negative integer');
  if (same && options.serverSide !== false && caps.copy) {
    const info = await source.store.head(source.bucket, source.key, { versionId: source.versionId, signal: options.signal });
    if (info.size > Math.min(threshold ?? copyLimit, copyLimit) && caps.multipart?.copyPart) {
      return multipartCopy(source, target, info, options);
    }
    if (info.size <= copyLimit) {
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
  const { download: _d, serverSide: _s, multipartCopyThreshold: _t, ...uploadOptions } = options;
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


/**
 * A server-side copy in parts (S3 UploadPartCopy) within one store: the
 * target upload is created with the source's metadata and content headers,
 * parts are cut as an upload of the same length would be (`planKnownLength`)
 * and copied `concurrency` at a time, each pinned to the source version (its
 * version id, else If-Match on its ETag; where the store has neither, the
 * source is checked unchanged before completing). On failure or abort the
 * requests in flight are cancelled and the multipart upload is aborted.
 */
async function multipartCopy(source: CopySource, target: CopyTarget, info: ObjectInfo, options: CopyTransferOptions): Promise<CopyTransferResult> {
  const store = target.store;
  const caps = store.capabilities;
  const mp = caps.multipart!;
  const schedule = planKnownLength(info.size, mp, { partSize: options.partSize });
  const bounds = partBoundaries(schedule, info.size);
  const count = bounds.length - 1;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError('concurrency', 'must be a positive integer');
  const versionId = info.versionId ?? source.versionId;
  const ifMatch = versionId === undefined && caps.conditionalCopy ? info.etag : undefined;
  const from = { bucket: source.bucket, key: source.key, ...(versionId !== undefined ? { versionId } : {}) };

  const metadata: Metadata = { ...info.metadata, ...(options.metadata ?? {}) };
  delete metadata[MANIFEST_KEY];
  // The copy's parts follow this schedule: record it, as an upload does, so downloads can check the composite ETag.
  if (caps.userMetadata && options.recordSchedule !== false) metadata[MANIFEST_KEY] = encodeSchedule(schedule);

  const tracker = new ProgressTracker(options.onProgress, options.progressIntervalMs);
  tracker.totalBytes = info.size;
  tracker.partsTotal = count;
  const hooks: StoreHooks = { onRetry: () => tracker.retried() };
  const controller = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => controller.abort(outer!.reason);
  if (outer?.aborted) throw abortError(outer);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = controller.signal;

  let upload: MultipartUpload | undefined;
  try {
    upload = await store.createMultipartUpload(target.bucket, target.key, {
      metadata,
      contentType: options.contentType ?? info.contentType,
      cacheControl: options.cacheControl ?? info.cacheControl,
      contentDisposition: options.contentDisposition ?? info.contentDisposition,
      contentEncoding: options.contentEncoding ?? info.contentEncoding,
      ...(options.retention !== undefined ? { retention: options.retention } : {}),
      ...(options.legalHold !== undefined ? { legalHold: options.legalHold } : {}),
      signal,
    });
    const made = upload;
    const parts: CompletedPart[] = new Array(count);
    let next = 0;
    let firstError: unknown;
    const worker = async () => {
      while (firstError === undefined && next < count) {
        const i = next++;
        const start = bounds[i]!;
        const end = bounds[i + 1]! - 1;
        try {
          const part = await store.uploadPartCopy(made, i + 1, from, { range: { start, end }, ...(ifMatch !== undefined ? { ifMatch } : {}), signal, hooks });
          parts[i] = { partNumber: part.partNumber, etag: part.etag };
          tracker.add(end - start + 1, true);
        } catch (e) {
          if (firstError === undefined) {
            firstError = outer?.aborted ? abortError(outer) : e;
            if (!signal.aborted) tracker.failed();
            controller.abort(firstError);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    if (firstError !== undefined) throw firstError;
    if (versionId === undefined && ifMatch === undefined) {
      // Neither a version id nor a conditional copy pins the source: it must be the one we started from.
      await checkUnchanged(source, info, signal);
    }
    const done = await store.completeMultipartUpload(made, parts, { signal, hooks, ...(options.ifNoneMatch !== undefined ? { ifNoneMatch: options.ifNoneMatch } : {}) });
    upload = undefined;
    const expected = multipartEtag(parts);
    const got = parseEtag(done.etag);
    if (expected !== '' && got.kind === 'composite' && `"${got.md5}-${got.parts}"` !== expected) {
      throw new IntegrityError(`The copy's ETag ${done.etag} is not the composite of the copied parts' ETags (${expected})`, { provider: store.provider });
    }
    tracker.emit(true);
    const out: CopyTransferResult = {
      mode: 'server-side-multipart',
      etag: done.etag,
      size: info.size,
      source: { etag: info.etag, verified: false },
      parts: { count, partSize: schedule.initial },
    };
    if (done.versionId !== undefined) out.versionId = done.versionId;
    if (info.versionId !== undefined) out.source.versionId = info.versionId;
    return out;
  } catch (e) {
    if (upload) await abortUpload(store, upload, options.cleanupTimeoutMs ?? 30_000);
    if (outer?.aborted) throw abortError(outer);
    if (ifMatch !== undefined && isStowageError(e, 'PreconditionFailed')) {
      throw new SourceChangedError(`${source.bucket}/${source.key} changed during the copy (its ETag is no longer ${info.etag}): the copy was abandoned`);
    }
    throw e;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/** The source's ETag, size and modification time are still the ones the copy started from. */
async function checkUnchanged(source: CopySource, info: ObjectInfo, signal: AbortSignal): Promise<void> {
  let now: ObjectInfo;
  try {
    now = await source.store.head(source.bucket, source.key, { signal });
  } catch (e) {
    if (isStowageError(e, 'ObjectNotFound')) throw new SourceChangedError(`${source.bucket}/${source.key} was deleted during the copy`);
    throw e;
  }
  if (now.etag !== info.etag || now.size !== info.size || now.lastModified.getTime() !== info.lastModified.getTime()) {
    throw new SourceChangedError(`${source.bucket}/${source.key} changed during the copy (ETag ${info.etag} → ${now.etag}): the copy was abandoned`);
  }
}

/**
 * Aborts the upload, then lists the key's uploads to confirm it is gone (an
 * abort racing a part copy still being stored can leave it listed): again
 * until it is, or `timeoutMs` has passed. Never throws.
 */
async function abortUpload(store: Store, upload: MultipartUpload, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) return;
    const signal = AbortSignal.timeout(left);
    await store.abortMultipartUpload(upload, { signal }).catch(() => {});
    try {
      let listed = false;
      let cursor: string | undefined;
      do {
        const page = await store.listUploads(upload.bucket, { prefix: upload.key, signal, ...(cursor ? { cursor } : {}) });
        listed = page.uploads.some((u) => u.uploadId === upload.uploadId);
        cursor = page.nextCursor;
      } while (!listed && cursor);
      if (!listed) return;
    } catch {
      // unconfirmed: try again
    }
    await sleep(Math.min(100 * 2 ** attempt, 2000, Math.max(0, deadline - Date.now())));
  }
}
