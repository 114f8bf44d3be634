import { compareUtf8, type DefaultRetention, type Metadata, type Retention, type StoredChecksum, type UploadChecksum, type VersioningState } from '@stowage/core';
import type { ContentHeaderSet } from './rules/types.js';
import { SortedMap } from './sorted-map.js';

/** One stored version of a key, or a delete marker. Never mutated in place except its lock fields. */
export interface StoredVersion {
  /** Creation order across the whole store: versions of a key are listed by it, newest first. */
  seq: number;
  /** `'null'` for the null version of an unversioned or suspended bucket. */
  versionId: string;
  deleteMarker: boolean;
  /** Immutable once stored; never handed out (readers get copies). */
  data: Uint8Array;
  /** `data.length`, kept inline so a listing touches one object per key. */
  size: number;
  /** Quoted; `''` for a delete marker. */
  etag: string;
  /** Epoch milliseconds, whole seconds as S3 keeps them. */
  modified: number;
  headers: ContentHeaderSet;
  /** As the Store gave it: names lower-case, values wire-encoded. */
  metadata: Metadata;
  retention?: Retention;
  legalHold?: boolean;
  /** The whole-object checksum kept from the put or the multipart completion. */
  checksum?: StoredChecksum;
}

export interface KeyEntry {
  key: string;
  /** Newest first. Never empty while the entry is indexed. */
  versions: StoredVersion[];
}

export interface StoredPart {
  partNumber: number;
  data: Uint8Array;
  etag: string;
  lastModified: Date;
  /** The part's checksum in the upload's algorithm (base64), when the upload has one. */
  checksum?: string;
}

export interface UploadState {
  seq: number;
  uploadId: string;
  key: string;
  initiated: Date;
  headers: ContentHeaderSet;
  metadata: Metadata;
  retention?: Retention;
  legalHold?: boolean;
  /** The checksum the object is to keep (CreateMultipartUpload's algorithm and type). */
  checksum?: UploadChecksum;
  parts: Map<number, StoredPart>;
}

export interface UploadKey {
  key: string;
  seq: number;
}

export interface BucketState {
  name: string;
  createdAt: Date;
  region?: string;
  versioning: VersioningState;
  objectLock: boolean;
  defaultRetention?: DefaultRetention;
  /** Every key that has a version or a delete marker: what version listings walk. */
  keys: SortedMap<string, KeyEntry>;
  /** Each key whose current version is an object (not a delete marker) → that version: what object listings walk. */
  live: SortedMap<string, StoredVersion>;
  /** In-progress multipart uploads by (key, initiation order), as S3 lists them. */
  uploads: SortedMap<UploadKey, UploadState>;
  uploadsById: Map<string, UploadState>;
}

/** The live index keeps what an object listing shows in leaf columns: size, ETag, modified (in this order). */
export const LIVE_COLUMNS: ReadonlyArray<(v: StoredVersion) => unknown> = [(v) => v.size, (v) => v.etag, (v) => v.modified];
export const LiveColumn = { Size: 0, Etag: 1, Modified: 2 } as const;

export function compareUploadKeys(a: UploadKey, b: UploadKey): number {
  return compareUtf8(a.key, b.key) || a.seq - b.seq;
}

export function newBucket(name: string, createdAt: Date, region: string | undefined, objectLock: boolean): BucketState {
  return {
    name,
    createdAt,
    region,
    versioning: objectLock ? 'Enabled' : 'Unversioned',
    objectLock,
    keys: new SortedMap(compareUtf8),
    live: new SortedMap(compareUtf8, LIVE_COLUMNS),
    uploads: new SortedMap(compareUploadKeys),
    uploadsById: new Map(),
  };
}
