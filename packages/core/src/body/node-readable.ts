import type { Readable } from 'node:stream';

export interface NodeReadableToWebOptions {
  /** Called when the web stream is cancelled, before the Node stream is destroyed (abort the request feeding it). */
  onCancel?: () => void;
  /** The error the web stream fails with, from the Node stream's (default: as it is). */
  mapError?: (e: unknown) => unknown;
  /** A 'close' before 'end' (an HTTP response cut short) fails the web stream with an ECONNRESET error. */
  closeBeforeEndIsError?: boolean;
  /** Bytes queued before the Node stream is paused (default 256 KiB). */
  highWaterMark?: number;
}

/**
 * A Node Readable (an HTTP response, an SDK's body stream) as a web stream,
 * with backpressure: the Node stream is paused while the queue is full and
 * resumed when the reader pulls. Cancelling the web stream cancels the
 * source (frees its socket). Not `Readable.toWeb`: Node 20's adapter throws
 * from a late 'data' event after a cancel. Shared by the adapters that get a
 * Node stream from their client (@stowage/minio, @stowage/ibm-cos).
 */
export function nodeReadableToWeb(stream: Readable, options: NodeReadableToWebOptions = {}): ReadableStream<Uint8Array> {
  let finished = false;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, e: unknown) => {
    if (finished) return;
    finished = true;
    controller.error(options.mapError ? options.mapError(e) : e);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        stream.on('data', (chunk: Buffer) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) stream.pause();
        });
        stream.once('end', () => {
          if (finished) return;
          finished = true;
          controller.close();
        });
        stream.once('error', (e) => fail(controller, e));
        if (options.closeBeforeEndIsError) {
          stream.once('close', () => fail(controller, Object.assign(new Error('The connection closed before the body ended'), { code: 'ECONNRESET' })));
        }
        stream.pause();
      },
      pull() {
        stream.resume();
      },
      cancel() {
        if (finished) return;
        finished = true;
        stream.removeAllListeners('data');
        stream.on('error', () => {});
        options.onCancel?.();
        stream.destroy();
      },
    },
    { highWaterMark: options.highWaterMark ?? 256 * 1024, size: (chunk) => chunk.byteLength },
  );
}
