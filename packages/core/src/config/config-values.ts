import { InvalidArgumentError } from '../errors/stowage-error.js';

/**
 * Reading one setting of an adapter's config object, which may come from a
 * store URL (`s3://?port=9000&useSSL=false`): there values arrive as strings
 * or numbers and are coerced. Absent, null and '' all mean "not set"; a value
 * of the wrong kind is an InvalidArgumentError naming `config.<name>`.
 */

/** A string setting (a number is taken as its decimal string). */
export function configString(c: Record<string, unknown>, name: string): string | undefined {
  const v = c[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new InvalidArgumentError(`config.${name}`, 'must be a string');
  return v;
}

/** A boolean setting: `true` / `false`, or `"true"`, `"1"`, `1` / `"false"`, `"0"`, `0`. */
export function configBoolean(c: Record<string, unknown>, name: string): boolean | undefined {
  const v = c[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw new InvalidArgumentError(`config.${name}`, 'must be true or false');
}

/** A TCP port setting: an integer from 1 to 65535 (or its string). */
export function configPort(c: Record<string, unknown>, name: string): number | undefined {
  const v = c[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError(`config.${name}`, 'must be a port number');
  return n;
}

/**
 * The config object itself: an object whose every setting is one the adapter
 * knows (a typo is an InvalidArgumentError naming it and the known ones).
 */
export function configObject(input: unknown, packageName: string, known: ReadonlySet<string>): Record<string, unknown> {
  if (input === null || typeof input !== 'object') throw new InvalidArgumentError('config', 'must be an object');
  const c = input as Record<string, unknown>;
  for (const name of Object.keys(c)) {
    if (!known.has(name)) throw new InvalidArgumentError(`config.${name}`, `is not an ${packageName} setting (known: ${[...known].join(', ')})`);
  }
  return c;
}

/** `endpoint`, or one made of `host`, `port` and `useSSL` (the URL form `provider://host:port?useSSL=false`). */
export function configEndpoint(c: Record<string, unknown>): string | undefined {
  const endpoint = configString(c, 'endpoint');
  const host = configString(c, 'host');
  if (endpoint !== undefined || host === undefined) return endpoint;
  const useSSL = configBoolean(c, 'useSSL') ?? true;
  const port = configPort(c, 'port');
  return `${useSSL ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}${port !== undefined ? `:${port}` : ''}`;
}

/**
 * An endpoint as a URL: absolute, http: or https:, without user or password
 * (`keys` names the settings credentials go in instead; `example` is shown
 * when it does not parse).
 */
export function configEndpointUrl(endpoint: string, hint: { example: string; keys?: string }): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidArgumentError('config.endpoint', `must be an absolute http(s) URL, e.g. ${hint.example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('config.endpoint', 'must be an http: or https: URL');
  if (url.username || url.password) throw new InvalidArgumentError('config.endpoint', `must not carry credentials${hint.keys ? ` (use ${hint.keys})` : ''}`);
  return url;
}
