import { decodeMetadataValue, encodeMetadataValue, type ContentHeaders, type ObjectInfo, type ReadConditions, type Retention } from '@stowage/core';
import type { RequestContext } from '../../http/context.js';
import { HttpError } from '../../http/errors.js';

/** RFC 1123 (`Last-Modified`, `Date`). */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** ISO 8601 with milliseconds, as S3 writes dates in XML. */
export function isoDate(d: Date): string {
  return d.toISOString();
}

/** `x-amz-meta-*` headers → metadata with decoded values (the Store encodes them again for its backend). */
export function readMetadata(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ctx.headerNames()) {
    if (!name.startsWith('x-amz-meta-')) continue;
    out[name.slice('x-amz-meta-'.length)] = decodeMetadataValue(ctx.header(name) ?? '');
  }
  return out;
}

export function readContentHeaders(ctx: RequestContext): ContentHeaders {
  const out: ContentHeaders = {};
  const type = ctx.header('content-type');
  if (type !== undefined) out.contentType = type;
  const cache = ctx.header('cache-control');
  if (cache !== undefined) out.cacheControl = cache;
  const disposition = ctx.header('content-disposition');
  if (disposition !== undefined) out.contentDisposition = disposition;
  const encoding = ctx.header('content-encoding');
  if (encoding !== undefined) {
    // aws-chunked is the transfer framing, not the object's encoding.
    const rest = encoding
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked');
    if (rest.length > 0) out.contentEncoding = rest.join(',');
  }
  return out;
}

/** `x-amz-object-lock-mode` + `-retain-until-date` and `-legal-hold`. */
export function readLockHeaders(ctx: RequestContext): { retention?: Retention; legalHold?: boolean } {
  const out: { retention?: Retention; legalHold?: boolean } = {};
  const mode = ctx.header('x-amz-object-lock-mode');
  const until = ctx.header('x-amz-object-lock-retain-until-date');
  if ((mode === undefined) !== (until === undefined)) {
    throw new HttpError(400, 'InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied', {
      ArgumentName: mode === undefined ? 'x-amz-object-lock-mode' : 'x-amz-object-lock-retain-until-date',
    });
  }
  if (mode !== undefined && until !== undefined) {
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new HttpError(400, 'InvalidArgument', 'Unknown wormMode directive.', { ArgumentName: 'x-amz-object-lock-mode', ArgumentValue: mode });
    const date = new Date(until);
    if (Number.isNaN(date.getTime())) throw new HttpError(400, 'InvalidArgument', 'The retain until date must be provided in ISO 8601 format', { ArgumentName: 'x-amz-object-lock-retain-until-date' });
    out.retention = { mode, retainUntil: date };
  }
  const hold = ctx.header('x-amz-object-lock-legal-hold');
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') throw new HttpError(400, 'InvalidArgument', 'Legal Hold must be either of ON or OFF', { ArgumentName: 'x-amz-object-lock-legal-hold' });
    out.legalHold = hold === 'ON';
  }
  return out;
}

function httpDateHeader(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  // An unparseable date is ignored, as HTTP says.
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `If-*` (or `x-amz-copy-source-if-*`) headers. */
export function readConditions(ctx: RequestContext, prefix = ''): ReadConditions {
  const out: ReadConditions = {};
  const ifMatch = ctx.header(`${prefix}if-match`);
  if (ifMatch !== undefined) out.ifMatch = ifMatch;
  const ifNoneMatch = ctx.header(`${prefix}if-none-match`);
  if (ifNoneMatch !== undefined) out.ifNoneMatch = ifNoneMatch;
  const modified = httpDateHeader(ctx.header(`${prefix}if-modified-since`));
  if (modified) out.ifModifiedSince = modified;
  const unmodified = httpDateHeader(ctx.header(`${prefix}if-unmodified-since`));
  if (unmodified) out.ifUnmodifiedSince = unmodified;
  return out;
}

export function bypassGovernance(ctx: RequestContext): boolean {
  return (ctx.header('x-amz-bypass-governance-retention') ?? '').trim().toLowerCase() === 'true';
}

/** The response headers describing an object (GET / HEAD). */
export function objectHeaders(info: ObjectInfo): Record<string, string> {
  const h: Record<string, string> = {
    ETag: info.etag,
    'Last-Modified': httpDate(info.lastModified),
    'Content-Type': info.contentType ?? 'binary/octet-stream',
    'Accept-Ranges': 'bytes',
  };
  if (info.cacheControl !== undefined) h['Cache-Control'] = info.cacheControl;
  if (info.contentDisposition !== undefined) h['Content-Disposition'] = info.contentDisposition;
  if (info.contentEncoding !== undefined) h['Content-Encoding'] = info.contentEncoding;
  if (info.versionId !== undefined) h['x-amz-version-id'] = info.versionId;
  if (info.storageClass !== undefined && info.storageClass !== 'STANDARD') h['x-amz-storage-class'] = info.storageClass;
  for (const [name, value] of Object.entries(info.metadata)) h[`x-amz-meta-${name}`] = encodeMetadataValue(value);
  if (info.retention) {
    h['x-amz-object-lock-mode'] = info.retention.mode;
    h['x-amz-object-lock-retain-until-date'] = isoDate(info.retention.retainUntil);
  }
  if (info.legalHold !== undefined) h['x-amz-object-lock-legal-hold'] = info.legalHold ? 'ON' : 'OFF';
  return h;
}

/** The `response-*` query overrides of GetObject. */
export function responseOverrides(query: ReadonlyMap<string, string>): Record<string, string> {
  const map: Record<string, string> = {
    'response-content-type': 'Content-Type',
    'response-content-language': 'Content-Language',
    'response-expires': 'Expires',
    'response-cache-control': 'Cache-Control',
    'response-content-disposition': 'Content-Disposition',
    'response-content-encoding': 'Content-Encoding',
  };
  const out: Record<string, string> = {};
  for (const [param, header] of Object.entries(map)) {
    const v = query.get(param);
    if (v !== undefined) out[header] = v;
  }
  return out;
}

/** Parses a single `Range: bytes=…` header; undefined when absent or not one valid byte range (S3 then sends the whole object). */
export function parseRangeHeader(value: string | undefined): { offset: number; length?: number } | { suffix: number } | 'unsatisfiable' | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!m) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const suffix = Number(b);
    if (!Number.isSafeInteger(suffix)) return undefined;
    return suffix === 0 ? 'unsatisfiable' : { suffix };
  }
  const start = Number(a);
  if (!Number.isSafeInteger(start)) return undefined;
  if (b === '') return { offset: start };
  const end = Number(b);
  if (!Number.isSafeInteger(end) || end < start) return undefined;
  return { offset: start, length: end - start + 1 };
}
