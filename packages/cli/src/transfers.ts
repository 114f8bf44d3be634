import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sleep, type Metadata, type Retention, type Store } from '@stowage/core';
import { copy, download, upload, type CopyTransferResult, type DownloadResult, type UploadResult } from '@stowage/transfer';
import type { ProgressReporter } from './progress.js';

/** Options shared by every transfer the CLI starts. */
export interface TransferSettings {
  signal: AbortSignal;
  concurrency?: number;
  partSize?: number;
  checksum?: 'auto' | 'crc32' | 'crc32c' | 'sha1' | 'sha256' | 'md5' | false;
  /** Bytes per second for uploads from local files / stdin. */
  maxRate?: number;
  verify?: boolean | 'required';
  /** `--resume`: uploads from files are checkpointed here (one JSON file per source and destination) and resumed from it. */
  checkpointDir?: string;
}

export interface WriteSettings {
  contentType?: string;
  metadata?: Metadata;
  retention?: Retention;
  legalHold?: boolean;
  ifNoneMatch?: '*';
}

export interface Outcome {
  kind: 'upload' | 'download' | 'copy';
  source: string;
  destination: string;
  bytes: number;
  etag?: string;
  versionId?: string;
  parts?: number;
  mode?: string;
  integrity: Record<string, unknown>;
  elapsedMs: number;
}

const progressOf = (reporter: ProgressReporter | undefined, id: string) =>
  reporter === undefined ? undefined : (p: { bytesDone: number; totalBytes: number | undefined; partsDone: number; partsTotal: number | undefined; partsRetried: number }) => reporter.update(id, p);

/** A local file (or stdin, `path` undefined) into an object, through the transfer manager. */
/** The checkpoint file of one upload: named by a hash of the source file and the destination. */
export function checkpointPath(dir: string, store: Store, bucket: string, key: string, path: string): string {
  const id = createHash('sha256').update(`${resolve(path)}\n${store.provider}\n${bucket}\n${key}`).digest('hex').slice(0, 32);
  return join(dir, `upload-${id}.json`);
}

export async function uploadFile(
  store: Store,
  bucket: string,
  key: string,
  path: string | undefined,
  settings: TransferSettings & WriteSettings,
  reporter: ProgressReporter | undefined,
  id: string,
): Promise<Outcome & { result: UploadResult }> {
  const started = performance.now();
  let body: Parameters<typeof upload>[3];
  let contentLength: number | undefined;
  if (path === undefined) {
    body = settings.maxRate ? process.stdin.pipe(new Throttle(settings.maxRate, settings.signal)) : process.stdin;
  } else if (settings.maxRate) {
    contentLength = (await stat(path)).size;
    body = createReadStream(path, { highWaterMark: 1024 * 1024 }).pipe(new Throttle(settings.maxRate, settings.signal));
  } else {
    body = { path };
  }
  const result = await upload(store, bucket, key, body, {
    signal: settings.signal,
    concurrency: settings.concurrency,
    partSize: settings.partSize,
    checksum: settings.checksum,
    contentLength,
    contentType: settings.contentType,
    metadata: settings.metadata,
    retention: settings.retention,
    legalHold: settings.legalHold,
    ifNoneMatch: settings.ifNoneMatch,
    onProgress: progressOf(reporter, id),
    ...(settings.checkpointDir !== undefined && path !== undefined && !settings.maxRate ? { checkpoint: checkpointPath(settings.checkpointDir, store, bucket, key, path), resume: true } : {}),
  });
  reporter?.complete(id, result.size, result.parts);
  return {
    kind: 'upload',
    source: path ?? '-',
    destination: `${bucket}/${key}`,
    bytes: result.size,
    etag: result.etag,
    versionId: result.versionId,
    parts: result.parts,
    mode: result.multipart ? 'multipart' : 'single put',
    integrity: { serverVerified: result.integrity.serverVerified, etagVerified: result.integrity.etagVerified },
    elapsedMs: performance.now() - started,
    result,
  };
}

/** An object into a local file (written to `path.partial`, renamed once verified) or stdout. */
export async function downloadFile(
  store: Store,
  bucket: string,
  key: string,
  path: string | undefined,
  settings: TransferSettings & { versionId?: string },
  reporter: ProgressReporter | undefined,
  id: string,
  stdout?: NodeJS.WritableStream,
): Promise<Outcome & { result: DownloadResult }> {
  const started = performance.now();
  const d = download(store, bucket, key, {
    signal: settings.signal,
    concurrency: settings.concurrency,
    versionId: settings.versionId,
    verify: settings.verify,
    onProgress: progressOf(reporter, id),
  });
  let result: DownloadResult;
  if (path === undefined) {
    await d.open();
    await pipeline(Readable.fromWeb(d.stream() as import('node:stream/web').ReadableStream<Uint8Array>), stdout ?? process.stdout, { end: false });
    result = await d.result;
  } else {
    result = await d.toFile(path);
  }
  reporter?.complete(id, result.size, result.requests);
  return {
    kind: 'download',
    source: `${bucket}/${key}`,
    destination: path ?? '-',
    bytes: result.size,
    etag: result.etag,
    versionId: result.versionId,
    mode: result.strategy,
    integrity: { ...result.integrity },
    elapsedMs: performance.now() - started,
    result,
  };
}

/** An object into another object, on the same store (server-side where it can) or across stores (streamed). */
export async function copyObject(
  source: { store: Store; bucket: string; key: string; versionId?: string },
  target: { store: Store; bucket: string; key: string },
  settings: TransferSettings & WriteSettings,
  reporter: ProgressReporter | undefined,
  id: string,
): Promise<Outcome & { result: CopyTransferResult }> {
  const started = performance.now();
  const result = await copy(source, target, {
    signal: settings.signal,
    concurrency: settings.concurrency,
    partSize: settings.partSize,
    checksum: settings.checksum,
    contentType: settings.contentType,
    metadata: settings.metadata,
    retention: settings.retention,
    legalHold: settings.legalHold,
    ifNoneMatch: settings.ifNoneMatch,
    download: settings.verify === undefined ? undefined : { verify: settings.verify },
    onProgress: progressOf(reporter, id),
  });
  reporter?.complete(id, result.size, result.upload?.parts ?? 1);
  return {
    kind: 'copy',
    source: `${source.bucket}/${source.key}`,
    destination: `${target.bucket}/${target.key}`,
    bytes: result.size,
    etag: result.etag,
    versionId: result.versionId,
    parts: result.upload?.parts,
    mode: result.mode,
    integrity: {
      sourceVerified: result.source.verified,
      serverVerified: result.upload?.integrity.serverVerified ?? null,
      etagVerified: result.upload?.integrity.etagVerified ?? result.mode === 'server-side',
    },
    elapsedMs: performance.now() - started,
    result,
  };
}

/** Passes bytes through at most `rate` bytes per second (`--max-rate`). */
export class Throttle extends Transform {
  private readonly started = performance.now();
  private sent = 0;

  constructor(
    private readonly rate: number,
    private readonly signal: AbortSignal,
  ) {
    super({ highWaterMark: 0 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    void this.pass(chunk).then(
      () => done(),
      (e: unknown) => done(e as Error),
    );
  }

  private async pass(chunk: Buffer): Promise<void> {
    // Slices of at most a tenth of a second's worth, each released on schedule.
    const slice = Math.max(1024, Math.floor(this.rate / 10));
    for (let offset = 0; offset < chunk.length; offset += slice) {
      const piece = chunk.subarray(offset, offset + slice);
      this.sent += piece.length;
      const due = this.started + (this.sent / this.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, this.signal);
      this.push(piece);
    }
  }
}
