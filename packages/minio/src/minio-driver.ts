import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import {
  NotSupportedError,
  BucketNotFoundError,
  collectStream,
  completionFailure,
  decodeS3Listed,
  encodeCopySourceKey,
  headNotFoundCause,
  isS3LockConfigMissing,
  isS3NoRetention,
  noLockConfiguration,
  multipartEtag,
  s3ChecksumHeader,
  s3StoredChecksumFromHeaders,
  s3UploadChecksumHeaders,
  type UploadChecksum,
  nodeReadableToWeb,
  PendingUploadLocks,
  phantomObjectError,
  quoteEtag,
  refuseOwnedBucket,
  settleCopy,
  s3DeleteManyResults,
  s3PartCopyContext,
  s3PartCopyHeaders,
  s3UploadMarkers,
  s3VersionMarkers,
  S3_SERVER_QUIRKS,
  type S3DeleteAnswer,
  type S3ServerQuirks,
  compareUtf8,
  parseContentRange,
  rangeHeader,
  type BodyChecksum,
  type BucketInfo,
  type BucketRequest,
  type CompletedPart,
  type ContentHeaders,
  type CopyResult,
  type DefaultRetention,
  type DeleteManyResult,
  type DeleteResult,
  type Driver,
  type DriverBody,
  type DriverCopyRequest,
  type DriverGetRequest,
  type DriverGetResult,
  type DriverListRequest,
  type DriverPartCopyRequest,
  type DriverPartCopyResult,
  type DriverPutRequest,
  type Metadata,
  type MultipartUpload,
  type ObjectInfo,
  type ObjectLockConfiguration,
  type ObjectRequest,
  type ObjectSummary,
  type PartInfo,
  type PutResult,
  type ReadConditions,
  type Retention,
  type UploadRequest,
  type VersioningState,
  type VersionSummary,
} from '@stowage/core';
import { Client, LEGAL_HOLD_STATUS, RETENTION_MODES, RETENTION_VALIDITY_UNITS, type ObjectLockInfo } from 'minio';
import { resolveConfig, type MinioStoreConfig, type ResolvedMinioConfig } from './config.js';
import { checkEncryption, copySourceHeaders, encryptionFromHeaders, readHeaders, writeHeaders, type Encryption, type ObjectEncryption } from './encryption.js';
import { errorCode, errorMessage, mapMinioError, serverError, type ErrorContext } from './errors.js';
import { minioCapabilities, type MinioCapabilities } from './profiles.js';
import { AbortableTransport, type CallContext } from './transport.js';
import { list, parseXml, text, uriEscape, xmlEscape } from './xml.js';

/** Every status: the adapter's own requests read errors themselves (the client keeps no status). */
const ANY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);

/** An ObjectInfo with what MinIO also says about the object's encryption. */
export type MinioObjectInfo = ObjectInfo & { encryption?: ObjectEncryption };

/** One request through the client's signer, credentials, region lookup and transport. */
export interface RawRequest {
  method: string;
  bucket?: string;
  key?: string;
  /** Already escaped (see `query()`). */
  query?: string;
  headers?: Record<string, string>;
  body?: Buffer | string | Readable;
}

interface Shared {
  client: Client;
  transport: AbortableTransport;
  config: ResolvedMinioConfig;
  capabilities: MinioCapabilities;
  quirks: S3ServerQuirks;
  /** Retention / legal hold to set once an upload completes, on servers that ignore them at its creation. */
  pendingLocks: PendingUploadLocks;
  closed: boolean;
}

let deriving: { shared: Shared; encryption: Encryption | undefined } | undefined;

/**
 * The MinIO driver: the core contract on the `minio` client (v8). Each method
 * makes one client call — the client's own API where it can express the
 * request, its signed-request primitive (`makeRequestStreamAsync`) where the
 * API cannot (see README, "How each operation is sent") — inside a call
 * context that lets an abort destroy that call's sockets.
 */
export class MinioDriver implements Driver {
  readonly provider = 'minio';
  readonly server: string;
  readonly capabilities: MinioCapabilities;
  /** Server-side encryption applied to this driver's writes and (SSE-C) reads. */
  readonly encryption: Encryption | undefined;
  private readonly shared: Shared;

  constructor(config: MinioStoreConfig | Record<string, unknown> = {}) {
    const derived = deriving;
    deriving = undefined;
    if (derived) {
      this.shared = derived.shared;
      this.encryption = derived.encryption;
    } else {
      const resolved = resolveConfig(config);
      const transport = new AbortableTransport({
        useSSL: resolved.useSSL,
        ca: resolved.ca,
        rejectUnauthorized: resolved.rejectUnauthorized,
        agent: resolved.agent,
        proxy: resolved.proxy,
        maxSockets: resolved.maxSockets,
      });
      const client = new Client({
        endPoint: resolved.endPoint,
        port: resolved.port,
        useSSL: resolved.useSSL,
        pathStyle: resolved.pathStyle,
        ...(resolved.region !== undefined ? { region: resolved.region } : {}),
        ...(resolved.accessKey !== undefined ? { accessKey: resolved.accessKey, secretKey: resolved.secretKey! } : {}),
        ...(resolved.sessionToken !== undefined ? { sessionToken: resolved.sessionToken } : {}),
        // the ESM and CJS builds of the client declare the provider class twice: same shape
        ...(resolved.credentialsProvider !== undefined ? { credentialsProvider: resolved.credentialsProvider as never } : {}),
        transport: { request: transport.request } as never,
        transportAgent: transport.agent,
        // core's retry layer owns retries
        retryOptions: { disableRetry: true },
      });
      // Payloads go UNSIGNED-PAYLOAD (as the client does over TLS) so bodies can stream;
      // they carry Content-MD5 or an x-amz-checksum-* for the server to verify instead.
      client.enableSHA256 = false;
      const capabilities = minioCapabilities(resolved.serverProfile, { useSSL: resolved.useSSL, overrides: resolved.capabilities });
      this.shared = { client, transport, config: resolved, capabilities, quirks: S3_SERVER_QUIRKS[resolved.serverProfile], pendingLocks: new PendingUploadLocks(S3_SERVER_QUIRKS[resolved.serverProfile].lockIgnoredOnCopyAndMultipart), closed: false };
      this.encryption = checkEncryption(resolved.encryption);
      const feature = this.encryption?.type === 'SSE-C' ? 'sseC' : this.encryption ? 'sseKms' : undefined;
      if (feature && !capabilities.minio[feature]) {
        throw new NotSupportedError(`minio.${feature}`, `config.encryption ${this.encryption!.type} is not offered here (capability minio.${feature}${feature === 'sseC' ? ': SSE-C needs TLS' : ''})`, { provider: 'minio' });
      }
    }
    this.server = this.shared.config.serverProfile;
    this.capabilities = this.shared.capabilities;
  }

  /** The resolved settings (secrets included: do not log). */
  get config(): Readonly<ResolvedMinioConfig> {
    return this.shared.config;
  }

  /** The MinIO client: the escape hatch for anything the Store does not cover. */
  native(): Client {
    return this.shared.client;
  }

  /** What this server answers wrong that the driver puts right (core's S3_SERVER_QUIRKS for the profile). */
  get quirks(): Readonly<S3ServerQuirks> {
    return this.shared.quirks;
  }

  /** The adapter's HTTP transport (its agent and per-call abort). */
  get transport(): AbortableTransport {
    return this.shared.transport;
  }

  /** A driver writing (and reading) with this encryption; it shares this driver's client and sockets. */
  withEncryption(encryption: Encryption | undefined): MinioDriver {
    deriving = { shared: this.shared, encryption: checkEncryption(encryption) };
    return new MinioDriver();
  }

  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    this.shared.transport.close();
  }

  // ---------------------------------------------------------------- the call machinery

  /** Runs `fn` as one call: abortable by `signal`, its errors mapped to the core taxonomy. */
  async run<T>(signal: AbortSignal | undefined, context: ErrorContext, fn: (call: CallContext) => Promise<T>): Promise<T> {
    let current: CallContext | undefined;
    try {
      return await this.shared.transport.run(signal, (call) => {
        current = call;
        return fn(call);
      });
    } catch (e) {
      throw await mapMinioError(e, context, current);
    }
  }

  /** A signed request through the client; answers of any status come back (read errors with `check`). */
  raw(req: RawRequest): Promise<IncomingMessage> {
    const client = this.shared.client;
    const options = {
      method: req.method,
      ...(req.bucket !== undefined ? { bucketName: req.bucket } : {}),
      ...(req.key !== undefined ? { objectName: req.key } : {}),
      ...(req.query ? { query: req.query } : {}),
      headers: { ...(req.headers ?? {}) },
    };
    // Without a bucket the client cannot look its region up: sign for the configured one.
    const region = req.bucket === undefined ? (client.region ?? 'us-east-1') : '';
    return client.makeRequestStreamAsync(options, req.body ?? '', '', ANY_STATUS, region);
  }

  /** `raw`, then a non-`expect` status becomes the server's error (read from the body). */
  async send(req: RawRequest, expect: readonly number[] = [200]): Promise<IncomingMessage> {
    const res = await this.raw(req);
    if (!expect.includes(res.statusCode ?? 0)) {
      const body = req.method === 'HEAD' ? '' : await readText(res);
      if (req.method === 'HEAD') res.resume();
      throw serverError(res.statusCode ?? 0, res.headers, body);
    }
    return res;
  }

  /** `send`, then the whole answer body as text. */
  async sendText(req: RawRequest, expect: readonly number[] = [200]): Promise<{ res: IncomingMessage; body: string }> {
    const res = await this.send(req, expect);
    return { res, body: await readText(res) };
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void> {
    const client = this.shared.client;
    // Ceph answers 200 to re-creating a bucket you own: ask first.
    if (this.quirks.createIgnoresExistingBucket) await refuseOwnedBucket(this, req);
    await this.run(req.signal, { operation: 'createBucket', bucket: req.bucket }, async () => {
      if (req.region !== undefined && client.region !== undefined && req.region !== client.region) {
        // The client refuses a region other than its own ("Configured region us-east-1,
        // requested eu-west-1"); the server decides, so ask it.
        const body = `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${xmlEscape(req.region)}</LocationConstraint></CreateBucketConfiguration>`;
        const res = await this.send({
          method: 'PUT',
          bucket: req.bucket,
          headers: { 'content-length': String(Buffer.byteLength(body)), ...(req.objectLock ? { 'x-amz-bucket-object-lock-enabled': 'true' } : {}) },
          body,
        });
        res.resume();
        return;
      }
      await client.makeBucket(req.bucket, req.region ?? '', req.objectLock ? { ObjectLocking: true } : {});
    });
  }

  async deleteBucket(req: BucketRequest): Promise<void> {
    await this.run(req.signal, { operation: 'deleteBucket', bucket: req.bucket }, () => this.shared.client.removeBucket(req.bucket));
  }

  async headBucket(req: BucketRequest): Promise<void> {
    const exists = await this.run(req.signal, { operation: 'headBucket', bucket: req.bucket }, () => this.shared.client.bucketExists(req.bucket));
    if (!exists) throw new BucketNotFoundError(req.bucket, { provider: this.provider, statusCode: 404 });
  }

  async listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]> {
    const buckets = await this.run(req.signal, { operation: 'listBuckets' }, () => this.shared.client.listBuckets());
    return buckets.map((b) => {
      const info: BucketInfo = { name: String(b.name) };
      if (b.creationDate instanceof Date && !Number.isNaN(b.creationDate.getTime())) info.createdAt = b.creationDate;
      return info;
    });
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    const context: ErrorContext = { operation: 'putObject', bucket: req.bucket, key: req.key };
    const { body, length, release } = toBody(req.body, req.contentLength);
    const headers: Record<string, string> = {
      ...contentHeaders(req),
      ...metadataHeaders(req.metadata),
      ...lockHeaders(req.retention, req.legalHold),
      ...writeHeaders(this.encryption),
      ...checksumHeaders(req.checksum),
    };
    if (length !== undefined) headers['content-length'] = String(length);
    if (req.contentMd5 !== undefined) headers['content-md5'] = req.contentMd5;
    else if (req.checksum === undefined && Buffer.isBuffer(body)) headers['content-md5'] = md5(body);
    if (req.ifMatch !== undefined) headers['if-match'] = req.ifMatch;
    if (req.ifNoneMatch !== undefined) headers['if-none-match'] = req.ifNoneMatch;
    try {
      const res = await this.run(req.signal, context, () => this.send({ method: 'PUT', bucket: req.bucket, key: req.key, headers, body }));
      res.resume();
      return putResult(res.headers);
    } finally {
      release();
    }
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    const context: ErrorContext = { operation: 'getObject', bucket: req.bucket, key: req.key, versionId: req.versionId };
    const headers: Record<string, string> = { ...conditionHeaders(req.conditions), ...readHeaders(this.encryption) };
    if (req.range !== undefined) headers.range = rangeHeader(req.range);
    if (req.checksumMode) headers['x-amz-checksum-mode'] = 'ENABLED';
    const res = await this.run(req.signal, context, () =>
      this.send({ method: 'GET', bucket: req.bucket, key: req.key, query: query([['versionId', req.versionId]]), headers }, [200, 206]),
    );
    if (this.quirks.phantomObjectsWithoutEtag && !res.headers.etag) {
      res.destroy();
      throw phantomObjectError(this.provider, req);
    }
    const range = res.statusCode === 206 ? parseContentRange(one(res.headers, 'content-range')) : undefined;
    const size = range?.total ?? Number(one(res.headers, 'content-length') ?? 0);
    const info = objectInfo(req.bucket, req.key, res.headers, size);
    // MinIO omits x-amz-version-id when serving the null version by id.
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    const result: DriverGetResult = { info, body: webStream(res) };
    if (range !== undefined) result.contentRange = range.total !== undefined ? { start: range.start, end: range.end, total: range.total } : { start: range.start, end: range.end };
    return result;
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions; checksumMode?: boolean }): Promise<MinioObjectInfo> {
    const context: ErrorContext = { operation: 'headObject', bucket: req.bucket, key: req.key, versionId: req.versionId };
    const headers: Record<string, string> = { ...conditionHeaders(req.conditions), ...readHeaders(this.encryption) };
    if (req.checksumMode) headers['x-amz-checksum-mode'] = 'ENABLED';
    let res: IncomingMessage;
    try {
      res = await this.run(req.signal, context, () => this.send({ method: 'HEAD', bucket: req.bucket, key: req.key, query: query([['versionId', req.versionId]]), headers }));
    } catch (e) {
      // A HEAD's 404 has no body; MinIO names the code in a header, Ceph does not: ask which.
      throw errorCode(e) === 'NotFound' ? await headNotFoundCause(this, req, e) : e;
    }
    res.resume();
    if (this.quirks.phantomObjectsWithoutEtag && !res.headers.etag) throw phantomObjectError(this.provider, req);
    const info = objectInfo(req.bucket, req.key, res.headers, Number(one(res.headers, 'content-length') ?? 0));
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    return info;
  }

  async deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult> {
    const context: ErrorContext = { operation: 'deleteObject', bucket: req.bucket, key: req.key, versionId: req.versionId };
    const headers = await this.run(req.signal, context, async (call) => {
      await this.shared.client.removeObject(req.bucket, req.key, {
        ...(req.versionId !== undefined ? { versionId: req.versionId } : {}),
        ...(req.bypassGovernanceRetention ? { governanceBypass: true } : {}),
      });
      // removeObject resolves to nothing: the answer's headers were seen by the call.
      return call.headers ?? {};
    });
    const result: DeleteResult = {};
    const versionId = one(headers, 'x-amz-version-id');
    if (versionId) result.versionId = versionId;
    if (one(headers, 'x-amz-delete-marker') === 'true') result.deleteMarker = true;
    return result;
  }

  /**
   * DeleteObjects, not quiet, so every entry is answered (the client's
   * `removeObjects` asks in quiet mode — no delete-marker report — and cannot
   * send x-amz-bypass-governance-retention; this request sends both).
   */
  async deleteObjects(req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean }): Promise<DeleteManyResult[]> {
    const xml =
      '<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>false</Quiet>' +
      req.entries.map((e) => `<Object><Key>${xmlEscape(e.key)}</Key>${e.versionId !== undefined ? `<VersionId>${xmlEscape(e.versionId)}</VersionId>` : ''}</Object>`).join('') +
      '</Delete>';
    const payload = Buffer.from(xml);
    const headers: Record<string, string> = { 'content-md5': md5(payload), 'content-type': 'application/xml', 'content-length': String(payload.length) };
    if (req.bypassGovernanceRetention) headers['x-amz-bypass-governance-retention'] = 'true';
    const { body } = await this.run(req.signal, { operation: 'deleteObjects', bucket: req.bucket }, () =>
      this.sendText({ method: 'POST', bucket: req.bucket, query: 'delete', headers, body: payload }),
    );
    const doc = parseXml(body).DeleteResult;
    const answers: S3DeleteAnswer[] = [];
    for (const d of list(doc, 'Deleted')) {
      answers.push({ key: text(d, 'Key'), versionId: text(d, 'VersionId'), deleted: true, deleteMarker: text(d, 'DeleteMarker') === 'true', deleteMarkerVersionId: text(d, 'DeleteMarkerVersionId') });
    }
    for (const e of list(doc, 'Error')) answers.push({ key: text(e, 'Key'), versionId: text(e, 'VersionId'), deleted: false, code: text(e, 'Code'), message: text(e, 'Message') });
    return s3DeleteManyResults(req.bucket, req.entries, answers, this.provider, (entry) =>
      this.deleteObject({ bucket: req.bucket, ...entry, bypassGovernanceRetention: req.bypassGovernanceRetention, signal: req.signal }),
    );
  }

  async copyObject(req: DriverCopyRequest): Promise<CopyResult> {
    const context: ErrorContext = {
      operation: 'copyObject',
      bucket: req.bucket,
      key: req.key,
      sourceBucket: req.sourceBucket,
      sourceKey: req.sourceKey,
      sourceVersionId: req.sourceVersionId,
    };
    // The client's CopySourceOptions escapes the source with encodeURI, which leaves
    // "?", "#", "&", "+" and ";" as they are: a key holding one is another key on the wire.
    const source = `/${req.sourceBucket}/${encodeCopySourceKey(req.sourceKey)}` + (req.sourceVersionId !== undefined ? `?versionId=${uriEscape(req.sourceVersionId)}` : '');
    const c = req.conditions;
    const headers: Record<string, string> = {
      'x-amz-copy-source': source,
      'x-amz-metadata-directive': req.metadataDirective === 'replace' ? 'REPLACE' : 'COPY',
      ...(req.metadataDirective === 'replace' ? { ...contentHeaders(req), ...metadataHeaders(req.metadata) } : {}),
      ...lockHeaders(req.retention, req.legalHold),
      ...writeHeaders(this.encryption),
      ...copySourceHeaders(this.encryption),
    };
    if (c.ifMatch !== undefined) headers['x-amz-copy-source-if-match'] = c.ifMatch;
    if (c.ifNoneMatch !== undefined) headers['x-amz-copy-source-if-none-match'] = c.ifNoneMatch;
    if (c.ifModifiedSince !== undefined) headers['x-amz-copy-source-if-modified-since'] = c.ifModifiedSince.toUTCString();
    if (c.ifUnmodifiedSince !== undefined) headers['x-amz-copy-source-if-unmodified-since'] = c.ifUnmodifiedSince.toUTCString();
    const { res, body } = await this.run(req.signal, context, async () => {
      const answer = await this.sendText({ method: 'PUT', bucket: req.bucket, key: req.key, headers, body: '' });
      // S3 may answer 200 and put an <Error> in the body.
      if (/<Error>/.test(answer.body)) throw serverError(500, answer.res.headers, answer.body);
      return answer;
    });
    const doc = parseXml(body).CopyObjectResult;
    const result: CopyResult = { etag: quoteEtag(text(doc, 'ETag')) };
    const lastModified = text(doc, 'LastModified');
    if (lastModified) result.lastModified = new Date(lastModified);
    const versionId = one(res.headers, 'x-amz-version-id');
    if (versionId) result.versionId = versionId;
    const sourceVersionId = one(res.headers, 'x-amz-copy-source-version-id');
    if (sourceVersionId) result.sourceVersionId = sourceVersionId;
    // Ceph does not say which version the copy made, and ignores the copy's lock headers.
    return settleCopy(this, this.quirks, req, result);
  }

  // ---------------------------------------------------------------- listing

  /**
   * ListObjectsV2 read with the adapter's parser: the client's
   * `listObjectsV2Query` takes any delimiter, but its parser turns a key like
   * `0123` into `123` (measured: see test/client-quirks.test.ts).
   */
  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const q = query([
      ['list-type', '2'],
      ['encoding-type', 'url'],
      ['max-keys', String(req.maxKeys)],
      ['prefix', req.prefix],
      ['delimiter', req.delimiter],
      ['continuation-token', req.token],
      ['start-after', req.startAfter],
    ]);
    const { body } = await this.run(req.signal, { operation: 'listObjects', bucket: req.bucket }, () => this.sendText({ method: 'GET', bucket: req.bucket, query: q }));
    const doc = parseXml(body).ListBucketResult;
    const encoded = text(doc, 'EncodingType') === 'url';
    const objects = list(doc, 'Contents').map((o): ObjectSummary => {
      const summary: ObjectSummary = {
        key: decodeS3Listed(text(o, 'Key') ?? '', encoded),
        size: Number(text(o, 'Size') ?? 0),
        etag: quoteEtag(text(o, 'ETag')),
        lastModified: new Date(text(o, 'LastModified') ?? 0),
      };
      const storageClass = text(o, 'StorageClass');
      if (storageClass) summary.storageClass = storageClass;
      return summary;
    });
    const commonPrefixes = list(doc, 'CommonPrefixes').map((p) => decodeS3Listed(text(p, 'Prefix') ?? '', encoded));
    const page: { objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string } = { objects, commonPrefixes };
    const next = text(doc, 'NextContinuationToken');
    if (text(doc, 'IsTruncated') === 'true' && next) page.nextToken = next;
    return page;
  }

  /**
   * ListObjectVersions read with the adapter's parser (the client's
   * `listObjectsQuery` sends key-marker unescaped and splits versions from
   * delete markers; S3's order — key, then newest first — is kept here).
   */
  async listObjectVersions(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker } = s3VersionMarkers(req.token);
    const q = query([
      ['versions', ''],
      ['encoding-type', 'url'],
      ['max-keys', String(req.maxKeys)],
      ['prefix', req.prefix],
      ['delimiter', req.delimiter],
      ['key-marker', keyMarker],
      ['version-id-marker', versionIdMarker],
    ]);
    const { body } = await this.run(req.signal, { operation: 'listObjectVersions', bucket: req.bucket }, () => this.sendText({ method: 'GET', bucket: req.bucket, query: q }));
    const doc = parseXml(body).ListVersionsResult;
    const encoded = text(doc, 'EncodingType') === 'url';
    // The parser groups <Version> and <DeleteMarker> apart: their interleaving is the document's.
    const order = [...body.matchAll(/<(Version|DeleteMarker)>/g)].map((m) => m[1]);
    const versions = list(doc, 'Version');
    const markers = list(doc, 'DeleteMarker');
    let vi = 0;
    let mi = 0;
    const out: Array<VersionSummary & { order: number }> = [];
    for (const kind of order) {
      const marker = kind === 'DeleteMarker';
      const v = marker ? markers[mi++] : versions[vi++];
      if (!v) continue;
      const s: VersionSummary & { order: number } = {
        key: decodeS3Listed(text(v, 'Key') ?? '', encoded),
        versionId: text(v, 'VersionId') || 'null',
        isLatest: text(v, 'IsLatest') === 'true',
        isDeleteMarker: marker,
        size: marker ? 0 : Number(text(v, 'Size') ?? 0),
        etag: marker ? '' : quoteEtag(text(v, 'ETag')),
        lastModified: new Date(text(v, 'LastModified') ?? 0),
        order: out.length,
      };
      const storageClass = text(v, 'StorageClass');
      if (!marker && storageClass) s.storageClass = storageClass;
      out.push(s);
    }
    // Servers list a key's versions newest first; keep that, and keys in UTF-8 order.
    out.sort((a, b) => compareUtf8(a.key, b.key) || a.order - b.order);
    const page: { versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string } = {
      versions: out.map(({ order: _order, ...v }) => v),
      commonPrefixes: list(doc, 'CommonPrefixes').map((p) => decodeS3Listed(text(p, 'Prefix') ?? '', encoded)),
    };
    if (text(doc, 'IsTruncated') === 'true') {
      const k = text(doc, 'NextKeyMarker');
      page.nextToken = JSON.stringify({ k: k !== undefined ? decodeS3Listed(k, encoded) : undefined, v: text(doc, 'NextVersionIdMarker') });
    }
    return page;
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(
    req: ObjectRequest & ContentHeaders & { metadata: Metadata; retention?: Retention; legalHold?: boolean; checksum?: UploadChecksum },
  ): Promise<{ uploadId: string }> {
    const headers = {
      ...contentHeaders(req),
      ...metadataHeaders(req.metadata),
      ...lockHeaders(req.retention, req.legalHold),
      ...writeHeaders(this.encryption),
      ...s3UploadChecksumHeaders(req.checksum),
    };
    const uploadId = await this.run(req.signal, { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key }, () =>
      this.shared.client.initiateNewMultipartUpload(req.bucket, req.key, headers),
    );
    this.shared.pendingLocks.remember(String(uploadId), req);
    return { uploadId: String(uploadId) };
  }

  async uploadPart(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string; checksum?: BodyChecksum }): Promise<{ etag: string }> {
    const context: ErrorContext = { operation: 'uploadPart', bucket: req.bucket, key: req.key, uploadId: req.uploadId };
    // A part stream of unknown length is read into memory first (MinIO answers a
    // chunked part without Content-Length with 411 MissingContentLength).
    const bytes = req.body instanceof Uint8Array ? req.body : req.contentLength === undefined ? await collectStream(req.body) : undefined;
    const headers: Record<string, string> = { ...readHeaders(this.encryption), ...checksumHeaders(req.checksum) };
    if (req.contentMd5 !== undefined) headers['content-md5'] = req.contentMd5;
    if (bytes !== undefined) {
      const payload = asBuffer(bytes);
      if (req.contentMd5 === undefined && req.checksum === undefined) headers['content-md5'] = md5(payload);
      const out = await this.run(req.signal, context, () =>
        // the client puts uploadID into the query as given: escape it here
        this.shared.client.uploadPart({ bucketName: req.bucket, objectName: req.key, uploadID: uriEscape(req.uploadId), partNumber: req.partNumber, headers }, payload),
      );
      return { etag: quoteEtag(out.etag) };
    }
    const { body, length, release } = toBody(req.body, req.contentLength);
    if (length !== undefined) headers['content-length'] = String(length);
    try {
      const res = await this.run(req.signal, context, () =>
        this.send({ method: 'PUT', bucket: req.bucket, key: req.key, query: query([['partNumber', String(req.partNumber)], ['uploadId', req.uploadId]]), headers, body }),
      );
      res.resume();
      return { etag: quoteEtag(one(res.headers, 'etag')) };
    } finally {
      release();
    }
  }

  /** UploadPartCopy as a raw request (the client's `uploadPartCopy` escapes the source with encodeURI and cannot be aborted). */
  async uploadPartCopy(req: DriverPartCopyRequest): Promise<DriverPartCopyResult> {
    const context: ErrorContext = s3PartCopyContext(req);
    const headers = { ...s3PartCopyHeaders(req), ...readHeaders(this.encryption), ...copySourceHeaders(this.encryption) };
    const { res, body } = await this.run(req.signal, context, async () => {
      const answer = await this.sendText({
        method: 'PUT',
        bucket: req.bucket,
        key: req.key,
        query: query([['partNumber', String(req.partNumber)], ['uploadId', req.uploadId]]),
        headers,
        body: '',
      });
      // S3 may answer 200 and put an <Error> in the body.
      if (/<Error>/.test(answer.body)) throw serverError(500, answer.res.headers, answer.body);
      return answer;
    });
    const doc = parseXml(body).CopyPartResult;
    const result: DriverPartCopyResult = { etag: quoteEtag(text(doc, 'ETag')) };
    const lastModified = text(doc, 'LastModified');
    if (lastModified) result.lastModified = new Date(lastModified);
    const sourceVersionId = one(res.headers, 'x-amz-copy-source-version-id');
    if (sourceVersionId) result.sourceVersionId = sourceVersionId;
    return result;
  }

  /**
   * CompleteMultipartUpload sent by the adapter: the client's version drops the
   * error code of a 200-with-<Error> answer and cannot send If-None-Match.
   */
  async completeMultipartUpload(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*'; checksum?: BodyChecksum }): Promise<PutResult> {
    const context: ErrorContext = { operation: 'completeMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId };
    const partChecksum = (p: CompletedPart) => {
      if (!p.checksum) return '';
      const { element } = s3ChecksumHeader(p.checksum.algorithm);
      return `<${element}>${xmlEscape(p.checksum.value)}</${element}>`;
    };
    const xml =
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      req.parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${xmlEscape(p.etag)}</ETag>${partChecksum(p)}</Part>`).join('') +
      '</CompleteMultipartUpload>';
    const payload = Buffer.from(xml);
    const headers: Record<string, string> = { 'content-type': 'application/xml', 'content-length': String(payload.length) };
    if (req.checksum) {
      headers[s3ChecksumHeader(req.checksum.algorithm).header] = req.checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    if (req.ifNoneMatch !== undefined) headers['if-none-match'] = req.ifNoneMatch;
    let answer: { res: IncomingMessage; body: string };
    try {
      answer = await this.run(req.signal, context, async () => {
        const a = await this.sendText({ method: 'POST', bucket: req.bucket, key: req.key, query: query([['uploadId', req.uploadId]]), headers, body: payload });
        if (/<Error>/.test(a.body)) throw serverError(a.body.includes('InternalError') ? 500 : 400, a.res.headers, a.body);
        return a;
      });
    } catch (e) {
      // Ceph RGW 16 answers an upload id it does not know with 500 "This multipart
      // completion is already in progress": ask whether the upload exists.
      throw await completionFailure(this, req, e, errorMessage(e));
    }
    const doc = parseXml(answer.body).CompleteMultipartUploadResult;
    // Ceph RGW 16 answers with an empty <ETag/>: compute S3's multipart ETag.
    const etag = text(doc, 'ETag') || multipartEtag(req.parts);
    const result: PutResult = { etag: quoteEtag(etag) };
    const versionId = one(answer.res.headers, 'x-amz-version-id');
    if (versionId) result.versionId = versionId;
    await this.shared.pendingLocks.settle(this, req, result.versionId);
    return result;
  }

  async abortMultipartUpload(req: UploadRequest): Promise<void> {
    this.shared.pendingLocks.take(req.uploadId);
    // MinIO answers 204 to aborting an upload it does not know: ask first (throws UploadNotFound).
    if (this.quirks.abortIgnoresMissingUpload) await this.listParts({ ...req, maxParts: 1 });
    await this.run(req.signal, { operation: 'abortMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId }, () =>
      // the client puts the upload id into the query as given: escape it here
      this.shared.client.abortMultipartUpload(req.bucket, req.key, uriEscape(req.uploadId)),
    );
  }

  /** ListParts, one page (the client's `listParts` is internal and reads every page into memory). */
  async listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }> {
    const q = query([
      ['uploadId', req.uploadId],
      ['max-parts', String(req.maxParts)],
      ['part-number-marker', req.token],
    ]);
    const { body } = await this.run(req.signal, { operation: 'listParts', bucket: req.bucket, key: req.key, uploadId: req.uploadId }, () =>
      this.sendText({ method: 'GET', bucket: req.bucket, key: req.key, query: q }),
    );
    const doc = parseXml(body).ListPartsResult;
    const parts = list(doc, 'Part').map((p): PartInfo => {
      const part: PartInfo = { partNumber: Number(text(p, 'PartNumber') ?? 0), etag: quoteEtag(text(p, 'ETag')) };
      const size = text(p, 'Size');
      if (size !== undefined) part.size = Number(size);
      const lastModified = text(p, 'LastModified');
      if (lastModified) part.lastModified = new Date(lastModified);
      return part;
    });
    const page: { parts: PartInfo[]; nextToken?: string } = { parts };
    const next = text(doc, 'NextPartNumberMarker');
    if (text(doc, 'IsTruncated') === 'true' && next) page.nextToken = next;
    return page;
  }

  /** ListMultipartUploads, one page of the asked size (the client's query always asks for 1000). */
  async listMultipartUploads(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }> {
    const { KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker } = s3UploadMarkers(req.token);
    const q = query([
      ['uploads', ''],
      ['encoding-type', 'url'],
      ['max-uploads', String(req.maxUploads)],
      ['prefix', req.prefix],
      ['key-marker', keyMarker],
      ['upload-id-marker', uploadIdMarker],
    ]);
    const { body } = await this.run(req.signal, { operation: 'listMultipartUploads', bucket: req.bucket }, () => this.sendText({ method: 'GET', bucket: req.bucket, query: q }));
    const doc = parseXml(body).ListMultipartUploadsResult;
    const encoded = text(doc, 'EncodingType') === 'url';
    const uploads = list(doc, 'Upload').map((u): MultipartUpload => {
      const upload: MultipartUpload = { bucket: req.bucket, key: decodeS3Listed(text(u, 'Key') ?? '', encoded), uploadId: text(u, 'UploadId') ?? '' };
      const initiated = text(u, 'Initiated');
      if (initiated) upload.initiated = new Date(initiated);
      return upload;
    });
    const page: { uploads: MultipartUpload[]; nextToken?: string } = { uploads };
    if (text(doc, 'IsTruncated') === 'true') {
      const k = text(doc, 'NextKeyMarker');
      page.nextToken = JSON.stringify({ k: k !== undefined ? decodeS3Listed(k, encoded) : undefined, u: text(doc, 'NextUploadIdMarker') });
    }
    return page;
  }

  // ---------------------------------------------------------------- presign

  /**
   * presignedGetObject / presignedPutObject. The client signs the host header
   * only: a PUT URL does not bind a content type (the uploader's Content-Type is stored).
   */
  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string> {
    const client = this.shared.client;
    return this.run(req.signal, { operation: 'presign', bucket: req.bucket, key: req.key }, () =>
      req.method === 'GET'
        ? client.presignedGetObject(req.bucket, req.key, req.expiresIn, req.versionId !== undefined ? { versionId: req.versionId } : {})
        : client.presignedPutObject(req.bucket, req.key, req.expiresIn),
    );
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getBucketVersioning(req: BucketRequest): Promise<VersioningState> {
    const out = await this.run(req.signal, { operation: 'getBucketVersioning', bucket: req.bucket }, () => this.shared.client.getBucketVersioning(req.bucket));
    const status = out && typeof out === 'object' ? (out as { Status?: unknown }).Status : undefined;
    return status === 'Enabled' ? 'Enabled' : status === 'Suspended' ? 'Suspended' : 'Unversioned';
  }

  async putBucketVersioning(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void> {
    // MinIO answers 200 for a bucket that does not exist: check it first.
    if (this.quirks.versioningIgnoresMissingBucket) await this.headBucket(req);
    await this.run(req.signal, { operation: 'putBucketVersioning', bucket: req.bucket }, () => this.shared.client.setBucketVersioning(req.bucket, { Status: req.state }));
  }

  async getObjectLockConfiguration(req: BucketRequest): Promise<ObjectLockConfiguration> {
    let info: ObjectLockInfo;
    try {
      info = await this.run(req.signal, { operation: 'getObjectLockConfiguration', bucket: req.bucket }, () => this.shared.client.getObjectLockConfig(req.bucket) as unknown as Promise<ObjectLockInfo>);
    } catch (e) {
      // MinIO answers so for a missing bucket too: then say that.
      if (isS3LockConfigMissing(errorCode(e))) return noLockConfiguration(this, req, this.quirks);
      throw e;
    }
    const i = info as { objectLockEnabled?: string; mode?: string; unit?: string; validity?: number | string };
    const result: ObjectLockConfiguration = { enabled: i.objectLockEnabled === 'Enabled' };
    if (i.mode === 'GOVERNANCE' || i.mode === 'COMPLIANCE') {
      const validity = Number(i.validity);
      const rule: DefaultRetention = { mode: i.mode };
      if (i.unit === RETENTION_VALIDITY_UNITS.YEARS) rule.years = validity;
      else rule.days = validity;
      result.defaultRetention = rule;
    }
    return result;
  }

  async putObjectLockConfiguration(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void> {
    const r = req.defaultRetention;
    await this.run(req.signal, { operation: 'putObjectLockConfiguration', bucket: req.bucket }, () =>
      this.shared.client.setObjectLockConfig(
        req.bucket,
        (r
          ? {
              mode: r.mode === 'COMPLIANCE' ? RETENTION_MODES.COMPLIANCE : RETENTION_MODES.GOVERNANCE,
              unit: r.years !== undefined ? RETENTION_VALIDITY_UNITS.YEARS : RETENTION_VALIDITY_UNITS.DAYS,
              validity: (r.years ?? r.days)!,
            }
          : {}) as never,
      ) as unknown as Promise<void>,
    );
  }

  async getObjectRetention(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined> {
    let out: Awaited<ReturnType<Client['getObjectRetention']>>;
    try {
      out = await this.run(req.signal, { operation: 'getObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId }, () =>
        this.shared.client.getObjectRetention(req.bucket, req.key, req.versionId !== undefined ? { versionId: uriEscape(req.versionId) } : undefined),
      );
    } catch (e) {
      if (isS3NoRetention(errorCode(e), errorMessage(e))) return undefined;
      throw e;
    }
    if (!out?.mode || !out.retainUntilDate) return undefined;
    return { mode: out.mode === 'COMPLIANCE' ? 'COMPLIANCE' : 'GOVERNANCE', retainUntil: new Date(out.retainUntilDate) };
  }

  async putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void> {
    const r = req.retention;
    await this.run(req.signal, { operation: 'putObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId }, () =>
      this.shared.client.putObjectRetention(req.bucket, req.key, {
        ...(r ? { mode: r.mode === 'COMPLIANCE' ? RETENTION_MODES.COMPLIANCE : RETENTION_MODES.GOVERNANCE, retainUntilDate: r.retainUntil.toISOString() } : {}),
        ...(req.versionId !== undefined ? { versionId: uriEscape(req.versionId) } : {}),
        ...(req.bypassGovernanceRetention ? { governanceBypass: true } : {}),
      } as never),
    );
  }

  async getObjectLegalHold(req: ObjectRequest & { versionId?: string }): Promise<boolean> {
    try {
      const out = await this.run(req.signal, { operation: 'getObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId }, () =>
        this.shared.client.getObjectLegalHold(req.bucket, req.key, req.versionId !== undefined ? { versionId: uriEscape(req.versionId) } : undefined),
      );
      // the client's parser returns the <LegalHold> element, not the status string its type says
      const status = typeof out === 'string' ? out : (out as { Status?: string } | undefined)?.Status;
      return status === LEGAL_HOLD_STATUS.ENABLED;
    } catch (e) {
      if (isS3NoRetention(errorCode(e), errorMessage(e))) return false;
      throw e;
    }
  }

  async putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void> {
    await this.run(req.signal, { operation: 'putObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId }, () =>
      this.shared.client.setObjectLegalHold(req.bucket, req.key, {
        status: req.on ? LEGAL_HOLD_STATUS.ENABLED : LEGAL_HOLD_STATUS.DISABLED,
        ...(req.versionId !== undefined ? { versionId: uriEscape(req.versionId) } : {}),
      }) as unknown as Promise<void>,
    );
  }
}

// ---------------------------------------------------------------- helpers

/** Sub-resources sent without a value (`?versions`, `?uploads`…). */
const VALUELESS = new Set(['versions', 'uploads', 'delete', 'tagging', 'notification', 'policy', 'select', 'retention', 'legal-hold']);

/** A query string from name / value pairs, values escaped as S3 signs them; undefined values are left out. */
export function query(params: Array<[string, string | undefined]>): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => (v === '' && VALUELESS.has(k) ? k : `${k}=${uriEscape(v)}`))
    .join('&');
}

export function one(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Bytes as a Buffer view; a web stream as a Node Readable (destroyed on release if unfinished). */
function toBody(body: DriverBody, contentLength: number | undefined): { body: Buffer | Readable; length: number | undefined; release: () => void } {
  if (body instanceof Uint8Array) return { body: asBuffer(body), length: body.byteLength, release: () => {} };
  const readable = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  return {
    body: readable,
    length: contentLength,
    release: () => {
      if (!readable.readableEnded) readable.destroy();
    },
  };
}

/** A response body as a web stream; cancelling it destroys the response (and its socket). */
export function webStream(res: IncomingMessage): ReadableStream<Uint8Array> {
  return nodeReadableToWeb(res, { closeBeforeEndIsError: true });
}

function contentHeaders(req: ContentHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (req.contentType !== undefined) out['content-type'] = req.contentType;
  if (req.cacheControl !== undefined) out['cache-control'] = req.cacheControl;
  if (req.contentDisposition !== undefined) out['content-disposition'] = req.contentDisposition;
  if (req.contentEncoding !== undefined) out['content-encoding'] = req.contentEncoding;
  return out;
}

function metadataHeaders(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) out[`x-amz-meta-${name}`] = value;
  return out;
}

function lockHeaders(retention: Retention | undefined, legalHold: boolean | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (retention) {
    out['x-amz-object-lock-mode'] = retention.mode;
    out['x-amz-object-lock-retain-until-date'] = retention.retainUntil.toISOString();
  }
  if (legalHold !== undefined) out['x-amz-object-lock-legal-hold'] = legalHold ? 'ON' : 'OFF';
  return out;
}

function checksumHeaders(checksum: BodyChecksum | undefined): Record<string, string> {
  return checksum ? { [`x-amz-checksum-${checksum.algorithm}`]: checksum.value } : {};
}

function conditionHeaders(c: ReadConditions): Record<string, string> {
  const out: Record<string, string> = {};
  // `If-Match: *` on a read holds whenever there is an object, which a read needs anyway;
  // Ceph 16 answers it 412 on an existing object, so it is not sent.
  if (c.ifMatch !== undefined && c.ifMatch !== '*') out['if-match'] = c.ifMatch;
  if (c.ifNoneMatch !== undefined) out['if-none-match'] = c.ifNoneMatch;
  if (c.ifModifiedSince !== undefined) out['if-modified-since'] = c.ifModifiedSince.toUTCString();
  if (c.ifUnmodifiedSince !== undefined) out['if-unmodified-since'] = c.ifUnmodifiedSince.toUTCString();
  return out;
}

function putResult(headers: IncomingHttpHeaders): PutResult {
  const result: PutResult = { etag: quoteEtag(one(headers, 'etag')) };
  const versionId = one(headers, 'x-amz-version-id');
  if (versionId) result.versionId = versionId;
  return result;
}

/** Core's ObjectInfo from GET / HEAD answer headers. */
export function objectInfo(bucket: string, key: string, h: IncomingHttpHeaders, size: number): MinioObjectInfo {
  const metadata: Metadata = {};
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name.slice(11)] = Array.isArray(value) ? value.join(',') : value;
  }
  const lastModified = one(h, 'last-modified');
  const info: MinioObjectInfo = {
    bucket,
    key,
    size,
    etag: quoteEtag(one(h, 'etag')),
    lastModified: lastModified ? new Date(lastModified) : new Date(0),
    metadata,
  };
  const versionId = one(h, 'x-amz-version-id');
  if (versionId) info.versionId = versionId;
  const type = one(h, 'content-type');
  if (type !== undefined) info.contentType = type;
  const cacheControl = one(h, 'cache-control');
  if (cacheControl !== undefined) info.cacheControl = cacheControl;
  const disposition = one(h, 'content-disposition');
  if (disposition !== undefined) info.contentDisposition = disposition;
  const encoding = one(h, 'content-encoding');
  if (encoding !== undefined) info.contentEncoding = encoding;
  const storageClass = one(h, 'x-amz-storage-class');
  if (storageClass !== undefined) info.storageClass = storageClass;
  const mode = one(h, 'x-amz-object-lock-mode');
  const until = one(h, 'x-amz-object-lock-retain-until-date');
  if ((mode === 'GOVERNANCE' || mode === 'COMPLIANCE') && until) info.retention = { mode, retainUntil: new Date(until) };
  const hold = one(h, 'x-amz-object-lock-legal-hold');
  if (hold !== undefined) info.legalHold = hold === 'ON';
  const encryption = encryptionFromHeaders(h);
  if (encryption) info.encryption = encryption;
  const checksum = s3StoredChecksumFromHeaders(h);
  if (checksum) info.checksum = checksum;
  return info;
}
