import { authErrors, HttpError } from '../../http/errors.js';
import { sendXml } from '../../http/response.js';
import { invalidArgument, type S3Call } from './call.js';
import { isoDate, readConditions, readContentHeaders, readLockHeaders, readMetadata } from './headers.js';
import { partNumberParam, uploadOf } from './multipart.js';
import { S3_NS, x, xmlDocument } from './xml.js';

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export function parseCopySource(value: string): CopySource {
  let raw = value.trim();
  let versionId: string | undefined;
  const q = raw.indexOf('?');
  if (q !== -1) {
    const params = new URLSearchParams(raw.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    raw = raw.slice(0, q);
  }
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', value);
  }
  if (path.startsWith('/')) path = path.slice(1);
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw invalidArgument('Invalid copy source object key', 'x-amz-copy-source', value);
  const out: CopySource = { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
  if (versionId !== undefined && versionId !== '') out.versionId = versionId;
  return out;
}

export async function copyObject(call: S3Call): Promise<void> {
  const { ctx, store, bucket, key } = call;
  const source = parseCopySource(ctx.header('x-amz-copy-source')!);
  const directive = (ctx.header('x-amz-metadata-directive') ?? 'COPY').trim().toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  const replace = directive === 'REPLACE';
  const result = await store.copy(source, { bucket, key }, {
    metadataDirective: replace ? 'replace' : 'copy',
    ...(replace ? { ...readContentHeaders(ctx), metadata: readMetadata(ctx) } : {}),
    ...readConditions(ctx, 'x-amz-copy-source-'),
    ...readLockHeaders(ctx),
    signal: ctx.signal,
  });
  const xml = x('CopyObjectResult', { xmlns: S3_NS }, x('LastModified', isoDate(result.lastModified ?? store.now())), x('ETag', result.etag));
  sendXml(ctx, 200, xmlDocument(xml), {
    'x-amz-version-id': result.versionId,
    'x-amz-copy-source-version-id': result.sourceVersionId,
  });
}

/** `bytes=first-last` of x-amz-copy-source-range (both required, inclusive). */
function parseCopyRange(value: string | undefined): { offset: number; length: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes=(\d+)-(\d+)\s*$/.exec(value);
  if (!m) throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', 'x-amz-copy-source-range', value);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start) throw invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last', 'x-amz-copy-source-range', value);
  return { offset: start, length: end - start + 1 };
}

/**
 * UploadPartCopy: the served store's own part copy (`Store.uploadPartCopy`)
 * when it has one (`multipart.copyPart`) and the request's source conditions
 * are ones it takes (If-Match, with `conditionalCopy`). Otherwise the source (or
 * its range) is streamed from the store into the part — never buffered whole.
 */
export async function uploadPartCopy(call: S3Call): Promise<void> {
  const { ctx, store } = call;
  const upload = uploadOf(call);
  const partNumber = partNumberParam(call);
  const source = parseCopySource(ctx.header('x-amz-copy-source')!);
  const range = parseCopyRange(ctx.header('x-amz-copy-source-range'));
  const conditions = readConditions(ctx, 'x-amz-copy-source-');
  const { ifMatch, ...otherConditions } = conditions;
  const native =
    store.capabilities.multipart?.copyPart === true && Object.keys(otherConditions).length === 0 && (ifMatch === undefined || store.capabilities.conditionalCopy);
  if (native) {
    const result = await store.uploadPartCopy(upload, partNumber, source, {
      ...(range ? { range: { start: range.offset, end: range.offset + range.length - 1 } } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      signal: ctx.signal,
    });
    const xml = x('CopyPartResult', { xmlns: S3_NS }, x('LastModified', isoDate(result.lastModified ?? store.now())), x('ETag', result.etag));
    sendXml(ctx, 200, xmlDocument(xml), { 'x-amz-copy-source-version-id': result.sourceVersionId });
    return;
  }
  let got;
  try {
    got = await store.get(source.bucket, source.key, { versionId: source.versionId, range, ...conditions, signal: ctx.signal });
  } catch (e) {
    if (e && typeof e === 'object' && (e as { code?: string }).code === 'InvalidRange') {
      throw new HttpError(416, 'InvalidRange', 'The requested range is not satisfiable');
    }
    throw e;
  }
  const length = got.range ? got.range.end - got.range.start + 1 : got.info.size;
  if (range && length !== range.length) {
    await got.body.cancel();
    throw new HttpError(400, 'InvalidRange', 'Range specified is not valid for source object');
  }
  if (length > (store.capabilities.multipart?.maxPartSize ?? Infinity)) {
    await got.body.cancel();
    throw authErrors.invalidRequest('The specified copy source is larger than the maximum allowable size for a copy source');
  }
  const { etag } = await store.uploadPart(upload, partNumber, got.body.stream(), { contentLength: length, signal: ctx.signal });
  const xml = x('CopyPartResult', { xmlns: S3_NS }, x('LastModified', isoDate(store.now())), x('ETag', etag));
  sendXml(ctx, 200, xmlDocument(xml), { 'x-amz-copy-source-version-id': got.info.versionId });
}
