import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '../errors/stowage-error.js';

/**
 * Opaque, integrity-protected listing cursors: `base64url(json).base64url(hmac)`.
 * The payload binds the driver's continuation token to the listing parameters,
 * so a cursor cannot be replayed against another bucket or prefix, and any
 * altered byte fails the HMAC check.
 *
 * The key: `cursorKey` in the Store options, else the `STOWAGE_CURSOR_KEY`
 * environment variable, else a random key made once per process (cursors then
 * resume in any Store of this process, but not in another process).
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(key?: string | Uint8Array) {
    const configured = key ?? process.env.STOWAGE_CURSOR_KEY;
    this.key = configured === undefined || configured === '' ? processKey() : Buffer.from(configured);
  }

  encode(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Verifies and returns the payload; throws InvalidArgumentError on `cursor` for any tampering. */
  decode(cursor: unknown, expect: Record<string, unknown>): Record<string, unknown> {
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 8192) throw new InvalidArgumentError('cursor', 'is not a cursor issued by this store');
    const dot = cursor.indexOf('.');
    const body = cursor.slice(0, dot);
    const mac = cursor.slice(dot + 1);
    if (dot <= 0 || !/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(mac)) throw new InvalidArgumentError('cursor', 'is malformed');
    const expected = Buffer.from(this.sign(body), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    // base64url decoding ignores trailing bits, so compare the canonical text too
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || mac !== this.sign(body)) {
      throw new InvalidArgumentError('cursor', 'failed its integrity check (altered, or issued with another cursor key)');
    }
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new InvalidArgumentError('cursor', 'is malformed');
    }
    for (const [name, value] of Object.entries(expect)) {
      if ((payload[name] ?? null) !== (value ?? null)) throw new InvalidArgumentError('cursor', `was issued for a different ${name}`);
    }
    return payload;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

let processWideKey: Buffer | undefined;
function processKey(): Buffer {
  processWideKey ??= randomBytes(32);
  return processWideKey;
}
