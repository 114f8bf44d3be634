import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthResult, SignedRequest } from '../auth/authenticate.js';
import { verifiedBody, type VerifiedBody } from '../auth/body.js';
import { HttpError } from './errors.js';

/** What a dialect knows of the server it runs in. */
export interface ServerInfo {
  /** The base URL clients reach the server at, e.g. `http://127.0.0.1:9900`. */
  url: string;
  region: string;
  now(): Date;
}

/**
 * One request: the parsed URL and headers, the abort signal (fires when the
 * client goes away), the authentication result and the verified body. Dialect
 * independent: it knows HTTP and SigV4, not S3.
 */
export class RequestContext implements SignedRequest {
  readonly requestId = randomBytes(8).toString('hex').toUpperCase();
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly queryPairs: ReadonlyArray<readonly [string, string]>;
  /** Decoded query: the first value of each name. */
  readonly query: ReadonlyMap<string, string>;
  readonly signal: AbortSignal;
  auth: AuthResult | undefined;
  private readonly controller = new AbortController();
  private verified: VerifiedBody | undefined;
  private continued = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly server: ServerInfo,
    /** The client sent `Expect: 100-continue`: send 100 only once the request is authenticated. */
    private readonly expectsContinue = false,
  ) {
    this.method = (req.method ?? 'GET').toUpperCase();
    let target = req.url ?? '/';
    if (/^https?:\/\//i.test(target)) {
      const u = new URL(target);
      target = u.pathname + u.search;
    }
    const q = target.indexOf('?');
    this.rawPath = q === -1 ? target : target.slice(0, q);
    this.rawQuery = q === -1 ? '' : target.slice(q + 1);
    this.queryPairs = parseQuery(this.rawQuery);
    const query = new Map<string, string>();
    for (const [n, v] of this.queryPairs) if (!query.has(n)) query.set(n, v);
    this.query = query;
    this.signal = this.controller.signal;
    res.once('close', () => {
      if (!res.writableFinished) this.controller.abort(new Error('The client closed the connection'));
    });
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name];
    if (v === undefined) return undefined;
    return utf8Header(Array.isArray(v) ? v.join(',') : v);
  }

  headerValues(name: string): readonly string[] | undefined {
    return this.req.headersDistinct[name]?.map(utf8Header);
  }

  headerNames(): string[] {
    return Object.keys(this.req.headers);
  }

  get hasBody(): boolean {
    const length = this.req.headers['content-length'];
    if (length !== undefined) return length.trim() !== '0';
    return this.req.headers['transfer-encoding'] !== undefined;
  }

  /** The request body, decoded and verified as the signature and headers ask. Built once. */
  body(): VerifiedBody {
    if (!this.verified) {
      this.verified = verifiedBody(this.req, this, this.auth);
      if (this.expectsContinue && !this.continued) {
        this.continued = true;
        this.res.writeContinue();
      }
    }
    return this.verified;
  }

  /** A body failure (bad signature, digest, length) takes precedence over what the consumer made of it. */
  bodyFailure(): HttpError | undefined {
    return this.verified?.failure();
  }

  get bodyStarted(): boolean {
    return this.verified !== undefined;
  }

  /** Reads a small body (an XML document) into memory, verified, with a size limit. */
  async readSmallBody(limit: number): Promise<Buffer> {
    const body = this.body();
    if (body.length !== undefined && body.length > limit) throw new HttpError(400, 'MaxMessageLengthExceeded', `Your request was too big (limit ${limit} bytes).`);
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of body.stream) {
        total += (chunk as Buffer).length;
        if (total > limit) throw new HttpError(400, 'MaxMessageLengthExceeded', `Your request was too big (limit ${limit} bytes).`);
        chunks.push(chunk as Buffer);
      }
    } catch (e) {
      throw body.failure() ?? e;
    }
    return Buffer.concat(chunks);
  }
}

/**
 * Node reads header bytes as latin1; clients that send UTF-8 (the AWS SDK does
 * for metadata) signed the UTF-8 text, so valid UTF-8 is read back as such.
 */
export function utf8Header(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\u0000-\u007f]/.test(value)) return value;
  const bytes = Buffer.from(value, 'latin1');
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : value;
}

/** Splits a raw query string into decoded pairs (`+` is a literal plus, as SigV4 clients mean it). */
export function parseQuery(raw: string): Array<[string, string]> {
  if (raw === '') return [];
  const out: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    out.push([decode(name), decode(value)]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, 'InvalidArgument', `The query string is not valid percent-encoded UTF-8: ${s.slice(0, 64)}`);
  }
}
