import { createHash } from 'node:crypto';

/** What an ETag says about the object's bytes. */
export type EtagForm =
  | { kind: 'md5'; md5: string }
  | { kind: 'composite'; md5: string; parts: number }
  | { kind: 'opaque'; etag: string };

/** Strips quotes and a weak prefix: `W/"abc"` → `abc`. */
export function unquoteEtag(etag: string): string {
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e;
}

export function quoteEtag(etag: string): string {
  return `"${unquoteEtag(etag)}"`;
}

/** Reads an ETag: a plain MD5 (single put), an S3 multipart composite (`md5-N`), or anything else (SSE-KMS, other servers). */
export function parseEtag(etag: string | undefined): EtagForm {
  const e = unquoteEtag(etag ?? '').toLowerCase();
  if (/^[0-9a-f]{32}$/.test(e)) return { kind: 'md5', md5: e };
  const m = /^([0-9a-f]{32})-([1-9][0-9]*)$/.exec(e);
  if (m) return { kind: 'composite', md5: m[1]!, parts: Number(m[2]) };
  return { kind: 'opaque', etag: e };
}

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then `-N`. */
export function compositeEtag(partMd5s: readonly Uint8Array[]): string {
  const h = createHash('md5');
  for (const d of partMd5s) h.update(d);
  return `${h.digest('hex')}-${partMd5s.length}`;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
