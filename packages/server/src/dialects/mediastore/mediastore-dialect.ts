import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { compareUtf8, CursorCodec, isStowageError, type ObjectInfo, type Store } from '@stowage/core';
import type { RequestContext, ServerInfo } from '../../http/context.js';
import { HttpError } from '../../http/errors.js';
import { send, sendStream, type HeaderValues } from '../../http/response.js';
import type { Dialect } from '../dialect.js';
import { mediaStoreError, toMediaStoreError } from './errors.js';
import { ITEM_NAME_PATTERN, listPrefix, MEDIASTORE_LIMITS, parseRange, validateContentType, validatePath, validationError } from './rules.js';
import { StreamingUploads, type StreamingUpload } from './streaming.js';

export interface MediaStoreDialectOptions {
  /** The bucket of the served Store that is the container (MediaStore has one data endpoint per container). */
  container: string;
  /** Largest STANDARD upload (default 25 MB). */
  standardMaxBytes?: number;
  /** Largest STREAMING upload (default 10 MB). */
  streamingMaxBytes?: number;
  /** ListItems NextToken lifetime (default 15 minutes, measured on the server's clock). */
  tokenLifetimeMs?: number;
  /** A PutObject that has not ended after this long is cancelled (default 30 s, as documented; 0: never). */
  uploadTimeoutMs?: number;
  /** ListItems reports each object's ContentType, which costs one Store head per object (default true). */
  listContentTypes?: boolean;
  /** HMAC key of ListItems tokens (default: random per dialect). */
  tokenKey?: string | Uint8Array;
}

type Operation = 'PutObject' | 'GetObject' | 'DescribeObject' | 'DeleteObject' | 'ListItems';

/**
 * The AWS Elemental MediaStore Data REST dialect (`mediastore-data-2017-09-01`)
 * over one bucket of a Store: PutObject, GetObject, DescribeObject,
 * DeleteObject and ListItems, JSON errors with `x-amzn-ErrorType`, SigV4 for
 * the service `mediastore`. See README.md beside this file for what is
 * implemented and from where.
 */
export class MediaStoreDialect implements Dialect {
  readonly name = 'mediastore';
  readonly service = 'mediastore';
  /** SDKs of the v4-unsigned-body era send no x-amz-content-sha256: the signature then covers the body's hash. */
  readonly requirePayloadHashHeader = false;
  readonly container: string;
  /** Streaming uploads in progress (readable by GetObject before they end). */
  readonly streaming = new StreamingUploads();
  private readonly tokens: CursorCodec;
  private readonly limits: { standard: number; streaming: number; tokenLifetimeMs: number; uploadTimeoutMs: number };
  private readonly listContentTypes: boolean;

  constructor(
    protected readonly store: Store,
    protected readonly server: ServerInfo,
    options: MediaStoreDialectOptions,
  ) {
    if (!options || typeof options.container !== 'string' || options.container === '') throw new TypeError('the MediaStore dialect needs the container: the bucket of the Store it serves');
    this.container = options.container;
    this.tokens = new CursorCodec(options.tokenKey ?? randomBytes(32));
    this.limits = {
      standard: options.standardMaxBytes ?? MEDIASTORE_LIMITS.standardMaxBytes,
      streaming: options.streamingMaxBytes ?? MEDIASTORE_LIMITS.streamingMaxBytes,
      tokenLifetimeMs: options.tokenLifetimeMs ?? MEDIASTORE_LIMITS.tokenLifetimeMs,
      uploadTimeoutMs: options.uploadTimeoutMs ?? MEDIASTORE_LIMITS.uploadTimeoutMs,
    };
    this.listContentTypes = options.listContentTypes ?? true;
  }

  /** Method and path → the operation (`GET /` is ListItems; every other path is an object path). */
  route(ctx: RequestContext): { operation: Operation; path: string } {
    const m = ctx.method;
    if (ctx.rawPath === '/' || ctx.rawPath === '') {
      if (m === 'GET') return { operation: 'ListItems', path: '' };
      throw mediaStoreError(405, 'MethodNotAllowedException', `${m} is not allowed on the container root`);
    }
    let path: string;
    try {
      path = decodeURIComponent(ctx.rawPath.slice(1));
    } catch {
      throw validationError('The path is not valid percent-encoded UTF-8');
    }
    switch (m) {
      case 'PUT':
        return { operation: 'PutObject', path };
      case 'GET':
        return { operation: 'GetObject', path };
      case 'HEAD':
        return { operation: 'DescribeObject', path };
      case 'DELETE':
        return { operation: 'DeleteObject', path };
      default:
        throw mediaStoreError(405, 'MethodNotAllowedException', `${m} is not a MediaStore Data operation`);
    }
  }

  async handle(ctx: RequestContext): Promise<void> {
    const { operation, path } = this.route(ctx);
    switch (operation) {
      case 'ListItems':
        return this.listItems(ctx);
      case 'PutObject':
        return this.putObject(ctx, path);
      case 'GetObject':
        return this.getObject(ctx, path);
      case 'DescribeObject':
        return this.describeObject(ctx, path);
      case 'DeleteObject':
        return this.deleteObject(ctx, path);
    }
  }

  sendError(ctx: RequestContext, error: unknown): void {
    const e = toMediaStoreError(ctx.bodyFailure() ?? error);
    const headers: HeaderValues = { ...e.headers, 'x-amzn-ErrorType': e.type, 'x-amzn-RequestId': ctx.requestId, 'Content-Type': 'application/json' };
    if (ctx.method === 'HEAD') send(ctx, e.status, headers);
    else send(ctx, e.status, headers, JSON.stringify({ Message: e.message }));
  }

  // ---------------------------------------------------------------- PutObject

  private async putObject(ctx: RequestContext, path: string): Promise<void> {
    validatePath(path);
    const contentType = ctx.header('content-type');
    validateContentType(contentType);
    const cacheControl = ctx.header('cache-control');
    const storageClass = ctx.header('x-amz-storage-class');
    if (storageClass !== undefined && storageClass.trim().toUpperCase() !== 'TEMPORAL') {
      throw validationError('Value at StorageClass failed to satisfy constraint: Member must satisfy enum value set: TEMPORAL');
    }
    const availability = (ctx.header('x-amz-upload-availability') ?? 'STANDARD').trim().toUpperCase();
    if (availability !== 'STANDARD' && availability !== 'STREAMING') {
      throw validationError('Value at UploadAvailability failed to satisfy constraint: Member must satisfy enum value set: STANDARD STREAMING');
    }
    const chunked = /(^|,)\s*chunked\s*$/i.test(ctx.header('transfer-encoding') ?? '');
    if (availability === 'STREAMING' && !chunked) throw validationError('STREAMING upload availability needs Transfer-Encoding: chunked');
    const cap = availability === 'STREAMING' ? this.limits.streaming : this.limits.standard;
    const body = ctx.body();
    if (body.length !== undefined && body.length > cap) throw tooLarge(availability, cap);
    // A missing container fails before the body is read.
    if (!(await this.store.bucketExists(this.container, { signal: ctx.signal }))) throw containerNotFound();

    const hash = createHash('sha256');
    const timeout = this.uploadTimer(ctx);
    try {
      let etag: string;
      if (availability === 'STREAMING') {
        etag = await this.putStreaming(ctx, path, body.stream, { contentType, cacheControl, cap, hash });
      } else {
        let overflow = false;
        let count = 0;
        const limited = body.stream.pipe(
          new Transform({
            transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
              count += chunk.length;
              if (count > cap) {
                overflow = true;
                callback(tooLarge(availability, cap));
                return;
              }
              hash.update(chunk);
              callback(null, chunk);
            },
          }),
        );
        body.stream.once('error', (e) => limited.destroy(e));
        try {
          const result = await this.store.put(this.container, path, limited, {
            contentType,
            cacheControl,
            ...(body.length !== undefined ? { contentLength: body.length } : {}),
            signal: ctx.signal,
          });
          etag = result.etag;
        } catch (e) {
          if (overflow) throw tooLarge(availability, cap);
          throw ctx.bodyFailure() ?? timeout.error() ?? e;
        }
      }
      sendJson(ctx, 200, { ContentSHA256: hash.digest('hex'), ETag: unquote(etag), StorageClass: 'TEMPORAL' });
    } finally {
      timeout.clear();
    }
  }

  /** A STREAMING upload: readable by GetObject while it arrives, stored once whole. */
  private async putStreaming(
    ctx: RequestContext,
    path: string,
    source: Readable,
    o: { contentType: string | undefined; cacheControl: string | undefined; cap: number; hash: ReturnType<typeof createHash> },
  ): Promise<string> {
    const upload = this.streaming.begin(path, o.contentType, o.cacheControl);
    try {
      try {
        for await (const chunk of source) {
          const c = chunk as Buffer;
          if (upload.size + c.length > o.cap) throw tooLarge('STREAMING', o.cap);
          o.hash.update(c);
          upload.append(c);
        }
      } catch (e) {
        throw ctx.bodyFailure() ?? e;
      }
      const result = await this.store.put(this.container, path, upload.bytes(), { contentType: o.contentType, cacheControl: o.cacheControl, signal: ctx.signal });
      upload.finish();
      return result.etag;
    } catch (e) {
      upload.fail(e);
      throw e;
    } finally {
      this.streaming.end(upload);
    }
  }

  /** The documented 30-second limit on an upload: the request is cut when it runs over. */
  private uploadTimer(ctx: RequestContext): { clear(): void; error(): HttpError | undefined } {
    const ms = this.limits.uploadTimeoutMs;
    if (!ms) return { clear: () => {}, error: () => undefined };
    let fired: HttpError | undefined;
    const timer = setTimeout(() => {
      fired = mediaStoreError(408, 'RequestTimeoutException', `The object did not fully upload within ${Math.round(ms / 1000)} seconds`);
      ctx.req.destroy(fired);
    }, ms);
    timer.unref();
    return { clear: () => clearTimeout(timer), error: () => fired };
  }

  // ---------------------------------------------------------------- GetObject, DescribeObject, DeleteObject

  private async getObject(ctx: RequestContext, path: string): Promise<void> {
    validatePath(path);
    const upload = this.streaming.inProgress(path);
    // "MediaStore ignores [Range] for partially uploaded objects that have streaming upload availability."
    if (upload) return this.followUpload(ctx, upload);
    const range = parseRange(ctx.header('range'));
    if (range === 'unsatisfiable') throw rangeNotSatisfiable();
    const got = await this.store.get(this.container, path, range !== undefined ? { range, signal: ctx.signal } : { signal: ctx.signal });
    const headers = objectHeaders(got.info);
    if (got.range) {
      headers['Content-Length'] = got.range.end - got.range.start + 1;
      headers['Content-Range'] = `bytes ${got.range.start}-${got.range.end}/${got.info.size}`;
      return sendStream(ctx, 206, headers, got.body.stream());
    }
    return sendStream(ctx, 200, headers, got.body.stream());
  }

  private async followUpload(ctx: RequestContext, upload: StreamingUpload): Promise<void> {
    const headers: HeaderValues = { 'Content-Type': upload.contentType ?? 'application/octet-stream', 'x-amzn-RequestId': ctx.requestId };
    if (upload.cacheControl !== undefined) headers['Cache-Control'] = upload.cacheControl;
    return sendStream(ctx, 200, headers, upload.follow());
  }

  private async describeObject(ctx: RequestContext, path: string): Promise<void> {
    validatePath(path);
    const info = await this.store.head(this.container, path, { signal: ctx.signal });
    send(ctx, 200, objectHeaders(info));
  }

  private async deleteObject(ctx: RequestContext, path: string): Promise<void> {
    validatePath(path);
    // MediaStore answers ObjectNotFoundException for a path with no object.
    await this.store.head(this.container, path, { signal: ctx.signal });
    await this.store.delete(this.container, path, { signal: ctx.signal });
    sendJson(ctx, 200, {});
  }

  // ---------------------------------------------------------------- ListItems

  /**
   * One folder level: the Store's delimiter-"/" listing under `Path/`. Objects
   * are OBJECT items; each common prefix is a FOLDER (folders exist only while
   * they hold objects). Items come in the Store's order (UTF-8, a folder
   * sorting as its name plus "/"). NextToken wraps the Store's cursor with an
   * expiry, integrity-protected.
   */
  private async listItems(ctx: RequestContext): Promise<void> {
    const q = ctx.query;
    const prefix = listPrefix(q.get('Path') ?? '');
    const maxRaw = q.get('MaxResults');
    let maxResults: number = MEDIASTORE_LIMITS.maxResults;
    if (maxRaw !== undefined) {
      if (!/^\d{1,7}$/.test(maxRaw) || Number(maxRaw) < 1 || Number(maxRaw) > MEDIASTORE_LIMITS.maxResults) {
        throw validationError('Value at MaxResults failed to satisfy constraint: Member must have value between 1 and 1000');
      }
      maxResults = Number(maxRaw);
    }
    const token = q.get('NextToken');
    let cursor: string | undefined;
    if (token !== undefined && token !== '') {
      let payload: Record<string, unknown>;
      try {
        payload = this.tokens.decode(token, { p: prefix });
      } catch {
        throw validationError('The NextToken is not valid for this Path');
      }
      if (typeof payload.x !== 'number' || typeof payload.c !== 'string') throw validationError('The NextToken is not valid for this Path');
      if (this.server.now().getTime() > payload.x) {
        throw mediaStoreError(400, 'ExpiredNextTokenException', `The NextToken has expired: tokens expire after ${Math.round(this.limits.tokenLifetimeMs / 60_000)} minutes. List again without it`);
      }
      cursor = payload.c;
    }
    const page = await this.store.listPage(this.container, { prefix: prefix || undefined, delimiter: '/', pageSize: maxResults, cursor, signal: ctx.signal });

    type Entry = { sort: string; item: Record<string, unknown>; key?: string };
    const entries: Entry[] = [];
    for (const o of page.objects) {
      const name = o.key.slice(prefix.length);
      if (!ITEM_NAME_PATTERN.test(name)) continue;
      entries.push({ sort: o.key, key: o.key, item: { Name: name, Type: 'OBJECT', ETag: unquote(o.etag), LastModified: o.lastModified.getTime() / 1000, ContentLength: o.size } });
    }
    for (const p of page.commonPrefixes) {
      const name = p.slice(prefix.length, -1);
      if (!ITEM_NAME_PATTERN.test(name)) continue;
      entries.push({ sort: p, item: { Name: name, Type: 'FOLDER' } });
    }
    entries.sort((a, b) => compareUtf8(a.sort, b.sort));
    if (this.listContentTypes) await this.addContentTypes(ctx, entries);
    const out: Record<string, unknown> = { Items: entries.map((e) => e.item) };
    if (page.nextCursor !== undefined) out.NextToken = this.tokens.encode({ c: page.nextCursor, p: prefix, x: this.server.now().getTime() + this.limits.tokenLifetimeMs });
    sendJson(ctx, 200, out);
  }

  /** Item.ContentType: the Store's listing has no content types, so each object is headed (8 at a time). */
  private async addContentTypes(ctx: RequestContext, entries: Array<{ key?: string; item: Record<string, unknown> }>): Promise<void> {
    const objects = entries.filter((e) => e.key !== undefined);
    let next = 0;
    const worker = async () => {
      while (next < objects.length) {
        const e = objects[next++]!;
        try {
          const info = await this.store.head(this.container, e.key!, { signal: ctx.signal });
          if (info.contentType !== undefined) e.item.ContentType = info.contentType;
        } catch (err) {
          // Deleted since it was listed: list it without a type.
          if (!isStowageError(err, 'ObjectNotFound')) throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, objects.length) }, worker));
  }
}

/** A DialectFactory for the MediaStore Data dialect: `startServer({ dialect: mediaStoreDialect({ container }) })`. */
export function mediaStoreDialect(options: MediaStoreDialectOptions) {
  return (store: Store, server: ServerInfo): MediaStoreDialect => new MediaStoreDialect(store, server, options);
}

function sendJson(ctx: RequestContext, status: number, body: unknown): void {
  send(ctx, status, { 'Content-Type': 'application/json', 'x-amzn-RequestId': ctx.requestId }, JSON.stringify(body));
}

/** DescribeObject's and GetObject's headers: ETag (unquoted hex, the model's pattern), type, length, cache control, date. */
function objectHeaders(info: ObjectInfo): Record<string, string | number> {
  const h: Record<string, string | number> = {
    ETag: unquote(info.etag),
    'Content-Type': info.contentType ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Last-Modified': info.lastModified.toUTCString(),
    'Accept-Ranges': 'bytes',
  };
  if (info.cacheControl !== undefined) h['Cache-Control'] = info.cacheControl;
  return h;
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

function tooLarge(availability: string, cap: number): HttpError {
  return validationError(`Object size exceeds the ${cap / 1_000_000} MB limit for ${availability} upload availability`);
}

function containerNotFound(): HttpError {
  return mediaStoreError(404, 'ContainerNotFoundException', 'The specified container was not found for the specified account');
}

function rangeNotSatisfiable(): HttpError {
  return mediaStoreError(416, 'RequestedRangeNotSatisfiableException', 'The requested content range is not valid');
}
