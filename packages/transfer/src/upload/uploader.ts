import {
  AbortedError,
  abortError,
  IntegrityError,
  InvalidArgumentError,
  isStowageError,
  NotSupportedError,
  type BodyChecksum,
  type CompletedPart,
  type MultipartUpload,
  type PutOptions,
  type Store,
  type StoreHooks,
} from '@stowage/core';
import { crc32Combine, crcBytes } from '@stowage/core';
import { compositeEtag, parseEtag, toBase64, toHex } from '../integrity/etag.js';
import { sharedHasher, type PartHasher, type PartAlgorithm, type PartDigests } from '../integrity/hasher.js';
import { encodeSchedule, MANIFEST_KEY } from '../integrity/manifest.js';
import { CHECKPOINT_VERSION, sameSource, toCheckpointStore, type CheckpointPart, type CheckpointStore, type UploadCheckpoint } from '../resume/checkpoint.js';
import type { UploadOptions, UploadResult } from '../options.js';
import { ProgressTracker } from '../progress.js';
import { openSource, type ByteSource, type TransferBody } from '../source.js';
import { BufferPool, type PooledBuffer } from './buffer-pool.js';
import { DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, partSizeAt, planKnownLength, planUnknownLength, type PartSchedule } from './part-planner.js';

/**
 * Cheapest first, as measured on this project's machine: CRC32 (zlib, native)
 * ≈ 2.7 GiB/s, SHA-256 / SHA-1 (SHA-NI) ≈ 1.3 GiB/s, MD5 ≈ 0.6 GiB/s, CRC32C
 * (no native one in Node) ≈ 0.5 GiB/s. On a CPU-bound box the client's CPU per
 * byte is throughput.
 */
const PART_CHECKSUM_PREFERENCE: readonly PartAlgorithm[] = ['crc32', 'sha256', 'sha1', 'md5', 'crc32c'];

/** Picks the part checksum the server verifies, from capabilities only. */
export function choosePartChecksum(store: Store, wanted: UploadOptions['checksum']): PartAlgorithm | null {
  const verified = store.capabilities.checksums as readonly string[];
  if (wanted === false) return null;
  if (wanted === undefined || wanted === 'auto') return PART_CHECKSUM_PREFERENCE.find((a) => verified.includes(a)) ?? null;
  if (!verified.includes(wanted)) throw new NotSupportedError(`checksums.${wanted}`, `This store does not verify ${wanted} checksums (capabilities.checksums: ${verified.join(', ') || 'none'})`);
  return wanted;
}

/**
 * Uploads `body` to `bucket/key`: one put below the threshold or where the
 * store has no multipart, else a multipart upload with parts in parallel and
 * at most `(concurrency + 1) × partSize` bytes of body held.
 */
export async function upload(store: Store, bucket: string, key: string, body: TransferBody, options: UploadOptions = {}): Promise<UploadResult> {
  if (options.signal?.aborted) throw abortError(options.signal);
  const checkpoints = options.checkpoint !== undefined ? toCheckpointStore(options.checkpoint) : undefined;
  const saved = checkpoints && options.resume ? await checkpoints.load() : undefined;
  const source = await openSource(body, options.contentLength);
  try {
    if (saved) {
      if (saved.bucket !== bucket || saved.key !== key) {
        throw new InvalidArgumentError('checkpoint', `is for ${saved.bucket}/${saved.key}, not ${bucket}/${key}`);
      }
      if (!source.identity || !sameSource(saved.source, source.identity)) {
        throw new SourceChangedError(`The source changed since the checkpoint was written (then ${JSON.stringify(saved.source)}, now ${JSON.stringify(source.identity ?? 'a stream')}): refusing to resume; start a new upload`);
      }
    }
    const job = new UploadJob(store, bucket, key, source, options, checkpoints, saved);
    return await job.run();
  } finally {
    await source.close(options.signal?.reason).catch(() => {});
  }
}

/** Resuming refused: the source is not the one the checkpoint was written for. */
export class SourceChangedError extends InvalidArgumentError {
  constructor(message: string) {
    super('body', message);
    this.name = 'SourceChangedError';
  }
}

/**
 * Continues an upload from its checkpoint (`options.checkpoint`, a file path
 * or a {@link CheckpointStore}): only the parts the checkpoint does not list
 * are sent. With no checkpoint saved it starts a new upload.
 */
export function resumeUpload(store: Store, bucket: string, key: string, body: TransferBody, options: UploadOptions & { checkpoint: CheckpointStore | string }): Promise<UploadResult> {
  return upload(store, bucket, key, body, { ...options, resume: true });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class UploadJob {
  readonly hasher: PartHasher;
  private readonly concurrency: number;
  private readonly algorithm: PartAlgorithm | null;
  private readonly progress: ProgressTracker;
  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private readonly hooks: StoreHooks;
  private retries = 0;
  private readonly started = performance.now();
  private firstError: unknown;

  constructor(
    private readonly store: Store,
    private readonly bucket: string,
    private readonly key: string,
    private readonly source: ByteSource,
    private readonly options: UploadOptions,
    private readonly checkpoints?: CheckpointStore,
    private readonly saved?: UploadCheckpoint,
  ) {
    const c = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(c) || c < 1 || c > 64) throw new InvalidArgumentError('concurrency', 'must be an integer from 1 to 64');
    this.concurrency = c;
    this.algorithm = choosePartChecksum(store, options.checksum);
    // CRC32 is native and ~6 ms per 16 MiB part: a worker (its own V8 isolate, ~10 MB) would cost more than it saves.
    const threads = options.hashThreads ?? (this.algorithms.every((a) => a === 'crc32') ? 0 : 1);
    if (!Number.isInteger(threads) || threads < 0 || threads > 16) throw new InvalidArgumentError('hashThreads', 'must be an integer from 0 to 16');
    // In-memory bodies are hashed on this thread (their buffers are not shared); so are tiny transfers.
    this.hasher = sharedHasher(source.inMemory === undefined && (source.length === undefined || source.length > DEFAULT_PART_SIZE) ? threads : 0);
    this.progress = new ProgressTracker(options.onProgress, options.progressIntervalMs);
    this.progress.totalBytes = source.length;
    this.signal = options.signal ? AbortSignal.any([options.signal, this.controller.signal]) : this.controller.signal;
    this.hooks = { onRetry: () => {
      this.retries++;
      this.progress.retried();
    } };
  }

  /** Hash algorithms per part: the server-verified one, plus MD5 when the server's part ETags are to be checked. */
  private get algorithms(): PartAlgorithm[] {
    const out: PartAlgorithm[] = [];
    if (this.algorithm) out.push(this.algorithm);
    if (this.md5 && this.algorithm !== 'md5') out.push('md5');
    return out;
  }

  /** MD5 each part: when it is the server-verified checksum anyway, or when asked (`etagCheck`). */
  private get md5(): boolean {
    return this.algorithm === 'md5' || this.options.etagCheck === true;
  }

  async run(): Promise<UploadResult> {
    const caps = this.store.capabilities;
    const mp = caps.multipart;
    const total = this.source.length;
    // Options a store refuses must fail before any byte is read or sent, not at CompleteMultipartUpload.
    if (this.options.ifNoneMatch !== undefined) {
      if (this.options.ifNoneMatch !== '*') throw new InvalidArgumentError('ifNoneMatch', 'must be "*"');
      if (!caps.conditionalWrite.ifNoneMatch) throw new NotSupportedError('conditionalWrite.ifNoneMatch', undefined, { provider: this.store.provider });
    }
    if (total !== undefined) {
      if (total > caps.maxObjectSize) throw new InvalidArgumentError('body', `is ${total} bytes, over this store's max object size of ${caps.maxObjectSize}`);
      if (!mp && total > caps.maxPutSize) throw new InvalidArgumentError('body', `is ${total} bytes, over this store's max put size of ${caps.maxPutSize} (and it has no multipart upload)`);
    }
    if (!mp) return this.singlePutNoMultipart(total);

    if (this.checkpoints && (total === undefined || !this.source.identity)) {
      throw new InvalidArgumentError('checkpoint', 'checkpoints need a body of known length and identity (a file, or bytes)');
    }
    if (this.saved && total !== undefined) {
      if (this.saved.size !== total) throw new SourceChangedError(`The checkpoint is for ${this.saved.size} bytes, the source has ${total}`);
      if ((this.saved.checksum ?? null) !== this.algorithm) {
        throw new InvalidArgumentError('checksum', `the checkpoint's parts carry ${this.saved.checksum ?? 'no'} checksum, this upload would use ${this.algorithm ?? 'none'}`);
      }
      return this.multipart(this.saved.schedule, total, undefined);
    }
    if (total !== undefined) {
      const schedule = planKnownLength(total, mp, this.options);
      const threshold = Math.min(this.options.multipartThreshold ?? Math.max(schedule.initial, this.options.partSize ?? DEFAULT_PART_SIZE), caps.maxPutSize);
      if (total <= threshold) return this.singlePutKnown(total);
      return this.multipart(schedule, total, undefined);
    }
    const schedule = planUnknownLength(caps.maxObjectSize, mp, this.options);
    // Read the first part; if the stream ends inside it, one put is enough.
    const pool = new BufferPool(this.concurrency + 1, this.hasher.shared);
    const first = await pool.acquire(schedule.initial, this.signal);
    const n = await this.fillOrAbort(first.bytes.subarray(0, schedule.initial));
    if (n < schedule.initial || (await this.source.atEnd())) {
      if (n <= caps.maxPutSize) {
        const result = await this.putBytes(first.bytes.subarray(0, n));
        result.stats.maxBufferedBytes = pool.maxHeld;
        return result;
      }
    }
    return this.multipart(schedule, undefined, { pool, buffer: first, length: n });
  }

  private async fillOrAbort(target: Uint8Array): Promise<number> {
    if (this.signal.aborted) throw this.abortReason();
    const n = await this.source.fill(target);
    if (this.signal.aborted) throw this.abortReason();
    return n;
  }

  private abortReason(): unknown {
    if (this.options.signal?.aborted) return abortError(this.options.signal);
    return this.firstError ?? new AbortedError('The upload was aborted');
  }

  // ------------------------------------------------------------ single put

  private async singlePutKnown(total: number): Promise<UploadResult> {
    if (this.source.inMemory) return this.putBytes(this.source.inMemory);
    const buffer = new Uint8Array(total);
    const n = await this.fillOrAbort(buffer);
    if (n < total) throw new InvalidArgumentError('body', `ended after ${n} bytes, before the ${total} declared`);
    if (!(await this.source.atEnd())) throw new InvalidArgumentError('body', `is longer than the ${total} bytes declared`);
    const result = await this.putBytes(buffer);
    result.stats.maxBufferedBytes = total;
    return result;
  }

  /** No multipart: everything goes in one put, and an oversized body fails before any byte is sent. */
  private async singlePutNoMultipart(total: number | undefined): Promise<UploadResult> {
    const caps = this.store.capabilities;
    const cap = Math.min(caps.maxPutSize, caps.maxObjectSize);
    if (total !== undefined) return this.singlePutKnown(total);
    const budget = (this.concurrency + 1) * (this.options.partSize ?? DEFAULT_PART_SIZE);
    if (cap > budget) {
      throw new NotSupportedError('multipart', `This store has no multipart upload and takes up to ${cap} bytes in one put: pass contentLength for a stream of unknown length`);
    }
    // Read at most cap + 1 bytes: one more than allowed proves the body too large, and nothing has been sent.
    const buffer = new Uint8Array(cap + 1);
    const n = await this.fillOrAbort(buffer);
    if (n > cap) throw new InvalidArgumentError('body', `is over this store's max object size of ${cap} bytes (nothing was sent)`);
    const result = await this.putBytes(buffer.subarray(0, n));
    result.stats.maxBufferedBytes = buffer.length;
    return result;
  }

  private async putBytes(bytes: Uint8Array): Promise<UploadResult> {
    const digests = await this.hasher.digest(bytes, this.algorithms);
    const o = this.options;
    const put: PutOptions = {
      signal: this.signal,
      hooks: this.hooks,
      contentType: o.contentType,
      cacheControl: o.cacheControl,
      contentDisposition: o.contentDisposition,
      contentEncoding: o.contentEncoding,
      metadata: o.metadata,
      retention: o.retention,
      legalHold: o.legalHold,
      ifNoneMatch: o.ifNoneMatch,
      ...this.checksumFields(digests),
    };
    const res = await this.store.put(this.bucket, this.key, bytes, put).catch((e) => {
      throw this.options.signal?.aborted ? abortError(this.options.signal) : e;
    });
    const form = parseEtag(res.etag);
    const md5 = digests.md5 ? toHex(digests.md5) : undefined;
    if (md5 !== undefined && form.kind === 'md5' && form.md5 !== md5) {
      throw new IntegrityError(`The server's ETag ${res.etag} is not the MD5 of the ${bytes.length} bytes sent (${md5})`, { provider: this.store.provider });
    }
    this.progress.totalBytes = bytes.length;
    this.progress.partsTotal = 1;
    this.progress.add(bytes.length, true);
    this.progress.emit(true);
    return {
      bucket: this.bucket,
      key: this.key,
      etag: res.etag,
      versionId: res.versionId,
      size: bytes.length,
      multipart: false,
      parts: 1,
      integrity: { serverVerified: this.algorithm, etagVerified: md5 !== undefined && form.kind === 'md5' },
      stats: { maxBufferedBytes: 0, concurrency: this.concurrency, retries: this.retries, elapsedMs: performance.now() - this.started },
    };
  }

  private checksumFields(d: PartDigests): { contentMd5?: string; checksum?: BodyChecksum } {
    if (this.algorithm === null) return {};
    if (this.algorithm === 'md5') return { contentMd5: toBase64(d.md5!) };
    return { checksum: { algorithm: this.algorithm, value: toBase64(d[this.algorithm]!) } };
  }

  // ------------------------------------------------------------ multipart

  private async multipart(
    schedule: PartSchedule,
    total: number | undefined,
    first: { pool: BufferPool; buffer: PooledBuffer; length: number } | undefined,
  ): Promise<UploadResult> {
    const o = this.options;
    const metadata = { ...(o.metadata ?? {}) };
    const record = o.recordSchedule ?? this.store.capabilities.userMetadata;
    if (record) metadata[MANIFEST_KEY] = encodeSchedule(schedule);
    if (total !== undefined) {
      let count = 0;
      for (let off = 0; off < total; count++) off += partSizeAt(schedule, count);
      this.progress.partsTotal = count;
    }
    const resumed = this.saved ? await this.resumable(this.saved) : undefined;
    const fullCrc = resumed
      ? this.saved?.objectChecksum === 'crc32'
      : this.algorithm === 'crc32' && (o.objectChecksum ?? true) && (this.store.capabilities.storedChecksums ?? []).includes('crc32');
    if (o.objectChecksum === true && !fullCrc && !resumed) {
      throw new NotSupportedError('storedChecksums.crc32', 'objectChecksum needs CRC32 part checksums and a store that keeps a whole-object CRC32 (capabilities.storedChecksums)', { provider: this.store.provider });
    }
    // Not cancelled by the caller's signal: a create cut short may still exist on the server with an id we never
    // learn. It runs to its end (bounded by the store's attempt timeouts) and is aborted below if the signal fired.
    const upload = resumed?.upload ?? await this.store.createMultipartUpload(this.bucket, this.key, {
      hooks: this.hooks,
      metadata,
      contentType: o.contentType,
      cacheControl: o.cacheControl,
      contentDisposition: o.contentDisposition,
      contentEncoding: o.contentEncoding,
      retention: o.retention,
      legalHold: o.legalHold,
      ...(fullCrc ? { checksum: { algorithm: 'crc32' as const, type: 'full-object' as const } } : {}),
    }).catch((e) => {
      if (first) first.pool.release(first.buffer);
      throw this.options.signal?.aborted ? abortError(this.options.signal) : e;
    });
    const keep = this.options.keepPartsOnFailure ?? this.checkpoints !== undefined;
    const checkpoint: UploadCheckpoint | undefined = this.checkpoints
      ? {
          version: CHECKPOINT_VERSION,
          bucket: this.bucket,
          key: this.key,
          uploadId: upload.uploadId,
          schedule,
          size: total!,
          source: this.source.identity!,
          checksum: this.algorithm,
          ...(fullCrc ? { objectChecksum: 'crc32' as const } : {}),
          parts: resumed?.parts ?? [],
          createdAt: this.saved && resumed ? this.saved.createdAt : new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        }
      : undefined;
    // Saves are chained: each writes the state as of its turn, never two at once.
    let saving: Promise<void> = Promise.resolve();
    const save = () => {
      if (!checkpoint || !this.checkpoints) return;
      const store = this.checkpoints;
      saving = saving.then(() => {
        checkpoint.updatedAt = new Date().toISOString();
        checkpoint.parts.sort((a, b) => a.partNumber - b.partNumber);
        return store.save(checkpoint);
      });
      saving.catch((e) => this.fail(e));
    };
    if (this.signal.aborted) {
      if (first) first.pool.release(first.buffer);
      if (!keep || !resumed) await this.abortUpload(upload);
      throw this.abortReason();
    }
    save();
    const done = new Map<number, CheckpointPart>((resumed?.parts ?? []).map((p) => [p.partNumber, p]));

    const pool = first?.pool ?? new BufferPool(this.concurrency + 1, this.hasher.shared);
    const parts: CompletedPart[] = [];
    const md5s: Array<Uint8Array | undefined> = [];
    const crcLengths: number[] = [];
    const running = new Set<Promise<void>>();
    let partsEtagChecked = true;
    let size = 0;

    const launch = (index: number, bytes: Uint8Array, buffer: PooledBuffer | undefined) => {
      const task = this.sendPart(upload, index + 1, bytes)
        .then((r) => {
          parts[index] = { partNumber: index + 1, etag: r.etag, ...(fullCrc ? { checksum: partCrc(r.checksum) } : {}) };
          crcLengths[index] = bytes.length;
          md5s[index] = r.md5;
          if (!r.etagChecked) partsEtagChecked = false;
          if (checkpoint) {
            const p: CheckpointPart = { partNumber: index + 1, size: bytes.length, etag: r.etag };
            if (r.md5) p.md5 = toHex(r.md5);
            if (r.checksum) p.checksum = r.checksum;
            checkpoint.parts.push(p);
            save();
          }
        })
        .catch((e) => {
          if (this.firstError === undefined) this.progress.failed();
          this.fail(e);
        })
        .finally(() => {
          if (buffer) pool.release(buffer);
          running.delete(task);
        });
      running.add(task);
    };
    const slot = async () => {
      while (running.size >= this.concurrency) await Promise.race(running);
    };

    try {
      let index = 0;
      if (first) {
        size = first.length;
        launch(index++, first.buffer.bytes.subarray(0, first.length), first.buffer);
      }
      const inMemory = this.source.inMemory;
      for (;;) {
        if (this.signal.aborted) throw this.abortReason();
        let want = partSizeAt(schedule, index);
        if (total !== undefined) {
          want = Math.min(want, total - size);
          if (want === 0) break;
        }
        const prior = done.get(index + 1);
        if (prior && prior.size === want) {
          // Acknowledged before the crash: not read, not sent (bytes, whose identity is only a size, are re-hashed).
          if (inMemory) await this.confirmSkipped(prior, inMemory.subarray(size, size + want));
          parts[index] = { partNumber: index + 1, etag: prior.etag, ...(fullCrc ? { checksum: partCrc(prior.checksum) } : {}) };
          crcLengths[index] = prior.size;
          md5s[index] = prior.md5 !== undefined ? Buffer.from(prior.md5, 'hex') : undefined;
          if (prior.md5 === undefined) partsEtagChecked = false;
          this.source.skip!(want);
          this.progress.add(want, true);
          size += want;
          index++;
          continue;
        }
        if (inMemory) {
          await slot();
          if (this.signal.aborted) throw this.abortReason();
          launch(index++, inMemory.subarray(size, size + want), undefined);
          size += want;
          continue;
        }
        // The order is the memory bound: a free buffer first (at most concurrency + 1 exist), then read, then a free upload slot.
        const buffer = await pool.acquire(want, this.signal);
        let n: number;
        try {
          n = await this.fillOrAbort(buffer.bytes.subarray(0, want));
        } catch (e) {
          pool.release(buffer);
          throw e;
        }
        if (n === 0) {
          pool.release(buffer);
          if (total !== undefined) throw new InvalidArgumentError('body', `ended after ${size} bytes, before the ${total} declared`);
          break;
        }
        size += n;
        if (total !== undefined && n < want) {
          pool.release(buffer);
          throw new InvalidArgumentError('body', `ended after ${size} bytes, before the ${total} declared`);
        }
        try {
          await slot();
        } catch (e) {
          pool.release(buffer);
          throw e;
        }
        launch(index++, buffer.bytes.subarray(0, n), buffer);
        if (n < want) break;
        if (total !== undefined && size === total) break;
      }
      if (total !== undefined && !inMemory && !(await this.source.atEnd())) {
        throw new InvalidArgumentError('body', `is longer than the ${total} bytes declared`);
      }
      if (size > this.store.capabilities.maxObjectSize) throw new InvalidArgumentError('body', `is over this store's max object size of ${this.store.capabilities.maxObjectSize} bytes`);
      while (running.size > 0) await Promise.race(running);
      await saving;
      if (this.firstError !== undefined) throw this.firstError;
      if (this.signal.aborted) throw this.abortReason();
    } catch (e) {
      this.fail(e);
      await this.source.close(e).catch(() => {});
      while (running.size > 0) await Promise.race(running);
      await saving.catch(() => {});
      pool.drain();
      if (!keep) {
        await this.abortUpload(upload);
        await this.checkpoints?.remove().catch(() => {});
      }
      throw this.options.signal?.aborted ? abortError(this.options.signal) : (this.firstError ?? e);
    }

    // The final ETag must be the composite of the part ETags the server acknowledged (S3's rule) —
    // which were each checked against our own MD5 when we computed one.
    const partDigests = parts.map((p, i) => md5s[i] ?? etagDigest(p.etag));
    const expected = partDigests.every((d): d is Uint8Array => d !== undefined) ? compositeEtag(partDigests) : undefined;
    let result: { etag: string; versionId?: string };
    let reconciled = false;
    const objectCrc = fullCrc ? { algorithm: 'crc32' as const, value: combinedCrc32(parts, crcLengths) } : undefined;
    try {
      result = await this.store.completeMultipartUpload(upload, parts, { signal: this.signal, hooks: this.hooks, ifNoneMatch: o.ifNoneMatch, ...(objectCrc ? { checksum: objectCrc } : {}) });
    } catch (e) {
      if (isStowageError(e, 'UploadNotFound') && !this.signal.aborted) {
        // The complete may have succeeded with its answer lost (a retry then finds no upload): confirm with a HEAD.
        const found = await this.reconcile(size, expected);
        if (!found) throw e;
        result = found;
        reconciled = true;
      } else {
        // Kept for resume only when the upload is still there to resume.
        if (!keep || this.options.signal?.aborted) {
          await this.abortUpload(upload);
          await this.checkpoints?.remove().catch(() => {});
        }
        throw this.options.signal?.aborted ? abortError(this.options.signal) : e;
      }
    }
    await this.checkpoints?.remove().catch(() => {});
    const form = parseEtag(result.etag);
    let etagVerified = false;
    if (form.kind === 'composite' && expected !== undefined) {
      if (`${form.md5}-${form.parts}` !== expected) {
        throw new IntegrityError(`The server's ETag ${result.etag} is not the composite MD5 of the ${parts.length} parts sent ("${expected}")`, { provider: this.store.provider });
      }
      etagVerified = partsEtagChecked && this.md5;
    }
    pool.drain();
    this.progress.totalBytes = size;
    this.progress.partsTotal = parts.length;
    this.progress.emit(true);
    const out: UploadResult = {
      bucket: this.bucket,
      key: this.key,
      etag: result.etag,
      versionId: result.versionId,
      size,
      multipart: true,
      parts: parts.length,
      partSize: schedule.initial,
      integrity: { serverVerified: this.algorithm, etagVerified },
      stats: { maxBufferedBytes: pool.maxHeld, concurrency: this.concurrency, retries: this.retries, elapsedMs: performance.now() - this.started },
    };
    if (reconciled) out.reconciled = true;
    if (objectCrc) out.integrity.objectChecksum = objectCrc;
    return out;
  }

  private async sendPart(
    upload: MultipartUpload,
    partNumber: number,
    bytes: Uint8Array,
  ): Promise<{ etag: string; md5: Uint8Array | undefined; etagChecked: boolean; checksum?: { algorithm: string; value: string } }> {
    const digests = await this.hasher.digest(bytes, this.algorithms);
    if (this.signal.aborted) throw this.abortReason();
    const md5 = digests.md5;
    // Core's retry layer resends these same bytes: they stay in their buffer until this resolves.
    const { etag } = await this.store.uploadPart(upload, partNumber, bytes, {
      signal: this.signal,
      hooks: this.hooks,
      contentLength: bytes.length,
      ...this.checksumFields(digests),
    });
    const form = parseEtag(etag);
    if (md5 && form.kind === 'md5' && form.md5 !== toHex(md5)) {
      throw new IntegrityError(`Part ${partNumber}: the server's ETag ${etag} is not the MD5 of the ${bytes.length} bytes sent`, { provider: this.store.provider });
    }
    this.progress.add(bytes.length, true);
    const fields = this.checksumFields(digests);
    const checksum = fields.checksum ? { algorithm: fields.checksum.algorithm, value: fields.checksum.value } : fields.contentMd5 ? { algorithm: 'md5', value: fields.contentMd5 } : undefined;
    return checksum ? { etag, md5, etagChecked: md5 !== undefined && form.kind === 'md5', checksum } : { etag, md5, etagChecked: md5 !== undefined && form.kind === 'md5' };
  }

  private fail(e: unknown): void {
    if (this.firstError === undefined) {
      this.firstError = this.options.signal?.aborted ? abortError(this.options.signal) : e;
      this.controller.abort(this.firstError);
    }
  }

  /**
   * Aborts the upload, then lists the key's uploads to confirm it is gone (an abort racing a part still being
   * stored can leave it listed): again until it is, or `cleanupTimeoutMs` (default 30 s) has passed. Never throws.
   */
  private async abortUpload(upload: MultipartUpload): Promise<void> {
    const deadline = Date.now() + (this.options.cleanupTimeoutMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const signal = AbortSignal.timeout(left);
      await this.store.abortMultipartUpload(upload, { signal }).catch(() => {});
      try {
        if (!(await this.listed(upload, signal))) return;
      } catch {
        // unconfirmed: try again
      }
      await sleep(Math.min(100 * 2 ** attempt, 2000, Math.max(0, deadline - Date.now())));
    }
  }

  /** In-memory bodies: a part skipped on resume must hash to the checksum recorded for it. */
  private async confirmSkipped(prior: CheckpointPart, bytes: Uint8Array): Promise<void> {
    const alg = (prior.checksum?.algorithm ?? (prior.md5 !== undefined ? 'md5' : undefined)) as PartAlgorithm | undefined;
    if (alg === undefined) throw new SourceChangedError(`Part ${prior.partNumber} of the checkpoint has no checksum: cannot confirm the bytes are the same`);
    const d = await this.hasher.digest(bytes, [alg]);
    const ok = prior.checksum ? toBase64(d[alg]!) === prior.checksum.value : toHex(d.md5!) === prior.md5;
    if (!ok) throw new SourceChangedError(`Part ${prior.partNumber} of the body is not the bytes the checkpoint recorded: refusing to resume`);
  }

  /** Whether `upload` is still listed among the key's multipart uploads. */
  private async listed(upload: MultipartUpload, signal: AbortSignal): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await this.store.listUploads(upload.bucket, { prefix: upload.key, signal, ...(cursor ? { cursor } : {}) });
      if (page.uploads.some((u) => u.uploadId === upload.uploadId)) return true;
      cursor = page.nextCursor;
    } while (cursor);
    return false;
  }

  /**
   * The checkpoint's upload, if the server still has it, with the parts it confirms (same number, same ETag).
   * An upload the server no longer has means starting over (same source: its identity was checked).
   */
  private async resumable(saved: UploadCheckpoint): Promise<{ upload: MultipartUpload; parts: CheckpointPart[] } | undefined> {
    const upload: MultipartUpload = { bucket: saved.bucket, key: saved.key, uploadId: saved.uploadId };
    const server = new Map<number, string>();
    try {
      let cursor: string | undefined;
      do {
        const page = await this.store.listParts(upload, { signal: this.signal, hooks: this.hooks, ...(cursor ? { cursor } : {}) });
        for (const p of page.parts) server.set(p.partNumber, p.etag);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (e) {
      if (this.options.signal?.aborted) throw abortError(this.options.signal);
      if (isStowageError(e, 'UploadNotFound') || isStowageError(e, 'ObjectNotFound')) return undefined;
      throw e;
    }
    const norm = (etag: string) => etag.replace(/"/g, '');
    const parts = saved.parts.filter((p) => server.has(p.partNumber) && norm(server.get(p.partNumber)!) === norm(p.etag));
    return { upload, parts };
  }

  private async reconcile(size: number, expected: string | undefined): Promise<{ etag: string; versionId?: string } | undefined> {
    try {
      const info = await this.store.head(this.bucket, this.key, { signal: this.signal });
      const form = parseEtag(info.etag);
      if (expected !== undefined && info.size === size && form.kind === 'composite' && `${form.md5}-${form.parts}` === expected) {
        return info.versionId !== undefined ? { etag: info.etag, versionId: info.versionId } : { etag: info.etag };
      }
    } catch {
      // fall through: not confirmed
    }
    return undefined;
  }
}

/** The binary MD5 an S3 part ETag carries, when it is one. */
function etagDigest(etag: string): Uint8Array | undefined {
  const form = parseEtag(etag);
  return form.kind === 'md5' ? Buffer.from(form.md5, 'hex') : undefined;
}

/** A part's CRC32 as the completion names it (the uploads that keep a full-object CRC send one with every part). */
function partCrc(checksum: { algorithm: string; value: string } | undefined): BodyChecksum {
  if (checksum?.algorithm !== 'crc32') throw new IntegrityError('A part of a full-object CRC32 upload has no CRC32');
  return { algorithm: 'crc32', value: checksum.value };
}

/** The whole object's CRC32, combined from the parts' (in part order) and their lengths. */
function combinedCrc32(parts: CompletedPart[], lengths: number[]): string {
  let crc = 0;
  parts.forEach((p, i) => {
    const value = Buffer.from(p.checksum!.value, 'base64').readUInt32BE(0);
    crc = i === 0 ? value : crc32Combine(crc, value, lengths[i]!);
  });
  return toBase64(crcBytes(crc));
}
