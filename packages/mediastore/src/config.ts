import type { MediaStoreDataClientConfig } from '@aws-sdk/client-mediastore-data';
import { InvalidArgumentError, registerSecret, validateBucketName } from '@stowage/core';

/** Static keys, optionally with an STS session token. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A credential provider, as `@aws-sdk/credential-providers` make them. */
export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<StaticCredentials>;

/**
 * Settings of `@stowage/mediastore`. A MediaStore container has its own data
 * endpoint; the Store sees that container as its single bucket.
 */
export interface MediaStoreConfig {
  /** Ignored here (`'mediastore'` when the config comes from `openStore`). */
  provider?: string;
  /** The container's data endpoint, e.g. `https://abcd1234.data.mediastore.us-west-2.amazonaws.com`. */
  endpoint?: string;
  /** Host and port (the URL form `mediastore://host:port/container?…`), used when `endpoint` is absent. */
  host?: string;
  port?: number;
  /** With `host`: `false` for plain HTTP (default `true`). */
  useSSL?: boolean;
  /** The container's name: the Store's one bucket. It must be a valid bucket name for core. */
  container?: string;
  /** The same, from the URL form's first path segment. */
  bucket?: string;
  /** Signing region. Default: taken from an AWS data endpoint's host, else `us-east-1`. */
  region?: string;
  /** Static keys, or a provider function. Default: the SDK's chain. */
  credentials?: StaticCredentials | CredentialProvider;
  /** Flat keys (the URL form); `credentials` wins when both are given. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Extra client settings (`requestHandler`, `logger`…); `maxAttempts` is always 1: core retries. */
  clientConfig?: Omit<MediaStoreDataClientConfig, 'maxAttempts' | 'retryStrategy' | 'endpoint' | 'region' | 'credentials'>;
}

export interface ResolvedMediaStoreConfig {
  endpoint: string;
  container: string;
  region: string;
  credentials: StaticCredentials | CredentialProvider | undefined;
  clientConfig: NonNullable<MediaStoreConfig['clientConfig']>;
}

const KNOWN = new Set(['provider', 'endpoint', 'host', 'port', 'useSSL', 'container', 'bucket', 'region', 'credentials', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'clientConfig']);

/** Validates a config (possibly parsed from a URL, so strings are coerced) and fills in the defaults. */
export function resolveConfig(input: MediaStoreConfig | Record<string, unknown>): ResolvedMediaStoreConfig {
  if (input === null || typeof input !== 'object') throw new InvalidArgumentError('config', 'must be an object');
  const c = input as Record<string, unknown>;
  for (const name of Object.keys(c)) {
    if (!KNOWN.has(name)) throw new InvalidArgumentError(`config.${name}`, `is not an @stowage/mediastore setting (known: ${[...KNOWN].join(', ')})`);
  }
  let endpoint = optString(c, 'endpoint');
  const host = optString(c, 'host');
  if (endpoint === undefined && host !== undefined) {
    const useSSL = optBool(c, 'useSSL') ?? true;
    const port = c.port === undefined ? undefined : Number(c.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new InvalidArgumentError('config.port', 'must be a port number');
    endpoint = `${useSSL ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}${port !== undefined ? `:${port}` : ''}`;
  }
  if (endpoint === undefined) throw new InvalidArgumentError('config.endpoint', "is required: the container's data endpoint (MediaStore has no global one), e.g. https://abcd1234.data.mediastore.us-west-2.amazonaws.com");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidArgumentError('config.endpoint', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('config.endpoint', 'must be an http: or https: URL');
  if (url.username || url.password) throw new InvalidArgumentError('config.endpoint', 'must not carry credentials (use accessKeyId / secretAccessKey)');
  endpoint = url.origin + url.pathname.replace(/\/+$/, '');

  const container = optString(c, 'container') ?? optString(c, 'bucket');
  if (container === undefined) throw new InvalidArgumentError('config.container', 'is required: the name of the container behind the endpoint (the Store addresses it as its bucket)');
  try {
    validateBucketName(container);
  } catch (e) {
    throw new InvalidArgumentError('config.container', `must be a valid bucket name for core, as the Store addresses the container by it: ${(e as Error).message.replace(/^Invalid bucket: /, '')}`);
  }

  const awsRegion = /\.data\.mediastore(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/i.exec(url.hostname)?.[1];
  const region = optString(c, 'region') ?? awsRegion ?? 'us-east-1';

  let credentials: ResolvedMediaStoreConfig['credentials'];
  const given = c.credentials;
  if (typeof given === 'function') credentials = given as CredentialProvider;
  else if (given !== undefined && given !== null) {
    if (typeof given !== 'object') throw new InvalidArgumentError('config.credentials', 'must be { accessKeyId, secretAccessKey, sessionToken? } or a provider function');
    const g = given as Record<string, unknown>;
    credentials = staticCredentials(g.accessKeyId, g.secretAccessKey, g.sessionToken, 'config.credentials');
  } else if (c.accessKeyId !== undefined || c.secretAccessKey !== undefined) {
    credentials = staticCredentials(c.accessKeyId, c.secretAccessKey, c.sessionToken, 'config');
  }
  const clientConfig = c.clientConfig;
  if (clientConfig !== undefined && (clientConfig === null || typeof clientConfig !== 'object')) throw new InvalidArgumentError('config.clientConfig', 'must be an object');
  return { endpoint, container, region, credentials, clientConfig: (clientConfig ?? {}) as ResolvedMediaStoreConfig['clientConfig'] };
}

function staticCredentials(accessKeyId: unknown, secretAccessKey: unknown, sessionToken: unknown, field: string): StaticCredentials {
  if (typeof accessKeyId === 'number') accessKeyId = String(accessKeyId);
  if (typeof secretAccessKey === 'number') secretAccessKey = String(secretAccessKey);
  if (typeof accessKeyId !== 'string' || accessKeyId === '') throw new InvalidArgumentError(`${field}.accessKeyId`, 'must be a non-empty string');
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') throw new InvalidArgumentError(`${field}.secretAccessKey`, 'must be a non-empty string');
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) throw new InvalidArgumentError(`${field}.sessionToken`, 'must be a non-empty string');
  registerSecret(secretAccessKey);
  if (sessionToken !== undefined) registerSecret(sessionToken as string);
  return sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken: sessionToken as string };
}

function optString(c: Record<string, unknown>, name: string): string | undefined {
  const v = c[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new InvalidArgumentError(`config.${name}`, 'must be a string');
  return v;
}

function optBool(c: Record<string, unknown>, name: string): boolean | undefined {
  const v = c[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new InvalidArgumentError(`config.${name}`, 'must be true or false');
}
