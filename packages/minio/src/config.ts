import { readFileSync } from 'node:fs';
import type * as http from 'node:http';
import { InvalidArgumentError, registerSecret, S3_SERVER_PROFILE_NAMES, type CapabilityOverrides, type S3ServerProfile, configString, configBoolean, configPort, configObject, configEndpointUrl } from '@stowage/core';
import { CredentialProvider } from 'minio/dist/esm/CredentialProvider.mjs';
import { Credentials } from 'minio/dist/esm/Credentials.mjs';
import type { Encryption } from './encryption.js';
import type { MinioFeatureOverrides } from './profiles.js';

/** Keys a credentials function returns; called again once `expiration` is less than a minute away. */
export interface MinioCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Settings of `@stowage/minio`, named like the MinIO client's own
 * (`endPoint`, `port`, `useSSL`, `accessKey`, `secretKey`, `sessionToken`,
 * `region`, `pathStyle`, `credentialsProvider`, `transportAgent`), plus
 * `endpoint` as one URL and the `accessKeyId` / `secretAccessKey` spelling
 * of the URL form (`minio://key:secret@host:port?useSSL=false`).
 */
export interface MinioStoreConfig {
  /** Ignored here (`'minio'` when the config comes from `openStore`). */
  provider?: string;
  /** The whole endpoint as a URL, e.g. `https://127.0.0.1:9443`; sets endPoint, port and useSSL. */
  endpoint?: string;
  /** Host name or IP (the client's `endPoint`). */
  endPoint?: string;
  /** The URL form's host; same as `endPoint`. */
  host?: string;
  /** Default 443 with TLS, 80 without. */
  port?: number;
  /** TLS on (default, like the client) or off. */
  useSSL?: boolean;
  /** Trusted CA certificate(s), PEM, for TLS (a self-signed or private CA). Default: the system's. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** A PEM file of trusted CA certificates (read once, at creation). */
  caFile?: string;
  /** `false` accepts any certificate (tests only; never in production). Default true. */
  rejectUnauthorized?: boolean;
  /** Signing region. Absent: the client's behaviour, a GetBucketLocation per bucket (cached). */
  region?: string;
  accessKey?: string;
  secretKey?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** STS session token for temporary keys. */
  sessionToken?: string;
  /**
   * Where keys come from when they rotate: a MinIO client `CredentialProvider`
   * (e.g. its `AssumeRoleProvider`, `IamAwsProvider`), or a function returning
   * `{ accessKey, secretKey, sessionToken?, expiration? }`.
   */
  credentialsProvider?: CredentialProvider | (() => Promise<MinioCredentials>);
  /** Your own agent (e.g. a proxy agent). The adapter still aborts by destroying the call's sockets. */
  agent?: http.Agent;
  /** The client's name for `agent`. */
  transportAgent?: http.Agent;
  /** An HTTP proxy (`http://[user:pass@]host:port`): requests are tunnelled with CONNECT. */
  proxy?: string;
  /** Sockets per origin of the adapter's own agent (default 64). */
  maxSockets?: number;
  /** Path-style addressing (default true, like the client). */
  pathStyle?: boolean;
  /** Which server this is: selects capability refinements. Default `minio`. */
  serverProfile?: S3ServerProfile;
  /** Per-capability overrides applied after the server profile. */
  capabilities?: CapabilityOverrides & { minio?: MinioFeatureOverrides };
  /** Server-side encryption for every write and read (SSE-C needs TLS): see `withEncryption`. */
  encryption?: Encryption;
  /** A default bucket from the URL form; the Store API names the bucket per call, so it is not used here. */
  bucket?: string;
}

export interface ResolvedMinioConfig {
  endPoint: string;
  port: number;
  useSSL: boolean;
  region: string | undefined;
  accessKey: string | undefined;
  secretKey: string | undefined;
  sessionToken: string | undefined;
  credentialsProvider: CredentialProvider | undefined;
  ca: string | Buffer | Array<string | Buffer> | undefined;
  rejectUnauthorized: boolean;
  agent: http.Agent | undefined;
  proxy: string | undefined;
  maxSockets: number | undefined;
  pathStyle: boolean;
  serverProfile: S3ServerProfile;
  capabilities: (CapabilityOverrides & { minio?: MinioFeatureOverrides }) | undefined;
  encryption: Encryption | undefined;
}

const KNOWN = new Set([
  'provider', 'endpoint', 'endPoint', 'host', 'port', 'useSSL', 'ca', 'caFile', 'rejectUnauthorized', 'region', 'accessKey', 'secretKey',
  'accessKeyId', 'secretAccessKey', 'sessionToken', 'credentialsProvider', 'agent', 'transportAgent', 'proxy', 'maxSockets', 'pathStyle',
  'serverProfile', 'capabilities', 'encryption', 'bucket',
]);

/** Validates a config (a plain object, possibly from a URL: strings are coerced), registers its secrets and fills in defaults. */
export function resolveConfig(input: MinioStoreConfig | Record<string, unknown> = {}): ResolvedMinioConfig {
  const c = configObject(input, '@stowage/minio', KNOWN);

  let endPoint = configString(c, 'endPoint') ?? configString(c, 'host');
  let port = configPort(c, 'port');
  let useSSL = configBoolean(c, 'useSSL');
  const endpoint = configString(c, 'endpoint');
  if (endpoint !== undefined) {
    const url = configEndpointUrl(endpoint, { example: 'http://127.0.0.1:9000', keys: 'accessKey / secretKey' });
    if (url.pathname !== '/' && url.pathname !== '') throw new InvalidArgumentError('config.endpoint', 'must not have a path (the MinIO client addresses buckets itself)');
    endPoint ??= url.hostname.replace(/^\[|\]$/g, '');
    port ??= url.port ? Number(url.port) : undefined;
    useSSL ??= url.protocol === 'https:';
  }
  if (endPoint === undefined) throw new InvalidArgumentError('config.endPoint', 'is required (or give endpoint: "http://host:port")');
  useSSL ??= true;

  let ca = c.ca as ResolvedMinioConfig['ca'];
  const caFile = configString(c, 'caFile');
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new InvalidArgumentError('config.caFile', `cannot be read (${(e as Error).message})`);
    }
  }

  const accessKey = configString(c, 'accessKey') ?? configString(c, 'accessKeyId');
  const secretKey = configString(c, 'secretKey') ?? configString(c, 'secretAccessKey');
  const sessionToken = configString(c, 'sessionToken');
  if ((accessKey === undefined) !== (secretKey === undefined)) throw new InvalidArgumentError('config.secretKey', 'accessKey and secretKey go together');
  if (sessionToken !== undefined && accessKey === undefined) throw new InvalidArgumentError('config.sessionToken', 'needs accessKey and secretKey too');
  if (secretKey !== undefined) registerSecret(secretKey);
  if (sessionToken !== undefined) registerSecret(sessionToken);

  let credentialsProvider: CredentialProvider | undefined;
  const provider = c.credentialsProvider;
  if (typeof provider === 'function') credentialsProvider = new FunctionCredentialProvider(provider as () => Promise<MinioCredentials>);
  else if (provider !== undefined && provider !== null) {
    if (typeof (provider as CredentialProvider).getCredentials !== 'function') {
      throw new InvalidArgumentError('config.credentialsProvider', 'must be a MinIO CredentialProvider or a function returning { accessKey, secretKey, sessionToken? }');
    }
    credentialsProvider = provider as CredentialProvider;
  }

  const serverProfile = (configString(c, 'serverProfile') ?? 'minio') as S3ServerProfile;
  if (!S3_SERVER_PROFILE_NAMES.includes(serverProfile)) throw new InvalidArgumentError('config.serverProfile', `must be one of ${S3_SERVER_PROFILE_NAMES.join(', ')}`);

  const agent = (c.agent ?? c.transportAgent) as http.Agent | undefined;
  if (agent !== undefined && (agent === null || typeof agent !== 'object' || typeof (agent as { destroy?: unknown }).destroy !== 'function')) {
    throw new InvalidArgumentError('config.agent', 'must be an http.Agent or https.Agent');
  }
  const proxy = configString(c, 'proxy');
  if (proxy !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(proxy);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'http:') throw new InvalidArgumentError('config.proxy', 'must be an http:// URL (a CONNECT proxy)');
    if (url.password) registerSecret(decodeURIComponent(url.password));
    if (agent !== undefined) throw new InvalidArgumentError('config.proxy', 'give either proxy or agent, not both');
  }
  const capabilities = c.capabilities;
  if (capabilities !== undefined && (capabilities === null || typeof capabilities !== 'object' || Array.isArray(capabilities))) {
    throw new InvalidArgumentError('config.capabilities', 'must be a record of capability overrides');
  }
  const encryption = c.encryption as Encryption | undefined;
  if (encryption !== undefined && (encryption === null || typeof encryption !== 'object')) throw new InvalidArgumentError('config.encryption', 'must be { type: "SSE-C" | "SSE-S3" | "SSE-KMS", … }');
  if (encryption?.type === 'SSE-C') registerSecret(Buffer.from(encryption.key as Uint8Array).toString('base64'));

  const maxSockets = c.maxSockets === undefined ? undefined : Number(c.maxSockets);
  if (maxSockets !== undefined && (!Number.isInteger(maxSockets) || maxSockets < 1)) throw new InvalidArgumentError('config.maxSockets', 'must be a positive integer');

  return {
    endPoint,
    port: port ?? (useSSL ? 443 : 80),
    useSSL,
    region: configString(c, 'region'),
    accessKey,
    secretKey,
    sessionToken,
    credentialsProvider,
    ca,
    rejectUnauthorized: configBoolean(c, 'rejectUnauthorized') ?? true,
    agent,
    proxy,
    maxSockets,
    pathStyle: configBoolean(c, 'pathStyle') ?? true,
    serverProfile,
    capabilities: capabilities as ResolvedMinioConfig['capabilities'],
    encryption,
  };
}

/** A credentials function as the MinIO client's CredentialProvider, cached until a minute before `expiration`. */
class FunctionCredentialProvider extends CredentialProvider {
  private cached: { credentials: Credentials; until: number } | undefined;
  private pending: Promise<Credentials> | undefined;

  constructor(private readonly fn: () => Promise<MinioCredentials>) {
    super({ accessKey: '', secretKey: '' });
  }

  override async getCredentials(): Promise<Credentials> {
    if (this.cached && Date.now() < this.cached.until) return this.cached.credentials;
    this.pending ??= (async () => {
      try {
        const c = await this.fn();
        if (!c || typeof c.accessKey !== 'string' || typeof c.secretKey !== 'string') throw new InvalidArgumentError('credentialsProvider', 'must resolve to { accessKey, secretKey, sessionToken? }');
        registerSecret(c.secretKey);
        if (c.sessionToken) registerSecret(c.sessionToken);
        const credentials = new Credentials({ accessKey: c.accessKey, secretKey: c.secretKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) });
        this.cached = { credentials, until: c.expiration instanceof Date ? c.expiration.getTime() - 60_000 : 0 };
        return credentials;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}
