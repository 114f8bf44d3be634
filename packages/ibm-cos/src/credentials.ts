import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, registerSecret } from '@stowage/core';

/** IAM: an API key exchanged for bearer tokens at the IAM token endpoint. */
export interface IamCredentials {
  kind: 'iam';
  apiKey: string;
  /** The COS service instance (resource instance id / CRN): sent on CreateBucket and ListBuckets. */
  serviceInstanceId?: string;
  /** Where tokens come from (default `https://iam.cloud.ibm.com/identity/token`). */
  ibmAuthEndpoint?: string;
}

/** HMAC keys: SigV4 signatures, as any S3 server takes them. */
export interface HmacCredentials {
  kind: 'hmac';
  accessKeyId: string;
  secretAccessKey: string;
}

export type IbmCredentials = IamCredentials | HmacCredentials;

/** Where the credentials came from (for messages and tests; never the secret). */
export type CredentialSource = 'config' | 'environment' | 'cos_credentials' | 'aws_credentials';

export interface ResolvedCredentials {
  /** What signs requests. */
  auth: IbmCredentials;
  /** HMAC keys found beside an API key (presigned URLs need them: IAM tokens cannot presign). */
  hmac?: HmacCredentials;
  source: CredentialSource;
  /** The file read, for the file sources. */
  file?: string;
}

export interface CredentialLookup {
  /** Explicit config values (highest precedence). */
  apiKey?: unknown;
  serviceInstanceId?: unknown;
  ibmAuthEndpoint?: unknown;
  accessKeyId?: unknown;
  secretAccessKey?: unknown;
  /** `~/.bluemix/cos_credentials` (or `$COS_CREDENTIALS_FILE`). */
  cosCredentialsFile?: string;
  /** `~/.aws/credentials` (or `$AWS_SHARED_CREDENTIALS_FILE`). */
  awsCredentialsFile?: string;
  /** The profile of the AWS credentials file (default `$AWS_PROFILE` or `default`). */
  profile?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export const DEFAULT_IAM_ENDPOINT = 'https://iam.cloud.ibm.com/identity/token';

/**
 * Finds the credentials, first match wins:
 *
 * 1. explicit config (`apiKey` [+ `serviceInstanceId`], or `accessKeyId` + `secretAccessKey`);
 * 2. the environment (`IBM_API_KEY_ID` [+ `IBM_SERVICE_INSTANCE_ID`, `IBM_AUTH_ENDPOINT`],
 *    or `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`);
 * 3. `~/.bluemix/cos_credentials` (JSON, as the IBM Cloud console's service credential):
 *    HMAC keys (`cos_hmac_keys`) there mean signature auth, otherwise its `apikey`;
 * 4. `~/.aws/credentials` (INI): `aws_access_key_id` / `aws_secret_access_key`, or
 *    `ibm_api_key_id` / `ibm_service_instance_id` / `ibm_auth_endpoint`.
 *
 * With both an API key and HMAC keys in one source, `preferHmac` decides which
 * signs (the cos_credentials file prefers HMAC); the HMAC keys are kept for
 * presigning either way. A file that exists but cannot be used is an error
 * naming the file and the problem, never a value from it.
 */
export function resolveCredentials(lookup: CredentialLookup): ResolvedCredentials {
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? env.HOME ?? homedir();

  const explicit = fromValues(
    { apiKey: lookup.apiKey, serviceInstanceId: lookup.serviceInstanceId, ibmAuthEndpoint: lookup.ibmAuthEndpoint, accessKeyId: lookup.accessKeyId, secretAccessKey: lookup.secretAccessKey },
    'config',
    false,
  );
  if (explicit) return register(explicit);

  const fromEnv = fromValues(
    {
      apiKey: env.IBM_API_KEY_ID,
      serviceInstanceId: env.IBM_SERVICE_INSTANCE_ID ?? lookup.serviceInstanceId,
      ibmAuthEndpoint: env.IBM_AUTH_ENDPOINT ?? lookup.ibmAuthEndpoint,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    },
    'environment',
    false,
  );
  if (fromEnv) return register(fromEnv);

  const cosFile = lookup.cosCredentialsFile ?? env.COS_CREDENTIALS_FILE ?? join(home, '.bluemix', 'cos_credentials');
  if (existsSync(cosFile)) {
    const found = readCosCredentials(cosFile, lookup);
    return register(found);
  }

  const awsFile = lookup.awsCredentialsFile ?? env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  if (existsSync(awsFile)) {
    const found = readAwsCredentials(awsFile, lookup.profile ?? env.AWS_PROFILE ?? 'default', lookup);
    return register(found);
  }

  throw new InvalidArgumentError(
    'config.credentials',
    `no IBM COS credentials found: give apiKey (+ serviceInstanceId) or accessKeyId + secretAccessKey, set IBM_API_KEY_ID or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or create ${cosFile} (or ${awsFile})`,
  );
}

interface Values {
  apiKey: unknown;
  serviceInstanceId: unknown;
  ibmAuthEndpoint: unknown;
  accessKeyId: unknown;
  secretAccessKey: unknown;
}

function str(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') throw new InvalidArgumentError(field, 'must be a string');
  return value;
}

function fromValues(v: Values, source: CredentialSource, preferHmac: boolean, file?: string): ResolvedCredentials | undefined {
  const where = file ?? (source === 'config' ? 'config' : 'the environment');
  const field = (name: string) => (source === 'config' ? `config.${name}` : `credentials (${where}): ${name}`);
  const apiKey = str(v.apiKey, field('apiKey'));
  const accessKeyId = str(v.accessKeyId, field('accessKeyId'));
  const secretAccessKey = str(v.secretAccessKey, field('secretAccessKey'));
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new InvalidArgumentError(field(accessKeyId === undefined ? 'accessKeyId' : 'secretAccessKey'), `HMAC keys need both an access key id and a secret access key (in ${where})`);
  }
  const hmac: HmacCredentials | undefined = accessKeyId !== undefined ? { kind: 'hmac', accessKeyId, secretAccessKey: secretAccessKey! } : undefined;
  let iam: IamCredentials | undefined;
  if (apiKey !== undefined) {
    iam = { kind: 'iam', apiKey };
    const instance = str(v.serviceInstanceId, field('serviceInstanceId'));
    if (instance !== undefined) iam.serviceInstanceId = instance;
    const endpoint = str(v.ibmAuthEndpoint, field('ibmAuthEndpoint'));
    if (endpoint !== undefined) {
      checkUrl(endpoint, field('ibmAuthEndpoint'));
      iam.ibmAuthEndpoint = endpoint;
    }
  }
  if (!iam && !hmac) return undefined;
  const out: ResolvedCredentials = { auth: iam && !(preferHmac && hmac) ? iam : hmac!, source };
  if (hmac) out.hmac = hmac;
  if (file !== undefined) out.file = file;
  return out;
}

function checkUrl(value: string, field: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(field, 'must be an http: or https: URL');
}

/** The IBM Cloud console's service credential, saved as JSON. */
function readCosCredentials(file: string, lookup: CredentialLookup): ResolvedCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError('credentials', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message may quote the file's text (a key): say only where it broke.
    throw new InvalidArgumentError('credentials', `${file} is not valid JSON (expected the service credential: { "apikey": …, "resource_instance_id": …, "cos_hmac_keys": { "access_key_id": …, "secret_access_key": … } })`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InvalidArgumentError('credentials', `${file} must hold a JSON object (the service credential)`);
  const c = json as Record<string, unknown>;
  const hmacKeys = c.cos_hmac_keys;
  if (hmacKeys !== undefined && (hmacKeys === null || typeof hmacKeys !== 'object')) throw new InvalidArgumentError('credentials', `${file}: cos_hmac_keys must be an object with access_key_id and secret_access_key`);
  const h = (hmacKeys ?? {}) as Record<string, unknown>;
  const found = fromValues(
    {
      apiKey: c.apikey,
      serviceInstanceId: c.resource_instance_id ?? lookup.serviceInstanceId,
      ibmAuthEndpoint: c.iam_auth_endpoint ?? lookup.ibmAuthEndpoint,
      accessKeyId: h.access_key_id,
      secretAccessKey: h.secret_access_key,
    },
    'cos_credentials',
    true,
    file,
  );
  if (!found) throw new InvalidArgumentError('credentials', `${file} has neither cos_hmac_keys (access_key_id, secret_access_key) nor an apikey`);
  return found;
}

/** `~/.aws/credentials`: INI, one section per profile. */
function readAwsCredentials(file: string, profile: string, lookup: CredentialLookup): ResolvedCredentials {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidArgumentError('credentials', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (section) {
      current = {};
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) throw new InvalidArgumentError('credentials', `${file} line ${i + 1} is not "[profile]" or "name = value"`);
    current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  const p = sections.get(profile);
  if (!p) throw new InvalidArgumentError('credentials', `${file} has no [${profile}] profile (profiles: ${[...sections.keys()].join(', ') || 'none'})`);
  const found = fromValues(
    {
      apiKey: p.ibm_api_key_id,
      serviceInstanceId: p.ibm_service_instance_id ?? lookup.serviceInstanceId,
      ibmAuthEndpoint: p.ibm_auth_endpoint ?? lookup.ibmAuthEndpoint,
      accessKeyId: p.aws_access_key_id,
      secretAccessKey: p.aws_secret_access_key,
    },
    'aws_credentials',
    false,
    file,
  );
  if (!found) throw new InvalidArgumentError('credentials', `${file} [${profile}] has neither aws_access_key_id / aws_secret_access_key nor ibm_api_key_id`);
  return found;
}

function register(found: ResolvedCredentials): ResolvedCredentials {
  if (found.auth.kind === 'iam') registerSecret(found.auth.apiKey);
  else registerSecret(found.auth.secretAccessKey);
  if (found.hmac) registerSecret(found.hmac.secretAccessKey);
  return found;
}
