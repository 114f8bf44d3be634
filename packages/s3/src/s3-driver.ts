import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  type PutObjectCommandInput,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  completionFailure,
  encodeCopySourceKey,
  headNotFoundCause,
  isS3LockConfigMissing,
  isS3NoRetention,
  noLockConfiguration,
  mapS3ErrorCode,
  multipartEtag,
  nodeReadableToWeb,
  s3ChecksumMember,
  s3StoredChecksum,
  s3UploadChecksumMembers,
  type UploadChecksum,
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
  s3ProfileCapabilities,
  s3PutResult,
  s3ReadConditionMembers,
  s3Retention,
  S3_SERVER_QUIRKS,
  s3UploadMarkers,
  s3UploadsPage,
  s3VersioningState,
  s3VersionMarkers,
  s3VersionsPage,
  type S3ServerQuirks,
  type BodyChecksum,
  type BucketInfo,
  type Capabilities,
  type CompletedPart,
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
  type BucketRequest,
  type VersioningState,
  type VersionSummary,
} from '@stowage/core';
import { resolveConfig, type ResolvedS3Config, type S3CallOptions, type S3StoreConfig } from './config.js';
import { useContentMd5 } from './content-md5.js';
import { useUnsignedPayload } from './unsigned-payload.js';
import { mapS3Error, s3ErrorCode, s3ErrorMessage, type ErrorContext } from './errors.js';
import { getObjectTorrent, type GetObjectTorrentRequest } from './extensions/torrent.js';
import { writeGetObjectResponse, type WriteGetObjectResponseRequest } from './extensions/write-get-object-response.js';

/** What every SDK command input of ours may carry. */
type Owner = { ExpectedBucketOwner?: string; RequestPayer?: 'requester' };

/** The parts of a driver that derived drivers share (one client, one set of sockets). */
interface Shared {
  client: S3Client;
  config: ResolvedS3Config;
  capabilities: Capabilities;
  presigner?: S3Client;
  closed: boolean;
  /** Lock settings of uploads this process started, for servers that ignore them (quirks). */
  pendingLocks: PendingUploadLocks;
}

/** Set by withCallOptions for the one synchronous constructor call it makes. */
let deriving: { shared: Shared; callOptions: S3CallOptions } | undefined;

/**
 * The S3 driver: each method makes one SDK call. Build one with
 * `createDriver(config)` or `new S3Driver(config)`; wrap it in core's `Store`
 * (or use `createS3Store`).
 */
export class S3Driver implements Driver {
  readonly provider = 's3';
  readonly server: string;
  readonly capabilities: Capabilities;
  /** The per-store (or, for a derived driver, per-call) owner / payer settings. */
  readonly callOptions: Readonly<S3CallOptions>;
  private readonly shared: Shared;

  constructor(config: S3StoreConfig | Record<string, unknown> = {}) {
    const derived = deriving;
    deriving = undefined;
    if (derived) {
      this.shared = derived.shared;
      this.callOptions = Object.freeze({ ...derived.callOptions });
    } else {
      const resolved = resolveConfig(config);
      const client = new S3Client(clientConfig(resolved, resolved.requestChecksumCalculation, resolved.responseChecksumValidation));
      if (resolved.contentMd5) useContentMd5(client);
      useUnsignedPayload(client, resolved.payloadSigning, resolved.protectedTransport);
      const capabilities = s3ProfileCapabilities(resolved.serverProfile, resolved.capabilities);
      const pendingLocks = new PendingUploadLocks(S3_SERVER_QUIRKS[resolved.serverProfile].lockIgnoredOnCopyAndMultipart);
      this.shared = { client, config: resolved, capabilities, closed: false, pendingLocks };
      this.callOptions = Object.freeze({ ...resolved.callOptions });
    }
    this.server = this.shared.config.serverProfile;
    this.capabilities = this.shared.capabilities;
  }

  /** The profile's server quirks the driver works around (core's S3_SERVER_QUIRKS). */
  get quirks(): Readonly<S3ServerQuirks> {
    return S3_SERVER_QUIRKS[this.shared.config.serverProfile];
  }

  /** The resolved settings (secrets included: do not log). */
  get config(): Readonly<ResolvedS3Config> {
    return this.shared.config;
  }

  /** The S3Client: the escape hatch for anything the Store does not cover. */
  native(): S3Client {
    return this.shared.client;
  }

  /**
   * A driver that sends other `expectedBucketOwner` / `requestPayer` values
   * (merged over this one's; `undefined` clears a value). Shares this driver's
   * client: closing either closes both.
   */
  withCallOptions(options: S3CallOptions): S3Driver {
    const merged: S3CallOptions = { ...this.callOptions };
    for (const name of ['expectedBucketOwner', 'requestPayer'] as const) {
      if (name in options) {
        const value = options[name];
        if (value === undefined) delete merged[name];
        else (merged as Record<string, string>)[name] = value;
      }
    }
    if (merged.requestPayer !== undefined && merged.requestPayer !== 'requester') throw new TypeError('requestPayer must be "requester"');
    deriving = { shared: this.shared, callOptions: merged };
    return new S3Driver();
  }

  async close(): Promise<void> {
    if (this.shared.closed) return;
    this.shared.closed = true;
    this.shared.client.destroy();
    this.shared.presigner?.destroy();
  }

  /** Sends one command with the call's abort signal; SDK errors become Stowage errors. */
  async send<T = unknown>(command: { readonly input: object }, signal: AbortSignal | undefined, context: ErrorContext): Promise<T> {
    try {
      return (await this.shared.client.send(command as never, { abortSignal: signal })) as T;
    } catch (e) {
      throw mapS3Error(e, context);
    }
  }

  /** `ExpectedBucketOwner` and `RequestPayer` for a command input. */
  owner(): Owner {
    const out: Owner = {};
    if (this.callOptions.expectedBucketOwner !== undefined) out.ExpectedBucketOwner = this.callOptions.expectedBucketOwner;
    if (this.callOptions.requestPayer !== undefined) out.RequestPayer = this.callOptions.requestPayer;
    return out;
  }

  // ---------------------------------------------------------------- S3 extensions

  /** GetObjectTorrent: the bencoded .torrent of an object (see extensions/torrent.ts). */
  getObjectTorrent(req: GetObjectTorrentRequest): Promise<Uint8Array> {
    return getObjectTorrent(this, req);
  }

  /** WriteGetObjectResponse, for S3 Object Lambda handlers (see extensions/write-get-object-response.ts). */
  writeGetObjectResponse(req: WriteGetObjectResponseRequest): Promise<void> {
    return writeGetObjectResponse(this, req);
  }

  // ---------------------------------------------------------------- buckets

  async createBucket(req: { bucket: string; region?: string; objectLock?: boolean; signal: AbortSignal }): Promise<void> {
    // Ceph answers 200 to re-creating a bucket you own: ask first.
    if (this.quirks.createIgnoresExistingBucket) await refuseOwnedBucket(this, req);
    const region = req.region;
    // us-east-1 is the one region S3 wants no LocationConstraint for.
    const configuration = region !== undefined && region !== 'us-east-1' ? { LocationConstraint: region as BucketLocationConstraint } : undefined;
    await this.send(
      new CreateBucketCommand({
        Bucket: req.bucket,
        ...(configuration ? { CreateBucketConfiguration: configuration } : {}),
        ...(req.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
      }),
      req.signal,
      { operation: 'createBucket', bucket: req.bucket },
    );
  }

  async deleteBucket(req: BucketRequest): Promise<void> {
    await this.send(new DeleteBucketCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, { operation: 'deleteBucket', bucket: req.bucket });
  }

  async headBucket(req: BucketRequest): Promise<void> {
    await this.send(new HeadBucketCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, { operation: 'headBucket', bucket: req.bucket });
  }

  async listBuckets(req: { signal: AbortSignal }): Promise<BucketInfo[]> {
    const out: BucketInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.send<import('@aws-sdk/client-s3').ListBucketsCommandOutput>(
        new ListBucketsCommand(token !== undefined ? { ContinuationToken: token } : {}),
        req.signal,
        { operation: 'listBuckets' },
      );
      for (const b of page.Buckets ?? []) {
        if (b.Name === undefined) continue;
        const info: BucketInfo = { name: b.Name };
        if (b.CreationDate) info.createdAt = b.CreationDate;
        if (b.BucketRegion) info.region = b.BucketRegion;
        out.push(info);
      }
      token = page.ContinuationToken || undefined;
    } while (token !== undefined);
    return out;
  }

  // ---------------------------------------------------------------- objects

  async putObject(req: DriverPutRequest): Promise<PutResult> {
    const { body, release } = toSdkBody(req.body);
    const input: PutObjectCommandInput = {
      Bucket: req.bucket,
      Key: req.key,
      Body: body,
      ...s3ContentMembers(req),
      ...s3MetadataMember(req.metadata),
      ...s3LockMembers(req.retention, req.legalHold),
      ...this.owner(),
    };
    if (req.contentLength !== undefined) input.ContentLength = req.contentLength;
    if (req.contentMd5 !== undefined) input.ContentMD5 = req.contentMd5;
    if (req.checksum !== undefined) Object.assign(input, s3ChecksumMember(req.checksum.algorithm, req.checksum.value));
    if (req.ifMatch !== undefined) input.IfMatch = req.ifMatch;
    if (req.ifNoneMatch !== undefined) input.IfNoneMatch = req.ifNoneMatch;
    try {
      const out = await this.send<import('@aws-sdk/client-s3').PutObjectCommandOutput>(new PutObjectCommand(input), req.signal, {
        operation: 'putObject',
        bucket: req.bucket,
        key: req.key,
      });
      return s3PutResult(out.ETag, out.VersionId);
    } finally {
      release();
    }
  }

  async getObject(req: DriverGetRequest): Promise<DriverGetResult> {
    const out = await this.send<import('@aws-sdk/client-s3').GetObjectCommandOutput>(
      withChecksumMode(
        new GetObjectCommand({
          Bucket: req.bucket,
          Key: req.key,
          ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
          ...(req.range !== undefined ? { Range: rangeHeader(req.range) } : {}),
          ...s3ReadConditionMembers(req.conditions),
          ...this.owner(),
        }),
        req.checksumMode,
      ),
      req.signal,
      { operation: 'getObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
    // Not transformToWebStream(): Node's Readable.toWeb copies every chunk (≈ 0.5 CPU-s per GiB).
    const body = out.Body
      ? out.Body instanceof Readable
        ? nodeReadableToWeb(out.Body, { closeBeforeEndIsError: true })
        : (out.Body.transformToWebStream() as ReadableStream<Uint8Array>)
      : new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    if (this.quirks.phantomObjectsWithoutEtag && !out.ETag) {
      await body.cancel().catch(() => {});
      throw phantomObjectError(this.provider, req);
    }
    const range = parseContentRange(out.ContentRange);
    const size = range?.total ?? (range === undefined ? (out.ContentLength ?? 0) : undefined);
    const info = objectInfo(req.bucket, req.key, out, size ?? 0);
    // MinIO omits x-amz-version-id when serving the null version by id.
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    const result: DriverGetResult = { info, body };
    if (range !== undefined) {
      result.contentRange = range.total !== undefined ? { start: range.start, end: range.end, total: range.total } : { start: range.start, end: range.end };
    }
    return result;
  }

  async headObject(req: ObjectRequest & { versionId?: string; conditions: ReadConditions; checksumMode?: boolean }): Promise<ObjectInfo> {
    let out: import('@aws-sdk/client-s3').HeadObjectCommandOutput;
    try {
      out = await this.send(
        withChecksumMode(
          new HeadObjectCommand({
            Bucket: req.bucket,
            Key: req.key,
            ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
            ...s3ReadConditionMembers(req.conditions),
            ...this.owner(),
          }),
          req.checksumMode,
        ),
        req.signal,
        { operation: 'headObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
    } catch (e) {
      // A HEAD's 404 has no body, so no code: a missing bucket looks like a missing key.
      // Only then, ask HeadBucket which it is.
      throw s3ErrorCode(e) === 'NotFound' ? await headNotFoundCause(this, req, e) : e;
    }
    if (this.quirks.phantomObjectsWithoutEtag && !out.ETag) throw phantomObjectError(this.provider, req);
    const info = objectInfo(req.bucket, req.key, out, out.ContentLength ?? 0);
    if (info.versionId === undefined && req.versionId !== undefined) info.versionId = req.versionId;
    return info;
  }

  async deleteObject(req: ObjectRequest & { versionId?: string; bypassGovernanceRetention?: boolean }): Promise<DeleteResult> {
    const out = await this.send<import('@aws-sdk/client-s3').DeleteObjectCommandOutput>(
      new DeleteObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'deleteObject', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
    const result: DeleteResult = {};
    if (out.VersionId) result.versionId = out.VersionId;
    if (out.DeleteMarker) result.deleteMarker = true;
    return result;
  }

  async deleteObjects(
    req: BucketRequest & { entries: { key: string; versionId?: string }[]; bypassGovernanceRetention?: boolean },
  ): Promise<DeleteManyResult[]> {
    const out = await this.send<import('@aws-sdk/client-s3').DeleteObjectsCommandOutput>(
      new DeleteObjectsCommand({
        Bucket: req.bucket,
        Delete: s3DeleteMember(req.entries),
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'deleteObjects', bucket: req.bucket },
    );
    return s3DeleteManyResults(req.bucket, req.entries, s3DeleteAnswers(out), this.provider, (entry) =>
      this.deleteObject({ bucket: req.bucket, ...entry, bypassGovernanceRetention: req.bypassGovernanceRetention, signal: req.signal }),
    );
  }

  async copyObject(req: DriverCopyRequest): Promise<CopyResult> {
    const source =
      `${req.sourceBucket}/${encodeCopySourceKey(req.sourceKey)}` + (req.sourceVersionId !== undefined ? `?versionId=${encodeURIComponent(req.sourceVersionId)}` : '');
    const out = await this.send<import('@aws-sdk/client-s3').CopyObjectCommandOutput>(
      new CopyObjectCommand({
        Bucket: req.bucket,
        Key: req.key,
        CopySource: source,
        MetadataDirective: req.metadataDirective === 'replace' ? 'REPLACE' : 'COPY',
        ...(req.metadataDirective === 'replace' ? { ...s3ContentMembers(req), ...s3MetadataMember(req.metadata) } : {}),
        ...s3CopyConditionMembers(req.conditions),
        ...s3LockMembers(req.retention, req.legalHold),
        ...this.owner(),
        ...(this.callOptions.expectedBucketOwner !== undefined ? { ExpectedSourceBucketOwner: this.callOptions.expectedBucketOwner } : {}),
      }),
      req.signal,
      {
        operation: 'copyObject',
        bucket: req.bucket,
        key: req.key,
        sourceBucket: req.sourceBucket,
        sourceKey: req.sourceKey,
        sourceVersionId: req.sourceVersionId,
      },
    );
    const result: CopyResult = { etag: quoteEtag(out.CopyObjectResult?.ETag) };
    if (out.VersionId) result.versionId = out.VersionId;
    if (out.CopySourceVersionId) result.sourceVersionId = out.CopySourceVersionId;
    if (out.CopyObjectResult?.LastModified) result.lastModified = out.CopyObjectResult.LastModified;
    // Ceph does not say which version the copy made, and ignores the copy's lock headers.
    return settleCopy(this, this.quirks, req, result);
  }

  // ---------------------------------------------------------------- listing

  async listObjects(req: DriverListRequest & { startAfter?: string }): Promise<{ objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListObjectsV2CommandOutput>(
      new ListObjectsV2Command({
        Bucket: req.bucket,
        MaxKeys: req.maxKeys,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...(req.delimiter !== undefined ? { Delimiter: req.delimiter } : {}),
        ...(req.token !== undefined ? { ContinuationToken: req.token } : {}),
        ...(req.startAfter !== undefined ? { StartAfter: req.startAfter } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listObjects', bucket: req.bucket },
    );
    return s3ObjectsPage(out);
  }

  async listObjectVersions(req: DriverListRequest): Promise<{ versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListObjectVersionsCommandOutput>(
      new ListObjectVersionsCommand({
        Bucket: req.bucket,
        MaxKeys: req.maxKeys,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...(req.delimiter !== undefined ? { Delimiter: req.delimiter } : {}),
        ...s3VersionMarkers(req.token),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listObjectVersions', bucket: req.bucket },
    );
    return s3VersionsPage(out);
  }

  // ---------------------------------------------------------------- multipart

  async createMultipartUpload(
    req: ObjectRequest & import('@stowage/core').ContentHeaders & { metadata: Metadata; retention?: Retention; legalHold?: boolean; checksum?: UploadChecksum },
  ): Promise<{ uploadId: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').CreateMultipartUploadCommandOutput>(
      new CreateMultipartUploadCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...s3UploadChecksumMembers(req.checksum),
        ...s3ContentMembers(req),
        ...s3MetadataMember(req.metadata),
        ...s3LockMembers(req.retention, req.legalHold),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key },
    );
    if (!out.UploadId) throw mapS3ErrorCode('InternalError', 'CreateMultipartUpload answered without an UploadId', 200, { operation: 'createMultipartUpload', bucket: req.bucket, key: req.key }, { provider: 's3' });
    // Ceph ignores the lock headers of CreateMultipartUpload: set them once the upload completes.
    this.shared.pendingLocks.remember(out.UploadId, req);
    return { uploadId: out.UploadId };
  }

  async uploadPart(req: UploadRequest & { partNumber: number; body: DriverBody; contentLength?: number; contentMd5?: string; checksum?: BodyChecksum }): Promise<{ etag: string }> {
    const { body, release } = toSdkBody(req.body);
    try {
      const out = await this.send<import('@aws-sdk/client-s3').UploadPartCommandOutput>(
        new UploadPartCommand({
          Bucket: req.bucket,
          Key: req.key,
          UploadId: req.uploadId,
          PartNumber: req.partNumber,
          Body: body,
          ...(req.contentLength !== undefined ? { ContentLength: req.contentLength } : {}),
          ...(req.contentMd5 !== undefined ? { ContentMD5: req.contentMd5 } : {}),
          ...(req.checksum ? s3ChecksumMember(req.checksum.algorithm, req.checksum.value) : {}),
          ...this.owner(),
        }),
        req.signal,
        { operation: 'uploadPart', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
      );
      return { etag: quoteEtag(out.ETag) };
    } finally {
      release();
    }
  }

  async uploadPartCopy(req: DriverPartCopyRequest): Promise<DriverPartCopyResult> {
    const out = await this.send<import('@aws-sdk/client-s3').UploadPartCopyCommandOutput>(
      new UploadPartCopyCommand({
        ...s3PartCopyMembers(req),
        ...this.owner(),
        ...(this.callOptions.expectedBucketOwner !== undefined ? { ExpectedSourceBucketOwner: this.callOptions.expectedBucketOwner } : {}),
      }),
      req.signal,
      s3PartCopyContext(req),
    );
    const result: DriverPartCopyResult = { etag: quoteEtag(out.CopyPartResult?.ETag) };
    if (out.CopyPartResult?.LastModified) result.lastModified = out.CopyPartResult.LastModified;
    if (out.CopySourceVersionId) result.sourceVersionId = out.CopySourceVersionId;
    return result;
  }

  async completeMultipartUpload(req: UploadRequest & { parts: CompletedPart[]; ifNoneMatch?: '*'; checksum?: BodyChecksum }): Promise<PutResult> {
    const context: ErrorContext = { operation: 'completeMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId };
    let out: import('@aws-sdk/client-s3').CompleteMultipartUploadCommandOutput;
    try {
      out = await this.send(
        new CompleteMultipartUploadCommand({
          Bucket: req.bucket,
          Key: req.key,
          UploadId: req.uploadId,
          MultipartUpload: {
            Parts: req.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ...(p.checksum ? s3ChecksumMember(p.checksum.algorithm, p.checksum.value) : {}) })),
          },
          ...(req.checksum ? { ...s3ChecksumMember(req.checksum.algorithm, req.checksum.value), ChecksumType: 'FULL_OBJECT' as const } : {}),
          ...(req.ifNoneMatch !== undefined ? { IfNoneMatch: req.ifNoneMatch } : {}),
          ...this.owner(),
        }),
        req.signal,
        context,
      );
    } catch (e) {
      // Ceph RGW 16 answers an upload id it does not know with 500 "This multipart
      // completion is already in progress": ask whether the upload exists.
      throw await completionFailure(this, req, e, s3ErrorMessage(e));
    }
    // Ceph RGW 16 answers with an empty <ETag/>: the multipart ETag is the MD5 of
    // the parts' binary MD5s, then "-" and the part count, which we can compute.
    const etag = out.ETag || multipartEtag(req.parts);
    await this.shared.pendingLocks.settle(this, req, out.VersionId);
    return s3PutResult(etag, out.VersionId);
  }

  async abortMultipartUpload(req: UploadRequest): Promise<void> {
    this.shared.pendingLocks.take(req.uploadId);
    if (this.quirks.abortIgnoresMissingUpload) {
      // MinIO answers 204 to aborting an upload it does not know: ask first (throws UploadNotFound).
      await this.listParts({ ...req, maxParts: 1 });
    }
    await this.send(
      new AbortMultipartUploadCommand({ Bucket: req.bucket, Key: req.key, UploadId: req.uploadId, ...this.owner() }),
      req.signal,
      { operation: 'abortMultipartUpload', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
    );
  }

  async listParts(req: UploadRequest & { maxParts: number; token?: string }): Promise<{ parts: PartInfo[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListPartsCommandOutput>(
      new ListPartsCommand({
        Bucket: req.bucket,
        Key: req.key,
        UploadId: req.uploadId,
        MaxParts: req.maxParts,
        ...(req.token !== undefined ? { PartNumberMarker: req.token } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listParts', bucket: req.bucket, key: req.key, uploadId: req.uploadId },
    );
    return s3PartsPage(out);
  }

  async listMultipartUploads(req: BucketRequest & { prefix?: string; maxUploads: number; token?: string }): Promise<{ uploads: MultipartUpload[]; nextToken?: string }> {
    const out = await this.send<import('@aws-sdk/client-s3').ListMultipartUploadsCommandOutput>(
      new ListMultipartUploadsCommand({
        Bucket: req.bucket,
        MaxUploads: req.maxUploads,
        EncodingType: 'url',
        ...(req.prefix !== undefined ? { Prefix: req.prefix } : {}),
        ...s3UploadMarkers(req.token),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'listMultipartUploads', bucket: req.bucket },
    );
    return s3UploadsPage(req.bucket, out);
  }

  // ---------------------------------------------------------------- presign

  async presign(req: ObjectRequest & { method: 'GET' | 'PUT'; expiresIn: number; versionId?: string; contentType?: string }): Promise<string> {
    // Always WHEN_REQUIRED: with the default, a presigned PUT carries the CRC32 of an empty body.
    this.shared.presigner ??= new S3Client(clientConfig(this.shared.config, 'WHEN_REQUIRED', 'WHEN_REQUIRED'));
    const command =
      req.method === 'GET'
        ? new GetObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() })
        : new PutObjectCommand({ Bucket: req.bucket, Key: req.key, ...(req.contentType !== undefined ? { ContentType: req.contentType } : {}), ...this.owner() });
    try {
      return await getSignedUrl(this.shared.presigner, command, { expiresIn: req.expiresIn });
    } catch (e) {
      throw mapS3Error(e, { operation: 'presign', bucket: req.bucket, key: req.key });
    }
  }

  // ---------------------------------------------------------------- versioning and object lock

  async getBucketVersioning(req: BucketRequest): Promise<VersioningState> {
    const out = await this.send<import('@aws-sdk/client-s3').GetBucketVersioningCommandOutput>(
      new GetBucketVersioningCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }),
      req.signal,
      { operation: 'getBucketVersioning', bucket: req.bucket },
    );
    return s3VersioningState(out.Status);
  }

  async putBucketVersioning(req: BucketRequest & { state: 'Enabled' | 'Suspended' }): Promise<void> {
    // MinIO answers 200 to PutBucketVersioning on a missing bucket: check it exists.
    if (this.quirks.versioningIgnoresMissingBucket) await this.headBucket(req);
    await this.send(
      new PutBucketVersioningCommand({ Bucket: req.bucket, VersioningConfiguration: { Status: req.state }, ...ownerOnly(this.owner()) }),
      req.signal,
      { operation: 'putBucketVersioning', bucket: req.bucket },
    );
  }

  async getObjectLockConfiguration(req: BucketRequest): Promise<ObjectLockConfiguration> {
    let out: import('@aws-sdk/client-s3').GetObjectLockConfigurationCommandOutput;
    try {
      out = await this.send(new GetObjectLockConfigurationCommand({ Bucket: req.bucket, ...ownerOnly(this.owner()) }), req.signal, {
        operation: 'getObjectLockConfiguration',
        bucket: req.bucket,
      });
    } catch (e) {
      // MinIO answers a missing bucket this way too.
      if (isS3LockConfigMissing(s3ErrorCode(e))) return noLockConfiguration(this, req, this.quirks);
      throw e;
    }
    return s3LockConfiguration(out.ObjectLockConfiguration);
  }

  async putObjectLockConfiguration(req: BucketRequest & { defaultRetention?: DefaultRetention }): Promise<void> {
    await this.send(
      new PutObjectLockConfigurationCommand({
        Bucket: req.bucket,
        ObjectLockConfiguration: s3LockConfigurationMember(req.defaultRetention),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectLockConfiguration', bucket: req.bucket },
    );
  }

  async getObjectRetention(req: ObjectRequest & { versionId?: string }): Promise<Retention | undefined> {
    let out: import('@aws-sdk/client-s3').GetObjectRetentionCommandOutput;
    try {
      out = await this.send(
        new GetObjectRetentionCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() }),
        req.signal,
        { operation: 'getObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
    } catch (e) {
      if (isS3NoRetention(s3ErrorCode(e), s3ErrorMessage(e))) return undefined;
      throw e;
    }
    return s3Retention(out.Retention);
  }

  async putObjectRetention(req: ObjectRequest & { versionId?: string; retention: Retention | null; bypassGovernanceRetention?: boolean }): Promise<void> {
    await this.send(
      new PutObjectRetentionCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        Retention: req.retention ? { Mode: req.retention.mode, RetainUntilDate: req.retention.retainUntil } : {},
        ...(req.bypassGovernanceRetention ? { BypassGovernanceRetention: true } : {}),
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectRetention', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
  }

  async getObjectLegalHold(req: ObjectRequest & { versionId?: string }): Promise<boolean> {
    try {
      const out = await this.send<import('@aws-sdk/client-s3').GetObjectLegalHoldCommandOutput>(
        new GetObjectLegalHoldCommand({ Bucket: req.bucket, Key: req.key, ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}), ...this.owner() }),
        req.signal,
        { operation: 'getObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId },
      );
      return out.LegalHold?.Status === 'ON';
    } catch (e) {
      if (isS3NoRetention(s3ErrorCode(e), s3ErrorMessage(e))) return false;
      throw e;
    }
  }

  async putObjectLegalHold(req: ObjectRequest & { versionId?: string; on: boolean }): Promise<void> {
    await this.send(
      new PutObjectLegalHoldCommand({
        Bucket: req.bucket,
        Key: req.key,
        ...(req.versionId !== undefined ? { VersionId: req.versionId } : {}),
        LegalHold: { Status: req.on ? 'ON' : 'OFF' },
        ...this.owner(),
      }),
      req.signal,
      { operation: 'putObjectLegalHold', bucket: req.bucket, key: req.key, versionId: req.versionId },
    );
  }
}

// ---------------------------------------------------------------- helpers

const QUIET_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function clientConfig(config: ResolvedS3Config, request: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED', response: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED'): S3ClientConfig {
  const out: S3ClientConfig = {
    expectContinueHeader: false,
    ...config.clientConfig,
    // Core's retry layer owns retries.
    maxAttempts: 1,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: request,
    responseChecksumValidation: response,
    disableHostPrefix: config.disableHostPrefix,
    // The SDK prints warnings on the console unless given a logger: errors reach the caller typed instead.
    logger: config.clientConfig.logger ?? QUIET_LOGGER,
  };
  if (config.endpoint !== undefined) out.endpoint = config.endpoint;
  if (config.region !== undefined) out.region = config.region;
  if (config.credentials !== undefined) out.credentials = config.credentials as S3ClientConfig['credentials'];
  if (config.profile !== undefined) out.profile = config.profile;
  return out;
}

/**
 * `x-amz-checksum-mode: ENABLED` as a header, not the `ChecksumMode` member: with the
 * member, the SDK also re-hashes the whole body on this thread; the caller checks it.
 */
function withChecksumMode<C extends GetObjectCommand | HeadObjectCommand>(command: C, enabled: boolean | undefined): C {
  if (!enabled) return command;
  (command.middlewareStack as { add: (m: unknown, o: object) => void }).add(
    (next: (a: { request: unknown }) => Promise<unknown>) => async (a: { request: unknown }) => {
      const request = a.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-checksum-mode'] = 'ENABLED';
      return next(a);
    },
    { step: 'build', name: 'stowageChecksumMode' },
  );
  return command;
}

/** Only ExpectedBucketOwner: bucket-level calls take no RequestPayer. */
function ownerOnly(owner: Owner): { ExpectedBucketOwner?: string } {
  return owner.ExpectedBucketOwner !== undefined ? { ExpectedBucketOwner: owner.ExpectedBucketOwner } : {};
}

/** Bytes as they are; a web stream as a Node Readable (the SDK's Node handler pipes Readables). */
function toSdkBody(body: DriverBody): { body: Uint8Array | Readable; release: () => void } {
  if (body instanceof Uint8Array) return { body, release: () => {} };
  const readable = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
  return {
    body: readable,
    // On failure the SDK may leave the stream half read: destroying it cancels the source.
    release: () => {
      if (!readable.readableEnded) readable.destroy();
    },
  };
}

interface HeadLike {
  ETag?: string;
  LastModified?: Date;
  VersionId?: string;
  Metadata?: Record<string, string>;
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  StorageClass?: string;
  ObjectLockMode?: string;
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
  ChecksumType?: string;
}

function objectInfo(bucket: string, key: string, out: HeadLike, size: number): ObjectInfo {
  const info: ObjectInfo = {
    bucket,
    key,
    size,
    etag: quoteEtag(out.ETag),
    lastModified: out.LastModified ?? new Date(0),
    metadata: { ...(out.Metadata ?? {}) },
  };
  if (out.VersionId) info.versionId = out.VersionId;
  if (out.ContentType !== undefined) info.contentType = out.ContentType;
  if (out.CacheControl !== undefined) info.cacheControl = out.CacheControl;
  if (out.ContentDisposition !== undefined) info.contentDisposition = out.ContentDisposition;
  if (out.ContentEncoding !== undefined) info.contentEncoding = out.ContentEncoding;
  if (out.StorageClass !== undefined) info.storageClass = out.StorageClass;
  if ((out.ObjectLockMode === 'GOVERNANCE' || out.ObjectLockMode === 'COMPLIANCE') && out.ObjectLockRetainUntilDate) {
    info.retention = { mode: out.ObjectLockMode, retainUntil: out.ObjectLockRetainUntilDate };
  }
  if (out.ObjectLockLegalHoldStatus !== undefined) info.legalHold = out.ObjectLockLegalHoldStatus === 'ON';
  const checksum = s3StoredChecksum(out);
  if (checksum) info.checksum = checksum;
  return info;
}

