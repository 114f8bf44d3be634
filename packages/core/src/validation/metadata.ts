import { InvalidArgumentError } from '../errors/stowage-error.js';
import { utf8Length } from './object-key.js';

/**
 * User metadata rules, defined once for every backend:
 * - names are HTTP tokens, case-insensitive, and always returned lower-case;
 * - values may be any Unicode text without control characters; a value that
 *   would not survive an HTTP header as-is (non-ASCII, leading/trailing
 *   whitespace, or one that itself looks like an encoded word) is sent as an
 *   RFC 2047 encoded word (`=?UTF-8?B?…?=`, what AWS itself returns for such
 *   values) and decoded back on read, so every value round-trips exactly;
 * - names plus encoded values total at most the backend's `maxMetadataBytes`.
 */
export type Metadata = Record<string, string>;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const ENCODED_WORD = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/i;

function needsEncoding(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[^\u0020-\u007e]/.test(value) || value !== value.trim() || value.startsWith('=?');
}

export function encodeMetadataValue(value: string): string {
  if (!needsEncoding(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export function decodeMetadataValue(value: string): string {
  const m = ENCODED_WORD.exec(value.trim());
  if (!m) return value;
  return Buffer.from(m[1] ?? '', 'base64').toString('utf8');
}

/**
 * Validates, lower-cases names and encodes values for the wire. Each entry
 * counts its name, its encoded value and `entryOverhead` bytes against `maxBytes`.
 */
export function encodeMetadata(metadata: unknown, maxBytes: number, entryOverhead = 0): Metadata {
  if (metadata === undefined) return {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new InvalidArgumentError('metadata', 'must be a record of strings');
  const out: Metadata = {};
  let total = 0;
  for (const [rawName, value] of Object.entries(metadata as Record<string, unknown>)) {
    if (!TOKEN.test(rawName)) throw new InvalidArgumentError(`metadata.${rawName}`, 'name must be an HTTP token (letters, digits and !#$%&\'*+-.^_`|~)');
    const name = rawName.toLowerCase();
    if (name in out) throw new InvalidArgumentError(`metadata.${rawName}`, 'duplicates another name when lower-cased');
    if (typeof value !== 'string') throw new InvalidArgumentError(`metadata.${name}`, 'value must be a string');
    if (CONTROL.test(value)) throw new InvalidArgumentError(`metadata.${name}`, 'value must not contain control characters');
    const encoded = encodeMetadataValue(value);
    total += utf8Length(name) + utf8Length(encoded) + entryOverhead;
    out[name] = encoded;
  }
  if (total > maxBytes) throw new InvalidArgumentError('metadata', `names and values total ${total} bytes${entryOverhead ? ` (counting ${entryOverhead} per entry)` : ''}, over the backend limit of ${maxBytes}`);
  return out;
}

/** Lower-cases names and decodes values read back from a backend. */
export function decodeMetadata(metadata: Record<string, string> | undefined): Metadata {
  const out: Metadata = {};
  if (!metadata) return out;
  for (const [name, value] of Object.entries(metadata)) out[name.toLowerCase()] = decodeMetadataValue(value);
  return out;
}
