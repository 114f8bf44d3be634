import { TimeoutError, type StowageError } from '../errors/stowage-error.js';

/**
 * Wraps a body stream so that a stall of `idleMs` between chunks, a caller
 * abort, or an upstream error surfaces as a typed error, and cancelling the
 * wrapper cancels the source (releasing its connection).
 */
export function guardBody(
  source: ReadableStream<Uint8Array>,
  options: { idleMs?: number; signal?: AbortSignal; normalize: (e: unknown) => StowageError; onAbort: () => StowageError },
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let onAbort: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (options.signal) {
          onAbort = () => {
            controller.error(options.onAbort());
            reader.cancel(options.signal?.reason).catch(() => {});
          };
          if (options.signal.aborted) onAbort();
          else options.signal.addEventListener('abort', onAbort, { once: true });
        }
      },
      async pull(controller) {
        let timer: NodeJS.Timeout | undefined;
        try {
          const read = reader.read();
          const result = options.idleMs
            ? await Promise.race([
                read,
                new Promise<never>((_, reject) => {
                  timer = setTimeout(() => reject(new TimeoutError(`No body bytes for ${options.idleMs} ms`)), options.idleMs);
                }),
              ])
            : await read;
          if (result.done) {
            cleanup();
            controller.close();
          } else controller.enqueue(result.value);
        } catch (e) {
          cleanup();
          reader.cancel(e).catch(() => {});
          controller.error(e instanceof TimeoutError ? e : options.normalize(e));
        } finally {
          if (timer) clearTimeout(timer);
        }
      },
      async cancel(reason) {
        cleanup();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  function cleanup() {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Skips `skip` bytes then passes at most `take` bytes, cancelling the source after. */
export function sliceStream(source: ReadableStream<Uint8Array>, skip: number, take: number): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let toSkip = skip;
  let left = take;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          if (left <= 0) {
            controller.close();
            await reader.cancel().catch(() => {});
            return;
          }
          const { value, done } = await reader.read();
          if (done) return controller.close();
          let chunk = value;
          if (toSkip > 0) {
            if (chunk.length <= toSkip) {
              toSkip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(toSkip);
            toSkip = 0;
          }
          if (chunk.length > left) chunk = chunk.subarray(0, left);
          left -= chunk.length;
          controller.enqueue(chunk);
          return;
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
