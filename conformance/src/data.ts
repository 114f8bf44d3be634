import { createHash } from 'node:crypto';

const utf8 = new TextEncoder();

export function text(s: string): Uint8Array {
  return utf8.encode(s);
}

export function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** A xorshift32 generator: deterministic, fast, good enough to defeat compression and aliasing. */
export class PseudoRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  fill(out: Uint8Array): Uint8Array {
    const words = out.byteOffset % 4 === 0 ? Math.floor(out.length / 4) : 0;
    const view = new Uint32Array(out.buffer, out.byteOffset, words);
    let x = this.state;
    for (let i = 0; i < words; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      view[i] = x >>> 0;
    }
    for (let i = words * 4; i < out.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    this.state = x >>> 0;
    return out;
  }
}

/** `length` deterministic pseudo-random bytes (the same seed gives the same bytes). */
export function pseudoRandomBytes(length: number, seed = 1): Uint8Array {
  return new PseudoRandom(seed).fill(new Uint8Array(length));
}

/**
 * A one-shot stream of `total` pseudo-random bytes in chunks of `chunkSizes`
 * (cycled), hashed as it is read: `digest()` resolves once the stream ended.
 * Nothing is kept: 64 MiB go through without being held twice.
 */
export function generatedStream(total: number, seed: number, chunkSizes: readonly number[] = [1 << 20]): { stream: ReadableStream<Uint8Array>; digest: () => Promise<string> } {
  const rng = new PseudoRandom(seed);
  const hash = createHash('sha256');
  let sent = 0;
  let turn = 0;
  let resolveDigest!: (hex: string) => void;
  const done = new Promise<string>((r) => (resolveDigest = r));
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) {
          controller.close();
          resolveDigest(hash.digest('hex'));
          return;
        }
        const want = chunkSizes[turn++ % chunkSizes.length]!;
        const size = Math.min(want, total - sent);
        const chunk = rng.fill(new Uint8Array(size));
        hash.update(chunk);
        sent += size;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, digest: () => done };
}

/** SHA-256 of a stream, read chunk by chunk, plus its length. */
export async function hashStream(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const iterable: AsyncIterable<Uint8Array> =
    stream instanceof ReadableStream ? (stream as unknown as AsyncIterable<Uint8Array>) : stream;
  for await (const chunk of iterable) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return out;
}
