import type { IncomingMessage } from 'node:http';
import { abortError } from '@stowage/core';

/** Event names MinIO's listen API filters by (`s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`…). */
export type BucketEventName = `s3:${string}`;

/** One S3 event record as MinIO sends it (AWS's event message structure). */
export interface BucketEvent {
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventTime: string;
  eventName: string;
  userIdentity?: { principalId?: string };
  requestParameters?: Record<string, string>;
  responseElements?: Record<string, string>;
  s3: {
    s3SchemaVersion?: string;
    configurationId?: string;
    bucket: { name: string; ownerIdentity?: { principalId?: string }; arn?: string };
    object: { key: string; size?: number; eTag?: string; contentType?: string; userMetadata?: Record<string, string>; versionId?: string; sequencer?: string };
  };
  source?: { host?: string; port?: string; userAgent?: string };
  [field: string]: unknown;
}

export interface ListenOptions {
  /** Only keys starting with this (the server filters). */
  prefix?: string;
  /** Only keys ending with this (the server filters). */
  suffix?: string;
  /** Only these events (default `s3:ObjectCreated:*`, `s3:ObjectRemoved:*`, `s3:ObjectAccessed:*`). */
  events?: BucketEventName[];
  /** Ends the iteration with AbortedError and closes the connection. */
  signal?: AbortSignal;
}

/**
 * `listenBucketNotification` as an async iterator: one long GET whose answer
 * is a line of JSON per event batch (MinIO's own API). Leaving the loop
 * (`break`), `close()` or the signal closes the connection at once, whether
 * the answer has begun or not. (The MinIO client's NotificationPoller is an
 * EventEmitter whose `stop()` only takes effect at the next event; this owns
 * its connection instead.)
 */
export class BucketEventStream implements AsyncIterable<BucketEvent> {
  /** Settles when the server has answered the listen request (events from then on are delivered). */
  readonly ready: Promise<void>;
  private closed = false;
  private used = false;
  private res: IncomingMessage | undefined;
  private readonly onAbort: () => void;

  constructor(
    private readonly answer: Promise<IncomingMessage>,
    private readonly signal: AbortSignal | undefined,
    private readonly stop: () => void,
  ) {
    this.ready = answer.then((res) => {
      this.res = res;
      if (this.closed || signal?.aborted) res.destroy();
    });
    this.ready.catch(() => {});
    this.onAbort = () => {
      this.stop();
      this.res?.destroy(abortError(this.signal));
    };
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<BucketEvent> {
    if (this.used) throw new TypeError('a BucketEventStream can be iterated once');
    this.used = true;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      const res = await this.answer;
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffered += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          // MinIO keeps the connection alive with spaces (and, with ?ping, empty batches).
          if (line === '') continue;
          const batch = JSON.parse(line) as { Records?: BucketEvent[] | null };
          for (const record of batch.Records ?? []) yield record;
        }
      }
    } catch (e) {
      if (this.signal?.aborted) throw abortError(this.signal);
      if (this.closed) return;
      throw e;
    } finally {
      this.close();
    }
    if (this.signal?.aborted) throw abortError(this.signal);
  }

  /** Stops listening and closes the connection (or cancels the request not yet answered). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stop();
    this.res?.destroy();
  }
}
