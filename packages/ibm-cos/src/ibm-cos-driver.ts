import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortedError,
  collectStream,
  completionFailure,
  encodeCopySourceKey,
  headNotFoundCause,
  isS3LockConfigMissing,
  isS3NoRetention,
  noLockConfiguration,
  isStowageError,
  mapS3ErrorCode,
  multipartEtag,
  nodeReadableToWeb,
  parseContentRange,
  PendingUploadLocks,
  phantomObjectError,
  quoteEtag,
  rangeHeader,
  refuseOwnedBucket,
  settleCopy,
  s3ContentMembers,
  s3CopyConditionMembers,
  s3DeleteAnswers,
  s3DeleteManyResults,
  s3DeleteMember,
  s3LockConfiguration,
  s3LockConfigurationMember,
  s3LockMembers,
  s3MetadataMember,
  s3ObjectsPage,
  s3PartCopyContext,
  s3PartCopyMembers,
  s3PartsPage,
  s3PutResult,
  s3ReadConditionMembers,
  s3Retention,
  s3UploadMarkers,
  s3UploadsPage,
  s3VersioningState,
  s3VersionMarkers,
  s3VersionsPage,
  type BucketInfo,
  type BucketRequest,
  type Capabilities,
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
  type S3ServerQuirks,
  type UploadRequest,
  type VersioningState,
  type VersionSummary,
} from '@stowage/core';
import { resolveConfig, type IbmCosConfig, type ResolvedIbmCosConfig } from './config.js';
import { mapIbmError, sdkErrorCode, sdkErrorMessage, type ErrorContext } from './errors.js';
import { createClient, IBM, MD5_OPERATIONS, type S3Client, type SdkRequest } from './sdk.js';
import { PROFILE_QUIRKS, profileCapabilities, type IbmServerProfile } from './server-profiles.js';

/**
 * Extra SDK parameters per operation for the calls made inside `withSdkParams`
 * (IBM's Retention-Period on putObject / completeMultipartUpload, RetentionDirective
 * on copyObject, Key Protect on createBucket…): the extensions reuse the portable
 * Store's whole path (validation, unknown-length handling, retries) and add
 * IBM's headers at the one SDK call.
 */
const sdkParams = new AsyncLocalStorage<Readonly<Record<string, Record<string, unknown>>>>();

/** Runs `fn` with extra SDK parameters for the named operations (see `sdkParams`). */
export function withSdkParams<T>(params: Readonly<Record<string, Record<string, unknown>>>, fn: () => Promise<T>): Promise<T> {
  return sdkParams.run(params, fn);
}

/** What a raw call answers: the SDK's parsed data and the response's status and headers. */
export interface RawAnswer<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
}

/** IBM's Key Protect options of CreateBucket (see `IbmCosStore.createBucketWith`). */
export interface KeyProtectOptions {
  /** `IBMSSEKPEncryptionAlgorithm`, e.g. `AES256`. */
  encryptionAlgorithm?: string;
  /** `IBMSSEKPCustomerRootKeyCrn`: the CRN of the Key Protect root key. */
  customerRootKeyCrn?: string;
}

/**
 * The IBM COS driver on ibm-cos-sdk (the v2-style AWS SDK fork): each method
 * makes one SDK call, with the call's AbortSignal wired to `request.abort()`,
 * and maps SDK errors to core's typed errors. Build one with `createDriver`
 * or `new IbmCosDriver(config)`, wrap it in core's `Store` or use `createIbmCosStore`.
 */
export class IbmCosDriver implements Driver {
  readonly provider = 'ibm-cos';
  readonly server: IbmServerProfile;
  readonly capabilities: Capabilities;
  readonly config: Readonly<ResolvedIbmCosConfig>;
  readonly quirks: Readonly<S3ServerQuirks>;
  private readonly client: S3Client;
  private presigner: S3Client | undefined;
  private closed = false;
  private readonly pendingLocks: PendingUploadLocks;

  constructor(config: IbmCosConfig | Record<string, unknown> = {}) {
    this.config = resolveConfig(config);
    this.server = this.config.serverProfile;
    this.quirks = PROFILE_QUIRKS[this.server];
    this.pendingLocks = new PendingUploadLocks(this.quirks.lockIgnoredOnCopyAndMultipart);
    this.client = createClient(this.config);
    this.capabilities = profileCapabilities(this.server, { canPresign: this.config.credentials.hmac !== undefined, overrides: this.config.capabilities });
  }

  /** The SDK client (`IBM.S3`): the escape hatch. */
  native(): S3Client {
    return this.client;
  }

  /** How requests are signed: `iam` (bearer tokens) or `hmac` (SigV4). */
  get authMode(): 'iam' | 'hmac' {
    return this.config.credentials.auth.kind;
  }

  /**
   * The IAM token the SDK holds, when IAM signs (undefined before the first
   * request): its expiration, and when the SDK will refresh it (75 % of its
   * lifetime; a token with under 15 s left counts as expired).
   */
  iamToken(): { expiration: Date; refreshAt: Date; expiredAt: Date } | undefined {
    const manager = (this.client.config.credentials as { tokenManager?: { token?: { expiration?: Date } } } | undefined)?.tokenManager;
    const expiration = manager?.token?.expiration;
    if (!(expiration instanceof Date)) return undefined;
    return { expiration, refreshAt: new Date(expiration.getTime() - (expiration.getTime() - Date.now()) * 0.25), expiredAt: new Date(expiration.getTime() - 15_000) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const agent = (this.client.config.httpOptions as { agent?: { destroy?(): void } } | undefined)?.agent;
    if (!this.config.httpOptions.agent) agent?.destroy?.();
    const presignAgent = (this.presigner?.config.httpOptions as { agent?: { destroy?(): void } } | undefined)?.agent;
    if (!this.config.httpOptions.agent) presignAgent?.destroy?.();
  }

  /**
   * One SDK call: `operation` is the client's method name (`putObject`,
   * `addLegalHold`…). Resolves with the parsed data, the status and the
   * response headers; rejects with a Stowage error.
   */
  raw<T = Record<string, unknown>>(operation: string, params: Record<string, unknown>, signal: AbortSignal | undefined, context: ErrorContext, setup?: (req: SdkRequest) => void): Promise<RawAnswer<T>> {
    if (signal?.aborted) return Promise.reject(new AbortedError('The operation was aborted', { provider: 'ibm-cos', cause: signal.reason }));
    return new Promise<RawAnswer<T>>((resolve, reject) => {
      let req: SdkRequest;
      try {
        const extra = sdkParams.getStore()?.[operation];
        if (extra) params = { ...params, ...extra };
        const method = (this.client as unknown as Record<string, (p: object) => SdkRequest>)[operation];
        if (typeof method !== 'function') throw new Error(`ibm-cos-sdk has no operation ${operation}`);
        req = method.call(this.client, params);
      } catch (e) {
        reject(mapIbmError(e, context));
        return;
      }
      if (MD5_OPERATIONS.has(operation)) addContentMd5(req);
      setup?.(req);
      const onAbort = () => req.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.send(function (this: { httpResponse?: { statusCode?: number; headers?: Record<string, string> } }, err, data) {
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          reject(mapIbmError(err, context));
          return;
        }
        resolve({ data: data as T, status: this.httpResponse?.statusCode ?? 200, headers: { ...(this.httpResponse?.headers ?? {}) } });
      });
    });
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void> {
    if (this.quirks.createIgnoresExistingBucket) await refuseOwnedBucket(this, req);
    const params: Record<string, unknown> = { Bucket: req.bucket };
    // LocationConstraint: an IBM location code (us-standard, eu-smart…) or an S3 region;
    // us-east-1 is the one S3 wants none for.
    if (req.region !== undefined && req.region !== 'us-east-1') params.CreateBucketConfiguration = { LocationConstraint: req.region };
    if (req.objectLock) params.ObjectLockEnabledForBucket = true;
    const auth = this.config.credentials.auth;
    if (auth.kind === 'iam' && auth.serviceInstanceId !== undefined) params.IBMServiceInstanceId = auth.serviceInstanceId;
    await this.raw('createBucket', params, req.signal, { operation: 'createBucket', bucket: req.bucket });
  }

  async deleteBucket(req: BucketRequest): Promise<void> {
    await this.raw('deleteBucket', { Bucket: req.bucket }, req.signal, { operation: 'deleteBucket', bucket: req.bucket });
  }

  async headBucket(req: BucketRequest): Promise<void> {
    await this.raw('headBucket', { Bucket: req.bucket }, req.signal, { operation: 'headBucket', bucket: req.bucket });
  }

  async listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]> {
    const auth = this.config.credentials.auth;
    const params = auth.kind === 'iam' && auth.serviceInstanceId !== undefined ? { IBMServiceInstanceId: auth.serviceInstanceId } : {};
    const { data } = await this.raw<{ Buckets?: Array<{ Name?: string; CreationDate?: Date }> }>('listBuckets', params, req.signal, { operation: 'listBuckets' });
    const out: BucketInfo[] = [];
    for (const b of data.Buckets ?? []) {
      if (!b.Name) continue;
      const info: BucketInfo = { name: b.Name };
      if (b.CreationDate) info.createdAt = b.CreationDate;
      out.push(info);
    }
    return out;
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    const { body, length, setup, release } = await sdkBody(req.body, req.contentLength);
    const params: Record<string, unknown> = {
      Bucket: req.bucket,
      Key: req.key,
      Body: body,
      ContentLength: length,
      ...s3ContentMembers(req),
      ...s3MetadataMember(req.metadata),
      ...s3LockMembers(req.retention, req.legalHold),
    };
    if (req.contentMd5 !== undefined) params.ContentMD5 = req.contentMd5;
    if (req.ifNoneMatch !== undefined) params.IfNoneMatch = req.ifNoneMatch;
    try {
      const { headers } = await this.raw('putObject', params, req.signal, { operation: 'putObject', bucket: req.bucket, key: req.key }, setup);
      return s3PutResult(headers.etag, headers['x-amz-version-id']);
    } finally {
      release();
    }
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    const context: ErrorContext = { operation: 'getObject', bucket: req.bucket, key: req.key, versionId: req.versionId };
    if (req.signal.aborted) throw new AbortedError('The operation was aborted', { provider: 'ibm-cos' });
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, ...s3ReadConditionMembers(req.conditions) };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    if (req.range !== undefined) params.Range = rangeHeader(req.range);
    const request = this.client.getObject(params as never) as unknown as SdkRequest;
    const { stream, headers } = await new Promise<{ stream: Readable; headers: Record<string, string> }>((resolve, reject) => {
      const onAbort = () => request.abort();
      req.signal.addEventListener('abort', onAbort, { once: true });
      const stream = request.createReadStream();
      let settled = false;
      stream.on('error', (e) => {
        if (settled) return;
        settled = true;
        req.signal.removeEventListener('abort', onAbort);
        reject(mapIbmError(e, context));
      });
      request.on('httpHeaders', (status: number, h: Record<string, string>) => {
        if (status >= 300 || settled) return;
        settled = true;
        resolve({ stream, headers: { ...h } });
      });
      // The abort listener stays while the body streams: aborting cancels the download.
      stream.once('close', () => req.signal.removeEventListener('abort', onAbort));
    });
    const web = nodeReadableToWeb(stream, { onCancel: () => request.abort(), mapError: (e) => mapIbmError(e, context) });
    if (this.quirks.phantomObjectsWithoutEtag && !headers.etag) {
      await web.cancel().catch(() => {});
      throw phantomObjectError(this.provider, req);
    }
    const range = parseContentRange(headers['content-range']);
    const size = range?.total ?? (range === undefined ? Number(headers['content-length'] ?? 0) : 0);
    const info = objectInfo(req.bucket, req.key, headers, size);
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    const result: DriverGetResult = { info, body: web };
    if (range !== undefined) result.contentRange = range.total !== undefined ? { start: range.start, end: range.end, total: range.total } : { start: range.start, end: range.end };
    return result;
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions }): Promise<ObjectInfo> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, ...s3ReadConditionMembers(req.conditions) };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    let headers: Record<string, string>;
    try {
      ({ headers } = await this.raw('headObject', params, req.signal, { operation: 'headObject', bucket: req.bucket, key: req.key, versionId: req.versionId }));
    } catch (e) {
      // A HEAD's 404 has no body: ask HeadBucket whether the bucket is what is missing.
      throw isStowageError(e) && (e.code === 'ObjectNotFound' || e.code === 'VersionNotFound') && sdkErrorCode(e) === 'NotFound' ? await headNotFoundCause(this, req, e) : e;
    }
    if (this.quirks.phantomObjectsWithoutEtag && !headers.etag) throw phantomObjectError(this.provider, req);
    const info = objectInfo(req.bucket, req.key, headers, Number(headers['content-length'] ?? 0));
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    return info;
  }

  async deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    const { headers } = await this.raw('deleteObject', params, req.signal, { operation: 'deleteObject', bucket: req.bucket, key: req.key, versionId: req.versionId }, (r) => {
      if (req.bypassGovernanceRetention) r.on('build', () => void (r.httpRequest.headers['x-amz-bypass-governance-retention'] = 'true'));
    });
    const result: DeleteResult = {};
    if (headers['x-amz-version-id']) result.versionId = headers['x-amz-version-id'];
    if (headers['x-amz-delete-marker'] === 'true') result.deleteMarker = true;
    return result;
  }

  async deleteObjects(req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean }): Promise<DeleteManyResult[]> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Delete: s3DeleteMember(req.entries) };
    if (req.bypassGovernanceRetention) params.BypassGovernanceRetention = true;
    const { data } = await this.raw<Parameters<typeof s3DeleteAnswers>[0]>('deleteObjects', params, req.signal, { operation: 'deleteObjects', bucket: req.bucket });
    return s3DeleteManyResults(req.bucket, req.entries, s3DeleteAnswers(data), this.provider, (entry) =>
      this.deleteObject({ bucket: req.bucket, ...entry, bypassGovernanceRetention: req.bypassGovernanceRetention, signal: req.signal }),
    );
  }

  async copyObject(req: DriverCopyRequest): Promise<CopyResult> {
    const source = `${req.sourceBucket}/${encodeCopySourceKey(req.sourceKey)}` + (req.sourceVersionId !== undefined ? `?versionId=${encodeURIComponent(req.sourceVersionId)}` : '');
    const params: Record<string, unknown> = {
      Bucket: req.bucket,
      Key: req.key,
      CopySource: source,
      MetadataDirective: req.metadataDirective === 'replace' ? 'REPLACE' : 'COPY',
      ...(req.metadataDirective === 'replace' ? { ...s3ContentMembers(req), ...s3MetadataMember(req.metadata) } : {}),
      ...s3CopyConditionMembers(req.conditions),
      ...s3LockMembers(req.retention, req.legalHold),
    };
    const { data, headers } = await this.raw<{ CopyObjectResult?: { ETag?: string; LastModified?: Date } }>('copyObject', params, req.signal, {
      operation: 'copyObject',
      bucket: req.bucket,
      key: req.key,
      sourceBucket: req.sourceBucket,
      sourceKey: req.sourceKey,
      sourceVersionId: req.sourceVersionId,
    });
    const result: CopyResult = { etag: quoteEtag(data.CopyObjectResult?.ETag) };
    if (headers['x-amz-version-id']) result.versionId = headers['x-amz-version-id'];
    if (headers['x-amz-copy-source-version-id']) result.sourceVersionId = headers['x-amz-copy-source-version-id'];
    if (data.CopyObjectResult?.LastModified) result.lastModified = data.CopyObjectResult.LastModified;
    // Ceph does not say which version the copy made, and ignores the copy's lock headers.
    return settleCopy(this, this.quirks, req, result);
  }

  // ---------------------------------------------------------------- listing

  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const params: Record<string, unknown> = { Bucket: req.bucket, MaxKeys: req.maxKeys, EncodingType: 'url' };
    if (req.prefix !== undefined) params.Prefix = req.prefix;
    if (req.delimiter !== undefined) params.Delimiter = req.delimiter;
    if (req.token !== undefined) params.ContinuationToken = req.token;
    if (req.startAfter !== undefined) params.StartAfter = req.startAfter;
    const { data } = await this.raw<Parameters<typeof s3ObjectsPage>[0]>('listObjectsV2', params, req.signal, { operation: 'listObjects', bucket: req.bucket });
    return s3ObjectsPage(data);
  }

  async listObjectVersions(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const params: Record<string, unknown> = { Bucket: req.bucket, MaxKeys: req.maxKeys, EncodingType: 'url' };
    if (req.prefix !== undefined) params.Prefix = req.prefix;
    if (req.delimiter !== undefined) params.Delimiter = req.delimiter;
    Object.assign(params, s3VersionMarkers(req.token));
    const { data } = await this.raw<Parameters<typeof s3VersionsPage>[0]>('listObjectVersions', params, req.signal, { operation: 'listObjectVersions', bucket: req.bucket });
    return s3VersionsPage(data);
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(req: ObjectRequest & ContentHeaders & { metadata: Metadata; retention?: Retention; legalHold?: boolean }): Promise<{ uploadId: string }> {
    const { data } = await this.raw<{ UploadId?: string }>(
      'createMultipartUpload',
      { Bucket: req.bucket, Key: req.key, ...s3ContentMembers(req), ...s3MetadataMember(req.metadata), ...s3LockMembers(req.retention, req.legalHold) },
      req.signal,
      { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key },
    );
    if (!data.UploadId) throw mapS3ErrorCode('InternalError', 'CreateMultipartUpload answered without an UploadId', 200, { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key }, { provider: 'ibm-cos' });
    this.pendingLocks.remember(data.UploadId, req);
    return { uploadId: data.UploadId };
  }

  async uploadPart(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string }): Promise<{ etag: string }> {
    const { body, length, setup, release } = await sdkBody(req.body, req.contentLength);
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, UploadId: req.uploadId, PartNumber: req.partNumber, Body: body, ContentLength: length };
    if (req.contentMd5 !== undefined) params.ContentMD5 = req.contentMd5;
    try {
      const { headers } = await this.raw('uploadPart', params, req.signal, { operation: 'uploadPart', bucket: req.bucket, key: req.key, uploadId: req.uploadId }, setup);
      return { etag: quoteEtag(headers.etag) };
    } finally {
      release();
    }
  }

  async uploadPartCopy(req: DriverPartCopyRequest): Promise<DriverPartCopyResult> {
    const { data, headers } = await this.raw<{ CopyPartResult?: { ETag?: string; LastModified?: Date } }>('uploadPartCopy', s3PartCopyMembers(req), req.signal, s3PartCopyContext(req));
    const result: DriverPartCopyResult = { etag: quoteEtag(data.CopyPartResult?.ETag) };
    if (data.CopyPartResult?.LastModified) result.lastModified = data.CopyPartResult.LastModified;
    if (headers['x-amz-copy-source-version-id']) result.sourceVersionId = headers['x-amz-copy-source-version-id'];
    return result;
  }

  async completeMultipartUpload(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*' }): Promise<PutResult> {
    const context: ErrorContext = { operation: 'completeMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId };
    const params: Record<string, unknown> = {
      Bucket: req.bucket,
      Key: req.key,
      UploadId: req.uploadId,
      MultipartUpload: { Parts: req.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    };
    if (req.ifNoneMatch !== undefined) params.IfNoneMatch = req.ifNoneMatch;
    let answer: RawAnswer<{ ETag?: string; VersionId?: string }>;
    try {
      answer = await this.raw('completeMultipartUpload', params, req.signal, context);
    } catch (e) {
      // Ceph 16 answers an unknown upload id with 500 "This multipart completion is already in progress".
      throw await completionFailure(this, req, e, sdkErrorMessage(e));
    }
    // An empty <ETag/> (Ceph 16): the multipart ETag is computable from the parts.
    const etag = answer.data.ETag ? answer.data.ETag : multipartEtag(req.parts);
    const versionId = answer.data.VersionId ?? answer.headers['x-amz-version-id'];
    await this.pendingLocks.settle(this, req, versionId);
    return s3PutResult(etag, versionId);
  }

  async abortMultipartUpload(req: UploadRequest): Promise<void> {
    this.pendingLocks.take(req.uploadId);
    if (this.quirks.abortIgnoresMissingUpload) await this.listParts({ ...req, maxParts: 1 });
    await this.raw('abortMultipartUpload', { Bucket: req.bucket, Key: req.key, UploadId: req.uploadId }, req.signal, {
      operation: 'abortMultipartUpload',
      bucket: req.bucket,
      key: req.key,
      uploadId: req.uploadId,
    });
  }

  async listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, UploadId: req.uploadId, MaxParts: req.maxParts };
    if (req.token !== undefined) params.PartNumberMarker = Number(req.token);
    const { data } = await this.raw<Parameters<typeof s3PartsPage>[0]>('listParts', params, req.signal, { operation: 'listParts', bucket: req.bucket, key: req.key, uploadId: req.uploadId });
    return s3PartsPage(data);
  }

  async listMultipartUploads(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }> {
    const params: Record<string, unknown> = { Bucket: req.bucket, MaxUploads: req.maxUploads, EncodingType: 'url' };
    if (req.prefix !== undefined) params.Prefix = req.prefix;
    Object.assign(params, s3UploadMarkers(req.token));
    const { data } = await this.raw<Parameters<typeof s3UploadsPage>[1]>('listMultipartUploads', params, req.signal, { operation: 'listMultipartUploads', bucket: req.bucket });
    return s3UploadsPage(req.bucket, data);
  }

  // ---------------------------------------------------------------- presign

  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string> {
    const hmac = this.config.credentials.hmac;
    if (!hmac) throw mapS3ErrorCode('NotImplemented', 'Presigned URLs need HMAC keys (IAM tokens cannot presign)', undefined, { operation: 'presign', bucket: req.bucket, key: req.key }, { provider: 'ibm-cos' });
    // IAM tokens cannot sign a URL: a second client signs with the HMAC keys.
    this.presigner ??= this.config.credentials.auth.kind === 'hmac' ? this.client : createClient(this.config, hmac);
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, Expires: req.expiresIn };
    if (req.method === 'GET' && req.versionId !== undefined) params.VersionId = req.versionId;
    if (req.method === 'PUT' && req.contentType !== undefined) params.ContentType = req.contentType;
    try {
      return await this.presigner.getSignedUrlPromise(req.method === 'GET' ? 'getObject' : 'putObject', params);
    } catch (e) {
      throw mapIbmError(e, { operation: 'presign', bucket: req.bucket, key: req.key });
    }
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getBucketVersioning(req: BucketRequest): Promise<VersioningState> {
    const { data } = await this.raw<{ Status?: string }>('getBucketVersioning', { Bucket: req.bucket }, req.signal, { operation: 'getBucketVersioning', bucket: req.bucket });
    return s3VersioningState(data.Status);
  }

  async putBucketVersioning(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void> {
    if (this.quirks.versioningIgnoresMissingBucket) await this.headBucket(req);
    await this.raw('putBucketVersioning', { Bucket: req.bucket, VersioningConfiguration: { Status: req.state } }, req.signal, { operation: 'putBucketVersioning', bucket: req.bucket });
  }

  async getObjectLockConfiguration(req: BucketRequest): Promise<ObjectLockConfiguration> {
    let data: { ObjectLockConfiguration?: Parameters<typeof s3LockConfiguration>[0] };
    try {
      ({ data } = await this.raw('getObjectLockConfiguration', { Bucket: req.bucket }, req.signal, { operation: 'getObjectLockConfiguration', bucket: req.bucket }));
    } catch (e) {
      if (isS3LockConfigMissing(sdkErrorCode(e))) return noLockConfiguration(this, req, this.quirks);
      throw e;
    }
    return s3LockConfiguration(data.ObjectLockConfiguration);
  }

  async putObjectLockConfiguration(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void> {
    await this.raw('putObjectLockConfiguration', { Bucket: req.bucket, ObjectLockConfiguration: s3LockConfigurationMember(req.defaultRetention) }, req.signal, { operation: 'putObjectLockConfiguration', bucket: req.bucket });
  }

  async getObjectRetention(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    try {
      const { data } = await this.raw<{ Retention?: { Mode?: string; RetainUntilDate?: Date } }>('getObjectRetention', params, req.signal, {
        operation: 'getObjectRetention',
        bucket: req.bucket,
        key: req.key,
        versionId: req.versionId,
      });
      return s3Retention(data.Retention);
    } catch (e) {
      if (isS3NoRetention(sdkErrorCode(e), sdkErrorMessage(e))) return undefined;
      throw e;
    }
  }

  async putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void> {
    const params: Record<string, unknown> = {
      Bucket: req.bucket,
      Key: req.key,
      Retention: req.retention ? { Mode: req.retention.mode, RetainUntilDate: req.retention.retainUntil } : {},
    };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    if (req.bypassGovernanceRetention) params.BypassGovernanceRetention = true;
    await this.raw('putObjectRetention', params, req.signal, { operation: 'putObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId });
  }

  async getObjectLegalHold(req: ObjectRequest & { versionId?: string }): Promise<boolean> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    try {
      const { data } = await this.raw<{ LegalHold?: { Status?: string } }>('getObjectLegalHold', params, req.signal, {
        operation: 'getObjectLegalHold',
        bucket: req.bucket,
        key: req.key,
        versionId: req.versionId,
      });
      return data.LegalHold?.Status === 'ON';
    } catch (e) {
      if (isS3NoRetention(sdkErrorCode(e), sdkErrorMessage(e))) return false;
      throw e;
    }
  }

  async putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void> {
    const params: Record<string, unknown> = { Bucket: req.bucket, Key: req.key, LegalHold: { Status: req.on ? 'ON' : 'OFF' } };
    if (req.versionId !== undefined) params.VersionId = req.versionId;
    await this.raw('putObjectLegalHold', params, req.signal, { operation: 'putObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId });
  }
}

// ---------------------------------------------------------------- helpers

/** The parts of an SDK request the listeners here touch (the SDK's types are narrower). */
interface LooseRequest {
  on(event: string, listener: (r: LooseRequest) => void): unknown;
  removeListener(event: string, listener: unknown): unknown;
  httpRequest: { body?: unknown; headers: Record<string, string> };
  service: { config: { signatureVersion?: string } };
}

/** Adds Content-MD5 of the built request document (the SDK's model does not mark these operations). */
function addContentMd5(req: SdkRequest): void {
  (req as unknown as LooseRequest).on('afterBuild', (r: LooseRequest) => {
    const http = r.httpRequest;
    if (http.headers['Content-MD5'] !== undefined) return;
    const body = http.body;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : Buffer.alloc(0);
    http.headers['Content-MD5'] = createHash('md5').update(bytes).digest('base64');
  });
}

/**
 * A body for the SDK: bytes as a Buffer; a web stream as a Node Readable sent
 * with `UNSIGNED-PAYLOAD` (the SDK's SigV4 signer hashes only buffers and
 * files). The SDK needs a length: a stream without one is read into memory.
 */
async function sdkBody(body: DriverBody, contentLength: number | undefined): Promise<{ body: Buffer | Readable; length: number; setup: (req: SdkRequest) => void; release: () => void }> {
  if (body instanceof Uint8Array) {
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return { body: buffer, length: buffer.length, setup: () => {}, release: () => {} };
  }
  if (contentLength === undefined) {
    const bytes = await collectStream(body);
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { body: buffer, length: buffer.length, setup: () => {}, release: () => {} };
  }
  const readable = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  return {
    body: readable,
    length: contentLength,
    setup: (sdkReq) => {
      const req = sdkReq as unknown as LooseRequest;
      req.removeListener('afterBuild', (IBM.EventListeners.Core as unknown as Record<string, unknown>).COMPUTE_SHA256);
      req.on('afterBuild', (r: LooseRequest) => {
        if (r.service.config.signatureVersion === 'v4') r.httpRequest.headers['X-Amz-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
      });
    },
    release: () => {
      if (!readable.readableEnded) readable.destroy();
    },
  };
}

/**
 * ObjectInfo from response headers. IBM's immutable-storage headers map onto
 * the portable lock fields where they mean the same: a retention expiration
 * date is a retention that can only grow (COMPLIANCE), any legal hold id is
 * the hold being on.
 */
export function objectInfo(bucket: string, key: string, h: Record<string, string>, size: number): ObjectInfo {
  const lastModified = h['last-modified'] ? new Date(h['last-modified']) : new Date(0);
  const info: ObjectInfo = { bucket, key, size, etag: quoteEtag(h.etag), lastModified: Number.isNaN(lastModified.getTime()) ? new Date(0) : lastModified, metadata: {} };
  for (const [name, value] of Object.entries(h)) if (name.startsWith('x-amz-meta-')) info.metadata[name.slice(11)] = value;
  if (h['x-amz-version-id']) info.versionId = h['x-amz-version-id'];
  if (h['content-type'] !== undefined) info.contentType = h['content-type'];
  if (h['cache-control'] !== undefined) info.cacheControl = h['cache-control'];
  if (h['content-disposition'] !== undefined) info.contentDisposition = h['content-disposition'];
  if (h['content-encoding'] !== undefined) info.contentEncoding = h['content-encoding'];
  if (h['x-amz-storage-class'] !== undefined) info.storageClass = h['x-amz-storage-class'];
  const mode = h['x-amz-object-lock-mode'];
  const until = h['x-amz-object-lock-retain-until-date'];
  if ((mode === 'GOVERNANCE' || mode === 'COMPLIANCE') && until && !Number.isNaN(Date.parse(until))) {
    info.retention = { mode, retainUntil: new Date(until) };
  } else if (h['retention-expiration-date'] && !Number.isNaN(Date.parse(h['retention-expiration-date']))) {
    info.retention = { mode: 'COMPLIANCE', retainUntil: new Date(h['retention-expiration-date']) };
  }
  if (h['x-amz-object-lock-legal-hold'] !== undefined) info.legalHold = h['x-amz-object-lock-legal-hold'] === 'ON';
  else if (h['retention-legal-hold-count'] !== undefined) info.legalHold = Number(h['retention-legal-hold-count']) > 0;
  return info;
}

