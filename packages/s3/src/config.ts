import type { CapabilityOverrides, PayloadSigning, S3ServerProfile } from '@stowage/core';
import { InvalidArgumentError, isProtectedTransport, registerSecret, S3_SERVER_PROFILE_NAMES, configString, configBoolean, configObject, configEndpoint, configEndpointUrl } from '@stowage/core';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * Which server the driver talks to: one of core's S3 server profiles
 * (S3_SERVER_PROFILES for the capabilities, S3_SERVER_QUIRKS for the answers
 * the driver corrects), shared by every S3-family adapter.
 */
export type ServerProfile = S3ServerProfile;

export const SERVER_PROFILES: readonly ServerProfile[] = S3_SERVER_PROFILE_NAMES;

export type ChecksumMode = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';

/** Static keys, optionally with an STS session token. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * A credential provider, as the AWS SDK's `@aws-sdk/credential-providers`
 * make them (`fromTemporaryCredentials`, `fromIni`, `fromContainerMetadata`…).
 * Called again when the returned `expiration` nears.
 */
export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<StaticCredentials>;

/** Per-request S3 settings that the portable Store API has no slot for. */
export interface S3CallOptions {
  /** Sent as `x-amz-expected-bucket-owner`: the request fails (403) if another account owns the bucket. */
  expectedBucketOwner?: string;
  /** `'requester'` for requester-pays buckets (`x-amz-request-payer`). */
  requestPayer?: 'requester';
}

/**
 * Settings of `@stowage/s3`. Every field is optional: with none, the driver
 * talks to AWS with the SDK's default region and credential chains.
 */
export interface S3StoreConfig extends S3CallOptions {
  /** Ignored here (`'s3'` when the config comes from `openStore`). */
  provider?: string;
  /** An S3-compatible endpoint, e.g. `http://127.0.0.1:7480`. Absent: AWS. */
  endpoint?: string;
  /** Host and port (the URL form `s3://host:port?…`), used when `endpoint` is absent. */
  host?: string;
  port?: number;
  /** With `host`: `false` for plain HTTP (default `true`). */
  useSSL?: boolean;
  /** Signing region. Default: `us-east-1` with an endpoint, else the SDK's chain (AWS_REGION, profile). */
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`). Default: `true` for non-AWS endpoints, else `false`. */
  forcePathStyle?: boolean;
  /** Static keys, or a provider function (e.g. `fromTemporaryCredentials(…)`). Default: the SDK's chain. */
  credentials?: StaticCredentials | CredentialProvider;
  /** Flat keys (the URL form); `credentials` wins when both are given. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** A named profile of ~/.aws/config and ~/.aws/credentials for the default chain. */
  profile?: string;
  /** Capability refinements to use. Default: `aws` without an endpoint (or on *.amazonaws.com), else `generic`. */
  serverProfile?: ServerProfile;
  /** Per-capability overrides applied after the server profile. */
  capabilities?: CapabilityOverrides;
  /** The SDK's request checksum setting. Default: `WHEN_SUPPORTED` for `aws`, `WHEN_REQUIRED` otherwise. */
  requestChecksumCalculation?: ChecksumMode;
  /** The SDK's response checksum setting. Same defaults. */
  responseChecksumValidation?: ChecksumMode;
  /**
   * Send `Content-MD5` (instead of the SDK's CRC32) on the operations that
   * require a body checksum: DeleteObjects, PutObjectLockConfiguration,
   * PutObjectRetention, PutObjectLegalHold. Default: `true` except for `aws`.
   */
  contentMd5?: boolean;
  /**
   * `'auto'` (default): a PUT body in memory is sent as `UNSIGNED-PAYLOAD`
   * (no SigV4 SHA-256 of every byte) when a checksum the server verifies binds
   * it to the signature: `Content-MD5` or SHA-256/SHA-1 always, a CRC over TLS
   * or loopback only (a CRC can be forged). `'always'`: sign every payload.
   */
  payloadSigning?: PayloadSigning;
  /** Do not prepend host prefixes (WriteGetObjectResponse's `{route}.`). Default: `true` with an endpoint. */
  disableHostPrefix?: boolean;
  /**
   * Extra S3Client settings (e.g. `requestHandler`); `maxAttempts` is always 1: core retries.
   * `expectContinueHeader` defaults to `false` here (the SDK's `Expect: 100-continue` on
   * large bodies costs a round trip, and its Node handler a fresh connection, per part).
   */
  clientConfig?: Omit<S3ClientConfig, 'maxAttempts' | 'retryStrategy'>;
  /** A default bucket from the URL form; the Store API names the bucket per call, so it is not used here. */
  bucket?: string;
}

/** The settings after defaults and coercion. */
export interface ResolvedS3Config {
  endpoint: string | undefined;
  region: string | undefined;
  forcePathStyle: boolean;
  credentials: StaticCredentials | CredentialProvider | undefined;
  profile: string | undefined;
  serverProfile: ServerProfile;
  capabilities: CapabilityOverrides | undefined;
  requestChecksumCalculation: ChecksumMode;
  responseChecksumValidation: ChecksumMode;
  contentMd5: boolean;
  payloadSigning: PayloadSigning;
  /** TLS or loopback (or AWS): the transport itself protects the body. */
  protectedTransport: boolean;
  disableHostPrefix: boolean;
  callOptions: S3CallOptions;
  clientConfig: Omit<S3ClientConfig, 'maxAttempts' | 'retryStrategy'>;
}

const KNOWN = new Set([
  'provider', 'endpoint', 'host', 'port', 'useSSL', 'region', 'forcePathStyle', 'credentials', 'accessKeyId', 'secretAccessKey',
  'sessionToken', 'profile', 'serverProfile', 'capabilities', 'requestChecksumCalculation', 'responseChecksumValidation', 'contentMd5',
  'payloadSigning', 'disableHostPrefix', 'clientConfig', 'bucket', 'expectedBucketOwner', 'requestPayer',
]);

/**
 * Validates a config (a plain object, possibly from a URL, so strings are
 * coerced: `"true"`, `"9000"`), registers its secrets for redaction and fills
 * in the defaults.
 */
export function resolveConfig(input: S3StoreConfig | Record<string, unknown> = {}): ResolvedS3Config {
  const c = configObject(input, '@stowage/s3', KNOWN);
  const endpoint = configEndpoint(c);
  const url = endpoint !== undefined ? configEndpointUrl(endpoint, { example: 'http://127.0.0.1:9000', keys: 'accessKeyId / secretAccessKey' }) : undefined;
  const isAws = url === undefined || /(^|\.)amazonaws\.com(\.cn)?$/i.test(url.hostname);

  const serverProfile = (configString(c, 'serverProfile') ?? (isAws ? 'aws' : 'generic')) as ServerProfile;
  if (!SERVER_PROFILES.includes(serverProfile)) throw new InvalidArgumentError('config.serverProfile', `must be one of ${SERVER_PROFILES.join(', ')}`);
  const nativeAws = serverProfile === 'aws';

  const checksumDefault: ChecksumMode = nativeAws ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  const requestChecksumCalculation = optChecksumMode(c, 'requestChecksumCalculation') ?? checksumDefault;
  const responseChecksumValidation = optChecksumMode(c, 'responseChecksumValidation') ?? checksumDefault;

  let credentials: ResolvedS3Config['credentials'];
  const given = c.credentials;
  if (typeof given === 'function') {
    credentials = given as CredentialProvider;
  } else if (given !== undefined && given !== null) {
    if (typeof given !== 'object') throw new InvalidArgumentError('config.credentials', 'must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function');
    const g = given as Record<string, unknown>;
    credentials = staticCredentials(g.accessKeyId, g.secretAccessKey, g.sessionToken, 'config.credentials');
    if (g.expiration instanceof Date) credentials.expiration = g.expiration;
  } else if (c.accessKeyId !== undefined || c.secretAccessKey !== undefined) {
    credentials = staticCredentials(c.accessKeyId, c.secretAccessKey, c.sessionToken, 'config');
  } else if (c.sessionToken !== undefined) {
    throw new InvalidArgumentError('config.sessionToken', 'needs accessKeyId and secretAccessKey too');
  }

  const requestPayer = configString(c, 'requestPayer');
  if (requestPayer !== undefined && requestPayer !== 'requester') throw new InvalidArgumentError('config.requestPayer', 'must be "requester"');
  const expectedBucketOwner = configString(c, 'expectedBucketOwner');
  const callOptions: S3CallOptions = {};
  if (expectedBucketOwner !== undefined) callOptions.expectedBucketOwner = expectedBucketOwner;
  if (requestPayer !== undefined) callOptions.requestPayer = 'requester';

  const capabilities = c.capabilities;
  if (capabilities !== undefined && (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities))) {
    throw new InvalidArgumentError('config.capabilities', 'must be a record of capability overrides');
  }
  const payloadSigning = configString(c, 'payloadSigning') ?? 'auto';
  if (payloadSigning !== 'auto' && payloadSigning !== 'always') throw new InvalidArgumentError('config.payloadSigning', 'must be "auto" or "always"');
  const clientConfig = c.clientConfig;
  if (clientConfig !== undefined && (clientConfig === null || typeof clientConfig !== 'object')) throw new InvalidArgumentError('config.clientConfig', 'must be an object');

  return {
    endpoint,
    region: configString(c, 'region') ?? (endpoint !== undefined && !isAws ? 'us-east-1' : undefined),
    forcePathStyle: configBoolean(c, 'forcePathStyle') ?? !isAws,
    credentials,
    profile: configString(c, 'profile'),
    serverProfile,
    capabilities: capabilities as CapabilityOverrides | undefined,
    requestChecksumCalculation,
    responseChecksumValidation,
    contentMd5: configBoolean(c, 'contentMd5') ?? !nativeAws,
    payloadSigning,
    protectedTransport: isProtectedTransport(url),
    disableHostPrefix: configBoolean(c, 'disableHostPrefix') ?? !isAws,
    callOptions,
    clientConfig: (clientConfig ?? {}) as ResolvedS3Config['clientConfig'],
  };
}

function staticCredentials(accessKeyId: unknown, secretAccessKey: unknown, sessionToken: unknown, field: string): StaticCredentials {
  // A URL's query values may have been coerced to numbers.
  if (typeof accessKeyId === 'number') accessKeyId = String(accessKeyId);
  if (typeof secretAccessKey === 'number') secretAccessKey = String(secretAccessKey);
  if (typeof sessionToken === 'number') sessionToken = String(sessionToken);
  if (typeof accessKeyId !== 'string' || accessKeyId === '') throw new InvalidArgumentError(`${field}.accessKeyId`, 'must be a non-empty string');
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') throw new InvalidArgumentError(`${field}.secretAccessKey`, 'must be a non-empty string');
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) throw new InvalidArgumentError(`${field}.sessionToken`, 'must be a non-empty string');
  registerSecret(secretAccessKey);
  if (sessionToken !== undefined) registerSecret(sessionToken as string);
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken: sessionToken as string };
}

function optChecksumMode(c: Record<string, unknown>, name: string): ChecksumMode | undefined {
  const v = configString(c, name);
  if (v === undefined) return undefined;
  const upper = v.toUpperCase();
  if (upper !== 'WHEN_SUPPORTED' && upper !== 'WHEN_REQUIRED') throw new InvalidArgumentError(`config.${name}`, 'must be WHEN_SUPPORTED or WHEN_REQUIRED');
  return upper;
}
