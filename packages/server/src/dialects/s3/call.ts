import type { Store } from '@stowage/core';
import type { RequestContext, ServerInfo } from '../../http/context.js';
import { HttpError } from '../../http/errors.js';
import { parseXml, type XmlElement } from './xml.js';

/** One S3 operation's inputs: the request, the store, and the addressed bucket and key. */
export interface S3Call {
  ctx: RequestContext;
  store: Store;
  server: ServerInfo;
  /** '' for service-level operations. */
  bucket: string;
  /** '' for bucket-level operations. */
  key: string;
  owner: { id: string; displayName: string };
}

/** Upper bound of the XML documents S3 accepts (a 10 000-part CompleteMultipartUpload fits). */
export const MAX_XML_BODY = 4 * 1024 * 1024;

/** The operations S3 marks httpChecksumRequired need Content-MD5 or an x-amz-checksum (header or trailer). */
export function requireBodyChecksum(call: S3Call): void {
  const ctx = call.ctx;
  if (ctx.header('content-md5') !== undefined) return;
  if (ctx.headerNames().some((n) => n.startsWith('x-amz-checksum-') && n !== 'x-amz-checksum-type' && n !== 'x-amz-checksum-algorithm')) return;
  if ((ctx.header('x-amz-trailer') ?? '').toLowerCase().includes('x-amz-checksum-')) return;
  throw new HttpError(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5');
}

export async function readXml(call: S3Call, options: { optional?: boolean } = {}): Promise<XmlElement | undefined> {
  const body = await call.ctx.readSmallBody(MAX_XML_BODY);
  if (body.length === 0) {
    if (options.optional) return undefined;
    throw new HttpError(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  return parseXml(body);
}

export function invalidArgument(message: string, name: string, value?: string): HttpError {
  const fields: Record<string, string> = { ArgumentName: name };
  if (value !== undefined) fields.ArgumentValue = value;
  return new HttpError(400, 'InvalidArgument', message, fields);
}

/** An integer query parameter within bounds, or the default. */
export function intParam(call: S3Call, name: string, def: number, min: number, max: number): number {
  const raw = call.ctx.query.get(name);
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, raw);
  const n = Number(raw);
  if (n < min) throw invalidArgument(`Argument ${name} must be an integer between ${min} and 2147483647`, name, raw);
  return Math.min(n, max);
}

/** The optional `encoding-type` parameter (only `url`). */
export function encodingType(call: S3Call): 'url' | undefined {
  const v = call.ctx.query.get('encoding-type');
  if (v === undefined) return undefined;
  if (v.toLowerCase() !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', v);
  return 'url';
}
