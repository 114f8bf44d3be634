import type { Store } from '@stowage/core';
import { createMemoryStore, ManualClock, type MemoryDriverOptions } from '../src/index.js';

export const T0 = new Date('2030-01-01T00:00:00Z');
export const DAY = 86_400_000;

/** A memory store on a manual clock, with small multipart parts (5 bytes) unless told otherwise. */
export function setup(options: MemoryDriverOptions = {}): { store: Store; clock: ManualClock } {
  const clock = new ManualClock(T0);
  const store = createMemoryStore({
    clock: clock.fn,
    capabilities: { multipart: { minPartSize: 5 } },
    retry: false,
    ...options,
  });
  return { store, clock };
}

export const text = (s: string) => new TextEncoder().encode(s);

export function streamOf(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const queue = chunks.map((c) => (typeof c === 'string' ? text(c) : c));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

export async function allKeys(store: Store, bucket: string, options: { prefix?: string; delimiter?: string; pageSize?: number } = {}) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  for await (const page of store.listPages(bucket, options)) {
    keys.push(...page.objects.map((o) => o.key));
    prefixes.push(...page.commonPrefixes);
  }
  return { keys, prefixes };
}
