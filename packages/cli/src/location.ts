import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_PROVIDERS } from '@stowage/core';
import { UsageError } from './exit-codes.js';

/** A local path (or `-` for stdin / stdout). */
export interface LocalLocation {
  kind: 'local';
  /** Absolute path; empty for stdio. */
  path: string;
  /** `-`: stdin as a source, stdout as a destination. */
  stdio: boolean;
  /** The path as written ends with a separator (`dir/`): it names a folder. */
  trailingSlash: boolean;
  raw: string;
}

/**
 * An object (or bucket, or prefix) address: `provider://bucket/key?setting=value`.
 * The authority is the bucket; the path after it is the key (or prefix);
 * both are percent-decoded. The query holds store settings for this
 * location only (they win over flags, environment and profile).
 */
export interface RemoteLocation {
  kind: 'remote';
  provider: string;
  /** Absent for `s3://` (all buckets). */
  bucket: string | undefined;
  /** The key or prefix; '' when the URL names only a bucket. */
  key: string;
  /** The key as written ends with `/` (or is empty): it names a folder / prefix. */
  trailingSlash: boolean;
  /** Settings from the query string, verbatim (values are strings). */
  query: Record<string, string>;
  raw: string;
}

export type Location = LocalLocation | RemoteLocation;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is;

/**
 * Parses a command-line address. `allowProviders` lists third-party provider
 * packages the user allowed with `--allow-provider` (a scheme that is
 * neither built in nor allowed is a usage error, so a typo is never taken
 * for a local path).
 */
export function parseLocation(text: string, options: { cwd?: string; allowProviders?: readonly string[] } = {}): Location {
  const cwd = options.cwd ?? process.cwd();
  if (text === '-') return { kind: 'local', path: '', stdio: true, trailingSlash: false, raw: text };
  const m = SCHEME.exec(text);
  if (!m) {
    if (text === '') throw new UsageError('an empty path is not a location');
    return { kind: 'local', path: isAbsolute(text) ? resolve(text) : resolve(cwd, text), stdio: false, trailingSlash: /[/\\]$/.test(text), raw: text };
  }
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'file') {
    let path: string;
    try {
      path = fileURLToPath(text);
    } catch (e) {
      throw new UsageError(`${text} is not a valid file: URL (${(e as Error).message})`);
    }
    return { kind: 'local', path, stdio: false, trailingSlash: text.endsWith('/'), raw: text };
  }
  if (BUILTIN_PROVIDERS[scheme] === undefined && !options.allowProviders?.includes(scheme)) {
    throw new UsageError(
      `unknown provider "${scheme}" in ${text}`,
      `built in: ${Object.keys(BUILTIN_PROVIDERS).join(', ')}; a third-party provider package needs --allow-provider ${scheme}`,
    );
  }
  const q = rest.indexOf('?');
  const pathPart = q === -1 ? rest : rest.slice(0, q);
  const queryPart = q === -1 ? '' : rest.slice(q + 1);
  const slash = pathPart.indexOf('/');
  const rawBucket = slash === -1 ? pathPart : pathPart.slice(0, slash);
  const rawKey = slash === -1 ? '' : pathPart.slice(slash + 1);
  if (/[@:]/.test(rawBucket)) {
    throw new UsageError(
      `${scheme}://${rawBucket}…: the part after ${scheme}:// is the bucket name; credentials and hosts do not go in object URLs`,
      'give the endpoint with ?endpoint=http://host:port, --endpoint or STOWAGE_ENDPOINT, and keys with a profile or STOWAGE_ACCESS_KEY_ID / STOWAGE_SECRET_ACCESS_KEY',
    );
  }
  const bucket = rawBucket === '' ? undefined : decode(rawBucket, text);
  const key = decode(rawKey, text);
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(queryPart)) {
    if (name in query) throw new UsageError(`${name} is given twice in ${text}`);
    query[name] = value;
  }
  if (bucket === undefined && key !== '') throw new UsageError(`${text} has a key but no bucket (write ${scheme}://bucket/key)`);
  return { kind: 'remote', provider: scheme, bucket, key, trailingSlash: key === '' || key.endsWith('/'), query, raw: text };
}

function decode(part: string, whole: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`${whole}: a "%" must start a percent-escape in an object URL`, 'write %25 for a literal "%", %3F for "?", %20 for a space');
  }
}

/** `provider://bucket/key` for messages and JSON (settings left out, the key percent-encoded only where needed). */
export function formatLocation(provider: string, bucket: string | undefined, key = ''): string {
  const enc = (s: string) => s.replace(/[%?\s]/g, (c) => encodeURIComponent(c));
  return `${provider}://${bucket === undefined ? '' : enc(bucket)}${key === '' ? '' : `/${enc(key)}`}`;
}

/** Describes a location for humans (no settings: they may hold secrets). */
export function showLocation(location: Location): string {
  if (location.kind === 'local') return location.stdio ? '-' : location.path;
  return formatLocation(location.provider, location.bucket, location.key);
}
