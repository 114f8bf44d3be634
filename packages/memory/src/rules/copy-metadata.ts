import type { Metadata } from '@stowage/core';
import type { ContentHeaderName, ContentHeaderSet } from './types.js';

export interface CopyMetadataContext {
  directive: 'copy' | 'replace';
  /** The source version's metadata and content headers. */
  source: { metadata: Metadata; headers: ContentHeaderSet };
  /** What the copy request gave (only meaningful with `replace`). */
  request: { metadata: Metadata; headers: ContentHeaderSet };
}

const HEADERS: readonly ContentHeaderName[] = ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding'];

/**
 * S3's metadata directive: `copy` keeps the source's user metadata and content
 * headers exactly; `replace` takes the request's, and nothing of the source's.
 */
export function copyMetadata(ctx: CopyMetadataContext): { metadata: Metadata; headers: ContentHeaderSet } {
  const from = ctx.directive === 'copy' ? ctx.source : ctx.request;
  const headers: ContentHeaderSet = {};
  for (const name of HEADERS) {
    const value = from.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { metadata: { ...from.metadata }, headers };
}
