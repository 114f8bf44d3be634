import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { registerSecret, type ProviderConfig } from '@stowage/core';
import { UsageError } from './exit-codes.js';
import type { RemoteLocation } from './location.js';

/**
 * The store settings the CLI knows by name, whatever the provider. Each maps
 * to the adapter's own setting name where the adapter has one (see
 * `PROVIDER_SETTINGS`); settings that do not apply to a provider are dropped
 * when they come from flags or the environment.
 */
export interface CliSettings {
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** The server behind an S3-compatible endpoint: `aws`, `ceph-rgw`, `minio`, `generic` (`ibm-cloud` for ibm-cos). */
  serverProfile?: string;
  /** A profile of `~/.aws/config` / `credentials` (s3, ibm-cos). */
  awsProfile?: string;
  /** IBM Cloud IAM API key (ibm-cos). */
  apiKey?: string;
  serviceInstanceId?: string;
  ibmAuthEndpoint?: string;
  forcePathStyle?: boolean;
  /** PEM file of trusted CAs (minio). */
  caFile?: string;
}

export const SETTING_NAMES: readonly (keyof CliSettings)[] = [
  'endpoint',
  'region',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'serverProfile',
  'awsProfile',
  'apiKey',
  'serviceInstanceId',
  'ibmAuthEndpoint',
  'forcePathStyle',
  'caFile',
];

/** Values that must never be printed. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(['secretAccessKey', 'sessionToken', 'apiKey', 'secretKey', 'password', 'token', 'sseCustomerKey']);
const SECRET_NAME = /secret|token|password|apikey|api_key|credential/i;

/** Environment variables, one per setting (flags > environment > profile). */
export const ENV_SETTINGS: Readonly<Record<string, keyof CliSettings>> = {
  STOWAGE_ENDPOINT: 'endpoint',
  STOWAGE_REGION: 'region',
  STOWAGE_ACCESS_KEY_ID: 'accessKeyId',
  STOWAGE_SECRET_ACCESS_KEY: 'secretAccessKey',
  STOWAGE_SESSION_TOKEN: 'sessionToken',
  STOWAGE_SERVER_PROFILE: 'serverProfile',
  STOWAGE_AWS_PROFILE: 'awsProfile',
  STOWAGE_API_KEY: 'apiKey',
  STOWAGE_SERVICE_INSTANCE_ID: 'serviceInstanceId',
  STOWAGE_IBM_AUTH_ENDPOINT: 'ibmAuthEndpoint',
  STOWAGE_FORCE_PATH_STYLE: 'forcePathStyle',
  STOWAGE_CA_FILE: 'caFile',
};

/**
 * Which CLI settings each built-in provider takes, and under which adapter
 * setting name. A third-party provider gets every setting under its CLI name.
 */
export const PROVIDER_SETTINGS: Readonly<Record<string, Partial<Record<keyof CliSettings, string>>>> = {
  memory: {},
  s3: { endpoint: 'endpoint', region: 'region', accessKeyId: 'accessKeyId', secretAccessKey: 'secretAccessKey', sessionToken: 'sessionToken', serverProfile: 'serverProfile', awsProfile: 'profile', forcePathStyle: 'forcePathStyle' },
  minio: { endpoint: 'endpoint', region: 'region', accessKeyId: 'accessKeyId', secretAccessKey: 'secretAccessKey', sessionToken: 'sessionToken', serverProfile: 'serverProfile', forcePathStyle: 'pathStyle', caFile: 'caFile' },
  'ibm-cos': {
    endpoint: 'endpoint',
    region: 'region',
    accessKeyId: 'accessKeyId',
    secretAccessKey: 'secretAccessKey',
    serverProfile: 'serverProfile',
    awsProfile: 'profile',
    forcePathStyle: 'forcePathStyle',
    apiKey: 'apiKey',
    serviceInstanceId: 'serviceInstanceId',
    ibmAuthEndpoint: 'ibmAuthEndpoint',
  },
  mediastore: { endpoint: 'endpoint', region: 'region', accessKeyId: 'accessKeyId', secretAccessKey: 'secretAccessKey', sessionToken: 'sessionToken' },
};

/** One named profile of the config file: a provider (optional) and settings. */
export interface ProfileEntry {
  provider?: string;
  [setting: string]: unknown;
}

/** `~/.config/stowage/config.json` (or `$STOWAGE_CONFIG`, or `--config`). */
export interface ConfigFile {
  /** The profile used when none is named (else none). */
  defaultProfile?: string;
  profiles?: Record<string, ProfileEntry>;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STOWAGE_CONFIG) return resolve(env.STOWAGE_CONFIG);
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), '.config');
  return join(base, 'stowage', 'config.json');
}

/** Reads the config file; a missing default file is an empty config, a missing named one an error. */
export function loadConfigFile(path: string, explicit: boolean): ConfigFile {
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`config file ${path} does not exist`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`config file ${path} must hold a JSON object ({ "profiles": { … } })`);
  const file = parsed as ConfigFile;
  if (file.profiles !== undefined && (file.profiles === null || typeof file.profiles !== 'object' || Array.isArray(file.profiles))) {
    throw new UsageError(`config file ${path}: "profiles" must be an object of named profiles`);
  }
  for (const [name, profile] of Object.entries(file.profiles ?? {})) {
    if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) throw new UsageError(`config file ${path}: profile "${name}" must be an object`);
    registerSecretsIn(profile);
  }
  return file;
}

/** Registers every secret-looking string value (by name) with core's redaction. */
export function registerSecretsIn(settings: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(settings)) {
    if (typeof value === 'string' && (SECRET_SETTINGS.has(name) || SECRET_NAME.test(name))) registerSecret(value);
  }
}

/** Settings from `STOWAGE_*` variables. */
export function envSettings(env: NodeJS.ProcessEnv = process.env): CliSettings {
  const out: Record<string, unknown> = {};
  for (const [variable, name] of Object.entries(ENV_SETTINGS)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    out[name] = name === 'forcePathStyle' ? parseBool(value, variable) : value;
  }
  registerSecretsIn(out);
  return out as CliSettings;
}

export function parseBool(value: string, what: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new UsageError(`${what} must be true or false, got "${value}"`);
}

/** Everything that decides a store's settings, gathered once per invocation. */
export interface SettingsSources {
  flags: CliSettings;
  env: CliSettings;
  file: ConfigFile;
  configPath: string;
  /** `--profile` or `STOWAGE_PROFILE`. */
  profile: string | undefined;
}

export interface ResolvedStoreConfig {
  config: ProviderConfig;
  /** Where each setting came from (for `--verbose`). */
  origins: Record<string, 'query' | 'flag' | 'env' | 'profile' | 'location'>;
  profile: string | undefined;
  /** Settings given by flags / env / profile that this provider does not take. */
  dropped: string[];
}

/**
 * The provider config for a location: profile < environment < flags < the
 * location's query string. Secrets are registered for redaction before
 * anything is returned.
 */
export function resolveStoreConfig(location: RemoteLocation, sources: SettingsSources): ResolvedStoreConfig {
  const query: Record<string, unknown> = { ...location.query };
  registerSecretsIn(query);
  const profileName = takeString(query, 'profile') ?? sources.profile ?? sources.file.defaultProfile;
  let profile: ProfileEntry = {};
  if (profileName !== undefined) {
    const found = sources.file.profiles?.[profileName];
    if (found === undefined) {
      const known = Object.keys(sources.file.profiles ?? {});
      throw new UsageError(
        `no profile "${profileName}" in ${sources.configPath}`,
        `${known.length ? `profiles there: ${known.join(', ')}` : 'that file defines no profiles'}; for an AWS shared-config profile use --aws-profile`,
      );
    }
    profile = found;
    if (profile.provider !== undefined && profile.provider !== location.provider) {
      throw new UsageError(`profile "${profileName}" is for provider "${String(profile.provider)}", but ${location.raw.split('?')[0]} is a ${location.provider}:// address`);
    }
  }

  const mapping = PROVIDER_SETTINGS[location.provider];
  const config: ProviderConfig = { provider: location.provider };
  const origins: ResolvedStoreConfig['origins'] = {};
  const dropped: string[] = [];
  const apply = (settings: Record<string, unknown>, origin: 'flag' | 'env' | 'profile', passThrough: boolean) => {
    for (const [name, value] of Object.entries(settings)) {
      if (value === undefined || name === 'provider') continue;
      const known = (SETTING_NAMES as readonly string[]).includes(name);
      if (!known) {
        if (passThrough) {
          config[name] = value;
          origins[name] = origin;
        }
        continue;
      }
      const target = mapping === undefined ? name : mapping[name as keyof CliSettings];
      if (target === undefined) {
        dropped.push(`${name} (${origin})`);
        continue;
      }
      config[target] = value;
      origins[target] = origin;
    }
  };
  apply(profile, 'profile', true);
  apply(sources.env as Record<string, unknown>, 'env', false);
  apply(sources.flags as Record<string, unknown>, 'flag', false);
  // The query is the adapter's own vocabulary (as in core's store URLs), plus the CLI names.
  for (const [name, value] of Object.entries(query)) {
    const target = mapping?.[name as keyof CliSettings] ?? name;
    config[target] = coerce(value as string);
    origins[target] = 'query';
  }
  if (location.provider === 'mediastore' && location.bucket !== undefined) {
    // The container behind the endpoint is the Store's one bucket.
    config.container = location.bucket;
    origins.container = 'location';
  }
  registerSecretsIn(config);
  return { config, origins, profile: profileName, dropped };
}

function takeString(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  delete record[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** As core's parseStoreUrl: `true` / `false` and short numbers become typed. */
function coerce(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16) return Number(value);
  return value;
}

/** The config with secrets masked, for `--verbose`. */
export function describeConfig(resolved: ResolvedStoreConfig): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(resolved.config)) {
    if (name === 'provider') continue;
    const shown = SECRET_SETTINGS.has(name) || SECRET_NAME.test(name) ? '[REDACTED]' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    parts.push(`${name}=${shown} (${resolved.origins[name] ?? '?'})`);
  }
  return `${resolved.config.provider}${resolved.profile ? ` [profile ${resolved.profile}]` : ''}: ${parts.join(', ') || 'no settings'}${
    resolved.dropped.length ? `; not used by ${resolved.config.provider}: ${resolved.dropped.join(', ')}` : ''
  }`;
}
