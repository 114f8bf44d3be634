import { resolveRange, type BodyChecksum, type ObjectInfo } from '@stowage/core';
import { authErrors, HttpError } from '../../http/errors.js';
import { send, sendStream } from '../../http/response.js';
import type { S3Call } from './call.js';
import {
  bypassGovernance,
  objectHeaders,
  parseRangeHeader,
  readConditions,
  readContentHeaders,
  readLockHeaders,
  readMetadata,
  responseOverrides,
} from './headers.js';

/**
 * The `x-amz-checksum-*` header the client sent, as a checksum for the store to keep, when the
 * served store verifies and keeps that algorithm (the server verifies every declared one itself).
 */
export function keptChecksum(call: S3Call): BodyChecksum | undefined {
  const caps = call.store.capabilities;
  for (const algorithm of caps.storedChecksums ?? []) {
    const value = call.ctx.header(`x-amz-checksum-${algorithm}`);
    if (value !== undefined && (caps.checksums as readonly string[]).includes(algorithm)) return { algorithm, value: value.trim() };
  }
  return undefined;
}

/** The stored checksum of a checksum-mode read, as S3 answers it. */
export function storedChecksumHeaders(info: ObjectInfo): Record<string, string> {
  if (!info.checksum) return {};
  return { [`x-amz-checksum-${info.checksum.algorithm}`]: info.checksum.value, 'x-amz-checksum-type': info.checksum.type === 'composite' ? 'COMPOSITE' : 'FULL_OBJECT' };
}

/** Whether the request asks for the stored checksum (`x-amz-checksum-mode: ENABLED`). */
export function checksumMode(call: S3Call): boolean {
  return (call.ctx.header('x-amz-checksum-mode') ?? '').trim().toUpperCase() === 'ENABLED';
}

/** Echoes the checksums the client sent and we verified (as S3 does). */
export function checksumHeaders(call: S3Call): Record<string, string> {
  const out: Record<string, string> = {};
  const declared = call.ctx.bodyStarted ? call.ctx.body().checksums() : {};
  for (const [name, value] of Object.entries(declared)) if (name !== 'md5' && value !== undefined) out[`x-amz-checksum-${name}`] = value;
  return out;
}

export async function putObject(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const metadata = readMetadata(ctx);
  const headers = readContentHeaders(ctx);
  const lock = readLockHeaders(ctx);
  const ifNoneMatch = ctx.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw new HttpError(501, 'NotImplemented', 'If-None-Match on a write supports only "*"');
  const ifMatch = ctx.header('if-match');
  const body = ctx.body();
  if (body.length === undefined) throw authErrors.missingLength();
  const checksum = keptChecksum(call);
  const result = await store.put(bucket, key, body.stream, {
    ...headers,
    metadata,
    contentLength: body.length,
    ifMatch,
    ifNoneMatch: ifNoneMatch !== undefined ? '*' : undefined,
    ...lock,
    ...(checksum ? { checksum } : {}),
    signal: ctx.signal,
  });
  send(ctx, 200, { ETag: result.etag, 'x-amz-version-id': result.versionId, ...checksumHeaders(call) });
}

export async function getObject(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const versionId = ctx.query.get('versionId') || undefined;
  if (ctx.query.has('partNumber')) throw new HttpError(501, 'NotImplemented', 'GetObject with partNumber is not implemented');
  const range = parseRangeHeader(ctx.header('range'));
  if (range === 'unsatisfiable') {
    const info = await store.head(bucket, key, { versionId, signal: ctx.signal });
    throw new HttpError(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: ctx.header('range') ?? '', ActualObjectSize: String(info.size) }, { 'Content-Range': `bytes */${info.size}` });
  }
  const conditions = readConditions(ctx);
  let result;
  try {
    result = await store.get(bucket, key, { ...conditions, versionId, range, checksum: checksumMode(call), signal: ctx.signal });
  } catch (e) {
    throw await withRangeDetail(call, e, versionId);
  }
  const { info, body } = result;
  const headers: Record<string, string | number> = { ...objectHeaders(info), ...storedChecksumHeaders(info), ...responseOverrides(ctx.query) };
  if (result.range) {
    const { start, end } = result.range;
    headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
    headers['Content-Length'] = end - start + 1;
    await sendStream(ctx, 206, headers, body.stream());
  } else {
    headers['Content-Length'] = info.size;
    await sendStream(ctx, 200, headers, body.stream());
  }
}

/** A 416 carries the object size in Content-Range, as S3 sends it. */
async function withRangeDetail(call: S3Call, e: unknown, versionId: string | undefined): Promise<unknown> {
  if (!(e && typeof e === 'object' && (e as { code?: string }).code === 'InvalidRange')) return e;
  try {
    const info = await call.store.head(call.bucket, call.key, { versionId, signal: call.ctx.signal });
    return new HttpError(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: call.ctx.header('range') ?? '', ActualObjectSize: String(info.size) }, { 'Content-Range': `bytes */${info.size}` });
  } catch {
    return e;
  }
}

export async function headObject(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const versionId = ctx.query.get('versionId') || undefined;
  const info = await store.head(bucket, key, { ...readConditions(ctx), versionId, checksum: checksumMode(call), signal: ctx.signal });
  const headers: Record<string, string | number> = { ...objectHeaders(info), ...storedChecksumHeaders(info), ...responseOverrides(ctx.query) };
  const range = parseRangeHeader(ctx.header('range'));
  if (range !== undefined) {
    let span;
    try {
      if (range === 'unsatisfiable') throw new Error('unsatisfiable');
      span = resolveRange(range, info.size);
    } catch {
      throw new HttpError(416, 'InvalidRange', 'The requested range is not satisfiable', {}, { 'Content-Range': `bytes */${info.size}` });
    }
    headers['Content-Range'] = `bytes ${span.start}-${span.end}/${info.size}`;
    headers['Content-Length'] = span.end - span.start + 1;
    send(ctx, 206, headers);
    return;
  }
  headers['Content-Length'] = info.size;
  send(ctx, 200, headers);
}

export async function deleteObject(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const versionId = ctx.query.get('versionId') || undefined;
  const result = await store.delete(bucket, key, { versionId, bypassGovernanceRetention: bypassGovernance(ctx) || undefined, signal: ctx.signal });
  send(ctx, 204, {
    'x-amz-version-id': result.versionId,
    'x-amz-delete-marker': result.deleteMarker ? 'true' : undefined,
  });
}
