import { InvalidArgumentError } from '../errors/stowage-error.js';
import type { ProviderConfig } from './provider-module.js';

/**
 * `scheme://[accessKey:secret@]host[:port][/bucket][?setting=value…]` → a
 * provider config: the scheme names the provider, `host` the endpoint host,
 * the first path segment a default `bucket`, query parameters become settings
 * (`true` / `false` / numbers are converted). Examples: `memory://`,
 * `s3://?endpoint=http://127.0.0.1:7480&region=us-east-1&forcePathStyle=true`,
 * `minio://127.0.0.1:9000?useSSL=false`.
 */
export function parseStoreUrl(url: string): ProviderConfig {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (!m) throw new InvalidArgumentError('url', 'must look like provider://… (e.g. memory:// or s3://?region=us-east-1)');
  const provider = m[1]!.toLowerCase();
  let parsed: URL;
  try {
    parsed = new URL(`stowage://${m[2]}`);
  } catch {
    throw new InvalidArgumentError('url', 'is not a valid URL');
  }
  const config: ProviderConfig = { provider };
  if (parsed.hostname) config.host = parsed.hostname;
  if (parsed.port) config.port = Number(parsed.port);
  if (parsed.username) config.accessKeyId = decodeURIComponent(parsed.username);
  if (parsed.password) config.secretAccessKey = decodeURIComponent(parsed.password);
  const bucket = parsed.pathname.split('/').filter(Boolean)[0];
  if (bucket) config.bucket = decodeURIComponent(bucket);
  for (const [name, value] of parsed.searchParams) config[name] = coerce(value);
  return config;
}

function coerce(value: string): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16) return Number(value);
  return value;
}
