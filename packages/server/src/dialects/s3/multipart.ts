import { compareUtf8, S3_CHECKSUM_MEMBERS, type CompletedPart, type MultipartUpload, type PartInfo, type UploadChecksum } from '@stowage/core';
import { authErrors, HttpError } from '../../http/errors.js';
import { send, sendXml } from '../../http/response.js';
import { encodingType, intParam, invalidArgument, readXml, type S3Call } from './call.js';
import { isoDate, readContentHeaders, readLockHeaders, readMetadata } from './headers.js';
import { checksumHeaders, keptChecksum } from './objects.js';
import { childrenNamed, childText, expectRoot, opt, S3_NS, x, xmlDocument } from './xml.js';

export function uploadOf(call: S3Call): MultipartUpload {
  const uploadId = call.ctx.query.get('uploadId');
  if (!uploadId) throw invalidArgument('This operation needs an uploadId', 'uploadId');
  return { bucket: call.bucket, key: call.key, uploadId };
}

export function partNumberParam(call: S3Call): number {
  const raw = call.ctx.query.get('partNumber');
  const max = call.store.capabilities.multipart?.maxParts ?? 10_000;
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw invalidArgument(`Part number must be an integer between 1 and ${max}, inclusive`, 'partNumber', raw);
  }
  return Number(raw);
}

export async function createMultipartUpload(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const checksum = uploadChecksum(call);
  const upload = await store.createMultipartUpload(bucket, key, {
    ...readContentHeaders(ctx),
    metadata: readMetadata(ctx),
    ...readLockHeaders(ctx),
    ...(checksum ? { checksum } : {}),
    signal: ctx.signal,
  });
  const xml = x('InitiateMultipartUploadResult', { xmlns: S3_NS }, x('Bucket', bucket), x('Key', key), x('UploadId', upload.uploadId));
  const algorithm = ctx.header('x-amz-checksum-algorithm');
  sendXml(ctx, 200, xmlDocument(xml), {
    ...(algorithm ? { 'x-amz-checksum-algorithm': algorithm.toUpperCase() } : {}),
    ...(checksum ? { 'x-amz-checksum-type': checksum.type === 'full-object' ? 'FULL_OBJECT' : 'COMPOSITE' } : {}),
  });
}

/**
 * CreateMultipartUpload's checksum algorithm and type, for a served store that keeps such
 * checksums (S3's default type is COMPOSITE); undefined otherwise (the algorithm is only echoed).
 */
function uploadChecksum(call: S3Call): UploadChecksum | undefined {
  const algorithm = call.ctx.header('x-amz-checksum-algorithm')?.trim().toLowerCase();
  if (algorithm === undefined || !(call.store.capabilities.storedChecksums ?? []).includes(algorithm as UploadChecksum['algorithm'])) return undefined;
  const type = (call.ctx.header('x-amz-checksum-type') ?? 'COMPOSITE').trim().toUpperCase();
  if (type !== 'FULL_OBJECT' && type !== 'COMPOSITE') throw invalidArgument('Value for x-amz-checksum-type header is invalid.', 'x-amz-checksum-type', type);
  return { algorithm: algorithm as UploadChecksum['algorithm'], type: type === 'FULL_OBJECT' ? 'full-object' : 'composite' };
}


export async function uploadPart(call: S3Call): Promise<void> {
  const { ctx, store } = call;
  const upload = uploadOf(call);
  const partNumber = partNumberParam(call);
  const body = ctx.body();
  if (body.length === undefined) throw authErrors.missingLength();
  const checksum = keptChecksum(call);
  const { etag } = await store.uploadPart(upload, partNumber, body.stream, { contentLength: body.length, ...(checksum ? { checksum } : {}), signal: ctx.signal });
  send(ctx, 200, { ETag: etag, ...checksumHeaders(call) });
}

export async function completeMultipartUpload(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const upload = uploadOf(call);
  const doc = expectRoot((await readXml(call))!, 'CompleteMultipartUpload');
  const keeps = (store.capabilities.storedChecksums ?? []).length > 0;
  const parts = childrenNamed(doc, 'Part').map((p) => {
    const number = childText(p, 'PartNumber')?.trim();
    const etag = childText(p, 'ETag')?.trim();
    if (!number || !/^\d+$/.test(number) || !etag) throw new HttpError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const part: CompletedPart = { partNumber: Number(number), etag: etag.startsWith('"') ? etag : `"${etag}"` };
    if (keeps) {
      for (const [algorithm, element] of Object.entries(S3_CHECKSUM_MEMBERS) as Array<[keyof typeof S3_CHECKSUM_MEMBERS, string]>) {
        const value = childText(p, element)?.trim();
        if (value) part.checksum = { algorithm, value };
      }
    }
    return part;
  });
  if (parts.length === 0) throw new HttpError(400, 'MalformedXML', 'You must specify at least one part');
  const ifNoneMatch = ctx.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') throw new HttpError(501, 'NotImplemented', 'If-None-Match on a write supports only "*"');
  const whole = keeps ? keptChecksum(call) : undefined;
  const result = await store.completeMultipartUpload(upload, parts, { ifNoneMatch: ifNoneMatch !== undefined ? '*' : undefined, ...(whole ? { checksum: whole } : {}), signal: ctx.signal });
  const location = `${call.server.url}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const xml = x('CompleteMultipartUploadResult', { xmlns: S3_NS }, x('Location', location), x('Bucket', bucket), x('Key', key), x('ETag', result.etag));
  sendXml(ctx, 200, xmlDocument(xml), { 'x-amz-version-id': result.versionId });
}

export async function abortMultipartUpload(call: S3Call): Promise<void> {
  await call.store.abortMultipartUpload(uploadOf(call), { signal: call.ctx.signal });
  send(call.ctx, 204);
}

/**
 * ListParts with S3's integer part-number-marker: the Store pages with opaque
 * cursors, so the server walks its pages and skips parts up to the marker
 * (at most 10 000 parts: cheap).
 */
export async function listParts(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const upload = uploadOf(call);
  const maxParts = intParam(call, 'max-parts', 1000, 0, 1000);
  const markerRaw = ctx.query.get('part-number-marker');
  if (markerRaw !== undefined && markerRaw !== '' && !/^\d+$/.test(markerRaw)) throw invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', markerRaw);
  const marker = markerRaw ? Number(markerRaw) : 0;
  const parts: PartInfo[] = [];
  let truncated = false;
  let cursor: string | undefined;
  outer: for (;;) {
    const page = await store.listParts(upload, { pageSize: 1000, cursor, signal: ctx.signal });
    for (const p of page.parts) {
      if (p.partNumber <= marker) continue;
      if (parts.length >= maxParts) {
        truncated = true;
        break outer;
      }
      parts.push(p);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const owner = x('ID', call.owner.id);
  const xml = x(
    'ListPartsResult',
    { xmlns: S3_NS },
    x('Bucket', bucket),
    x('Key', key),
    x('UploadId', upload.uploadId),
    x('Initiator', owner, x('DisplayName', call.owner.displayName)),
    x('Owner', owner, x('DisplayName', call.owner.displayName)),
    x('StorageClass', 'STANDARD'),
    x('PartNumberMarker', marker),
    opt('NextPartNumberMarker', parts.length > 0 ? parts[parts.length - 1]!.partNumber : undefined),
    x('MaxParts', maxParts),
    x('IsTruncated', truncated),
    parts.map((p) =>
      x('Part', x('PartNumber', p.partNumber), x('LastModified', isoDate(p.lastModified ?? new Date(0))), x('ETag', p.etag), x('Size', p.size ?? 0)),
    ),
  );
  sendXml(ctx, 200, xmlDocument(xml));
}

/**
 * ListMultipartUploads with key-marker / upload-id-marker and delimiter: the
 * Store pages uploads with opaque cursors and no delimiter, so the server walks
 * its pages, skips to the markers and groups common prefixes itself.
 */
export async function listMultipartUploads(call: S3Call): Promise<void> {
  const { ctx, store, bucket } = call;
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') || undefined;
  const keyMarker = ctx.query.get('key-marker') || undefined;
  const uploadIdMarker = (keyMarker && ctx.query.get('upload-id-marker')) || undefined;
  const maxUploads = intParam(call, 'max-uploads', 1000, 0, 1000);
  const encoding = encodingType(call);
  const enc = (s: string) => (encoding === 'url' ? encodeURIComponent(s) : s);

  type Item = { kind: 'upload'; upload: MultipartUpload } | { kind: 'prefix'; prefix: string };
  const items: Item[] = [];
  const seenPrefixes = new Set<string>();
  let truncated = false;
  let skipping = uploadIdMarker !== undefined;
  let cursor: string | undefined;
  outer: for (;;) {
    const page = await store.listUploads(bucket, { prefix: prefix || undefined, pageSize: 1000, cursor, signal: ctx.signal });
    for (const u of page.uploads) {
      if (keyMarker !== undefined) {
        const c = compareUtf8(u.key, keyMarker);
        if (c < 0) continue;
        if (c === 0) {
          if (uploadIdMarker === undefined) continue;
          if (skipping) {
            if (u.uploadId === uploadIdMarker) skipping = false;
            continue;
          }
        }
      }
      let item: Item = { kind: 'upload', upload: u };
      if (delimiter !== undefined) {
        const at = u.key.indexOf(delimiter, prefix.length);
        if (at !== -1) {
          const p = u.key.slice(0, at + delimiter.length);
          if (seenPrefixes.has(p) || (keyMarker !== undefined && compareUtf8(p, keyMarker) <= 0) || keyMarker?.startsWith(p)) continue;
          seenPrefixes.add(p);
          item = { kind: 'prefix', prefix: p };
        }
      }
      if (items.length >= maxUploads) {
        truncated = true;
        break outer;
      }
      items.push(item);
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const last = items[items.length - 1];
  const owner = [x('ID', call.owner.id), x('DisplayName', call.owner.displayName)];
  const xml = x(
    'ListMultipartUploadsResult',
    { xmlns: S3_NS },
    x('Bucket', bucket),
    x('KeyMarker', enc(keyMarker ?? '')),
    x('UploadIdMarker', uploadIdMarker ?? ''),
    truncated && last ? x('NextKeyMarker', enc(last.kind === 'upload' ? last.upload.key : last.prefix)) : undefined,
    truncated && last ? x('NextUploadIdMarker', last.kind === 'upload' ? last.upload.uploadId : '') : undefined,
    opt('Delimiter', delimiter === undefined ? undefined : enc(delimiter)),
    x('Prefix', enc(prefix)),
    x('MaxUploads', maxUploads),
    x('IsTruncated', truncated),
    opt('EncodingType', encoding),
    items
      .filter((i): i is Extract<Item, { kind: 'upload' }> => i.kind === 'upload')
      .map(({ upload }) =>
        x(
          'Upload',
          x('Key', enc(upload.key)),
          x('UploadId', upload.uploadId),
          x('Initiator', owner),
          x('Owner', owner),
          x('StorageClass', 'STANDARD'),
          x('Initiated', isoDate(upload.initiated ?? new Date(0))),
        ),
      ),
    items.filter((i): i is Extract<Item, { kind: 'prefix' }> => i.kind === 'prefix').map((p) => x('CommonPrefixes', x('Prefix', enc(p.prefix)))),
  );
  sendXml(ctx, 200, xmlDocument(xml));
}
