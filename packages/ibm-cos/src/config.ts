import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { InvalidArgumentError, type CapabilityOverrides, configString, configBoolean, configObject, configEndpoint, configEndpointUrl } from '@stowage/core';
import { DEFAULT_IAM_ENDPOINT, resolveCredentials, type ResolvedCredentials } from './credentials.js';
import { IBM_SERVER_PROFILES, type IbmServerProfile } from './server-profiles.js';

/** IBM Cloud's cross-region US endpoint: the default when no endpoint is given. */
export const DEFAULT_IBM_ENDPOINT = 'https://s3.us.cloud-object-storage.appdomain.cloud';

/**
 * Settings of `@stowage/ibm-cos`. Credentials are looked up in this order:
 * explicit settings, the environment, `~/.bluemix/cos_credentials`,
 * `~/.aws/credentials` (see `resolveCredentials`).
 */
export interface IbmCosConfig {
  /** Ignored here (`'ibm-cos'` when the config comes from `openStore`). */
  provider?: string;
  /** The COS endpoint, e.g. `https://s3.us-south.cloud-object-storage.appdomain.cloud` or `http://127.0.0.1:7480`. */
  endpoint?: string;
  /** Host, port and `useSSL` (the URL form `ibm-cos://host:port?…`), used when `endpoint` is absent. */
  host?: string;
  port?: number;
  useSSL?: boolean;
  /** SigV4 signing region for HMAC keys. Default `us-standard` on IBM Cloud, else `us-east-1`. */
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`). Default `true`. */
  forcePathStyle?: boolean;
  /** An IAM API key: requests carry bearer tokens from `ibmAuthEndpoint`. */
  apiKey?: string;
  /** The COS service instance id (or CRN), sent on CreateBucket and ListBuckets with IAM auth. */
  serviceInstanceId?: string;
  /** The IAM token endpoint. Default `https://iam.cloud.ibm.com/identity/token`. */
  ibmAuthEndpoint?: string;
  /** HMAC keys: SigV4 signatures. With `apiKey` too, IAM signs requests and HMAC presigns URLs. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `~/.bluemix/cos_credentials` by default (`$COS_CREDENTIALS_FILE`). */
  cosCredentialsFile?: string;
  /** `~/.aws/credentials` by default (`$AWS_SHARED_CREDENTIALS_FILE`). */
  awsCredentialsFile?: string;
  /** The profile of the AWS credentials file (default `$AWS_PROFILE` or `default`). */
  profile?: string;
  /** Which server: `ibm-cloud` (default for IBM endpoints), `ceph-rgw`, `minio`, `aws`, `generic` (default otherwise). */
  serverProfile?: IbmServerProfile;
  /** Per-capability overrides, applied after the profile. */
  capabilities?: CapabilityOverrides;
  /** The SDK's HTTP settings: an `agent` (default: keep-alive, 50 sockets), `timeout` (idle ms, default 120 000), `connectTimeout`. */
  httpOptions?: { agent?: HttpAgent | HttpsAgent; timeout?: number; connectTimeout?: number };
  /** A default bucket from the URL form; the Store API names the bucket per call, so it is not used. */
  bucket?: string;
}

export interface ResolvedIbmCosConfig {
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  credentials: ResolvedCredentials;
  /** The IAM token endpoint actually used (IAM auth only). */
  ibmAuthEndpoint: string;
  serverProfile: IbmServerProfile;
  capabilities: CapabilityOverrides | undefined;
  httpOptions: { agent?: HttpAgent | HttpsAgent; timeout?: number; connectTimeout?: number };
}

const KNOWN = new Set([
  'provider', 'endpoint', 'host', 'port', 'useSSL', 'region', 'forcePathStyle', 'apiKey', 'serviceInstanceId', 'ibmAuthEndpoint', 'accessKeyId',
  'secretAccessKey', 'cosCredentialsFile', 'awsCredentialsFile', 'profile', 'serverProfile', 'capabilities', 'httpOptions', 'bucket',
]);

/** True for IBM Cloud's public and private COS endpoints. */
export function isIbmCloudEndpoint(endpoint: string): boolean {
  return /(^|\.)cloud-object-storage\.(appdomain\.cloud|cloud\.ibm\.com)$/i.test(new URL(endpoint).hostname);
}

/**
 * Validates a config (maybe from a URL: strings are coerced), finds the
 * credentials (registering their secrets for redaction) and fills in defaults.
 */
export function resolveConfig(input: IbmCosConfig | Record<string, unknown> = {}, env: NodeJS.ProcessEnv = process.env): ResolvedIbmCosConfig {
  const c = configObject(input, '@stowage/ibm-cos', KNOWN);
  let endpoint = configEndpoint(c) ?? DEFAULT_IBM_ENDPOINT;
  configEndpointUrl(endpoint, { example: 'https://s3.us-south.cloud-object-storage.appdomain.cloud' });
  endpoint = endpoint.replace(/\/+$/, '');

  const serverProfile = (configString(c, 'serverProfile') ?? (isIbmCloudEndpoint(endpoint) ? 'ibm-cloud' : 'generic')) as IbmServerProfile;
  if (!IBM_SERVER_PROFILES.includes(serverProfile)) throw new InvalidArgumentError('config.serverProfile', `must be one of ${IBM_SERVER_PROFILES.join(', ')}`);

  const credentials = resolveCredentials({
    apiKey: c.apiKey,
    serviceInstanceId: c.serviceInstanceId,
    ibmAuthEndpoint: c.ibmAuthEndpoint,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    cosCredentialsFile: configString(c, 'cosCredentialsFile'),
    awsCredentialsFile: configString(c, 'awsCredentialsFile'),
    profile: configString(c, 'profile'),
    env,
  });

  const capabilities = c.capabilities;
  if (capabilities !== undefined && (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities))) {
    throw new InvalidArgumentError('config.capabilities', 'must be a record of capability overrides');
  }
  const httpOptions = c.httpOptions;
  if (httpOptions !== undefined && (httpOptions === null || typeof httpOptions !== 'object')) throw new InvalidArgumentError('config.httpOptions', 'must be an object');

  return {
    endpoint,
    region: configString(c, 'region') ?? (serverProfile === 'ibm-cloud' ? 'us-standard' : 'us-east-1'),
    forcePathStyle: configBoolean(c, 'forcePathStyle') ?? true,
    credentials,
    ibmAuthEndpoint: (credentials.auth.kind === 'iam' ? credentials.auth.ibmAuthEndpoint : undefined) ?? DEFAULT_IAM_ENDPOINT,
    serverProfile,
    capabilities: capabilities as CapabilityOverrides | undefined,
    httpOptions: (httpOptions ?? {}) as ResolvedIbmCosConfig['httpOptions'],
  };
}
