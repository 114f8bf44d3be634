import type { S3Client } from '@aws-sdk/client-s3';
import { Store, validateBucketName, validateKey, type CallOptions, type StoreOptions } from '@stowage/core';
import type { S3CallOptions, S3StoreConfig } from './config.js';
import { S3Driver } from './s3-driver.js';
import type { WriteGetObjectResponseRequest } from './extensions/write-get-object-response.js';

/**
 * core's portable `Store` over an `S3Driver`, plus the S3-only extensions:
 * per-call owner / payer settings, GetObjectTorrent, WriteGetObjectResponse
 * and the native client. Every extension call goes through core's retry,
 * timeout, hook and error layer like the portable calls do.
 */
export class S3Store extends Store {
  readonly s3: S3Driver;
  private readonly storeOptions: StoreOptions;

  constructor(driver: S3Driver, options: StoreOptions = {}) {
    super(driver, options);
    this.s3 = driver;
    this.storeOptions = options;
  }

  /** The S3Client (the escape hatch). */
  native(): S3Client {
    return this.s3.native();
  }

  /**
   * A Store whose calls send these `expectedBucketOwner` / `requestPayer`
   * values (merged over the store's; `undefined` clears one). It shares this
   * store's client and options:
   * `await store.withCallOptions({ expectedBucketOwner: '111122223333' }).get(bucket, key)`.
   */
  withCallOptions(options: S3CallOptions): S3Store {
    return new S3Store(this.s3.withCallOptions(options), this.storeOptions);
  }

  /** GetObjectTorrent: the bencoded .torrent of an object (decode with `decodeBencode`). */
  async getObjectTorrent(bucket: string, key: string, options: CallOptions = {}): Promise<Uint8Array> {
    validateBucketName(bucket);
    validateKey(key, this.capabilities.keyRules, this.capabilities.maxKeyBytes);
    return this.call('getObjectTorrent', { bucket, key }, options, (signal) => this.s3.getObjectTorrent({ bucket, key, signal }));
  }

  /**
   * WriteGetObjectResponse, for S3 Object Lambda handlers. A stream body is
   * sent once (no retry); bytes and strings may be retried by core.
   */
  async writeGetObjectResponse(request: Omit<WriteGetObjectResponseRequest, 'signal'>, options: CallOptions = {}): Promise<void> {
    const body = request.body;
    const replayable = body === undefined || typeof body === 'string' || body instanceof Uint8Array;
    await this.call('writeGetObjectResponse', {}, options, (signal) => this.s3.writeGetObjectResponse({ ...request, signal }), replayable);
  }
}

/** An `S3Store` from a config: `createS3Store({ endpoint, region, credentials, serverProfile })`. */
export function createS3Store(config: S3StoreConfig = {}, options: StoreOptions = {}): S3Store {
  return new S3Store(new S3Driver(config), options);
}
