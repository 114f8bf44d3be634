/** A snapshot of a transfer, passed to `onProgress`. */
export interface Progress {
  /** Bytes acknowledged (upload: parts the server answered; download: bytes delivered or written). Never decreases. */
  bytesDone: number;
  /** Total bytes when known. */
  totalBytes: number | undefined;
  partsDone: number;
  /** Parts (or ranges) that failed after the store's retries. */
  partsFailed: number;
  /** Retries the store made on part / range requests. */
  partsRetried: number;
  /** Parts (or ranges) in all, when known. */
  partsTotal: number | undefined;
  /** Bytes per second over the last few seconds (whole run until then). */
  rate: number;
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: number | undefined;
  elapsedMs: number;
}

export type ProgressListener = (progress: Progress) => void;

const WINDOW_MS = 3000;

export class ProgressTracker {
  bytesDone = 0;
  totalBytes: number | undefined;
  partsDone = 0;
  partsFailed = 0;
  partsRetried = 0;
  partsTotal: number | undefined;
  private readonly started = performance.now();
  private samples: Array<{ t: number; bytes: number }> = [];
  private lastEmit = -Infinity;

  constructor(
    private readonly listener: ProgressListener | undefined,
    private readonly minIntervalMs = 100,
  ) {
    this.samples.push({ t: this.started, bytes: 0 });
  }

  add(bytes: number, part = false): void {
    this.bytesDone += bytes;
    if (part) this.partsDone++;
    this.emit(false);
  }

  retried(): void {
    this.partsRetried++;
    this.emit(false);
  }

  failed(): void {
    this.partsFailed++;
    this.emit(true);
  }

  snapshot(): Progress {
    const now = performance.now();
    this.samples.push({ t: now, bytes: this.bytesDone });
    while (this.samples.length > 2 && now - this.samples[1]!.t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (now - first.t) / 1000;
    const rate = dt > 0 ? (this.bytesDone - first.bytes) / dt : 0;
    const left = this.totalBytes !== undefined ? Math.max(0, this.totalBytes - this.bytesDone) : undefined;
    return {
      bytesDone: this.bytesDone,
      totalBytes: this.totalBytes,
      partsDone: this.partsDone,
      partsFailed: this.partsFailed,
      partsRetried: this.partsRetried,
      partsTotal: this.partsTotal,
      rate,
      etaSeconds: left === undefined ? undefined : left === 0 ? 0 : rate > 0 ? left / rate : undefined,
      elapsedMs: now - this.started,
    };
  }

  /** Emits at most every `minIntervalMs`, unless forced. */
  emit(force: boolean): void {
    if (!this.listener) return;
    const now = performance.now();
    if (!force && now - this.lastEmit < this.minIntervalMs) return;
    this.lastEmit = now;
    try {
      this.listener(this.snapshot());
    } catch {
      // A listener's error must not break the transfer.
    }
  }
}
