import { compareUtf8, isStowageError, type ListPage, type VersionSummary } from '@stowage/core';
import { sendXml } from '../../http/response.js';
import { HttpError } from '../../http/errors.js';
import { encodingType, intParam, invalidArgument, type S3Call } from './call.js';
import { isoDate } from './headers.js';
import { opt, S3_NS, x, xmlDocument, type Xml } from './xml.js';

function encoder(call: S3Call) {
  const encoding = encodingType(call);
  return { encoding, enc: (s: string) => (encoding === 'url' ? encodeURIComponent(s) : s) };
}

function listParams(call: S3Call) {
  const q = call.ctx.query;
  return {
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') || undefined,
    maxKeys: intParam(call, 'max-keys', 1000, 0, call.store.capabilities.listing.maxPageSize),
  };
}

function contents(call: S3Call, page: ListPage, enc: (s: string) => string, withOwner: boolean): Xml[] {
  return page.objects.map((o) =>
    x(
      'Contents',
      x('Key', enc(o.key)),
      x('LastModified', isoDate(o.lastModified)),
      x('ETag', o.etag),
      x('Size', o.size),
      withOwner ? x('Owner', x('ID', call.owner.id), x('DisplayName', call.owner.displayName)) : undefined,
      x('StorageClass', o.storageClass ?? 'STANDARD'),
    ),
  );
}

const EMPTY_PAGE: ListPage = { objects: [], commonPrefixes: [] };

/** ListObjectsV2: the continuation token is the Store's opaque, integrity-protected cursor. */
export async function listObjectsV2(call: S3Call): Promise<void> {
  const { ctx, store, bucket } = call;
  const { prefix, delimiter, maxKeys } = listParams(call);
  const { encoding, enc } = encoder(call);
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after') || undefined;
  const fetchOwner = ctx.query.get('fetch-owner') === 'true';
  if (token === '') throw invalidArgument('The continuation token provided is incorrect', 'continuation-token');
  let page: ListPage;
  if (maxKeys === 0) {
    await mustExist(call);
    page = EMPTY_PAGE;
  } else {
    page = await store.listPage(bucket, { prefix: prefix || undefined, delimiter, startAfter, pageSize: maxKeys, cursor: token, signal: ctx.signal });
  }
  const xml = x(
    'ListBucketResult',
    { xmlns: S3_NS },
    x('Name', bucket),
    x('Prefix', enc(prefix)),
    opt('Delimiter', delimiter === undefined ? undefined : enc(delimiter)),
    x('MaxKeys', maxKeys),
    opt('EncodingType', encoding),
    x('KeyCount', page.objects.length + page.commonPrefixes.length),
    x('IsTruncated', page.nextCursor !== undefined),
    opt('ContinuationToken', token),
    opt('NextContinuationToken', page.nextCursor),
    opt('StartAfter', startAfter === undefined ? undefined : enc(startAfter)),
    contents(call, page, enc, fetchOwner),
    page.commonPrefixes.map((p) => x('CommonPrefixes', x('Prefix', enc(p)))),
  );
  sendXml(ctx, 200, xmlDocument(xml));
}

/** max-keys=0 lists nothing, but a missing bucket is still NoSuchBucket. */
async function mustExist(call: S3Call): Promise<void> {
  if (!(await call.store.bucketExists(call.bucket, { signal: call.ctx.signal }))) {
    throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  }
}

/**
 * ListObjects (V1): the marker is the Store's startAfter. When the marker is a
 * common prefix (the NextMarker of a delimited page), that prefix would roll up
 * again: it is dropped, so the page may be one short (clients follow IsTruncated).
 */
export async function listObjects(call: S3Call): Promise<void> {
  const { ctx, store, bucket } = call;
  const { prefix, delimiter, maxKeys } = listParams(call);
  const { encoding, enc } = encoder(call);
  const marker = ctx.query.get('marker') || undefined;
  let page: ListPage = EMPTY_PAGE;
  if (maxKeys > 0) {
    page = await store.listPage(bucket, { prefix: prefix || undefined, delimiter, startAfter: marker, pageSize: maxKeys, signal: ctx.signal });
    if (marker !== undefined && page.commonPrefixes[0] === marker) page = { ...page, commonPrefixes: page.commonPrefixes.slice(1) };
  } else {
    await mustExist(call);
  }
  const truncated = page.nextCursor !== undefined;
  const lastKey = page.objects[page.objects.length - 1]?.key;
  const lastPrefix = page.commonPrefixes[page.commonPrefixes.length - 1];
  const nextMarker = lastKey === undefined ? lastPrefix : lastPrefix === undefined ? lastKey : compareUtf8(lastKey, lastPrefix) > 0 ? lastKey : lastPrefix;
  const xml = x(
    'ListBucketResult',
    { xmlns: S3_NS },
    x('Name', bucket),
    x('Prefix', enc(prefix)),
    x('Marker', enc(marker ?? '')),
    truncated && nextMarker !== undefined ? x('NextMarker', enc(nextMarker)) : undefined,
    x('MaxKeys', maxKeys),
    opt('Delimiter', delimiter === undefined ? undefined : enc(delimiter)),
    opt('EncodingType', encoding),
    x('IsTruncated', truncated),
    contents(call, page, enc, true),
    page.commonPrefixes.map((p) => x('CommonPrefixes', x('Prefix', enc(p)))),
  );
  sendXml(ctx, 200, xmlDocument(xml));
}

const CURSOR_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * ListObjectVersions. Pages end with NextKeyMarker = the last key and
 * NextVersionIdMarker = the Store's cursor, which a client sends back as
 * version-id-marker. Markers a client made itself (a real key / version id)
 * are honoured by walking the listing from the start and skipping past them.
 */
export async function listObjectVersions(call: S3Call): Promise<void> {
  const { ctx, store, bucket } = call;
  const { prefix, delimiter, maxKeys } = listParams(call);
  const { encoding, enc } = encoder(call);
  const keyMarker = ctx.query.get('key-marker') || undefined;
  const versionIdMarker = ctx.query.get('version-id-marker') || undefined;

  type Item = { kind: 'version'; v: VersionSummary } | { kind: 'prefix'; prefix: string };
  const items: Item[] = [];
  let truncated = false;
  let nextCursor: string | undefined;
  const base = { prefix: prefix || undefined, delimiter, signal: ctx.signal };

  let cursorMode = false;
  if (maxKeys > 0 && versionIdMarker !== undefined && CURSOR_SHAPE.test(versionIdMarker)) {
    try {
      const page = await store.listVersionsPage(bucket, { ...base, pageSize: maxKeys, cursor: versionIdMarker });
      cursorMode = true;
      for (const v of page.versions) items.push({ kind: 'version', v });
      for (const p of page.commonPrefixes) items.push({ kind: 'prefix', prefix: p });
      truncated = page.nextCursor !== undefined;
      nextCursor = page.nextCursor;
    } catch (e) {
      if (!isStowageError(e, 'InvalidArgument')) throw e;
    }
  }
  if (!cursorMode && maxKeys === 0) {
    await mustExist(call);
  } else if (!cursorMode && keyMarker === undefined) {
    const page = await store.listVersionsPage(bucket, { ...base, pageSize: maxKeys });
    for (const v of page.versions) items.push({ kind: 'version', v });
    for (const p of page.commonPrefixes) items.push({ kind: 'prefix', prefix: p });
    truncated = page.nextCursor !== undefined;
    nextCursor = page.nextCursor;
  } else if (!cursorMode) {
    // Markers made by the client: skip past (key-marker, version-id-marker).
    let skipping = versionIdMarker !== undefined;
    let cursor: string | undefined;
    outer: for (;;) {
      const page = await store.listVersionsPage(bucket, { ...base, pageSize: 1000, cursor });
      const merged: Item[] = [...page.versions.map((v) => ({ kind: 'version' as const, v })), ...page.commonPrefixes.map((p) => ({ kind: 'prefix' as const, prefix: p }))];
      merged.sort((a, b) => compareUtf8(a.kind === 'version' ? a.v.key : a.prefix, b.kind === 'version' ? b.v.key : b.prefix));
      for (const item of merged) {
        if (item.kind === 'prefix') {
          if (compareUtf8(item.prefix, keyMarker!) <= 0 || keyMarker!.startsWith(item.prefix)) continue;
        } else {
          const c = compareUtf8(item.v.key, keyMarker!);
          if (c < 0) continue;
          if (c === 0) {
            if (!skipping) {
              if (versionIdMarker === undefined) continue;
            } else {
              if (item.v.versionId === versionIdMarker) skipping = false;
              continue;
            }
          }
        }
        if (items.length >= maxKeys) {
          truncated = true;
          break outer;
        }
        items.push(item);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
  }

  // Versions and prefixes in key order, as S3 interleaves them.
  items.sort((a, b) => compareUtf8(a.kind === 'version' ? a.v.key : a.prefix, b.kind === 'version' ? b.v.key : b.prefix));
  const last = items[items.length - 1];
  const nextKeyMarker = truncated && last ? (last.kind === 'version' ? last.v.key : last.prefix) : undefined;
  const nextVersionIdMarker = truncated && last ? (nextCursor ?? (last.kind === 'version' ? last.v.versionId : undefined)) : undefined;
  const owner = x('Owner', x('ID', call.owner.id), x('DisplayName', call.owner.displayName));
  const xml = x(
    'ListVersionsResult',
    { xmlns: S3_NS },
    x('Name', bucket),
    x('Prefix', enc(prefix)),
    x('KeyMarker', enc(keyMarker ?? '')),
    x('VersionIdMarker', versionIdMarker ?? ''),
    opt('NextKeyMarker', nextKeyMarker === undefined ? undefined : enc(nextKeyMarker)),
    opt('NextVersionIdMarker', nextVersionIdMarker),
    x('MaxKeys', maxKeys),
    opt('Delimiter', delimiter === undefined ? undefined : enc(delimiter)),
    opt('EncodingType', encoding),
    x('IsTruncated', truncated),
    items.map((item) => {
      if (item.kind === 'prefix') return x('CommonPrefixes', x('Prefix', enc(item.prefix)));
      const v = item.v;
      if (v.isDeleteMarker) {
        return x('DeleteMarker', owner, x('Key', enc(v.key)), x('VersionId', v.versionId), x('IsLatest', v.isLatest), x('LastModified', isoDate(v.lastModified)));
      }
      return x(
        'Version',
        owner,
        x('Key', enc(v.key)),
        x('VersionId', v.versionId),
        x('IsLatest', v.isLatest),
        x('LastModified', isoDate(v.lastModified)),
        x('ETag', v.etag),
        x('Size', v.size),
        x('StorageClass', v.storageClass ?? 'STANDARD'),
      );
    }),
  );
  sendXml(ctx, 200, xmlDocument(xml));
}
