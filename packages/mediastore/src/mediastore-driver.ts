import { Readable, Transform, type TransformCallback } from 'node:stream';
import {
  DeleteObjectCommand,
  DescribeObjectCommand,
  GetObjectCommand,
  ListItemsCommand,
  MediaStoreDataClient,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-mediastore-data';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  BucketNotFoundError,
  InvalidArgumentError,
  isStowageError,
  NotSupportedError,
  parseContentRange,
  rangeHeader,
  type BucketInfo,
  type BucketRequest,
  type Capabilities,
  type CopyResult,
  type DeleteResult,
  type Driver,
  type DriverBody,
  type DriverGetRequest,
  type DriverGetResult,
  type DriverListRequest,
  type DriverPutRequest,
  type ObjectInfo,
  type ObjectRequest,
  type ObjectSummary,
  type PutResult,
  type ReadConditions,
} from '@stowage/core';
import { CONTENT_TYPE_PATTERN, MEDIASTORE_CAPS, mediaStoreCapabilities } from './capabilities.js';
import { resolveConfig, type MediaStoreConfig, type ResolvedMediaStoreConfig } from './config.js';
import { mapMediaStoreError, type ErrorContext } from './errors.js';
import { FolderWalker, splitPrefix, type FetchPage, type ListedItem } from './listing.js';

/**
 * The MediaStore Data driver: the container behind one data endpoint is the
 * Store's single bucket. Each method makes one SDK call (a listing may walk
 * folders with several ListItems calls); SDK retries are off, core retries.
 */
export class MediaStoreDriver implements Driver {
  readonly provider = 'mediastore';
  readonly server = 'mediastore';
  readonly capabilities: Capabilities = mediaStoreCapabilities();
  readonly config: Readonly<ResolvedMediaStoreConfig>;
  private readonly client: MediaStoreDataClient;
  private closed = false;

  constructor(config: MediaStoreConfig | Record<string, unknown>) {
    this.config = resolveConfig(config);
    this.client = new MediaStoreDataClient({
      ...this.config.clientConfig,
      endpoint: this.config.endpoint,
      region: this.config.region,
      ...(this.config.credentials !== undefined ? { credentials: this.config.credentials } : {}),
      maxAttempts: 1,
    });
  }

  /** The container's name (the Store's one bucket). */
  get container(): string {
    return this.config.container;
  }

  /** The MediaStoreDataClient: the escape hatch. */
  native(): MediaStoreDataClient {
    return this.client;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
  }

  private async send<T>(command: { readonly input: object }, signal: AbortSignal, context: ErrorContext): Promise<T> {
    try {
      return (await this.client.send(command as never, { abortSignal: signal })) as T;
    } catch (e) {
      throw mapMediaStoreError(e, context);
    }
  }

  /** Only the configured container exists here; any other bucket name is not found (without a request). */
  private checkBucket(bucket: string): void {
    if (bucket !== this.config.container) {
      throw new BucketNotFoundError(bucket, { provider: 'mediastore', statusCode: 404 });
    }
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(): Promise<void> {
    throw new NotSupportedError('managedBuckets', 'MediaStore containers are created with the control-plane API, not through their data endpoint', { provider: 'mediastore' });
  }

  async deleteBucket(): Promise<void> {
    throw new NotSupportedError('managedBuckets', 'MediaStore containers are deleted with the control-plane API, not through their data endpoint', { provider: 'mediastore' });
  }

  async listBuckets(): Promise<BucketInfo[]> {
    throw new NotSupportedError('managedBuckets', 'a MediaStore data endpoint serves one container', { provider: 'mediastore' });
  }

  /** The container exists when ListItems on its root answers. */
  async headBucket(req: BucketRequest): Promise<void> {
    this.checkBucket(req.bucket);
    await this.send(new ListItemsCommand({ MaxResults: 1 }), req.signal, { operation: 'headBucket', bucket: req.bucket });
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    this.checkBucket(req.bucket);
    const context: ErrorContext = { operation: 'putObject', bucket: req.bucket, key: req.key };
    if (req.contentType !== undefined && !CONTENT_TYPE_PATTERN.test(req.contentType)) {
      throw new InvalidArgumentError('contentType', 'must match MediaStore\'s ContentType pattern ^[\\w\\-\\/\\.\\+]{1,255}$ (a bare type such as "text/plain", no parameters such as "; charset=utf-8")');
    }
    if (req.contentMd5 !== undefined) throw new NotSupportedError('checksums.md5', 'MediaStore does not verify Content-MD5', { provider: 'mediastore' });
    const streaming = req.contentLength === undefined;
    const cap = streaming ? MEDIASTORE_CAPS.streamingMaxBytes : MEDIASTORE_CAPS.standardMaxBytes;
    if (req.contentLength !== undefined && req.contentLength > cap) {
      await cancel(req.body);
      throw new InvalidArgumentError('body', `is ${req.contentLength} bytes, over MediaStore's ${cap / 1_000_000} MB limit for a put`);
    }
    // A streamed body is counted on its way out; over the cap (or off its declared length) the request is cut.
    const cut = new AbortController();
    let body: Uint8Array | Readable;
    let guard: LengthGuard | undefined;
    if (req.body instanceof Uint8Array) {
      body = req.body;
    } else {
      const source = Readable.fromWeb(req.body as import('node:stream/web').ReadableStream<Uint8Array>);
      guard = new LengthGuard(cap, req.contentLength, () => {
        cut.abort();
        source.destroy();
      });
      guard.on('error', () => {});
      source.on('error', () => {});
      body = source.pipe(guard);
    }
    const input: PutObjectCommandInput = {
      Path: req.key,
      Body: body,
      StorageClass: 'TEMPORAL',
      // A body of unknown length goes out chunked, readable by GetObject while it uploads.
      UploadAvailability: streaming ? 'STREAMING' : 'STANDARD',
    };
    if (req.contentType !== undefined) input.ContentType = req.contentType;
    if (req.cacheControl !== undefined) input.CacheControl = req.cacheControl;
    const command = new PutObjectCommand(input);
    if (!streaming && !(req.body instanceof Uint8Array)) {
      // A stream of known length: send Content-Length (the command has no member for it).
      const length = String(req.contentLength);
      command.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['content-length'] = length;
          return next(args);
        },
        { step: 'build', name: 'stowageStreamContentLength' },
      );
    }
    try {
      const out = await this.send<{ ETag?: string }>(command, guard ? AbortSignal.any([req.signal, cut.signal]) : req.signal, context);
      if (guard?.failure) throw guard.failure;
      return { etag: quote(out.ETag) };
    } catch (e) {
      throw guard?.failure ?? e;
    }
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    this.checkBucket(req.bucket);
    checkNoVersionOrConditions(req.versionId, req.conditions);
    const out = await this.send<{
      Body?: { transformToWebStream(): ReadableStream<Uint8Array> };
      ContentRange?: string;
      ContentLength?: number;
      ContentType?: string;
      CacheControl?: string;
      ETag?: string;
      LastModified?: Date;
      StatusCode?: number;
    }>(new GetObjectCommand({ Path: req.key, ...(req.range !== undefined ? { Range: rangeHeader(req.range) } : {}) }), req.signal, {
      operation: 'getObject',
      bucket: req.bucket,
      key: req.key,
    });
    const body = out.Body ? out.Body.transformToWebStream() : new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    // The model's ContentRange pattern reads "bytes=s-e/t"; HTTP's is "bytes s-e/t": take either.
    const range = out.StatusCode === 206 ? parseContentRange(out.ContentRange?.replace(/^bytes=/, 'bytes ')) : undefined;
    const size = range?.total ?? out.ContentLength ?? 0;
    const result: DriverGetResult = { info: objectInfo(req.bucket, req.key, out, size), body };
    if (range) result.contentRange = range.total !== undefined ? { start: range.start, end: range.end, total: range.total } : { start: range.start, end: range.end };
    return result;
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions }): Promise<ObjectInfo> {
    this.checkBucket(req.bucket);
    checkNoVersionOrConditions(req.versionId, req.conditions);
    const out = await this.send<{ ContentLength?: number; ContentType?: string; CacheControl?: string; ETag?: string; LastModified?: Date }>(
      new DescribeObjectCommand({ Path: req.key }),
      req.signal,
      { operation: 'headObject', bucket: req.bucket, key: req.key },
    );
    return objectInfo(req.bucket, req.key, out, out.ContentLength ?? 0);
  }

  /** MediaStore answers ObjectNotFoundException for a missing path; core's delete is idempotent, so that is success. */
  async deleteObject(req: ObjectRequest & { versionId?: string }): Promise<DeleteResult> {
    this.checkBucket(req.bucket);
    if (req.versionId !== undefined) throw new NotSupportedError('versioning', undefined, { provider: 'mediastore' });
    try {
      await this.send(new DeleteObjectCommand({ Path: req.key }), req.signal, { operation: 'deleteObject', bucket: req.bucket, key: req.key });
    } catch (e) {
      if (!isStowageError(e, 'ObjectNotFound')) throw e;
    }
    return {};
  }

  async copyObject(): Promise<CopyResult> {
    throw new NotSupportedError('copy', 'MediaStore has no copy operation', { provider: 'mediastore' });
  }

  // ---------------------------------------------------------------- listing

  /**
   * ListItems lists one folder. With delimiter "/" that is the listing (folders
   * are the common prefixes); without, the folders are walked depth first.
   * The continuation token is the walk's position (see listing.ts).
   */
  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    this.checkBucket(req.bucket);
    if (req.startAfter !== undefined) throw new NotSupportedError('listing.startAfter', undefined, { provider: 'mediastore' });
    if (req.delimiter !== undefined && req.delimiter !== '/') throw new NotSupportedError('listing.anyDelimiter', 'MediaStore lists only by folder (delimiter "/")', { provider: 'mediastore' });
    const mode = req.delimiter === '/' ? 'level' : 'recursive';
    const fetch = this.pageFetcher(req.bucket, req.signal);
    const now = () => Date.now();
    let walker: FolderWalker;
    if (req.token !== undefined) {
      walker = FolderWalker.resume(req.token, mode, fetch, now);
    } else {
      const start = splitPrefix(req.prefix ?? '');
      // No MediaStore path starts with this prefix: nothing to list, nothing to ask.
      if (!start) return { objects: [], commonPrefixes: [] };
      walker = new FolderWalker(mode, [start.filter !== undefined ? { p: start.folder, n: start.filter } : { p: start.folder }], fetch, now);
    }
    const objects: ObjectSummary[] = [];
    const commonPrefixes: string[] = [];
    while (objects.length + commonPrefixes.length < req.maxKeys) {
      const entry = await walker.next(req.maxKeys - objects.length - commonPrefixes.length);
      if (!entry) return { objects, commonPrefixes };
      if (entry.kind === 'prefix') commonPrefixes.push(entry.prefix);
      else objects.push(summary(entry.key, entry.item));
    }
    // A full page: a cursor only when something follows, so the last page never comes back empty.
    const more = await walker.clone().next(1);
    return more ? { objects, commonPrefixes, nextToken: walker.token() } : { objects, commonPrefixes };
  }

  private pageFetcher(bucket: string, signal: AbortSignal): FetchPage {
    return async (folder, token, maxResults) => {
      const out = await this.send<{ Items?: Array<{ Name?: string; Type?: string; ETag?: string; LastModified?: Date; ContentLength?: number }>; NextToken?: string }>(
        new ListItemsCommand({
          ...(folder !== '' ? { Path: folder.slice(0, -1) } : {}),
          MaxResults: maxResults,
          ...(token !== undefined ? { NextToken: token } : {}),
        }),
        signal,
        { operation: 'listObjects', bucket },
      );
      const items: ListedItem[] = [];
      for (const i of out.Items ?? []) {
        if (!i.Name || (i.Type !== 'OBJECT' && i.Type !== 'FOLDER')) continue;
        const item: ListedItem = { name: i.Name, type: i.Type };
        if (i.ETag !== undefined) item.etag = i.ETag;
        if (i.LastModified !== undefined) item.lastModified = i.LastModified;
        if (i.ContentLength !== undefined) item.size = i.ContentLength;
        items.push(item);
      }
      return out.NextToken ? { items, nextToken: out.NextToken } : { items };
    };
  }

  // ---------------------------------------------------------------- presign

  /**
   * A presigned GET URL: SigV4 query signing for the service `mediastore`, as
   * the SDK's signer makes it for any client (the endpoint verifies it, expiry
   * included).
   */
  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string }): Promise<string> {
    this.checkBucket(req.bucket);
    if (req.method !== 'GET') throw new NotSupportedError('presign.put', undefined, { provider: 'mediastore' });
    if (req.versionId !== undefined) throw new NotSupportedError('versioning', undefined, { provider: 'mediastore' });
    const config = this.client.config as unknown as {
      credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
      sha256: ConstructorParameters<typeof SignatureV4>[0]['sha256'];
    };
    const url = new URL(this.config.endpoint);
    const signer = new SignatureV4({ service: 'mediastore', region: this.config.region, credentials: config.credentials, sha256: config.sha256, uriEscapePath: true, applyChecksum: false });
    const path = `${url.pathname.replace(/\/+$/, '')}/${req.key.split('/').map(encodeSegment).join('/')}`;
    const signed = await signer.presign(
      { method: 'GET', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path, query: {}, headers: { host: url.host } },
      { expiresIn: req.expiresIn },
    );
    const query = Object.entries(signed.query ?? {})
      .map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(String(value))}`)
      .join('&');
    return `${url.origin}${path}?${query}`;
  }
}

/** Counts a streamed body: over the cap, or other than the declared length, it fails (and so does the request). */
class LengthGuard extends Transform {
  failure: InvalidArgumentError | undefined;
  private count = 0;

  constructor(
    private readonly cap: number,
    private readonly declared: number | undefined,
    private readonly onFailure: () => void,
  ) {
    super();
  }

  private fail(error: InvalidArgumentError, callback: TransformCallback): void {
    this.failure = error;
    this.onFailure();
    callback(error);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.cap) {
      this.fail(new InvalidArgumentError(
        'body',
        this.declared === undefined
          ? `of unknown length went over MediaStore's ${this.cap / 1_000_000} MB limit for streaming uploads (pass contentLength for up to ${MEDIASTORE_CAPS.standardMaxBytes / 1_000_000} MB)`
          : `is over MediaStore's ${this.cap / 1_000_000} MB limit for a put`,
        { provider: 'mediastore' },
      ), callback);
      return;
    }
    if (this.declared !== undefined && this.count > this.declared) {
      this.fail(new InvalidArgumentError('body', `is longer than the ${this.declared} bytes declared`, { provider: 'mediastore' }), callback);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.declared !== undefined && this.count !== this.declared) {
      this.fail(new InvalidArgumentError('body', `ended after ${this.count} bytes, before the ${this.declared} declared`, { provider: 'mediastore' }), callback);
      return;
    }
    callback();
  }
}

function checkNoVersionOrConditions(versionId: string | undefined, conditions: ReadConditions): void {
  if (versionId !== undefined) throw new NotSupportedError('versioning', undefined, { provider: 'mediastore' });
  if (Object.keys(conditions).length > 0) throw new NotSupportedError('conditionalRead', undefined, { provider: 'mediastore' });
}

function objectInfo(
  bucket: string,
  key: string,
  out: { ContentType?: string; CacheControl?: string; ETag?: string; LastModified?: Date },
  size: number,
): ObjectInfo {
  const info: ObjectInfo = { bucket, key, size, etag: quote(out.ETag), lastModified: out.LastModified ?? new Date(), metadata: {}, storageClass: 'TEMPORAL' };
  if (out.ContentType !== undefined) info.contentType = out.ContentType;
  if (out.CacheControl !== undefined) info.cacheControl = out.CacheControl;
  return info;
}

function summary(key: string, item: ListedItem): ObjectSummary {
  return { key, size: item.size ?? 0, etag: quote(item.etag), lastModified: item.lastModified ?? new Date(0), storageClass: 'TEMPORAL' };
}

/** MediaStore ETags are bare hex; core's are quoted, as S3's. */
export function quote(etag: string | undefined): string {
  if (etag === undefined || etag === '') return '""';
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

async function cancel(body: DriverBody): Promise<void> {
  if (body instanceof ReadableStream) await body.cancel().catch(() => {});
}
