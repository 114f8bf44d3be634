/**
 * In-progress PutObject requests with `x-amz-upload-availability: STREAMING`.
 * MediaStore serves such an object to GetObject while it is still uploading:
 * the bytes received so far at once, then the rest as it arrives. The bytes
 * are held here (at most the 10 MB streaming cap per upload) until the upload
 * ends and the object is in the Store.
 */
export class StreamingUpload {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private state: 'open' | 'done' | 'failed' = 'open';
  private failure: unknown;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly path: string,
    readonly contentType: string | undefined,
    readonly cacheControl: string | undefined,
  ) {}

  get size(): number {
    return this.received;
  }

  get open(): boolean {
    return this.state === 'open';
  }

  append(chunk: Buffer): void {
    if (this.state !== 'open') return;
    this.chunks.push(chunk);
    this.received += chunk.length;
    this.notify();
  }

  /** The whole body, once the client has sent it. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.received);
  }

  finish(): void {
    if (this.state !== 'open') return;
    this.state = 'done';
    this.notify();
  }

  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = error;
    this.chunks.length = 0;
    this.notify();
  }

  /**
   * A reader of the upload: every byte received so far, then each new chunk,
   * ending when the upload ends (or erroring when it fails).
   */
  follow(): ReadableStream<Uint8Array> {
    let index = 0;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          for (;;) {
            if (this.state === 'failed') {
              controller.error(this.failure instanceof Error ? this.failure : new Error('The streaming upload failed'));
              return;
            }
            if (index < this.chunks.length) {
              controller.enqueue(new Uint8Array(this.chunks[index++]!));
              return;
            }
            if (this.state === 'done') {
              controller.close();
              return;
            }
            await new Promise<void>((resolve) => this.waiters.add(resolve));
          }
        },
      },
      { highWaterMark: 0 },
    );
  }

  private notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }
}

/** The streaming uploads in progress, by path (the latest one per path). */
export class StreamingUploads {
  private readonly byPath = new Map<string, StreamingUpload>();

  begin(path: string, contentType: string | undefined, cacheControl: string | undefined): StreamingUpload {
    const upload = new StreamingUpload(path, contentType, cacheControl);
    this.byPath.set(path, upload);
    return upload;
  }

  /** The upload in progress at `path`, if any. */
  inProgress(path: string): StreamingUpload | undefined {
    const upload = this.byPath.get(path);
    return upload?.open ? upload : undefined;
  }

  end(upload: StreamingUpload): void {
    if (this.byPath.get(upload.path) === upload) this.byPath.delete(upload.path);
  }

  get size(): number {
    return this.byPath.size;
  }
}
