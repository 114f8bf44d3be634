import { formatBytes, formatSeconds } from './units.js';

/** What one transfer reports (the shape of @stowage/transfer's `Progress`, the fields used). */
export interface TransferSnapshot {
  bytesDone: number;
  totalBytes: number | undefined;
  partsDone: number;
  partsTotal: number | undefined;
  partsRetried?: number;
}

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  /** Where to draw (stderr: stdout stays clean for data). */
  stream: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Plain lines: one every this many ms (default 2000). */
  intervalMs?: number;
  /** Terminal width (default: the stream's columns, else 100). */
  columns?: number;
  now?: () => number;
}

const WINDOW_MS = 3000;
const BAR_FRAME_MS = 100;

/**
 * Renders the progress of one transfer or of many (a recursive copy): on a
 * TTY, one line redrawn in place with a bar, bytes, rate, ETA and parts; not
 * on a TTY, a plain line every `intervalMs`; and a final line at 100 % when
 * the transfer ends. Rate and ETA are computed here, over the last 3 s, from
 * the sum of every transfer's acknowledged bytes.
 */
export class ProgressReporter {
  private readonly mode: ProgressMode;
  private readonly stream: NodeJS.WritableStream;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly transfers = new Map<string, TransferSnapshot>();
  private readonly samples: Array<{ t: number; bytes: number }> = [];
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private finished = false;
  private filesDone = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes of transfers already finished (removed from the map). */
  private doneBytes = 0;
  private doneParts = 0;

  constructor(
    private readonly label: string,
    private totalBytes: number | undefined,
    private readonly filesTotal: number | undefined,
    private readonly options: ProgressOptions,
  ) {
    this.mode = options.mode;
    this.stream = options.stream;
    this.intervalMs = options.intervalMs ?? 2000;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.lastDraw = this.started;
    this.samples.push({ t: this.started, bytes: 0 });
    if (this.mode === 'lines') {
      this.timer = setInterval(() => this.draw(true), this.intervalMs);
      this.timer.unref();
    }
  }

  /** A transfer's latest snapshot (from `onProgress`). */
  update(id: string, snapshot: TransferSnapshot): void {
    if (this.finished) return;
    this.transfers.set(id, { ...snapshot });
    if (this.filesTotal === undefined && this.totalBytes === undefined && snapshot.totalBytes !== undefined) this.totalBytes = snapshot.totalBytes;
    this.tick();
  }

  /**
   * Draws when due. Called on every update, not only from the timer: a
   * transfer on the in-memory store never yields to timers while it runs.
   */
  private tick(): void {
    if (this.mode === 'bar') this.draw(false);
    else if (this.mode === 'lines' && this.now() - this.lastDraw >= this.intervalMs) this.draw(true);
  }

  /** A transfer ended: its bytes count as done. */
  complete(id: string, bytes: number, parts = 1): void {
    this.transfers.delete(id);
    this.doneBytes += bytes;
    this.doneParts += parts;
    this.filesDone++;
    this.tick();
  }

  /** A transfer failed or was skipped: it no longer counts in flight. */
  drop(id: string): void {
    this.transfers.delete(id);
  }

  /** Ends the display: a last line (at 100 % when everything was done), then a newline on a TTY. */
  finish(ok: boolean): void {
    if (this.finished) return;
    if (this.timer) clearInterval(this.timer);
    // A failure before anything was shown leaves no empty 0 % line behind.
    if (ok || this.drawn) this.draw(true);
    this.finished = true;
    if (this.mode === 'bar' && this.drawn) this.stream.write('\n');
  }

  private totals() {
    let bytes = this.doneBytes;
    let parts = this.doneParts;
    let partsTotal: number | undefined = this.doneParts === 0 && this.transfers.size === 0 ? undefined : this.doneParts;
    for (const t of this.transfers.values()) {
      bytes += t.bytesDone;
      parts += t.partsDone;
      partsTotal = partsTotal === undefined || t.partsTotal === undefined ? undefined : partsTotal + t.partsTotal;
    }
    return { bytes, parts, partsTotal: this.filesTotal === undefined ? partsTotal : undefined };
  }

  /** The current line (also what tests and `--json` consumers would see). */
  line(width: number): string {
    const { bytes, parts, partsTotal } = this.totals();
    const t = this.now();
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - this.samples[1]!.t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    const rate = dt > 0 ? (bytes - first.bytes) / dt : 0;
    const total = this.totalBytes;
    const fraction = total === undefined ? undefined : total === 0 ? 1 : Math.min(1, bytes / total);
    const pct = fraction === undefined ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}%`;
    const left = total === undefined ? undefined : Math.max(0, total - bytes);
    const eta = left === undefined ? undefined : left === 0 ? 0 : rate > 0 ? left / rate : undefined;
    const sizes = total === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} / ${formatBytes(total)}`;
    const partsText =
      this.filesTotal !== undefined ? `files ${this.filesDone}/${this.filesTotal}` : partsTotal !== undefined && partsTotal > 0 ? `parts ${parts}/${partsTotal}` : parts > 0 ? `parts ${parts}` : '';
    const info = `${pct}  ${sizes}  ${formatBytes(rate)}/s  ETA ${formatSeconds(eta)}${partsText ? `  ${partsText}` : ''}`;
    if (this.mode !== 'bar') return `${this.label}: ${info.trim()}`;
    const labelWidth = Math.min(24, Math.max(8, width - info.length - 16));
    const label = this.label.length > labelWidth ? `…${this.label.slice(-(labelWidth - 1))}` : this.label.padEnd(labelWidth);
    const barWidth = Math.max(10, Math.min(40, width - info.length - labelWidth - 6));
    const filled = fraction === undefined ? 0 : Math.round(fraction * barWidth);
    const bar = fraction === undefined ? '░'.repeat(barWidth) : `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
    return `${label} [${bar}] ${info}`.slice(0, Math.max(20, width - 1));
  }

  private draw(force: boolean): void {
    if (this.mode === 'off' || this.finished) return;
    const t = this.now();
    if (!force && t - this.lastDraw < BAR_FRAME_MS) return;
    this.lastDraw = t;
    const width = this.options.columns ?? (this.stream as NodeJS.WriteStream).columns ?? 100;
    const text = this.line(width);
    if (this.mode === 'bar') this.stream.write(`\r\x1b[2K${text}`);
    else this.stream.write(`${text}\n`);
    this.drawn = true;
  }

  get elapsedMs(): number {
    return this.now() - this.started;
  }
}

/** `bar` on a TTY, `lines` otherwise, `off` with --quiet / --json / --no-progress. */
export function chooseProgressMode(stream: NodeJS.WriteStream | NodeJS.WritableStream, flags: { quiet: boolean; json: boolean; noProgress: boolean; progress: boolean }): ProgressMode {
  if (flags.noProgress || flags.quiet || (flags.json && !flags.progress)) return 'off';
  return (stream as NodeJS.WriteStream).isTTY ? 'bar' : 'lines';
}
