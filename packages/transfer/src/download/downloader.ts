import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import {
  abortError,
  InvalidArgumentError,
  isStowageError,
  PreconditionFailedError,
  type ObjectInfo,
  type Store,
  type StoreHooks,
} from '@stowage/core';
import { unquoteEtag } from '../integrity/etag.js';
import { OffThreadOrderedHasher } from '../integrity/ordered-worker.js';
import { OrderedHasher, planIntegrity, type IntegrityPlan, type ObjectHasher, type Span, type VerifyMethod } from '../integrity/verifier.js';
import type { TransferCommonOptions } from '../options.js';
import { ProgressTracker } from '../progress.js';
import { DEFAULT_CONCURRENCY, MiB } from '../upload/part-planner.js';
import { nextBoundary, planRanges } from './range-planner.js';

export interface DownloadOptions extends TransferCommonOptions {
  /** A version to read (default: the current one, pinned at the first response). */
  versionId?: string;
  /**
   * `true` (default): verify the whole object by the strongest cheap means it
   * has: the server's stored full-object CRC32 (`capabilities.storedChecksums`),
   * else its ETag (MD5 of a single put; composite MD5 of a multipart object with
   * a recorded part schedule), and report when it cannot; `'required'`: an object that cannot be
   * verified is an error; `false`: no hashing.
   */
  verify?: boolean | 'required';
  /**
   * `'auto'` (default): one GET stream, switched to parallel ranged GETs only
   * when the first connection proves slow (below `singleStreamRate`);
   * `'single'`: one stream; `'ranges'`: parallel ranges from the start.
   */
  strategy?: 'auto' | 'single' | 'ranges';
  /**
   * Bytes per ranged GET. Default: an even share of the object per connection, at
   * least the queue size (the part size between 4 and 64 MiB, else 16 MiB) and at most 64 MiB.
   */
  rangeSize?: number;
  /** `'auto'`: a first connection at least this fast (bytes/s) is not the limit, so ranges would not help (default 200 MiB/s). */
  singleStreamRate?: number;
  /** `'auto'`: bytes the first connection is timed over, from its first chunk (default min(rangeSize, 4 MiB)). */
  probeBytes?: number;
  /** Hash in a worker thread (default: for objects of 8 MiB or more), off the thread that reads the sockets. */
  hashThread?: boolean;
}

export interface DownloadResult {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  versionId?: string;
  info: ObjectInfo;
  integrity: { method: VerifyMethod; verified: boolean; reason?: string };
  strategy: 'single' | 'ranges';
  /** GET requests made (1 for a single stream). */
  requests: number;
  stats: {
    /** Most body bytes queued at once (stream delivery; a file download writes as it receives). */
    maxBufferedBytes: number;
    /** Rate of the first connection over the probe, bytes/s (auto strategy). */
    probeRate?: number;
    /** Event-loop utilization of this thread over the probe, 0–1 (auto strategy). */
    probeBusy?: number;
    retries: number;
    /** In-flight ranges whose second half an idle connection took at the tail. */
    tailSplits: number;
    elapsedMs: number;
  };
}

interface RangeState extends Span {
  received: number;
  chunks: Uint8Array[];
  queued: number;
  done: boolean;
  wake: (() => void) | undefined;
  space: (() => void) | undefined;
  /** Called once when few bytes are left (see runRange). */
  nearEnd?: (() => void) | undefined;
}

type Sink = { kind: 'stream' } | { kind: 'file'; handle: FileHandle };

class DownloadJob {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal;
  private readonly hooks: StoreHooks;
  private readonly progress: ProgressTracker;
  private readonly concurrency: number;
  private readonly started = performance.now();
  private retries = 0;
  private failure: unknown;
  info!: ObjectInfo;
  private size = 0;
  private plan!: IntegrityPlan;
  private hasher!: ObjectHasher;
  private pin: { versionId?: string; ifMatch?: string } = {};
  private ranges: RangeState[] = [];
  private nextToStart = 1;
  private cur = 0;
  private decided = false;
  private strategy: 'single' | 'ranges' = 'single';
  private requests = 0;
  private stolen = 0;
  private target = 16 * MiB;
  private probeRate: number | undefined;
  private probeBusy: number | undefined;
  private queued = 0;
  private maxQueued = 0;
  private sink: Sink = { kind: 'stream' };
  private consumerMoved: Array<() => void> = [];
  private workers = new Set<Promise<void>>();
  // file mode: read-back of bytes written ahead of the hashing frontier
  private catchingUp = false;
  private catchUpDone: Promise<void> = Promise.resolve();
  private frontierRange = 0;
  private readBack: Buffer | undefined;

  constructor(
    private readonly store: Store,
    private readonly bucket: string,
    private readonly key: string,
    private readonly options: DownloadOptions,
  ) {
    const c = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(c) || c < 1 || c > 64) throw new InvalidArgumentError('concurrency', 'must be an integer from 1 to 64');
    this.concurrency = c;
    if (options.rangeSize !== undefined && (!Number.isSafeInteger(options.rangeSize) || options.rangeSize < 1)) throw new InvalidArgumentError('rangeSize', 'must be a positive integer');
    this.signal = options.signal ? AbortSignal.any([options.signal, this.controller.signal]) : this.controller.signal;
    this.progress = new ProgressTracker(options.onProgress, options.progressIntervalMs);
    this.hooks = { onRetry: () => {
      this.retries++;
      this.progress.retried();
    } };
  }

  /** The first GET: the whole object, unpinned (or at the asked version); its answer pins every later range. */
  async open(): Promise<void> {
    if (this.options.signal?.aborted) throw abortError(this.options.signal);
    const verify = this.options.verify ?? true;
    const first = await this.store.get(this.bucket, this.key, { versionId: this.options.versionId, signal: this.signal, hooks: this.hooks, checksum: verify !== false });
    this.requests++;
    this.info = first.info;
    this.size = first.info.size;
    this.progress.totalBytes = this.size;
    this.plan = verify === false ? { method: 'none', units: [{ start: 0, end: this.size }], reason: 'verification was turned off' } : planIntegrity(first.info);
    if (verify === 'required' && this.plan.method === 'none') {
      await first.body.cancel();
      throw new PreconditionFailedError(`Cannot verify ${this.bucket}/${this.key}: ${this.plan.reason}`, { provider: this.store.provider });
    }
    const offThread = this.options.hashThread ?? this.size >= 8 * MiB;
    // A CRC is cheaper than the copy into the worker's segments: only MD5 goes off-thread.
    this.hasher = offThread && (this.plan.method === 'md5' || this.plan.method === 'composite-md5') ? new OffThreadOrderedHasher(this.plan) : new OrderedHasher(this.plan);
    const caps = this.store.capabilities;
    const versionId = first.info.versionId ?? this.options.versionId;
    if (versionId !== undefined && caps.versioning) this.pin.versionId = versionId;
    if (caps.conditionalRead) this.pin.ifMatch = first.info.etag;
    const parts = this.plan.method === 'composite-md5' ? this.plan.units : undefined;
    const partSize = parts && parts.length > 1 ? parts[0]!.end - parts[0]!.start : undefined;
    this.target = this.options.rangeSize ?? (partSize ? Math.min(64 * MiB, Math.max(4 * MiB, partSize)) : 16 * MiB);
    this.ranges = [{ start: 0, end: this.size, received: 0, chunks: [], queued: 0, done: false, wake: undefined, space: undefined }];
    const strategy = this.options.strategy ?? 'auto';
    if (!['auto', 'single', 'ranges'].includes(strategy)) throw new InvalidArgumentError('strategy', 'must be "auto", "single" or "ranges"');
    if (strategy === 'single' || this.concurrency === 1 || this.size <= this.target) this.decided = true;
    this.headReader = first.body.stream().getReader();
  }

  private headReader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  /** Starts the pumps. */
  start(sink: Sink): void {
    this.sink = sink;
    if ((this.options.strategy ?? 'auto') === 'ranges' && !this.decided) this.goParallel();
    this.spawn(this.pumpHead());
  }

  private spawn(p: Promise<void>): void {
    const task = p.catch((e) => this.fail(e)).finally(() => this.workers.delete(task));
    this.workers.add(task);
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = this.options.signal?.aborted ? abortError(this.options.signal) : e;
    this.controller.abort(this.failure);
    this.progress.failed();
    void Promise.resolve(this.hasher?.close()).catch(() => {});
    for (const r of this.ranges) {
      r.wake?.();
      r.space?.();
    }
    for (const w of this.consumerMoved.splice(0)) w();
  }

  private async pumpHead(): Promise<void> {
    const head = this.ranges[0]!;
    const reader = this.headReader!;
    this.headReader = undefined;
    const probeBytes = this.options.probeBytes ?? Math.min(this.target, 4 * MiB);
    let t0 = 0;
    let firstLen = 0;
    let elu0: EventLoopUtilization | undefined;
    const at = { delivered: 0 };
    await this.pump(head, reader, (received, chunkLen) => {
      if (this.decided) return;
      if (t0 === 0) {
        t0 = performance.now();
        elu0 = performance.eventLoopUtilization();
        firstLen = chunkLen;
        return;
      }
      const dt = (performance.now() - t0) / 1000;
      if (received >= probeBytes && dt >= PROBE_MIN_SECONDS) {
        this.probeRate = (received - firstLen) / dt;
        this.probeBusy = performance.eventLoopUtilization(elu0).utilization;
        // Ranges help where the connection is the limit: slower than singleStreamRate while this
        // thread mostly waits for it. A busy thread (loopback: parsing and hashing) is the limit itself.
        const slow = this.probeRate < (this.options.singleStreamRate ?? 200 * MiB) && this.probeBusy < CLIENT_BOUND_UTILIZATION;
        if (slow) this.goParallel(received);
        else this.decided = true;
      }
    }, at).catch(async (e: unknown) => {
      // The first body failed part-way: the rest of the head range from a ranged GET, like any range.
      if (!this.bodyRetryable(e)) throw e;
      this.decided = true;
      this.retries++;
      this.progress.retried();
      await this.fetchRange(head, at, 1);
    });
    this.decided = true;
    await this.workerLoop();
  }

  /** Cuts the head stream at the next range boundary and hands the rest to ranged GETs. */
  private goParallel(read = 0): void {
    this.decided = true;
    const head = this.ranges[0]!;
    // Each range costs a request round trip (≈ 60 ms on a 20 ms link). Written to a file, ranges are as long as
    // an even share of the object, up to MAX_RANGE; streamed, `target` (a range ahead of the reader waits once
    // `target` bytes are queued, so a longer one would only stall).
    const length =
      this.options.rangeSize ?? (this.sink.kind === 'file' ? Math.min(MAX_RANGE, Math.max(this.target, Math.ceil(this.size / this.concurrency))) : this.target);
    const plan = planRanges(this.plan.units, 0, this.size, length);
    const cut = nextBoundary(plan, Math.max(read, head.received, 1), this.size);
    if (cut >= this.size) return;
    head.end = cut;
    for (const r of plan) if (r.start >= cut) this.ranges.push({ ...r, received: 0, chunks: [], queued: 0, done: false, wake: undefined, space: undefined });
    this.strategy = 'ranges';
    for (let i = 1; i < this.concurrency; i++) this.spawn(this.workerLoop());
  }

  /**
   * One connection's loop. The next range is requested when the current one is nearly done
   * (`prefetchBytes` left), so the request's round trip overlaps the end of this body instead
   * of following it; never more than two ranges of one loop in flight.
   */
  private async workerLoop(): Promise<void> {
    let previous: Promise<void> = Promise.resolve();
    const run = async (r: RangeState) => {
      const { near, done } = this.runRange(r);
      await Promise.all([near, previous]);
      previous = done;
    };
    for (;;) {
      if (this.failure !== undefined) return;
      const idx = this.nextToStart;
      if (idx >= this.ranges.length) {
        await previous;
        const piece = this.strategy === 'ranges' ? this.steal() : undefined;
        if (!piece) return;
        await run(piece);
        continue;
      }
      if (this.sink.kind === 'stream' && idx > this.cur + this.concurrency) {
        // Bounded look-ahead: the reader's range and `concurrency` more (one of them the next request a
        // connection sends before its body ends), each queueing at most `target` bytes.
        // Rather than wait for the range the reader is on, help it: take its second half.
        const piece = this.steal(this.cur);
        if (piece) {
          await run(piece);
          continue;
        }
        await new Promise<void>((resolve) => this.consumerMoved.push(resolve));
        continue;
      }
      this.nextToStart++;
      await run(this.ranges[idx]!);
    }
  }

  /** Starts a range: `done` when it is over, `near` when `prefetchBytes` are left (ranges of at least 4 × that) or over. */
  private runRange(r: RangeState): { near: Promise<void>; done: Promise<void> } {
    let signalNear!: () => void;
    const near = new Promise<void>((resolve) => (signalNear = resolve));
    if (r.end - r.start >= 4 * this.prefetchBytes) r.nearEnd = signalNear;
    const done = this.fetchRange(r).finally(signalNear);
    this.spawn(done);
    return { near, done: done.then(() => {}, () => {}) };
  }

  /** Bytes before a range's end at which its connection's next request goes out: ≈ one round trip of body. */
  private get prefetchBytes(): number {
    return Math.max(256 * 1024, Math.min(this.target / 4, (this.probeRate ?? 20 * MiB) * 0.08));
  }

  /**
   * A connection with nothing to start takes the second half of an in-flight
   * range (whose reader then stops at the new end): at the tail, the one with
   * the most bytes still to come, so the connections finish together; when the
   * look-ahead bound holds it back, the range the reader waits on (`only`).
   * Not for less than 2 × max(1 MiB, range/4).
   */
  private steal(only?: number): RangeState | undefined {
    let best: RangeState | undefined;
    let bestLeft = 0;
    let at = -1;
    for (let i = only ?? this.cur; i < (only !== undefined ? Math.min(only + 1, this.nextToStart) : this.nextToStart); i++) {
      const r = this.ranges[i]!;
      if (r.done) continue;
      const left = r.end - (r.start + r.received);
      if (left > bestLeft) {
        best = r;
        bestLeft = left;
        at = i;
      }
    }
    // The margin also keeps the cut ahead of the bytes a reader holds before delivering them (COALESCE).
    const minHalf = Math.max(MiB, this.target / 4);
    if (!best || bestLeft < 2 * minHalf) return undefined;
    const mid = best.end - Math.floor(bestLeft / 2);
    const piece: RangeState = { start: mid, end: best.end, received: 0, chunks: [], queued: 0, done: false, wake: undefined, space: undefined };
    best.end = mid;
    this.ranges.splice(at + 1, 0, piece);
    this.nextToStart++;
    this.stolen++;
    return piece;
  }

  /**
   * One range. A body that fails part-way (reset, cut short, idle past the timeout) is asked again for the
   * bytes not yet delivered, pinned to the same object (If-Match / version), up to BODY_RETRIES times.
   */
  private async fetchRange(r: RangeState, at: { delivered: number; failedInBody?: boolean } = { delivered: 0 }, firstAttempt = 0): Promise<void> {
    for (let attempt = firstAttempt; ; attempt++) {
      try {
        await this.fetchRangeFrom(r, at);
        return;
      } catch (e) {
        if (at.failedInBody !== true || attempt >= BODY_RETRIES || !this.bodyRetryable(e)) throw e;
        at.failedInBody = false;
        this.retries++;
        this.progress.retried();
      }
    }
  }

  /** A body that failed part-way is asked again unless the job is failing or aborted, or the bytes were wrong. */
  private bodyRetryable(e: unknown): boolean {
    return this.failure === undefined && !this.signal.aborted && !isStowageError(e, 'IntegrityError');
  }

  private async fetchRangeFrom(r: RangeState, at: { delivered: number; failedInBody?: boolean }): Promise<void> {
    let res;
    const offset = r.start + at.delivered;
    try {
      res = await this.store.get(this.bucket, this.key, {
        range: { offset, length: r.end - offset },
        versionId: this.pin.versionId,
        ifMatch: this.pin.ifMatch,
        signal: this.signal,
        hooks: this.hooks,
      });
    } catch (e) {
      if (isStowageError(e, 'PreconditionFailed') || isStowageError(e, 'ObjectNotFound') || isStowageError(e, 'VersionNotFound')) throw this.changed(e);
      throw e;
    }
    this.requests++;
    if (unquoteEtag(res.info.etag) !== unquoteEtag(this.info.etag) || res.info.size !== this.size) {
      await res.body.cancel();
      throw this.changed(undefined, res.info.etag);
    }
    try {
      await this.pump(r, res.body.stream().getReader(), undefined, at);
    } catch (e) {
      at.failedInBody = true;
      throw e;
    }
  }

  private changed(cause: unknown, etag?: string): PreconditionFailedError {
    return new PreconditionFailedError(
      `${this.bucket}/${this.key} changed during the download (ETag ${this.info.etag}${etag ? ` → ${etag}` : ''}): no mixed object is delivered`,
      { provider: this.store.provider, cause },
    );
  }

  /** `at.delivered`: bytes of the range delivered before this body (a resumed range), kept up to date. */
  private async pump(
    r: RangeState,
    reader: ReadableStreamDefaultReader<Uint8Array>,
    onChunk?: (received: number, len: number) => void,
    at: { delivered: number } = { delivered: 0 },
  ): Promise<void> {
    // Socket reads come in 16–64 KiB pieces, and every piece costs the same fixed work in each layer after
    // this one (queue, consumer, hasher, file write): they are coalesced to COALESCE bytes first (one memcpy).
    let held: Uint8Array[] = [];
    let heldBytes = 0;
    let got = at.delivered;
    const flush = async () => {
      if (heldBytes === 0) return;
      const chunk = held.length === 1 ? held[0]! : concatChunks(held, heldBytes);
      const n = heldBytes;
      held = [];
      heldBytes = 0;
      await this.deliver(r, chunk);
      at.delivered += n;
      if (this.sink.kind === 'stream') {
        while (r.queued >= this.target && this.failure === undefined) await new Promise<void>((resolve) => (r.space = resolve));
        r.space = undefined;
      }
    };
    try {
      while (got < r.end - r.start) {
        if (this.failure !== undefined) throw this.failure;
        const { value, done } = await reader.read();
        if (done) throw new PreconditionFailedError(`The body of ${this.bucket}/${this.key} ended at byte ${r.start + got}, before ${r.end}`, { provider: this.store.provider });
        let chunk = value;
        const left = r.end - r.start - got;
        if (chunk.length > left) chunk = chunk.subarray(0, left);
        if (chunk.length === 0) continue;
        got += chunk.length;
        held.push(chunk);
        heldBytes += chunk.length;
        onChunk?.(got, chunk.length);
        // The head range may have been cut short by onChunk (goParallel): never deliver past its end.
        if (got > r.end - r.start) {
          const over = got - (r.end - r.start);
          const last = held.pop()!;
          heldBytes -= last.length;
          if (last.length > over) {
            held.push(last.subarray(0, last.length - over));
            heldBytes += last.length - over;
          }
          got = r.end - r.start;
        }
        if (r.nearEnd && r.end - r.start - got <= this.prefetchBytes) {
          r.nearEnd();
          r.nearEnd = undefined;
        }
        if (heldBytes >= COALESCE || got >= r.end - r.start) await flush();
      }
      await flush();
    } finally {
      await reader.cancel().catch(() => {});
    }
    r.done = true;
    this.progress.partsDone++;
    r.wake?.();
    if (this.sink.kind === 'file') this.kickCatchUp();
  }

  private async deliver(r: RangeState, chunk: Uint8Array): Promise<void> {
    if (this.sink.kind === 'stream') {
      r.chunks.push(chunk);
      r.queued += chunk.length;
      r.received += chunk.length;
      this.queued += chunk.length;
      if (this.queued > this.maxQueued) this.maxQueued = this.queued;
      r.wake?.();
      return;
    }
    const pos = r.start + r.received;
    await this.sink.handle.write(chunk, 0, chunk.length, pos);
    r.received += chunk.length;
    this.progress.add(chunk.length);
    // One feeder only: the read-back loop hashes, in order, whatever has been written (from the page cache).
    this.kickCatchUp();
  }

  // ---------------------------------------------------------------- stream delivery

  /** In-order pull of the next chunk: hashed as delivered; the last chunk is held until the whole object verified. */
  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const r = this.ranges[this.cur];
      if (!r) {
        await this.finishVerify();
        controller.close();
        return true;
      }
      const chunk = r.chunks.shift();
      if (chunk) {
        r.queued -= chunk.length;
        this.queued -= chunk.length;
        if (r.queued < this.target) r.space?.();
        const pending = this.hasher.update(chunk);
        if (pending) await pending;
        this.progress.add(chunk.length);
        if (this.hasher.offset === this.size) {
          await this.finishVerify();
          controller.enqueue(chunk);
          controller.close();
          return true;
        }
        controller.enqueue(chunk);
        return false;
      }
      if (r.done) {
        this.cur++;
        for (const w of this.consumerMoved.splice(0)) w();
        continue;
      }
      await new Promise<void>((resolve) => (r.wake = resolve));
      r.wake = undefined;
    }
  }

  private verified = false;
  private verifying: Promise<void> | undefined;
  private finishVerify(): Promise<void> {
    this.verifying ??= (async () => {
      this.verified = await this.hasher.finish(this.size);
      this.progress.emit(true);
    })();
    return this.verifying;
  }

  cancel(reason: unknown): void {
    this.fail(reason ?? abortError(undefined));
  }

  // ---------------------------------------------------------------- file delivery

  private kickCatchUp(): void {
    if (this.catchingUp || this.plan.method === 'none') return;
    this.catchingUp = true;
    this.catchUpDone = this.catchUp().catch((e) => this.fail(e)).finally(() => {
      this.catchingUp = false;
    });
  }

  /** Hashes, in object order, bytes already written ahead of the frontier, reading them back from the file. */
  private async catchUp(): Promise<void> {
    if (this.sink.kind !== 'file') return;
    const handle = this.sink.handle;
    const buf = (this.readBack ??= Buffer.allocUnsafe(4 * MiB));
    for (;;) {
      if (this.failure !== undefined) return;
      let r = this.ranges[this.frontierRange];
      while (r && this.hasher.offset >= r.end && this.frontierRange + 1 < this.ranges.length) r = this.ranges[++this.frontierRange];
      if (!r) return;
      const available = r.start + r.received;
      const from = this.hasher.offset;
      if (available <= from) return;
      const n = Math.min(buf.length, available - from);
      const { bytesRead } = await handle.read(buf, 0, n, from);
      if (bytesRead !== n) throw new PreconditionFailedError(`Short read-back at ${from}`);
      const pending = this.hasher.update(buf.subarray(0, n));
      if (pending) await pending;
    }
  }

  async waitAll(): Promise<void> {
    while (this.workers.size > 0) await Promise.race(this.workers);
    if (this.failure !== undefined) throw this.failure;
    if (this.sink.kind === 'file') {
      await this.catchUpDone;
      if (this.plan.method !== 'none' && this.hasher.offset < this.size) {
        this.kickCatchUp();
        await this.catchUpDone;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.plan.method === 'none') (this.hasher as { offset: number }).offset = this.size;
      await this.finishVerify();
    }
  }

  result(): DownloadResult {
    const out: DownloadResult = {
      bucket: this.bucket,
      key: this.key,
      size: this.size,
      etag: this.info.etag,
      info: this.info,
      integrity: { method: this.plan.method, verified: this.verified },
      strategy: this.strategy,
      requests: this.requests,
      stats: { maxBufferedBytes: this.maxQueued, retries: this.retries, tailSplits: this.stolen, elapsedMs: performance.now() - this.started },
    };
    if (this.info.versionId !== undefined) out.versionId = this.info.versionId;
    if (this.plan.method === 'none') out.integrity.reason = this.plan.reason;
    if (this.probeRate !== undefined) out.stats.probeRate = this.probeRate;
    if (this.probeBusy !== undefined) out.stats.probeBusy = this.probeBusy;
    return out;
  }
}

const COALESCE = 256 * 1024;
/** `auto` times the first connection over `probeBytes` and at least this long (a few ms of loopback say nothing). */
const PROBE_MIN_SECONDS = 0.05;
/** Event-loop utilization over the probe above which the client, not the connection, is the limit. */
const CLIENT_BOUND_UTILIZATION = 0.6;
/** The longest range `auto` / `ranges` plan on their own (`rangeSize` overrides). */
const MAX_RANGE = 64 * MiB;
/** Times a ranged body that failed part-way is asked again for its remaining bytes. */
const BODY_RETRIES = 4;

function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const out = Buffer.allocUnsafeSlow(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** A lazily started download: `open()` for the object's info, then one of `stream()`, `nodeStream()` or `toFile()`. */
export class Download {
  private readonly job: DownloadJob;
  private opening: Promise<ObjectInfo> | undefined;
  private used = false;
  private settle!: { resolve: (r: DownloadResult) => void; reject: (e: unknown) => void };
  /** Settles when the stream was read to its end and verified (or failed); with `toFile`, as its promise. */
  readonly result: Promise<DownloadResult>;

  constructor(store: Store, bucket: string, key: string, options: DownloadOptions = {}) {
    this.job = new DownloadJob(store, bucket, key, options);
    this.result = new Promise<DownloadResult>((resolve, reject) => (this.settle = { resolve, reject }));
    this.result.catch(() => {});
  }

  /** Makes the first GET (no body byte is consumed yet) and resolves to the object's info. Idempotent. */
  open(): Promise<ObjectInfo> {
    this.opening ??= this.job.open().then(() => this.job.info);
    return this.opening;
  }

  private take(): DownloadJob {
    if (this.used) throw new TypeError('This download has already been started');
    this.used = true;
    return this.job;
  }

  /** The object as an in-order web stream; it errors (never ends cleanly) on an integrity mismatch or a change mid-download. */
  stream(): ReadableStream<Uint8Array> {
    const job = this.take();
    let started = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            if (!started) {
              started = true;
              await this.open();
              job.start({ kind: 'stream' });
            }
            if (await job.pull(controller)) {
              await job.waitAll();
              this.settle.resolve(job.result());
            }
          } catch (e) {
            job.cancel(e);
            this.settle.reject(e);
            throw e;
          }
        },
        cancel: (reason) => {
          job.cancel(reason ?? abortError(undefined));
          this.settle.reject(reason ?? abortError(undefined));
        },
      },
      { highWaterMark: 0 },
    );
  }

  nodeStream(): Readable {
    return Readable.fromWeb(this.stream() as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  /**
   * Writes the object to `path`, ranges at their offsets, into `path.partial`
   * renamed on success: a failed or changed download never leaves a mixed file.
   */
  async toFile(path: string): Promise<DownloadResult> {
    const job = this.take();
    const partial = `${path}.partial`;
    let handle: FileHandle | undefined;
    try {
      await this.open();
      handle = await open(partial, 'w+');
      job.start({ kind: 'file', handle });
      await job.waitAll();
      await handle.close();
      handle = undefined;
      await rename(partial, path);
      const result = job.result();
      this.settle.resolve(result);
      return result;
    } catch (e) {
      job.cancel(e);
      await job.waitAll().catch(() => {});
      await handle?.close().catch(() => {});
      await rm(partial, { force: true }).catch(() => {});
      this.settle.reject(e);
      throw e;
    }
  }
}

export function download(store: Store, bucket: string, key: string, options: DownloadOptions = {}): Download {
  return new Download(store, bucket, key, options);
}
