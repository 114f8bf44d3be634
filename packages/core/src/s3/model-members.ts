import { compareUtf8 } from '../key-order.js';
import type {
  ContentHeaders,
  DefaultRetention,
  Metadata,
  MultipartUpload,
  ObjectLockConfiguration,
  ObjectSummary,
  PartInfo,
  PutResult,
  ReadConditions,
  Retention,
  VersionSummary,
} from '../types.js';
import { decodeS3Listed, quoteEtag } from './etag.js';

/**
 * Core types to and from the members of AWS's S3 API model (`ContentType`,
 * `ObjectLockMode`, `Contents`, `NextKeyMarker`…): the names every SDK
 * generated from that model uses, so shared by the adapters on such SDKs
 * (@stowage/s3 on @aws-sdk/client-s3 v3, @stowage/ibm-cos on ibm-cos-sdk, the
 * v2 fork). The input types are structural: each SDK's own output types fit.
 */

/** ContentType, CacheControl, ContentDisposition, ContentEncoding. */
export function s3ContentMembers(req: ContentHeaders): { ContentType?: string; CacheControl?: string; ContentDisposition?: string; ContentEncoding?: string } {
  const out: { ContentType?: string; CacheControl?: string; ContentDisposition?: string; ContentEncoding?: string } = {};
  if (req.contentType !== undefined) out.ContentType = req.contentType;
  if (req.cacheControl !== undefined) out.CacheControl = req.cacheControl;
  if (req.contentDisposition !== undefined) out.ContentDisposition = req.contentDisposition;
  if (req.contentEncoding !== undefined) out.ContentEncoding = req.contentEncoding;
  return out;
}

/** Metadata, only when there is some. */
export function s3MetadataMember(metadata: Metadata): { Metadata?: Record<string, string> } {
  return Object.keys(metadata).length > 0 ? { Metadata: { ...metadata } } : {};
}

/** ObjectLockMode, ObjectLockRetainUntilDate, ObjectLockLegalHoldStatus of a write. */
export function s3LockMembers(
  retention: Retention | undefined,
  legalHold: boolean | undefined,
): { ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE'; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: 'ON' | 'OFF' } {
  const out: { ObjectLockMode?: 'GOVERNANCE' | 'COMPLIANCE'; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: 'ON' | 'OFF' } = {};
  if (retention) {
    out.ObjectLockMode = retention.mode;
    out.ObjectLockRetainUntilDate = retention.retainUntil;
  }
  if (legalHold !== undefined) out.ObjectLockLegalHoldStatus = legalHold ? 'ON' : 'OFF';
  return out;
}

/** IfMatch, IfNoneMatch, IfModifiedSince, IfUnmodifiedSince of a GET / HEAD. */
export function s3ReadConditionMembers(c: ReadConditions): { IfMatch?: string; IfNoneMatch?: string; IfModifiedSince?: Date; IfUnmodifiedSince?: Date } {
  const out: { IfMatch?: string; IfNoneMatch?: string; IfModifiedSince?: Date; IfUnmodifiedSince?: Date } = {};
  // `If-Match: *` on a read holds whenever there is an object, which a read needs anyway;
  // Ceph 16 answers it 412 on an existing object, so it is not sent.
  if (c.ifMatch !== undefined && c.ifMatch !== '*') out.IfMatch = c.ifMatch;
  if (c.ifNoneMatch !== undefined) out.IfNoneMatch = c.ifNoneMatch;
  if (c.ifModifiedSince !== undefined) out.IfModifiedSince = c.ifModifiedSince;
  if (c.ifUnmodifiedSince !== undefined) out.IfUnmodifiedSince = c.ifUnmodifiedSince;
  return out;
}

/** CopySourceIfMatch, CopySourceIfNoneMatch, CopySourceIfModifiedSince, CopySourceIfUnmodifiedSince. */
export function s3CopyConditionMembers(c: ReadConditions): { CopySourceIfMatch?: string; CopySourceIfNoneMatch?: string; CopySourceIfModifiedSince?: Date; CopySourceIfUnmodifiedSince?: Date } {
  const out: { CopySourceIfMatch?: string; CopySourceIfNoneMatch?: string; CopySourceIfModifiedSince?: Date; CopySourceIfUnmodifiedSince?: Date } = {};
  if (c.ifMatch !== undefined) out.CopySourceIfMatch = c.ifMatch;
  if (c.ifNoneMatch !== undefined) out.CopySourceIfNoneMatch = c.ifNoneMatch;
  if (c.ifModifiedSince !== undefined) out.CopySourceIfModifiedSince = c.ifModifiedSince;
  if (c.ifUnmodifiedSince !== undefined) out.CopySourceIfUnmodifiedSince = c.ifUnmodifiedSince;
  return out;
}

/** A put's (or a completion's) result: the ETag quoted, the version id when there is one. */
export function s3PutResult(etag: string | undefined, versionId: string | undefined): PutResult {
  const result: PutResult = { etag: quoteEtag(etag) };
  if (versionId) result.versionId = versionId;
  return result;
}

/** The `Delete` member of DeleteObjects, not quiet (every entry is answered). */
export function s3DeleteMember(entries: readonly { key: string; versionId?: string }[]): { Objects: { Key: string; VersionId?: string }[]; Quiet: false } {
  return { Objects: entries.map((e) => (e.versionId !== undefined ? { Key: e.key, VersionId: e.versionId } : { Key: e.key })), Quiet: false };
}

/** A `<Deleted>` / `<Error>` of the model, as s3DeleteManyResults reads it. */
export function s3DeleteAnswers(out: {
  Deleted?: Array<{ Key?: string; VersionId?: string; DeleteMarker?: boolean; DeleteMarkerVersionId?: string }>;
  Errors?: Array<{ Key?: string; VersionId?: string; Code?: string; Message?: string }>;
}): import('./delete-objects.js').S3DeleteAnswer[] {
  return [
    ...(out.Deleted ?? []).map((d) => ({ key: d.Key, versionId: d.VersionId, deleted: true as const, deleteMarker: d.DeleteMarker, deleteMarkerVersionId: d.DeleteMarkerVersionId })),
    ...(out.Errors ?? []).map((e) => ({ key: e.Key, versionId: e.VersionId, deleted: false as const, code: e.Code, message: e.Message })),
  ];
}

interface ModelObject {
  Key?: string;
  Size?: number;
  ETag?: string;
  LastModified?: Date;
  StorageClass?: string;
}

/** One ListObjectsV2 page (keys decoded when the server url-encoded them). */
export function s3ObjectsPage(out: {
  Contents?: ModelObject[];
  CommonPrefixes?: Array<{ Prefix?: string }>;
  IsTruncated?: boolean;
  NextContinuationToken?: string;
  EncodingType?: string;
}): { objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string } {
  const encoded = out.EncodingType === 'url';
  const objects = (out.Contents ?? []).map((o): ObjectSummary => {
    const summary: ObjectSummary = { key: decodeS3Listed(o.Key ?? '', encoded), size: o.Size ?? 0, etag: quoteEtag(o.ETag), lastModified: o.LastModified ?? new Date(0) };
    if (o.StorageClass) summary.storageClass = o.StorageClass;
    return summary;
  });
  const page: { objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string } = {
    objects,
    commonPrefixes: (out.CommonPrefixes ?? []).map((p) => decodeS3Listed(p.Prefix ?? '', encoded)),
  };
  if (out.IsTruncated && out.NextContinuationToken) page.nextToken = out.NextContinuationToken;
  return page;
}

/**
 * One ListObjectVersions page. The model splits `<Version>` and
 * `<DeleteMarker>` apart: S3's order (key order, then newest first within a
 * key) is restored. The page token carries the next key and version-id markers.
 */
export function s3VersionsPage(out: {
  Versions?: Array<ModelObject & { VersionId?: string; IsLatest?: boolean }>;
  DeleteMarkers?: Array<{ Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date }>;
  CommonPrefixes?: Array<{ Prefix?: string }>;
  IsTruncated?: boolean;
  NextKeyMarker?: string;
  NextVersionIdMarker?: string;
  EncodingType?: string;
}): { versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string } {
  const encoded = out.EncodingType === 'url';
  const versions: Array<VersionSummary & { order: number }> = [];
  for (const v of out.Versions ?? []) {
    const s: VersionSummary & { order: number } = {
      key: decodeS3Listed(v.Key ?? '', encoded),
      versionId: v.VersionId ?? 'null',
      isLatest: v.IsLatest ?? false,
      isDeleteMarker: false,
      size: v.Size ?? 0,
      etag: quoteEtag(v.ETag),
      lastModified: v.LastModified ?? new Date(0),
      order: versions.length,
    };
    if (v.StorageClass) s.storageClass = v.StorageClass;
    versions.push(s);
  }
  for (const m of out.DeleteMarkers ?? []) {
    versions.push({
      key: decodeS3Listed(m.Key ?? '', encoded),
      versionId: m.VersionId ?? 'null',
      isLatest: m.IsLatest ?? false,
      isDeleteMarker: true,
      size: 0,
      etag: '',
      lastModified: m.LastModified ?? new Date(0),
      order: versions.length,
    });
  }
  versions.sort((a, b) => compareUtf8(a.key, b.key) || Number(b.isLatest) - Number(a.isLatest) || b.lastModified.getTime() - a.lastModified.getTime() || a.order - b.order);
  const page: { versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string } = {
    versions: versions.map(({ order: _order, ...v }) => v),
    commonPrefixes: (out.CommonPrefixes ?? []).map((p) => decodeS3Listed(p.Prefix ?? '', encoded)),
  };
  if (out.IsTruncated) page.nextToken = JSON.stringify({ k: out.NextKeyMarker !== undefined ? decodeS3Listed(out.NextKeyMarker, encoded) : undefined, v: out.NextVersionIdMarker });
  return page;
}

/** The key and version-id markers of a version page token (see s3VersionsPage). */
export function s3VersionMarkers(token: string | undefined): { KeyMarker?: string; VersionIdMarker?: string } {
  if (token === undefined) return {};
  const parsed = JSON.parse(token) as { k?: string; v?: string };
  return { ...(parsed.k !== undefined ? { KeyMarker: parsed.k } : {}), ...(parsed.v !== undefined ? { VersionIdMarker: parsed.v } : {}) };
}

/** One ListParts page. */
export function s3PartsPage(out: {
  Parts?: Array<{ PartNumber?: number; ETag?: string; Size?: number; LastModified?: Date }>;
  IsTruncated?: boolean;
  NextPartNumberMarker?: number | string;
}): { parts: PartInfo[]; nextToken?: string } {
  const parts = (out.Parts ?? []).map((p): PartInfo => {
    const part: PartInfo = { partNumber: p.PartNumber ?? 0, etag: quoteEtag(p.ETag) };
    if (p.Size !== undefined) part.size = p.Size;
    if (p.LastModified) part.lastModified = p.LastModified;
    return part;
  });
  const page: { parts: PartInfo[]; nextToken?: string } = { parts };
  if (out.IsTruncated && out.NextPartNumberMarker !== undefined) page.nextToken = String(out.NextPartNumberMarker);
  return page;
}

/** One ListMultipartUploads page; the token carries the next key and upload-id markers. */
export function s3UploadsPage(
  bucket: string,
  out: { Uploads?: Array<{ Key?: string; UploadId?: string; Initiated?: Date }>; IsTruncated?: boolean; NextKeyMarker?: string; NextUploadIdMarker?: string; EncodingType?: string },
): { uploads: MultipartUpload[]; nextToken?: string } {
  const encoded = out.EncodingType === 'url';
  const uploads = (out.Uploads ?? []).map((u): MultipartUpload => {
    const upload: MultipartUpload = { bucket, key: decodeS3Listed(u.Key ?? '', encoded), uploadId: u.UploadId ?? '' };
    if (u.Initiated) upload.initiated = u.Initiated;
    return upload;
  });
  const page: { uploads: MultipartUpload[]; nextToken?: string } = { uploads };
  if (out.IsTruncated) page.nextToken = JSON.stringify({ k: out.NextKeyMarker !== undefined ? decodeS3Listed(out.NextKeyMarker, encoded) : undefined, u: out.NextUploadIdMarker });
  return page;
}

/** The key and upload-id markers of an upload page token (see s3UploadsPage). */
export function s3UploadMarkers(token: string | undefined): { KeyMarker?: string; UploadIdMarker?: string } {
  if (token === undefined) return {};
  const parsed = JSON.parse(token) as { k?: string; u?: string };
  return { ...(parsed.k !== undefined ? { KeyMarker: parsed.k } : {}), ...(parsed.u !== undefined ? { UploadIdMarker: parsed.u } : {}) };
}

/** GetObjectLockConfiguration's `ObjectLockConfiguration` as core's. */
export function s3LockConfiguration(config: { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } } | undefined): ObjectLockConfiguration {
  const result: ObjectLockConfiguration = { enabled: config?.ObjectLockEnabled === 'Enabled' };
  const rule = config?.Rule?.DefaultRetention;
  if (rule?.Mode === 'GOVERNANCE' || rule?.Mode === 'COMPLIANCE') {
    const d: DefaultRetention = { mode: rule.Mode };
    if (typeof rule.Days === 'number') d.days = rule.Days;
    if (typeof rule.Years === 'number') d.years = rule.Years;
    result.defaultRetention = d;
  }
  return result;
}

/** PutObjectLockConfiguration's `ObjectLockConfiguration` from core's default retention. */
export function s3LockConfigurationMember(r: DefaultRetention | undefined): {
  ObjectLockEnabled: 'Enabled';
  Rule?: { DefaultRetention: { Mode: 'GOVERNANCE' | 'COMPLIANCE'; Days?: number; Years?: number } };
} {
  return {
    ObjectLockEnabled: 'Enabled',
    ...(r ? { Rule: { DefaultRetention: { Mode: r.mode, ...(r.days !== undefined ? { Days: r.days } : {}), ...(r.years !== undefined ? { Years: r.years } : {}) } } } : {}),
  };
}

/** GetObjectRetention's `Retention` as core's (undefined when it holds no mode and date). */
export function s3Retention(r: { Mode?: string; RetainUntilDate?: Date } | undefined): Retention | undefined {
  if ((r?.Mode !== 'GOVERNANCE' && r?.Mode !== 'COMPLIANCE') || !r.RetainUntilDate) return undefined;
  return { mode: r.Mode, retainUntil: r.RetainUntilDate };
}

/** GetBucketVersioning's `Status` as core's state. */
export function s3VersioningState(status: string | undefined): 'Enabled' | 'Suspended' | 'Unversioned' {
  return status === 'Enabled' ? 'Enabled' : status === 'Suspended' ? 'Suspended' : 'Unversioned';
}
