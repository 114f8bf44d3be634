import {
  InvalidArgumentError,
  NotSupportedError,
  Store,
  validateBucketName,
  validateKey,
  type BodyInput,
  type CallOptions,
  type CompletedPart,
  type CompleteMultipartOptions,
  type CopyOptions,
  type CopyResult,
  type CreateBucketOptions,
  type MultipartUpload,
  type ObjectLocation,
  type PutOptions,
  type PutResult,
  type StoreOptions,
} from '@stowage/core';
import type { IbmCosConfig } from './config.js';
import { IbmCosDriver, withSdkParams, type KeyProtectOptions } from './ibm-cos-driver.js';
import {
  extensionParams,
  legalHoldsFromSdk,
  protectionFromSdk,
  protectionToSdk,
  retentionParams,
  validateLegalHoldId,
  validateProtection,
  validateRetentionOptions,
  type IbmRetentionOptions,
  type LegalHoldList,
  type ProtectionConfiguration,
  type RetentionExtension,
} from './extensions/immutable.js';
import { validateWebsite, websiteFromSdk, websiteToSdk, type WebsiteConfiguration } from './extensions/website.js';
import type { S3Client } from './sdk.js';

export interface IbmCreateBucketOptions extends CreateBucketOptions {
  /** Key Protect (or Hyper Protect Crypto Services) encryption of the bucket. */
  keyProtect?: KeyProtectOptions;
}

export type IbmPutOptions = PutOptions & IbmRetentionOptions;

export interface IbmCopyOptions extends CopyOptions, IbmRetentionOptions {
  /** `Copy`: the new object keeps the source's retention; `Replace`: it takes the options' (or the bucket default). */
  retentionDirective?: 'Copy' | 'Replace';
}

export type IbmCompleteOptions = CompleteMultipartOptions & IbmRetentionOptions;

/**
 * core's portable `Store` over an `IbmCosDriver`, plus IBM's extensions:
 * Key Protect on bucket creation, Immutable Object Storage (protection
 * configuration, retention periods on put / copy / multipart completion,
 * legal hold ids, retention extension) and static website configuration.
 * Every extension call goes through core's validation-first, retry, timeout,
 * hook and error layer, like the portable calls.
 */
export class IbmCosStore extends Store {
  readonly ibm: IbmCosDriver;

  constructor(driver: IbmCosDriver, options: StoreOptions = {}) {
    super(driver, options);
    this.ibm = driver;
  }

  /** The `IBM.S3` client (the escape hatch). */
  native(): S3Client {
    return this.ibm.native();
  }

  override async createBucket(bucket: string, options: IbmCreateBucketOptions = {}): Promise<void> {
    const { keyProtect, ...rest } = options;
    if (keyProtect === undefined) return super.createBucket(bucket, rest);
    const params: Record<string, unknown> = {};
    if (keyProtect.encryptionAlgorithm !== undefined) params.IBMSSEKPEncryptionAlgorithm = keyProtect.encryptionAlgorithm;
    if (keyProtect.customerRootKeyCrn !== undefined) params.IBMSSEKPCustomerRootKeyCrn = keyProtect.customerRootKeyCrn;
    return withSdkParams({ createBucket: params }, () => super.createBucket(bucket, rest));
  }

  /** A put; IBM retention options (period, expiration date, one legal hold id) go with it. */
  override async put(bucket: string, key: string, body: BodyInput, options: IbmPutOptions = {}): Promise<PutResult> {
    const { retentionPeriod, retentionExpirationDate, retentionLegalHoldId, ...rest } = options;
    const ibm: IbmRetentionOptions = { retentionPeriod, retentionExpirationDate, retentionLegalHoldId };
    validateRetentionOptions(ibm);
    const params = retentionParams(ibm);
    if (Object.keys(params).length === 0) return super.put(bucket, key, body, rest);
    // An unknown-length body may go multipart (core): the completion carries the retention then.
    return withSdkParams({ putObject: params, completeMultipartUpload: params }, () => super.put(bucket, key, body, rest));
  }

  /** A copy; `retentionDirective` and IBM retention options go with it. */
  override async copy(source: ObjectLocation, target: { bucket: string; key: string }, options: IbmCopyOptions = {}): Promise<CopyResult> {
    const { retentionDirective, retentionPeriod, retentionExpirationDate, retentionLegalHoldId, ...rest } = options;
    const ibm: IbmRetentionOptions = { retentionPeriod, retentionExpirationDate, retentionLegalHoldId };
    validateRetentionOptions(ibm);
    const params = retentionParams(ibm);
    if (retentionDirective !== undefined) {
      if (retentionDirective !== 'Copy' && retentionDirective !== 'Replace') throw new InvalidArgumentError('retentionDirective', 'must be "Copy" or "Replace"');
      params.RetentionDirective = retentionDirective;
    }
    if (Object.keys(params).length === 0) return super.copy(source, target, rest);
    return withSdkParams({ copyObject: params }, () => super.copy(source, target, rest));
  }

  /** Completes a multipart upload; IBM retention options (e.g. a retention period) go with it. */
  override async completeMultipartUpload(upload: MultipartUpload, parts: CompletedPart[], options: IbmCompleteOptions = {}): Promise<PutResult> {
    const { retentionPeriod, retentionExpirationDate, retentionLegalHoldId, ...rest } = options;
    const ibm: IbmRetentionOptions = { retentionPeriod, retentionExpirationDate, retentionLegalHoldId };
    validateRetentionOptions(ibm);
    const params = retentionParams(ibm);
    if (Object.keys(params).length === 0) return super.completeMultipartUpload(upload, parts, rest);
    return withSdkParams({ completeMultipartUpload: params }, () => super.completeMultipartUpload(upload, parts, rest));
  }

  // ---------------------------------------------------------------- Immutable Object Storage

  async getBucketProtection(bucket: string, options: CallOptions = {}): Promise<ProtectionConfiguration> {
    validateBucketName(bucket);
    return this.call('getBucketProtectionConfiguration', { bucket }, options, async (signal) => {
      const { data } = await this.ibm.raw('getBucketProtectionConfiguration', { Bucket: bucket }, signal, { operation: 'getBucketProtectionConfiguration', bucket });
      return protectionFromSdk(data);
    });
  }

  /** Sets the bucket's retention policy. Once on, retention can only grow and the policy cannot be removed. */
  async putBucketProtection(bucket: string, config: ProtectionConfiguration, options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    validateProtection(config);
    await this.call('putBucketProtectionConfiguration', { bucket }, options, (signal) =>
      this.ibm.raw('putBucketProtectionConfiguration', { Bucket: bucket, ProtectionConfiguration: protectionToSdk(config) }, signal, { operation: 'putBucketProtectionConfiguration', bucket }),
    );
  }

  async addLegalHold(bucket: string, key: string, legalHoldId: string, options: CallOptions = {}): Promise<void> {
    this.checkObjectKey(bucket, key);
    validateLegalHoldId(legalHoldId);
    await this.call('addLegalHold', { bucket, key }, options, (signal) =>
      this.ibm.raw('addLegalHold', { Bucket: bucket, Key: key, RetentionLegalHoldId: legalHoldId }, signal, { operation: 'addLegalHold', bucket, key }),
    );
  }

  async deleteLegalHold(bucket: string, key: string, legalHoldId: string, options: CallOptions = {}): Promise<void> {
    this.checkObjectKey(bucket, key);
    validateLegalHoldId(legalHoldId);
    await this.call('deleteLegalHold', { bucket, key }, options, (signal) =>
      this.ibm.raw('deleteLegalHold', { Bucket: bucket, Key: key, RetentionLegalHoldId: legalHoldId }, signal, { operation: 'deleteLegalHold', bucket, key }),
    );
  }

  /** The object's retention state and legal holds (each with the time it was applied). */
  async listLegalHolds(bucket: string, key: string, options: CallOptions = {}): Promise<LegalHoldList> {
    this.checkObjectKey(bucket, key);
    return this.call('listLegalHolds', { bucket, key }, options, async (signal) => {
      const { data } = await this.ibm.raw('listLegalHolds', { Bucket: bucket, Key: key }, signal, { operation: 'listLegalHolds', bucket, key });
      return legalHoldsFromSdk(data);
    });
  }

  /** Extends (never shortens) an object's retention, one of four ways. */
  async extendObjectRetention(bucket: string, key: string, extension: RetentionExtension, options: CallOptions = {}): Promise<void> {
    this.checkObjectKey(bucket, key);
    const params = extensionParams(extension);
    await this.call('extendObjectRetention', { bucket, key }, options, (signal) =>
      this.ibm.raw('extendObjectRetention', { Bucket: bucket, Key: key, ...params }, signal, { operation: 'extendObjectRetention', bucket, key }),
    );
  }

  // ---------------------------------------------------------------- static website

  async putBucketWebsite(bucket: string, config: WebsiteConfiguration, options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    validateWebsite(config);
    await this.call('putBucketWebsite', { bucket }, options, (signal) =>
      this.ibm.raw('putBucketWebsite', { Bucket: bucket, WebsiteConfiguration: websiteToSdk(config) }, signal, { operation: 'putBucketWebsite', bucket }),
    );
  }

  /** The website configuration; undefined when the bucket has none. */
  async getBucketWebsite(bucket: string, options: CallOptions = {}): Promise<WebsiteConfiguration | undefined> {
    validateBucketName(bucket);
    return this.call('getBucketWebsite', { bucket }, options, async (signal) => {
      try {
        const { data } = await this.ibm.raw('getBucketWebsite', { Bucket: bucket }, signal, { operation: 'getBucketWebsite', bucket });
        return websiteFromSdk(data);
      } catch (e) {
        if ((e as { cause?: { code?: string } }).cause?.code === 'NoSuchWebsiteConfiguration') return undefined;
        if ((e as { code?: string }).code === 'NotSupported') throw new NotSupportedError('website', 'The server does not serve website configurations', { provider: this.provider, cause: e });
        throw e;
      }
    });
  }

  async deleteBucketWebsite(bucket: string, options: CallOptions = {}): Promise<void> {
    validateBucketName(bucket);
    await this.call('deleteBucketWebsite', { bucket }, options, (signal) => this.ibm.raw('deleteBucketWebsite', { Bucket: bucket }, signal, { operation: 'deleteBucketWebsite', bucket }));
  }

  private checkObjectKey(bucket: string, key: string): void {
    validateBucketName(bucket);
    validateKey(key, this.capabilities.keyRules, this.capabilities.maxKeyBytes);
  }
}

/** An `IbmCosStore` from a config: `createIbmCosStore({ endpoint, apiKey, serviceInstanceId })`. */
export function createIbmCosStore(config: IbmCosConfig = {}, options: StoreOptions = {}): IbmCosStore {
  return new IbmCosStore(new IbmCosDriver(config), options);
}
