import { hasCapability, type Capabilities } from './capabilities.js';
import type { Driver, DriverBody } from './driver.js';
import {
  AbortedError,
  InvalidArgumentError,
  InvalidRangeError,
  IntegrityError,
  isStowageError,
  NotSupportedError,
  ProviderError,
  TransientError,
  type StowageError,
} from './errors/stowage-error.js';
import { networkErrorCode } from './errors/network.js';
import { CursorCodec } from './pagination/cursor.js';
import { abortError, runWithRetry, type RetryOptions, type StoreHooks } from './retry/retry-policy.js';
import { prepareBody, collectStream } from './body/body-input.js';
import { ObjectBody } from './body/object-body.js';
import { guardBody, sliceStream } from './body/stream-transforms.js';
import { multipartPut } from './multipart-put.js';
import type {
  BodyChecksum,
  BodyInput,
  BucketInfo,
  CallOptions,
  CompletedPart,
  CompleteMultipartOptions,
  CopyOptions,
  CopyResult,
  CreateBucketOptions,
  CreateMultipartOptions,
  DefaultRetention,
  DeleteManyEntry,
  DeleteManyOptions,
  DeleteManyResult,
  DeleteOptions,
  DeleteResult,
  GetOptions,
  HeadOptions,
  ListOptions,
  ListPage,
  ListPartsOptions,
  ListPartsPage,
  ListUploadsOptions,
  ListUploadsPage,
  ListVersionsOptions,
  ListVersionsPage,
  MultipartUpload,
  ObjectInfo,
  ObjectLockConfiguration,
  ObjectSummary,
  PresignOptions,
  PutOptions,
  PutResult,
  ReadConditions,
  Retention,
  RetentionOptions,
  UploadPartCopyOptions,
  UploadPartCopyResult,
  UploadPartOptions,
  UploadChecksum,
  VersioningState,
  VersionOptions,
  VersionSummary,
} from './types.js';
import { validateBucketName } from './validation/bucket-name.js';
import { decodeMetadata, encodeMetadata } from './validation/metadata.js';
import { validateKey, validateKeyFragment } from './validation/object-key.js';
import { validatePartNumber } from './validation/part-number.js';
import { resolveRange, validateCopyRange, validateRange, type ByteRange } from './validation/range.js';
import { validateDefaultRetention, validateRetention } from './validation/retention.js';

export interface StoreOptions {
  /** Retry and timeout layer; `false` disables retries (one attempt). */
  retry?: RetryOptions | false;
  hooks?: StoreHooks;
  /** HMAC key for listing cursors (see CursorCodec for the default). */
  cursorKey?: string | Uint8Array;
  /** A cursor codec to use instead of the default HMAC one (certification suites inject broken ones). */
  cursors?: CursorCodec;
  /**
   * Unknown-length puts on a backend without `unknownLengthPut`: bodies up to
   * this size are buffered and sent in one request, larger ones go multipart.
   */
  unknownLengthBufferBytes?: number;
}

export interface GetResult {
  info: ObjectInfo;
  body: ObjectBody;
  /** The inclusive span delivered, when a range was asked for. */
  range?: { start: number; end: number };
}

export interface ObjectLocation {
  bucket: string;
  key: string;
  versionId?: string;
}

const DEFAULT_UNKNOWN_LENGTH_BUFFER = 8 * 1024 * 1024;

/**
 * The portable store users call. Wraps any `Driver` and owns, once for all
 * adapters: validation before I/O, capability checks, metadata encoding,
 * range rules, cursors, retries, timeouts, hooks and error normalisation.
 */
export class Store {
  readonly provider: string;
  readonly server: string | undefined;
  readonly capabilities: Capabilities;
  private readonly cursors: CursorCodec;
  private readonly retry: RetryOptions;

  constructor(
    private readonly driver: Driver,
    private readonly options: StoreOptions = {},
  ) {
    this.provider = driver.provider;
    this.server = driver.server;
    this.capabilities = driver.capabilities;
    this.cursors = options.cursors ?? new CursorCodec(options.cursorKey);
    this.retry = options.retry === false ? { maxAttempts: 1 } : (options.retry ?? {});
  }

  /** The native client of the driver (an escape hatch: `store.unwrap() as S3Client`). */
  unwrap<T = unknown>(): T {
    return this.driver.native() as T;
  }

  /** The driver itself, for adapter-specific extensions. */
  unwrapDriver<T extends Driver = Driver>(): T {
    return this.driver as T;
  }

  now(): Date {
    return this.driver.now?.() ?? new Date();
  }

  async close(): Promise<void> {
    await this.driver.close?.();
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(bucket: string, options: CreateBucketOptions = {}): Promise<void> {
    validateBucketName(bucket);
    this.require('managedBuckets');
    if (options.region !== undefined && !this.capabilities.bucketRegion) throw new NotSupportedError('bucketRegion');
    if (options.objectLock) this.require('objectLock');
    await this.call('createBucket', { bucket }, options, (signal) =>
      this.driver.createBucket({ bucket, region: options.region, objectLock: options.objectLock, signal }),
    );
  }

  async deleteBucket(bucket: string, options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    this.require('managedBuckets');
    await this.call('deleteBucket', { bucket }, options, (signal) => this.driver.deleteBucket({ bucket, signal }));
  }

  async bucketExists(bucket: string, options: CallOptions = {}): Promise<boolean> {
    validateBucketName(bucket);
    try {
      await this.call('headBucket', { bucket }, options, (signal) => this.driver.headBucket({ bucket, signal }));
      return true;
    } catch (e) {
      if (isStowageError(e, 'BucketNotFound')) return false;
      throw e;
    }
  }

  async listBuckets(options: CallOptions = {}): Promise<BucketInfo[]> {
    this.require('managedBuckets');
    return this.call('listBuckets', {}, options, (signal) => this.driver.listBuckets({ signal }));
  }

  // ---------------------------------------------------------------- objects

  async put(bucket: string, key: string, body: BodyInput, options: PutOptions = {}): Promise<PutResult> {
    this.checkObject(bucket, key);
    const metadata = this.checkMetadata(options.metadata);
    this.checkContentHeaders(options);
    if (options.ifMatch !== undefined) {
      this.require('conditionalWrite.ifMatch');
      checkEtagArgument(options.ifMatch, 'ifMatch');
    }
    if (options.ifNoneMatch !== undefined) {
      if (options.ifNoneMatch !== '*') throw new InvalidArgumentError('ifNoneMatch', 'must be "*" on a put');
      this.require('conditionalWrite.ifNoneMatch');
    }
    this.checkWriteLock(options.retention, options.legalHold);
    this.checkBodyChecksum(options.checksum);
    const prepared = prepareBody(body, options.contentLength);
    if (prepared.length !== undefined && prepared.length > this.capabilities.maxPutSize) {
      await cancelBody(prepared.first);
      throw new InvalidArgumentError('body', `is ${prepared.length} bytes, over this backend's single-put limit of ${this.capabilities.maxPutSize} (use @stowage/transfer)`);
    }
    const request = {
      bucket,
      key,
      metadata,
      contentType: options.contentType,
      cacheControl: options.cacheControl,
      contentDisposition: options.contentDisposition,
      contentEncoding: options.contentEncoding,
      ifMatch: options.ifMatch,
      ifNoneMatch: options.ifNoneMatch,
      retention: options.retention,
      legalHold: options.legalHold,
      contentMd5: options.contentMd5,
      checksum: options.checksum,
    };

    if (prepared.length === undefined && !this.capabilities.unknownLengthPut) {
      return this.putUnknownLength(request, options.metadata, prepared.first as ReadableStream<Uint8Array>, options.signal);
    }
    let first = true;
    return this.call(
      'putObject',
      { bucket, key },
      options,
      (signal) => {
        const payload = first ? prepared.first : prepared.replay!();
        first = false;
        return this.driver.putObject({ ...request, body: payload, contentLength: prepared.length, signal });
      },
      prepared.replay !== undefined,
    );
  }

  /**
   * A stream of unknown length on a backend that needs one: buffer up to a bound
   * and send one request, or stream the rest through multipart (sequential parts;
   * @stowage/transfer is the parallel, resumable path).
   */
  private async putUnknownLength(
    request: Omit<Parameters<Driver['putObject']>[0], 'body' | 'signal' | 'contentLength'>,
    rawMetadata: Record<string, string> | undefined,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined,
  ): Promise<PutResult> {
    const multipart = this.capabilities.multipart;
    const bound = Math.max(this.options.unknownLengthBufferBytes ?? DEFAULT_UNKNOWN_LENGTH_BUFFER, multipart?.minPartSize ?? 0);
    const reader = stream.getReader();
    const head: Uint8Array[] = [];
    let size = 0;
    let ended = false;
    while (size <= bound) {
      if (signal?.aborted) {
        await reader.cancel().catch(() => {});
        throw abortError(signal);
      }
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      head.push(value);
      size += value.length;
    }
    if (ended) {
      const bytes = concat(head, size);
      return this.call('putObject', request, { signal }, (s) => this.driver.putObject({ ...request, body: bytes, contentLength: bytes.length, signal: s }));
    }
    if (!multipart) {
      await reader.cancel().catch(() => {});
      throw new NotSupportedError('unknownLengthPut', 'This backend needs the body length for a put and has no multipart upload: pass contentLength');
    }
    if (request.ifMatch !== undefined) {
      await reader.cancel().catch(() => {});
      throw new NotSupportedError('conditionalWrite.ifMatch', 'ifMatch with a body of unknown length over the buffer bound: pass contentLength');
    }
    return multipartPut(this, request, rawMetadata, head, reader, bound, signal);
  }

  async get(bucket: string, key: string, options: GetOptions = {}): Promise<GetResult> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    const conditions = this.checkReadConditions(options);
    let range = options.range;
    if (range !== undefined) validateRange(range);

    if (range && !('suffix' in range) && range.length === 0) {
      // A zero-length read never goes to the wire: S3 cannot express it.
      const info = await this.head(bucket, key, { ...conditions, versionId: options.versionId, signal: options.signal });
      if (range.offset >= info.size) throw new InvalidRangeError(`Range start ${range.offset} is at or past the object size ${info.size}`, { provider: this.provider });
      return { info, body: new ObjectBody(new ReadableStream({ start: (c) => c.close() })), range: { start: range.offset, end: range.offset - 1 } };
    }
    if (range && 'suffix' in range && !this.capabilities.suffixRange) {
      const info = await this.head(bucket, key, { ...conditions, versionId: options.versionId, signal: options.signal });
      const resolved = resolveRange(range, info.size);
      range = { offset: resolved.start, length: resolved.end - resolved.start + 1 };
    }
    const wanted: ByteRange | undefined = range;
    const result = await this.call('getObject', { bucket, key }, options, (signal) =>
      this.driver.getObject({ bucket, key, versionId: options.versionId, range: wanted, conditions, signal, ...(options.checksum && !wanted ? { checksumMode: true } : {}) }),
    );
    const info = { ...result.info, metadata: decodeMetadata(result.info.metadata) };
    let stream = result.body;
    let delivered: { start: number; end: number } | undefined;
    if (wanted) {
      const expected = resolveRangeOrCancel(wanted, info.size, stream);
      if (result.contentRange === undefined) {
        // The server ignored the range and sent the whole object (200): cut it here.
        stream = sliceStream(stream, expected.start, expected.end - expected.start + 1);
      } else if (result.contentRange.start !== expected.start || result.contentRange.end !== expected.end) {
        await stream.cancel().catch(() => {});
        throw new IntegrityError(
          `Asked for bytes ${expected.start}-${expected.end}, the server sent ${result.contentRange.start}-${result.contentRange.end}`,
          { provider: this.provider },
        );
      }
      delivered = expected;
    }
    const body = guardBody(stream, {
      idleMs: this.retry.idleBodyTimeoutMs,
      signal: options.signal,
      normalize: (e) => this.normalize(e),
      onAbort: () => abortError(options.signal),
    });
    return delivered ? { info, body: new ObjectBody(body), range: delivered } : { info, body: new ObjectBody(body) };
  }

  /** Reads a whole object (or range) into memory. */
  async getBytes(bucket: string, key: string, options: GetOptions = {}): Promise<Uint8Array> {
    const { body } = await this.get(bucket, key, options);
    return body.bytes();
  }

  async head(bucket: string, key: string, options: HeadOptions = {}): Promise<ObjectInfo> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    const conditions = this.checkReadConditions(options);
    const info = await this.call('headObject', { bucket, key }, options, (signal) =>
      this.driver.headObject({ bucket, key, versionId: options.versionId, conditions, signal, ...(options.checksum ? { checksumMode: true } : {}) }),
    );
    return { ...info, metadata: decodeMetadata(info.metadata) };
  }

  async delete(bucket: string, key: string, options: DeleteOptions = {}): Promise<DeleteResult> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    return this.call('deleteObject', { bucket, key }, options, (signal) =>
      this.driver.deleteObject({ bucket, key, versionId: options.versionId, bypassGovernanceRetention: options.bypassGovernanceRetention, signal }),
    );
  }

  /** Deletes many keys (or versions): one result per entry, in input order; per-key failures do not throw. */
  async deleteMany(bucket: string, entries: Array<string | DeleteManyEntry>, options: DeleteManyOptions = {}): Promise<DeleteManyResult[]> {
    validateBucketName(bucket);
    if (!Array.isArray(entries)) throw new InvalidArgumentError('entries', 'must be an array');
    const list = entries.map((e) => (typeof e === 'string' ? { key: e } : e));
    list.forEach((e, i) => {
      validateKey(e.key, this.capabilities.keyRules, this.capabilities.maxKeyBytes, `entries[${i}].key`);
      this.checkVersionId(e.versionId);
    });
    const batch = this.capabilities.batchDeleteMax;
    const results: DeleteManyResult[] = [];
    if (batch && this.driver.deleteObjects) {
      for (let i = 0; i < list.length; i += batch) {
        const chunk = list.slice(i, i + batch);
        const answered = await this.call('deleteObjects', { bucket }, options, (signal) =>
          this.driver.deleteObjects!({ bucket, entries: chunk, bypassGovernanceRetention: options.bypassGovernanceRetention, signal }),
        );
        results.push(...answered.map((r) => (r.deleted ? r : { ...r, error: this.normalize(r.error) })));
      }
      return results;
    }
    for (const entry of list) {
      try {
        const r = await this.delete(bucket, entry.key, { ...entry, bypassGovernanceRetention: options.bypassGovernanceRetention, signal: options.signal });
        results.push({ key: entry.key, versionId: entry.versionId, deleted: true, deleteMarker: r.deleteMarker, deleteMarkerVersionId: r.deleteMarker ? r.versionId : undefined });
      } catch (e) {
        if (isStowageError(e, 'Aborted') || isStowageError(e, 'BucketNotFound')) throw e;
        results.push({ key: entry.key, versionId: entry.versionId, deleted: false, error: this.normalize(e) });
      }
    }
    return results;
  }

  async copy(source: ObjectLocation, target: { bucket: string; key: string }, options: CopyOptions = {}): Promise<CopyResult> {
    this.require('copy');
    this.checkObject(source.bucket, source.key, 'source');
    this.checkObject(target.bucket, target.key, 'target');
    const sourceVersionId = options.sourceVersionId ?? source.versionId;
    this.checkVersionId(sourceVersionId);
    const directive = options.metadataDirective ?? 'copy';
    if (directive !== 'copy' && directive !== 'replace') throw new InvalidArgumentError('metadataDirective', 'must be "copy" or "replace"');
    const hasReplacement = options.metadata !== undefined || options.contentType !== undefined || options.cacheControl !== undefined || options.contentDisposition !== undefined || options.contentEncoding !== undefined;
    if (directive === 'copy' && hasReplacement) throw new InvalidArgumentError('metadataDirective', 'metadata and content headers can only be given with metadataDirective "replace"');
    const metadata = directive === 'replace' ? this.checkMetadata(options.metadata) : {};
    this.checkContentHeaders(options);
    const conditions = this.checkReadConditions(options);
    if (Object.keys(conditions).length > 0) this.require('conditionalCopy');
    this.checkWriteLock(options.retention, options.legalHold);
    return this.call('copyObject', target, options, (signal) =>
      this.driver.copyObject({
        bucket: target.bucket,
        key: target.key,
        sourceBucket: source.bucket,
        sourceKey: source.key,
        sourceVersionId,
        metadataDirective: directive,
        metadata,
        contentType: options.contentType,
        cacheControl: options.cacheControl,
        contentDisposition: options.contentDisposition,
        contentEncoding: options.contentEncoding,
        conditions,
        retention: options.retention,
        legalHold: options.legalHold,
        signal,
      }),
    );
  }

  // ---------------------------------------------------------------- listing

  async listPage(bucket: string, options: ListOptions = {}): Promise<ListPage> {
    validateBucketName(bucket);
    const { prefix, delimiter, pageSize } = this.checkListing(options);
    validateKeyFragment(options.startAfter, 'startAfter', this.capabilities.maxKeyBytes);
    if (options.startAfter !== undefined && options.startAfter !== '') this.require('listing.startAfter');
    const bound = { o: 'list', b: bucket, p: prefix ?? null, d: delimiter ?? null };
    const token = options.cursor !== undefined ? (this.cursors.decode(options.cursor, bound).t as string) : undefined;
    const page = await this.call('listObjects', { bucket }, options, (signal) =>
      this.driver.listObjects({ bucket, prefix, delimiter, maxKeys: pageSize, token, startAfter: token === undefined ? options.startAfter || undefined : undefined, signal }),
    );
    const out: ListPage = { objects: page.objects, commonPrefixes: page.commonPrefixes };
    if (page.nextToken !== undefined) out.nextCursor = this.cursors.encode({ ...bound, t: page.nextToken });
    return out;
  }

  /** Every page of a listing, following cursors. */
  async *listPages(bucket: string, options: ListOptions = {}): AsyncGenerator<ListPage> {
    let cursor = options.cursor;
    for (;;) {
      const page = await this.listPage(bucket, { ...options, cursor });
      yield page;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /** Every object of a listing (common prefixes are in `listPages`). */
  async *list(bucket: string, options: ListOptions = {}): AsyncGenerator<ObjectSummary> {
    for await (const page of this.listPages(bucket, options)) yield* page.objects;
  }

  async listVersionsPage(bucket: string, options: ListVersionsOptions = {}): Promise<ListVersionsPage> {
    validateBucketName(bucket);
    this.require('listVersions');
    const { prefix, delimiter, pageSize } = this.checkListing(options);
    const bound = { o: 'versions', b: bucket, p: prefix ?? null, d: delimiter ?? null };
    const token = options.cursor !== undefined ? (this.cursors.decode(options.cursor, bound).t as string) : undefined;
    const page = await this.call('listObjectVersions', { bucket }, options, (signal) =>
      this.driver.listObjectVersions!({ bucket, prefix, delimiter, maxKeys: pageSize, token, signal }),
    );
    const out: ListVersionsPage = { versions: page.versions, commonPrefixes: page.commonPrefixes };
    if (page.nextToken !== undefined) out.nextCursor = this.cursors.encode({ ...bound, t: page.nextToken });
    return out;
  }

  async *listVersions(bucket: string, options: ListVersionsOptions = {}): AsyncGenerator<VersionSummary> {
    let cursor = options.cursor;
    for (;;) {
      const page = await this.listVersionsPage(bucket, { ...options, cursor });
      yield* page.versions;
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(bucket: string, key: string, options: CreateMultipartOptions = {}): Promise<MultipartUpload> {
    this.checkObject(bucket, key);
    this.require('multipart');
    const metadata = this.checkMetadata(options.metadata);
    this.checkContentHeaders(options);
    this.checkWriteLock(options.retention, options.legalHold);
    this.checkUploadChecksum(options.checksum);
    const { uploadId } = await this.call('createMultipartUpload', { bucket, key }, options, (signal) =>
      this.driver.createMultipartUpload!({
        bucket,
        key,
        metadata,
        contentType: options.contentType,
        cacheControl: options.cacheControl,
        contentDisposition: options.contentDisposition,
        contentEncoding: options.contentEncoding,
        retention: options.retention,
        legalHold: options.legalHold,
        ...(options.checksum !== undefined ? { checksum: { algorithm: options.checksum.algorithm, type: options.checksum.type } } : {}),
        signal,
      }),
    );
    return { bucket, key, uploadId };
  }

  async uploadPart(upload: MultipartUpload, partNumber: number, body: BodyInput, options: UploadPartOptions = {}): Promise<{ partNumber: number; etag: string }> {
    const multipart = this.checkUpload(upload);
    validatePartNumber(partNumber, multipart.maxParts);
    this.checkBodyChecksum(options.checksum);
    const prepared = prepareBody(body, options.contentLength);
    if (prepared.length !== undefined && prepared.length > multipart.maxPartSize) {
      await cancelBody(prepared.first);
      throw new InvalidArgumentError('body', `part is ${prepared.length} bytes, over the backend's max part size ${multipart.maxPartSize}`);
    }
    let first = true;
    const { etag } = await this.call(
      'uploadPart',
      upload,
      options,
      (signal) => {
        const payload: DriverBody = first ? prepared.first : prepared.replay!();
        first = false;
        return this.driver.uploadPart!({ ...upload, partNumber, body: payload, contentLength: prepared.length, contentMd5: options.contentMd5, checksum: options.checksum, signal });
      },
      prepared.replay !== undefined,
    );
    return { partNumber, etag };
  }

  /**
   * Part `partNumber` of `upload` from an existing object (or an inclusive byte
   * range of it), copied by the server without the bytes passing through here
   * (S3 UploadPartCopy). Needs `multipart.copyPart`; `ifMatch` needs
   * `conditionalCopy`. The part-size minimum applies at completion, as for
   * uploaded parts; a range past the source's end is the server's to refuse.
   */
  async uploadPartCopy(upload: MultipartUpload, partNumber: number, source: ObjectLocation, options: UploadPartCopyOptions = {}): Promise<UploadPartCopyResult> {
    const multipart = this.checkUpload(upload);
    if (!multipart.copyPart || !this.driver.uploadPartCopy) throw new NotSupportedError('multipart.copyPart', 'This backend cannot copy a part server-side', { provider: this.provider });
    validatePartNumber(partNumber, multipart.maxParts);
    if (source === null || typeof source !== 'object') throw new InvalidArgumentError('source', 'must be { bucket, key, versionId? }');
    this.checkObject(source.bucket, source.key, 'source');
    this.checkVersionId(source.versionId);
    const range = options.range;
    if (range !== undefined) validateCopyRange(range, multipart.maxPartSize);
    if (options.ifMatch !== undefined) {
      checkEtagArgument(options.ifMatch, 'ifMatch');
      this.require('conditionalCopy');
    }
    const answer = await this.call('uploadPartCopy', upload, options, (signal) =>
      this.driver.uploadPartCopy!({
        ...upload,
        partNumber,
        sourceBucket: source.bucket,
        sourceKey: source.key,
        sourceVersionId: source.versionId,
        range: range === undefined ? undefined : { start: range.start, end: range.end },
        ifMatch: options.ifMatch,
        signal,
      }),
    );
    const out: UploadPartCopyResult = { partNumber, etag: answer.etag };
    if (answer.lastModified !== undefined) out.lastModified = answer.lastModified;
    if (answer.sourceVersionId !== undefined) out.sourceVersionId = answer.sourceVersionId;
    return out;
  }

  async completeMultipartUpload(upload: MultipartUpload, parts: CompletedPart[], options: CompleteMultipartOptions = {}): Promise<PutResult> {
    const multipart = this.checkUpload(upload);
    if (!Array.isArray(parts) || parts.length === 0) throw new InvalidArgumentError('parts', 'must list at least one part');
    parts.forEach((p, i) => {
      validatePartNumber(p?.partNumber, multipart.maxParts);
      if (typeof p.etag !== 'string' || p.etag.length === 0) throw new InvalidArgumentError(`parts[${i}].etag`, 'must be a non-empty string');
      if (p.checksum !== undefined && !isStoredChecksumValue(p.checksum)) throw new InvalidArgumentError(`parts[${i}].checksum`, 'must be { algorithm, value } with a base64 value');
      // S3's rule (InvalidPartOrder), which some servers (Ceph RGW 16) do not enforce: checked here for all.
      if (i > 0 && p.partNumber <= parts[i - 1]!.partNumber) {
        throw new InvalidArgumentError('parts', `must be in ascending part-number order, each number once: parts[${i}] is ${p.partNumber} after ${parts[i - 1]!.partNumber} (S3: InvalidPartOrder)`);
      }
    });
    if (options.ifNoneMatch !== undefined) this.require('conditionalWrite.ifNoneMatch');
    if (options.checksum !== undefined && !isStoredChecksumValue(options.checksum)) throw new InvalidArgumentError('checksum', 'must be { algorithm, value } with a base64 value');
    return this.call('completeMultipartUpload', upload, options, (signal) =>
      this.driver.completeMultipartUpload!({
        ...upload,
        parts,
        ifNoneMatch: options.ifNoneMatch,
        ...(options.checksum !== undefined ? { checksum: options.checksum } : {}),
        signal,
      }),
    );
  }

  async abortMultipartUpload(upload: MultipartUpload, options: CallOptions = {}): Promise<void> {
    this.checkUpload(upload);
    await this.call('abortMultipartUpload', upload, options, (signal) => this.driver.abortMultipartUpload!({ ...upload, signal }));
  }

  async listParts(upload: MultipartUpload, options: ListPartsOptions = {}): Promise<ListPartsPage> {
    const multipart = this.checkUpload(upload);
    const pageSize = this.checkPageSize(options.pageSize, 1000);
    const bound = { o: 'parts', b: upload.bucket, k: upload.key, u: upload.uploadId };
    const token = options.cursor !== undefined ? (this.cursors.decode(options.cursor, bound).t as string) : undefined;
    void multipart;
    const page = await this.call('listParts', upload, options, (signal) => this.driver.listParts!({ ...upload, maxParts: pageSize, token, signal }));
    const out: ListPartsPage = { parts: page.parts };
    if (page.nextToken !== undefined) out.nextCursor = this.cursors.encode({ ...bound, t: page.nextToken });
    return out;
  }

  async listUploads(bucket: string, options: ListUploadsOptions = {}): Promise<ListUploadsPage> {
    validateBucketName(bucket);
    this.require('multipart');
    validateKeyFragment(options.prefix, 'prefix', this.capabilities.maxKeyBytes);
    const pageSize = this.checkPageSize(options.pageSize, 1000);
    const bound = { o: 'uploads', b: bucket, p: options.prefix ?? null };
    const token = options.cursor !== undefined ? (this.cursors.decode(options.cursor, bound).t as string) : undefined;
    const page = await this.call('listMultipartUploads', { bucket }, options, (signal) =>
      this.driver.listMultipartUploads!({ bucket, prefix: options.prefix || undefined, maxUploads: pageSize, token, signal }),
    );
    const out: ListUploadsPage = { uploads: page.uploads };
    if (page.nextToken !== undefined) out.nextCursor = this.cursors.encode({ ...bound, t: page.nextToken });
    return out;
  }

  // ---------------------------------------------------------------- presign

  async presign(bucket: string, key: string, options: PresignOptions): Promise<string> {
    this.checkObject(bucket, key);
    const presign = this.capabilities.presign;
    if (options?.method !== 'GET' && options?.method !== 'PUT') throw new InvalidArgumentError('method', 'must be "GET" or "PUT"');
    if (!presign || !this.driver.presign) throw new NotSupportedError('presign');
    if (!presign[options.method === 'GET' ? 'get' : 'put']) throw new NotSupportedError(`presign.${options.method === 'GET' ? 'get' : 'put'}`);
    const expiresIn = options.expiresIn ?? 900;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > presign.maxExpirySeconds) {
      throw new InvalidArgumentError('expiresIn', `must be an integer from 1 to ${presign.maxExpirySeconds} seconds`);
    }
    this.checkVersionId(options.versionId);
    return this.call('presign', { bucket, key }, options, (signal) =>
      this.driver.presign!({ bucket, key, method: options.method, expiresIn, versionId: options.versionId, contentType: options.contentType, signal }),
    );
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getVersioning(bucket: string, options: CallOptions = {}): Promise<VersioningState> {
    validateBucketName(bucket);
    this.require('versioning');
    return this.call('getBucketVersioning', { bucket }, options, (signal) => this.driver.getBucketVersioning!({ bucket, signal }));
  }

  async setVersioning(bucket: string, state: 'Enabled' | 'Suspended', options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    this.require('versioning');
    if (state !== 'Enabled' && state !== 'Suspended') throw new InvalidArgumentError('state', 'must be "Enabled" or "Suspended"');
    if (state === 'Suspended') this.require('versioningSuspend');
    await this.call('putBucketVersioning', { bucket }, options, (signal) => this.driver.putBucketVersioning!({ bucket, state, signal }));
  }

  async getObjectLockConfiguration(bucket: string, options: CallOptions = {}): Promise<ObjectLockConfiguration> {
    validateBucketName(bucket);
    this.require('objectLock');
    return this.call('getObjectLockConfiguration', { bucket }, options, (signal) => this.driver.getObjectLockConfiguration!({ bucket, signal }));
  }

  /** Sets (or with `undefined`, clears) the bucket's default retention. */
  async setDefaultRetention(bucket: string, rule: DefaultRetention | undefined, options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    this.require('objectLock.defaultRetention');
    if (rule !== undefined) {
      validateDefaultRetention(rule);
      this.requireLockMode(rule.mode);
    }
    await this.call('putObjectLockConfiguration', { bucket }, options, (signal) =>
      this.driver.putObjectLockConfiguration!({ bucket, defaultRetention: rule, signal }),
    );
  }

  async getRetention(bucket: string, key: string, options: VersionOptions = {}): Promise<Retention | undefined> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    this.require('objectLock');
    return this.call('getObjectRetention', { bucket, key }, options, (signal) =>
      this.driver.getObjectRetention!({ bucket, key, versionId: options.versionId, signal }),
    );
  }

  /** Sets a retention, or with `null` removes it (GOVERNANCE, with bypass). */
  async setRetention(bucket: string, key: string, retention: Retention | null, options: RetentionOptions = {}): Promise<void> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    this.require('objectLock');
    if (retention !== null) {
      validateRetention(retention, this.now());
      this.requireLockMode(retention.mode);
    } else if (this.capabilities.objectLock?.removeRetention === false) {
      throw new NotSupportedError('objectLock.removeRetention', 'This backend cannot remove a retention (let it expire, or extend it)', { provider: this.provider });
    }
    await this.call('putObjectRetention', { bucket, key }, options, (signal) =>
      this.driver.putObjectRetention!({ bucket, key, versionId: options.versionId, retention, bypassGovernanceRetention: options.bypassGovernanceRetention, signal }),
    );
  }

  async getLegalHold(bucket: string, key: string, options: VersionOptions = {}): Promise<boolean> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    this.require('objectLock.legalHold');
    return this.call('getObjectLegalHold', { bucket, key }, options, (signal) =>
      this.driver.getObjectLegalHold!({ bucket, key, versionId: options.versionId, signal }),
    );
  }

  async setLegalHold(bucket: string, key: string, on: boolean, options: VersionOptions = {}): Promise<void> {
    this.checkObject(bucket, key);
    this.checkVersionId(options.versionId);
    this.require('objectLock.legalHold');
    if (typeof on !== 'boolean') throw new InvalidArgumentError('legalHold', 'must be a boolean');
    await this.call('putObjectLegalHold', { bucket, key }, options, (signal) =>
      this.driver.putObjectLegalHold!({ bucket, key, versionId: options.versionId, on, signal }),
    );
  }

  // ---------------------------------------------------------------- the shared machinery

  /** Turns anything thrown by a driver into a StowageError that names the provider. */
  normalize(e: unknown): StowageError {
    if (isStowageError(e)) {
      if (e.provider === 'unknown') e.provider = this.provider;
      return e;
    }
    if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError')) {
      return new AbortedError(e.message || 'Aborted', { provider: this.provider, cause: e });
    }
    // A socket reset or a body cut short (also mid-download, where no adapter sees it) is worth retrying.
    const network = networkErrorCode(e);
    if (network) return new TransientError(`Network failure (${network})`, { provider: this.provider, cause: e });
    return new ProviderError(e instanceof Error ? e.message : 'Unexpected driver failure', { provider: this.provider, cause: e });
  }

  /** Runs one driver call through the retry / timeout / hooks layer. */
  call<T>(
    operation: string,
    target: { bucket?: string; key?: string },
    options: CallOptions,
    fn: (signal: AbortSignal) => Promise<T>,
    replayable = true,
  ): Promise<T> {
    return runWithRetry({ operation, bucket: target.bucket, key: target.key }, fn, {
      ...this.retry,
      signal: options.signal,
      hooks: mergeHooks(this.options.hooks, options.hooks),
      replayable,
      normalize: (e) => this.normalize(e),
    });
  }

  private require(capability: string): void {
    if (!hasCapability(this.capabilities, capability)) throw new NotSupportedError(capability, undefined, { provider: this.provider });
  }

  private checkUploadChecksum(checksum: UploadChecksum | undefined): void {
    if (checksum === undefined) return;
    if (checksum === null || typeof checksum !== 'object' || (checksum.type !== 'full-object' && checksum.type !== 'composite')) {
      throw new InvalidArgumentError('checksum', 'must be { algorithm, type: "full-object" | "composite" }');
    }
    if (!(this.capabilities.storedChecksums ?? []).includes(checksum.algorithm)) {
      throw new NotSupportedError(`storedChecksums.${checksum.algorithm}`, `This backend does not keep ${String(checksum.algorithm)} object checksums (capabilities.storedChecksums)`, { provider: this.provider });
    }
    if (checksum.type === 'full-object' && !checksum.algorithm.startsWith('crc')) {
      throw new InvalidArgumentError('checksum', `a full-object checksum must be a CRC (S3 combines part CRCs), not ${checksum.algorithm}`);
    }
  }

  private checkBodyChecksum(checksum: BodyChecksum | undefined): void {
    if (checksum === undefined) return;
    if (checksum === null || typeof checksum !== 'object' || typeof checksum.value !== 'string' || !isBase64(checksum.value)) {
      throw new InvalidArgumentError('checksum', 'must be { algorithm, value } with a base64 value');
    }
    if (!(this.capabilities.checksums as readonly string[]).includes(checksum.algorithm) || checksum.algorithm === ('md5' as string)) {
      throw new NotSupportedError(`checksums.${checksum.algorithm}`, `This backend does not verify ${checksum.algorithm} checksums (capabilities.checksums)`, { provider: this.provider });
    }
  }

  private requireLockMode(mode: 'GOVERNANCE' | 'COMPLIANCE'): void {
    this.require(mode === 'GOVERNANCE' ? 'objectLock.governance' : 'objectLock.compliance');
  }

  private checkObject(bucket: string, key: string, field?: string): void {
    try {
      validateBucketName(bucket);
      validateKey(key, this.capabilities.keyRules, this.capabilities.maxKeyBytes);
    } catch (e) {
      if (field && e instanceof InvalidArgumentError) throw new InvalidArgumentError(`${field}.${e.field}`, e.message.replace(/^Invalid [^:]+: /, ''));
      throw e;
    }
  }

  private checkVersionId(versionId: unknown): void {
    if (versionId === undefined) return;
    if (typeof versionId !== 'string' || versionId.length === 0 || versionId.length > 1024) throw new InvalidArgumentError('versionId', 'must be a non-empty string');
    if (!this.capabilities.versioning) throw new NotSupportedError('versioning', undefined, { provider: this.provider });
  }

  private checkMetadata(metadata: unknown): Record<string, string> {
    if (metadata !== undefined && Object.keys(metadata as object).length > 0) this.require('userMetadata');
    return encodeMetadata(metadata, this.capabilities.maxMetadataBytes, this.capabilities.metadataEntryOverhead ?? 0);
  }

  private checkContentHeaders(options: { contentType?: unknown; cacheControl?: unknown; contentDisposition?: unknown; contentEncoding?: unknown }): void {
    for (const field of ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding'] as const) {
      const value = options[field];
      if (value === undefined) continue;
      // eslint-disable-next-line no-control-regex
      if (typeof value !== 'string' || /[^\u0020-\u007e\t]/.test(value)) throw new InvalidArgumentError(field, 'must be printable ASCII (encode other characters, e.g. RFC 5987 for filenames)');
    }
    const headers = this.capabilities.contentHeaders;
    if (options.cacheControl !== undefined && !headers.cacheControl) throw new NotSupportedError('contentHeaders.cacheControl');
    if (options.contentDisposition !== undefined && !headers.contentDisposition) throw new NotSupportedError('contentHeaders.contentDisposition');
    if (options.contentEncoding !== undefined && !headers.contentEncoding) throw new NotSupportedError('contentHeaders.contentEncoding');
  }

  private checkReadConditions(options: ReadConditions): ReadConditions {
    const out: ReadConditions = {};
    if (options.ifMatch !== undefined) out.ifMatch = checkEtagArgument(options.ifMatch, 'ifMatch');
    if (options.ifNoneMatch !== undefined) out.ifNoneMatch = checkEtagArgument(options.ifNoneMatch, 'ifNoneMatch');
    for (const field of ['ifModifiedSince', 'ifUnmodifiedSince'] as const) {
      const value = options[field];
      if (value === undefined) continue;
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidArgumentError(field, 'must be a valid Date');
      out[field] = value;
    }
    if (Object.keys(out).length > 0 && !this.capabilities.conditionalRead) throw new NotSupportedError('conditionalRead');
    return out;
  }

  private checkWriteLock(retention: Retention | undefined, legalHold: boolean | undefined): void {
    if (retention !== undefined) {
      this.require('objectLock');
      validateRetention(retention, this.now());
      this.requireLockMode(retention.mode);
    }
    if (legalHold !== undefined) {
      if (typeof legalHold !== 'boolean') throw new InvalidArgumentError('legalHold', 'must be a boolean');
      if (legalHold) this.require('objectLock.legalHold');
    }
  }

  private checkListing(options: { prefix?: string; delimiter?: string; pageSize?: number }) {
    validateKeyFragment(options.prefix, 'prefix', this.capabilities.maxKeyBytes);
    const delimiter = options.delimiter;
    if (delimiter !== undefined && delimiter !== '') {
      if (typeof delimiter !== 'string') throw new InvalidArgumentError('delimiter', 'must be a string');
      validateKeyFragment(delimiter, 'delimiter', 1024);
      if (delimiter !== '/' && !this.capabilities.listing.anyDelimiter) throw new NotSupportedError('listing.anyDelimiter', 'This backend lists only with the delimiter "/"');
    }
    const pageSize = this.checkPageSize(options.pageSize, this.capabilities.listing.maxPageSize);
    return { prefix: options.prefix || undefined, delimiter: delimiter || undefined, pageSize };
  }

  private checkPageSize(pageSize: unknown, max: number): number {
    if (pageSize === undefined) return max;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > max) {
      throw new InvalidArgumentError('pageSize', `must be an integer from 1 to ${max}`);
    }
    return pageSize;
  }

  private checkUpload(upload: MultipartUpload) {
    if (upload === null || typeof upload !== 'object') throw new InvalidArgumentError('upload', 'must be { bucket, key, uploadId }');
    this.checkObject(upload.bucket, upload.key);
    if (typeof upload.uploadId !== 'string' || upload.uploadId.length === 0) throw new InvalidArgumentError('uploadId', 'must be a non-empty string');
    const multipart = this.capabilities.multipart;
    if (!multipart) throw new NotSupportedError('multipart', undefined, { provider: this.provider });
    return multipart;
  }
}

function mergeHooks(a: StoreHooks | undefined, b: StoreHooks | undefined): StoreHooks | undefined {
  if (!a || !b) return a ?? b;
  return {
    onRequest: (e) => {
      a.onRequest?.(e);
      b.onRequest?.(e);
    },
    onResponse: (e) => {
      a.onResponse?.(e);
      b.onResponse?.(e);
    },
    onRetry: (e) => {
      a.onRetry?.(e);
      b.onRetry?.(e);
    },
  };
}

function checkEtagArgument(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || /[\u0000-\u001f\u007f]/.test(value)) throw new InvalidArgumentError(field, 'must be an ETag string or "*"');
  return value;
}

function resolveRangeOrCancel(range: ByteRange, size: number, stream: ReadableStream<Uint8Array>) {
  try {
    return resolveRange(range, size);
  } catch (e) {
    stream.cancel().catch(() => {});
    throw e;
  }
}

async function cancelBody(body: Uint8Array | ReadableStream<Uint8Array>): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => {});
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export { collectStream };

function isStoredChecksumValue(c: BodyChecksum): boolean {
  return c !== null && typeof c === 'object' && ['crc32', 'crc32c', 'sha1', 'sha256'].includes(c.algorithm) && isBase64(c.value);
}

function isBase64(value: unknown): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}
