import { AbortedError, isStowageError, StowageError, TimeoutError } from '../errors/stowage-error.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 disables retries). */
  maxAttempts?: number;
  /** First backoff delay; doubles each retry, with full jitter (default 100 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-attempt timeout until the response starts (default none). */
  attemptTimeoutMs?: number;
  /** A response body that delivers no byte for this long fails with TimeoutError (default none). */
  idleBodyTimeoutMs?: number;
  /** Random source for jitter, injectable for tests. */
  random?: () => number;
}

export interface OperationEvent {
  operation: string;
  bucket?: string;
  key?: string;
  attempt: number;
}

export interface StoreHooks {
  onRequest?(event: OperationEvent): void;
  onResponse?(event: OperationEvent & { ms: number; error?: StowageError }): void;
  onRetry?(event: OperationEvent & { delayMs: number; error: StowageError }): void;
}

export function abortError(signal: AbortSignal | undefined): AbortedError {
  const reason: unknown = signal?.reason;
  if (isStowageError(reason)) return reason as AbortedError;
  return new AbortedError('The operation was aborted', { cause: reason });
}

/** Resolves after `ms`, or rejects with AbortedError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The delay before retry number `retry` (1-based): full jitter over an exponential cap. */
export function backoffDelay(retry: number, options: RetryOptions): number {
  const base = options.baseDelayMs ?? 100;
  const cap = Math.min(options.maxDelayMs ?? 5000, base * 2 ** (retry - 1));
  return Math.floor((options.random ?? Math.random)() * cap);
}

/**
 * Runs `attempt` with exponential backoff on retryable Stowage errors only.
 * Each attempt gets its own signal (caller's abort + per-attempt timeout);
 * `normalize` turns anything thrown into a StowageError.
 */
export async function runWithRetry<T>(
  event: Omit<OperationEvent, 'attempt'>,
  attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
  options: RetryOptions & { signal?: AbortSignal; hooks?: StoreHooks; replayable?: boolean; normalize: (e: unknown) => StowageError },
): Promise<T> {
  const maxAttempts = options.replayable === false ? 1 : Math.max(1, options.maxAttempts ?? 3);
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const ev = { ...event, attempt: n };
    options.hooks?.onRequest?.(ev);
    const started = performance.now();
    const timeout = options.attemptTimeoutMs ? AbortSignal.timeout(options.attemptTimeoutMs) : undefined;
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 0 ? new AbortController().signal : signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
    let error: StowageError;
    try {
      const result = await attempt(signal, n);
      options.hooks?.onResponse?.({ ...ev, ms: performance.now() - started });
      return result;
    } catch (e) {
      if (options.signal?.aborted) error = abortError(options.signal);
      else if (timeout?.aborted) error = new TimeoutError(`${event.operation} attempt timed out after ${options.attemptTimeoutMs} ms`, { cause: e });
      else error = options.normalize(e);
    }
    options.hooks?.onResponse?.({ ...ev, ms: performance.now() - started, error });
    if (!error.retryable || n >= maxAttempts) throw error;
    const delayMs = backoffDelay(n, options);
    options.hooks?.onRetry?.({ ...ev, delayMs, error });
    await sleep(delayMs, options.signal);
  }
}
