import {
  InvalidArgumentError,
  NotSupportedError,
  Store,
  validateBucketName,
  validateKey,
  type BodyInput,
  type CallOptions,
  type HeadOptions,
  type StoreOptions,
} from '@stowage/core';
import { download, upload, type DownloadOptions, type DownloadResult, type UploadOptions, type UploadResult } from '@stowage/transfer';
import { CloudFunctionConfig, NotificationConfig, PostPolicy, QueueConfig, TopicConfig, type Client, type LifecycleConfig, type PostPolicyResult, type ReplicationConfigOpts } from 'minio';
import type { MinioStoreConfig } from './config.js';
import { readHeaders, type Encryption } from './encryption.js';
import { errorCode } from './errors.js';
import { BucketEventStream, type ListenOptions } from './extensions/listen.js';
import { selectRequestXml, SelectStream, type SelectRequest } from './extensions/select.js';
import { MinioDriver, query, type MinioObjectInfo } from './minio-driver.js';
import type { MinioCapabilities, MinioFeatures } from './profiles.js';
import { list, parseXml, text } from './xml.js';

/** One notification target of a bucket: events for keys matching prefix / suffix go to `arn`. */
export interface NotificationTarget {
  /** The server's target ARN, e.g. MinIO's `arn:minio:sqs::<id>:webhook`. */
  arn: string;
  events: string[];
  prefix?: string;
  suffix?: string;
  id?: string;
}

/** A bucket's notification configuration (S3's Queue / Topic / CloudFunction configurations). */
export interface BucketNotification {
  queues?: NotificationTarget[];
  topics?: NotificationTarget[];
  cloudFunctions?: NotificationTarget[];
}

/** Default encryption of a bucket: SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`, with a key id). */
export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms';
  kmsKeyId?: string;
}

/** A bucket policy document (IAM policy JSON). */
export interface BucketPolicy {
  Version: string;
  Statement: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export type { ListenOptions } from './extensions/listen.js';

/**
 * core's portable `Store` over a `MinioDriver`, plus the rest of the MinIO
 * client API as typed extensions. Each extension is gated by a flag in
 * `capabilities.minio` (NotSupportedError before any request when off) and
 * runs through core's retry, timeout, hook and error layer like the portable calls.
 */
export class MinioStore extends Store {
  readonly minio: MinioDriver;
  declare readonly capabilities: MinioCapabilities;
  private readonly storeOptions: StoreOptions;

  constructor(driver: MinioDriver, options: StoreOptions = {}) {
    super(driver, options);
    this.minio = driver;
    this.storeOptions = options;
  }

  /** The MinIO client (the escape hatch). */
  native(): Client {
    return this.minio.native();
  }

  /**
   * A store writing (and, for SSE-C, reading) with this server-side encryption;
   * it shares this store's client and sockets: `store.withEncryption({ type: 'SSE-C', key })`.
   * SSE-C needs TLS (capability `minio.sseC`), SSE-S3 / SSE-KMS a KMS (`minio.sseKms`).
   */
  withEncryption(encryption: Encryption | undefined): MinioStore {
    if (encryption?.type === 'SSE-C') this.feature('sseC');
    if (encryption?.type === 'SSE-S3' || encryption?.type === 'SSE-KMS') this.feature('sseKms');
    return new MinioStore(this.minio.withEncryption(encryption), this.storeOptions);
  }

  /** `head`, with what MinIO says about the object's encryption (`encryption`). */
  override head(bucket: string, key: string, options?: HeadOptions): Promise<MinioObjectInfo> {
    return super.head(bucket, key, options) as Promise<MinioObjectInfo>;
  }

  // ---------------------------------------------------------------- large objects (through @stowage/transfer)

  /**
   * Uploads any body of any size through @stowage/transfer on the multipart
   * primitives (parallel parts, bounded memory, per-part CRC32 the server
   * verifies), never through the client's own `putObject` multipart path.
   */
  upload(bucket: string, key: string, body: BodyInput | { path: string }, options: UploadOptions = {}): Promise<UploadResult> {
    return upload(this, bucket, key, body, options);
  }

  /** The client's `fPutObject`: a file uploaded through @stowage/transfer (read with positional reads). */
  fPutObject(bucket: string, key: string, path: string, options: UploadOptions = {}): Promise<UploadResult> {
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('path', 'must be a file path');
    return upload(this, bucket, key, { path }, options);
  }

  /**
   * The client's `fGetObject`: the object written to `path.partial` (ranged,
   * verified against its ETag) and renamed to `path` only once complete and
   * verified; the partial file is removed on any error.
   */
  fGetObject(bucket: string, key: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    if (typeof path !== 'string' || path === '') throw new InvalidArgumentError('path', 'must be a file path');
    return download(this, bucket, key, options).toFile(path);
  }

  // ---------------------------------------------------------------- bucket policy

  /** The bucket policy, or null when the bucket has none. */
  async getBucketPolicy(bucket: string, options: CallOptions = {}): Promise<BucketPolicy | null> {
    this.bucketCall(bucket, 'bucketPolicy');
    const raw = await this.ext('getBucketPolicy', { bucket }, options, async () => {
      try {
        return await this.native().getBucketPolicy(bucket);
      } catch (e) {
        if (errorCode(e) === 'NoSuchBucketPolicy') return null;
        throw e;
      }
    });
    return raw ? (JSON.parse(raw) as BucketPolicy) : null;
  }

  async setBucketPolicy(bucket: string, policy: BucketPolicy | string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketPolicy');
    const json = typeof policy === 'string' ? policy : JSON.stringify(policy);
    if (typeof json !== 'string' || json === '' || json === '{}') throw new InvalidArgumentError('policy', 'must be a non-empty policy document (use deleteBucketPolicy to remove it)');
    await this.ext('setBucketPolicy', { bucket }, options, () => this.native().setBucketPolicy(bucket, json));
  }

  async deleteBucketPolicy(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketPolicy');
    // The client's setBucketPolicy(bucket, '') sends DELETE ?policy but takes only 204;
    // Ceph RGW 16 answers 200. Sent here, taking both.
    await this.ext('deleteBucketPolicy', { bucket }, options, async () => (await this.minio.send({ method: 'DELETE', bucket, query: 'policy' }, [200, 204])).resume());
  }

  // ---------------------------------------------------------------- bucket notification

  async getBucketNotification(bucket: string, options: CallOptions = {}): Promise<BucketNotification> {
    this.bucketCall(bucket, 'bucketNotification');
    const { body } = await this.ext('getBucketNotification', { bucket }, options, () => this.minio.sendText({ method: 'GET', bucket, query: 'notification' }));
    const doc = parseXml(body).NotificationConfiguration;
    const read = (name: string, arnField: string): NotificationTarget[] =>
      list(doc, name).map((c) => {
        const target: NotificationTarget = { arn: text(c, arnField) ?? '', events: list(c, 'Event').map((e) => String(e['#text'] ?? '')) };
        const id = text(c, 'Id');
        if (id) target.id = id;
        const rules = list(list(list(c, 'Filter')[0], 'S3Key')[0], 'FilterRule');
        for (const r of rules) {
          const name = (text(r, 'Name') ?? '').toLowerCase();
          if (name === 'prefix') target.prefix = text(r, 'Value') ?? '';
          if (name === 'suffix') target.suffix = text(r, 'Value') ?? '';
        }
        return target;
      });
    const out: BucketNotification = {};
    const queues = read('QueueConfiguration', 'Queue');
    const topics = read('TopicConfiguration', 'Topic');
    const functions = read('CloudFunctionConfiguration', 'CloudFunction');
    if (queues.length) out.queues = queues;
    if (topics.length) out.topics = topics;
    if (functions.length) out.cloudFunctions = functions;
    return out;
  }

  /** Replaces the bucket's notification configuration (through the client's NotificationConfig). */
  async setBucketNotification(bucket: string, config: BucketNotification, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketNotification');
    const native = new NotificationConfig();
    const add = (targets: NotificationTarget[] | undefined, make: (arn: string) => QueueConfig | TopicConfig | CloudFunctionConfig) => {
      for (const t of targets ?? []) {
        if (typeof t?.arn !== 'string' || t.arn === '' || !Array.isArray(t.events) || t.events.length === 0) {
          throw new InvalidArgumentError('config', 'each target needs an arn and at least one event');
        }
        const c = make(t.arn);
        if (t.id !== undefined) c.setId(t.id);
        for (const e of t.events) c.addEvent(e as never);
        if (t.prefix !== undefined) c.addFilterPrefix(t.prefix);
        if (t.suffix !== undefined) c.addFilterSuffix(t.suffix);
        native.add(c);
      }
    };
    add(config.queues, (arn) => new QueueConfig(arn));
    add(config.topics, (arn) => new TopicConfig(arn));
    add(config.cloudFunctions, (arn) => new CloudFunctionConfig(arn));
    await this.ext('setBucketNotification', { bucket }, options, () => this.native().setBucketNotification(bucket, native));
  }

  async deleteBucketNotification(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketNotification');
    await this.ext('deleteBucketNotification', { bucket }, options, () => this.native().removeAllBucketNotification(bucket));
  }

  /**
   * MinIO's `listenBucketNotification` as an async iterator of events, filtered
   * on the server by prefix, suffix and event names. Returns at once; the
   * request runs until the iteration ends (`break`, `close()`, the signal);
   * `await stream.ready` to know the server has answered:
   * `for await (const e of await store.listenBucketNotification(b, { prefix: 'in/', signal })) …`
   */
  async listenBucketNotification(bucket: string, options: ListenOptions = {}): Promise<BucketEventStream> {
    this.bucketCall(bucket, 'listenBucketNotification');
    if (options.prefix !== undefined && typeof options.prefix !== 'string') throw new InvalidArgumentError('prefix', 'must be a string');
    if (options.suffix !== undefined && typeof options.suffix !== 'string') throw new InvalidArgumentError('suffix', 'must be a string');
    const events = options.events ?? ['s3:ObjectCreated:*', 's3:ObjectRemoved:*', 's3:ObjectAccessed:*'];
    // Sorted as the client signs them: the server keeps repeated `events` in the order sent.
    const q = [query([['prefix', options.prefix || undefined], ['suffix', options.suffix || undefined]]), ...events.map((e) => query([['events', e]]))]
      .join('&')
      .split('&')
      .filter(Boolean)
      .sort()
      .join('&');
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    // One attempt: a listen is not retried behind the caller's back.
    const answer = this.call('listenBucketNotification', { bucket }, { signal }, (s) =>
      this.minio.run(s, { operation: 'listenBucketNotification', bucket }, () => this.minio.send({ method: 'GET', bucket, query: q })),
      false,
    );
    return new BucketEventStream(answer, options.signal, () => stop.abort());
  }

  // ---------------------------------------------------------------- bucket encryption

  /** The bucket's default encryption, or null when it has none. */
  async getBucketEncryption(bucket: string, options: CallOptions = {}): Promise<BucketEncryption | null> {
    this.bucketCall(bucket, 'bucketEncryption');
    return this.ext('getBucketEncryption', { bucket }, options, async () => {
      let config: { Rule?: Array<{ ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string; KmsMasterKeyID?: string } }> | { ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string } } };
      try {
        // the client hands back the whole parsed document
        const doc = (await this.native().getBucketEncryption(bucket)) as { ServerSideEncryptionConfiguration?: typeof config };
        config = doc?.ServerSideEncryptionConfiguration ?? {};
      } catch (e) {
        if (errorCode(e) === 'ServerSideEncryptionConfigurationNotFoundError') return null;
        throw e;
      }
      const rules = Array.isArray(config?.Rule) ? config.Rule : config?.Rule ? [config.Rule] : [];
      const sse = rules[0]?.ApplyServerSideEncryptionByDefault as { SSEAlgorithm?: string; KMSMasterKeyID?: string; KmsMasterKeyID?: string } | undefined;
      if (!sse?.SSEAlgorithm) return null;
      const out: BucketEncryption = { algorithm: sse.SSEAlgorithm === 'aws:kms' ? 'aws:kms' : 'AES256' };
      const keyId = sse.KMSMasterKeyID ?? sse.KmsMasterKeyID;
      if (keyId) out.kmsKeyId = String(keyId);
      return out;
    });
  }

  /** Sets the default encryption of new objects (default SSE-S3, `AES256`). */
  async setBucketEncryption(bucket: string, config: BucketEncryption = { algorithm: 'AES256' }, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketEncryption');
    if (config.algorithm !== 'AES256' && config.algorithm !== 'aws:kms') throw new InvalidArgumentError('algorithm', 'must be "AES256" or "aws:kms"');
    const rule = { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: config.algorithm, ...(config.kmsKeyId !== undefined ? { KMSMasterKeyID: config.kmsKeyId } : {}) } };
    await this.ext('setBucketEncryption', { bucket }, options, () => this.native().setBucketEncryption(bucket, { Rule: [rule] } as never));
  }

  async deleteBucketEncryption(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'bucketEncryption');
    await this.ext('deleteBucketEncryption', { bucket }, options, () => this.native().removeBucketEncryption(bucket));
  }

  // ---------------------------------------------------------------- replication

  /** The bucket's replication configuration, or null when it has none. */
  async getBucketReplication(bucket: string, options: CallOptions = {}): Promise<ReplicationConfigOpts | null> {
    this.bucketCall(bucket, 'replication');
    return this.ext('getBucketReplication', { bucket }, options, async () => {
      try {
        const out = (await this.native().getBucketReplication(bucket)) as unknown as { ReplicationConfiguration?: { role?: string; rules?: unknown } };
        const config = out?.ReplicationConfiguration;
        if (!config) return null;
        const rules = (Array.isArray(config.rules) ? config.rules : config.rules ? [config.rules] : []) as ReplicationConfigOpts['rules'];
        return rules.length ? { role: config.role ?? '', rules } : null;
      } catch (e) {
        if (errorCode(e) === 'ReplicationConfigurationNotFoundError') return null;
        throw e;
      }
    });
  }

  /**
   * Sets the replication configuration. The destination is a remote target the
   * server knows (MinIO: registered with `mc replicate add` / the admin API);
   * its ARN goes in `role` and in each rule's `Destination.Bucket`.
   */
  async setBucketReplication(bucket: string, config: ReplicationConfigOpts, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'replication');
    if (!config || typeof config.role !== 'string' || !Array.isArray(config.rules) || config.rules.length === 0) {
      throw new InvalidArgumentError('config', 'needs a role (the target ARN) and at least one rule');
    }
    await this.ext('setBucketReplication', { bucket }, options, () => this.native().setBucketReplication(bucket, config) as unknown as Promise<void>);
  }

  async deleteBucketReplication(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'replication');
    await this.ext('deleteBucketReplication', { bucket }, options, () => this.native().removeBucketReplication(bucket));
  }

  // ---------------------------------------------------------------- lifecycle

  /** The bucket's lifecycle configuration, or null when it has none. */
  async getBucketLifecycle(bucket: string, options: CallOptions = {}): Promise<LifecycleConfig | null> {
    this.bucketCall(bucket, 'lifecycle');
    return this.ext('getBucketLifecycle', { bucket }, options, async () => {
      try {
        const out = (await this.native().getBucketLifecycle(bucket)) as unknown as { Rule?: unknown } | null;
        if (!out?.Rule) return null;
        return { Rule: (Array.isArray(out.Rule) ? out.Rule : [out.Rule]) as LifecycleConfig['Rule'] };
      } catch (e) {
        if (errorCode(e) === 'NoSuchLifecycleConfiguration') return null;
        throw e;
      }
    });
  }

  async setBucketLifecycle(bucket: string, config: LifecycleConfig, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'lifecycle');
    if (!config || !Array.isArray(config.Rule) || config.Rule.length === 0) throw new InvalidArgumentError('config', 'needs at least one Rule (use deleteBucketLifecycle to remove them)');
    await this.ext('setBucketLifecycle', { bucket }, options, () => this.native().setBucketLifecycle(bucket, config));
  }

  async deleteBucketLifecycle(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'lifecycle');
    await this.ext('deleteBucketLifecycle', { bucket }, options, () => this.native().removeBucketLifecycle(bucket));
  }

  // ---------------------------------------------------------------- object lock configuration

  /**
   * Removes the bucket's default retention (object lock itself cannot be
   * turned off): the client's `setObjectLockConfig(bucket, {})`, an
   * ObjectLockConfiguration with no Rule.
   */
  async deleteObjectLockConfiguration(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'objectLockConfigDelete');
    if (!this.capabilities.objectLock) throw new NotSupportedError('objectLock', undefined, { provider: this.provider });
    await this.ext('deleteObjectLockConfiguration', { bucket }, options, () => this.native().setObjectLockConfig(bucket, {} as never) as unknown as Promise<void>);
  }

  // ---------------------------------------------------------------- tagging

  async getObjectTagging(bucket: string, key: string, options: CallOptions & { versionId?: string } = {}): Promise<Record<string, string>> {
    this.objectCall(bucket, key, 'tagging');
    // read with the adapter's parser: the client's turns a tag value "007" into the number 7
    const { body } = await this.ext('getObjectTagging', { bucket, key }, options, () =>
      this.minio.sendText({ method: 'GET', bucket, key, query: query([['tagging', ''], ['versionId', options.versionId]]) }),
    );
    return tagsFrom(body);
  }

  async setObjectTagging(bucket: string, key: string, tags: Record<string, string>, options: CallOptions & { versionId?: string } = {}): Promise<void> {
    this.objectCall(bucket, key, 'tagging');
    checkTags(tags);
    await this.ext('setObjectTagging', { bucket, key }, options, () =>
      this.native().setObjectTagging(bucket, key, tags, options.versionId !== undefined ? { versionId: options.versionId } : (undefined as never)),
    );
  }

  async deleteObjectTagging(bucket: string, key: string, options: CallOptions & { versionId?: string } = {}): Promise<void> {
    this.objectCall(bucket, key, 'tagging');
    await this.ext('deleteObjectTagging', { bucket, key }, options, () =>
      this.native().removeObjectTagging(bucket, key, options.versionId !== undefined ? { versionId: options.versionId } : (undefined as never)),
    );
  }

  async getBucketTagging(bucket: string, options: CallOptions = {}): Promise<Record<string, string>> {
    this.bucketCall(bucket, 'tagging');
    try {
      const { body } = await this.ext('getBucketTagging', { bucket }, options, () => this.minio.sendText({ method: 'GET', bucket, query: 'tagging' }));
      return tagsFrom(body);
    } catch (e) {
      if (errorCode(e) === 'NoSuchTagSet') return {};
      throw e;
    }
  }

  async setBucketTagging(bucket: string, tags: Record<string, string>, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'tagging');
    checkTags(tags);
    await this.ext('setBucketTagging', { bucket }, options, () => this.native().setBucketTagging(bucket, tags));
  }

  async deleteBucketTagging(bucket: string, options: CallOptions = {}): Promise<void> {
    this.bucketCall(bucket, 'tagging');
    await this.ext('deleteBucketTagging', { bucket }, options, () => this.native().removeBucketTagging(bucket));
  }

  // ---------------------------------------------------------------- S3 Select

  /**
   * SelectObjectContent: SQL over a CSV, JSON or Parquet object, the answer
   * streamed as it comes (records, progress, stats, end):
   * `const sel = await store.selectObjectContent(b, 'people.csv', { expression, input: { csv: { FileHeaderInfo: 'USE' } }, output: { csv: {} } })`,
   * then `for await (const chunk of sel.records())` or `await sel.text()`, and `await sel.stats`.
   */
  async selectObjectContent(bucket: string, key: string, request: SelectRequest, options: CallOptions = {}): Promise<SelectStream> {
    this.objectCall(bucket, key, 'select');
    if (!request || typeof request.expression !== 'string' || request.expression === '') throw new InvalidArgumentError('expression', 'must be an SQL expression');
    if (!request.input || (!request.input.csv && !request.input.json && !request.input.parquet)) throw new InvalidArgumentError('input', 'needs csv, json or parquet');
    if (!request.output || (!request.output.csv && !request.output.json)) throw new InvalidArgumentError('output', 'needs csv or json');
    const payload = Buffer.from(selectRequestXml(request));
    const headers: Record<string, string> = { 'content-type': 'application/xml', 'content-length': String(payload.length), ...readHeaders(this.minio.encryption) };
    const res = await this.ext('selectObjectContent', { bucket, key }, options, () =>
      this.minio.send({ method: 'POST', bucket, key, query: 'select&select-type=2', headers, body: payload }),
    );
    const stream = new SelectStream(res, { operation: 'selectObjectContent', bucket, key }, () => options.signal?.removeEventListener('abort', onAbort));
    const onAbort = () => stream.close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    return stream;
  }

  // ---------------------------------------------------------------- presigning

  /** A PostPolicy to fill (`setBucket`, `setKey`, `setContentLengthRange`, `setExpires`…) and sign. */
  newPostPolicy(): PostPolicy {
    return new PostPolicy();
  }

  /**
   * Signs a POST policy for browser form uploads: `{ postURL, formData }`; post
   * `formData`'s fields, then the file as `file`, as multipart/form-data.
   */
  async presignedPostPolicy(policy: PostPolicy, options: CallOptions = {}): Promise<PostPolicyResult> {
    this.feature('postPolicy');
    if (!(policy instanceof PostPolicy)) throw new InvalidArgumentError('policy', 'must come from newPostPolicy()');
    const bucket = policy.formData.bucket;
    if (typeof bucket !== 'string') throw new InvalidArgumentError('policy', 'needs setBucket(…)');
    validateBucketName(bucket);
    return this.ext('presignedPostPolicy', { bucket }, options, () => this.native().presignedPostPolicy(policy));
  }

  /**
   * The client's `presignedUrl`, for any method and sub-resource:
   * `presignedUrl('DELETE', b, k)`, `presignedUrl('GET', b, k, { params: { 'response-content-type': 'text/csv' } })`.
   */
  async presignedUrl(
    method: string,
    bucket: string,
    key: string,
    options: CallOptions & { expiresIn?: number; params?: Record<string, string>; requestDate?: Date } = {},
  ): Promise<string> {
    validateBucketName(bucket);
    validateKey(key, this.capabilities.keyRules, this.capabilities.maxKeyBytes);
    if (typeof method !== 'string' || !/^[A-Z]+$/.test(method)) throw new InvalidArgumentError('method', 'must be an HTTP method in capitals');
    const presign = this.capabilities.presign;
    if (!presign) throw new NotSupportedError('presign', undefined, { provider: this.provider });
    const expiresIn = options.expiresIn ?? 900;
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > presign.maxExpirySeconds) {
      throw new InvalidArgumentError('expiresIn', `must be an integer from 1 to ${presign.maxExpirySeconds} seconds`);
    }
    return this.ext('presignedUrl', { bucket, key }, options, () => this.native().presignedUrl(method, bucket, key, expiresIn, options.params ?? {}, options.requestDate));
  }

  // ---------------------------------------------------------------- machinery

  private feature(name: keyof MinioFeatures): void {
    if (!this.capabilities.minio[name]) {
      throw new NotSupportedError(`minio.${name}`, `Not offered by this server (capability minio.${name}: see @stowage/minio's README)`, { provider: this.provider });
    }
  }

  private bucketCall(bucket: string, feature: keyof MinioFeatures): void {
    validateBucketName(bucket);
    this.feature(feature);
  }

  private objectCall(bucket: string, key: string, feature: keyof MinioFeatures): void {
    validateBucketName(bucket);
    validateKey(key, this.capabilities.keyRules, this.capabilities.maxKeyBytes);
    this.feature(feature);
  }

  /** One extension call: core's retry / hooks / normalisation around the driver's abortable call. */
  private ext<T>(operation: string, target: { bucket?: string; key?: string }, options: CallOptions, fn: () => Promise<T>): Promise<T> {
    return this.call(operation, target, options, (signal) => this.minio.run(signal, { operation, ...target }, () => fn()));
  }
}

/** A `MinioStore` from a config: `createMinioStore({ endpoint: 'https://127.0.0.1:9443', caFile, accessKey, secretKey })`. */
export function createMinioStore(config: MinioStoreConfig, options: StoreOptions = {}): MinioStore {
  return new MinioStore(new MinioDriver(config), options);
}

function tagsFrom(body: string): Record<string, string> {
  const doc = parseXml(body).Tagging;
  const out: Record<string, string> = {};
  for (const t of list(list(doc, 'TagSet')[0], 'Tag')) out[text(t, 'Key') ?? ''] = text(t, 'Value') ?? '';
  return out;
}

function checkTags(tags: Record<string, string>): void {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) throw new InvalidArgumentError('tags', 'must be a record of strings');
  const entries = Object.entries(tags);
  if (entries.length > 10) throw new InvalidArgumentError('tags', 'at most 10 tags');
  for (const [k, v] of entries) if (typeof v !== 'string' || k === '') throw new InvalidArgumentError(`tags.${k}`, 'must be a non-empty name with a string value');
}

