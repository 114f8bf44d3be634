import type { Store } from '@stowage/core';
import type { RequestContext, ServerInfo } from '../../http/context.js';
import { send, sendXml } from '../../http/response.js';
import type { Dialect } from '../dialect.js';
import * as buckets from './buckets.js';
import type { S3Call } from './call.js';
import * as copy from './copy.js';
import { deleteObjects } from './delete-objects.js';
import { toS3Error, type ErrorScope } from './errors.js';
import * as listing from './listing.js';
import * as multipart from './multipart.js';
import * as objects from './objects.js';
import { resolveAddress, resolveOperation, type S3Address, type S3Operation } from './routing.js';
import * as lock from './versioning-lock.js';
import { x, xmlDocument } from './xml.js';

export interface S3DialectOptions {
  /** Host suffixes for virtual-host-style addressing: `bucket.<suffix>` (default `['localhost']`). */
  virtualHostSuffixes?: readonly string[];
  /** The owner shown in listings. */
  owner?: { id: string; displayName: string };
}

export type S3Handler = (call: S3Call) => Promise<void>;

/** The operations and their handlers; a dialect that extends S3 (IBM COS) adds or replaces entries. */
export const S3_OPERATIONS: Readonly<Record<S3Operation, S3Handler>> = {
  ListBuckets: buckets.listBuckets,
  CreateBucket: buckets.createBucket,
  HeadBucket: buckets.headBucket,
  DeleteBucket: buckets.deleteBucket,
  GetBucketLocation: buckets.getBucketLocation,
  GetBucketVersioning: lock.getBucketVersioning,
  PutBucketVersioning: lock.putBucketVersioning,
  GetObjectLockConfiguration: lock.getObjectLockConfiguration,
  PutObjectLockConfiguration: lock.putObjectLockConfiguration,
  ListObjects: listing.listObjects,
  ListObjectsV2: listing.listObjectsV2,
  ListObjectVersions: listing.listObjectVersions,
  ListMultipartUploads: multipart.listMultipartUploads,
  DeleteObjects: deleteObjects,
  PutObject: objects.putObject,
  CopyObject: copy.copyObject,
  GetObject: objects.getObject,
  HeadObject: objects.headObject,
  DeleteObject: objects.deleteObject,
  CreateMultipartUpload: multipart.createMultipartUpload,
  UploadPart: multipart.uploadPart,
  UploadPartCopy: copy.uploadPartCopy,
  CompleteMultipartUpload: multipart.completeMultipartUpload,
  AbortMultipartUpload: multipart.abortMultipartUpload,
  ListParts: multipart.listParts,
  GetObjectRetention: lock.getObjectRetention,
  PutObjectRetention: lock.putObjectRetention,
  GetObjectLegalHold: lock.getObjectLegalHold,
  PutObjectLegalHold: lock.putObjectLegalHold,
};

const scopes = new WeakMap<RequestContext, ErrorScope>();

/** The S3 REST dialect: path-style and virtual-host routing, XML bodies and errors. */
export class S3Dialect implements Dialect {
  readonly name: string = 's3';
  readonly service: string = 's3';
  readonly requirePayloadHashHeader: boolean = true;
  protected readonly suffixes: readonly string[];
  protected readonly owner: { id: string; displayName: string };

  constructor(
    protected readonly store: Store,
    protected readonly server: ServerInfo,
    options: S3DialectOptions = {},
  ) {
    this.suffixes = options.virtualHostSuffixes ?? ['localhost'];
    this.owner = options.owner ?? { id: 'stowage', displayName: 'stowage' };
  }

  /** Method, address and sub-resource → a handler. Override to add operations. */
  protected route(ctx: RequestContext, address: S3Address): S3Handler {
    return S3_OPERATIONS[resolveOperation(ctx, address)];
  }

  async handle(ctx: RequestContext): Promise<void> {
    const address = resolveAddress(ctx, this.suffixes);
    const scope: ErrorScope = {};
    if (address.bucket !== undefined) scope.bucket = address.bucket;
    if (address.key !== undefined) scope.key = address.key;
    const versionId = ctx.query.get('versionId');
    if (versionId) scope.versionId = versionId;
    const uploadId = ctx.query.get('uploadId');
    if (uploadId) scope.uploadId = uploadId;
    scopes.set(ctx, scope);
    const handler = this.route(ctx, address);
    await handler({ ctx, store: this.store, server: this.server, bucket: address.bucket ?? '', key: address.key ?? '', owner: this.owner });
  }

  sendError(ctx: RequestContext, error: unknown): void {
    const scope = scopes.get(ctx) ?? {};
    const e = toS3Error(ctx.bodyFailure() ?? error, scope);
    if (e.status === 304) {
      send(ctx, 304, e.headers);
      return;
    }
    if (ctx.method === 'HEAD') {
      send(ctx, e.status, e.headers);
      return;
    }
    const resource = ctx.rawPath;
    const fields = { ...e.fields };
    const xml = x(
      'Error',
      x('Code', e.code),
      x('Message', e.message),
      Object.entries(fields).map(([name, value]) => x(name, value)),
      x('Resource', resource),
      x('RequestId', ctx.requestId),
      x('HostId', ctx.requestId),
    );
    sendXml(ctx, e.status, xmlDocument(xml), e.headers);
  }
}

/** A DialectFactory for the S3 dialect. */
export function s3Dialect(options: S3DialectOptions = {}) {
  return (store: Store, server: ServerInfo): S3Dialect => new S3Dialect(store, server, options);
}
