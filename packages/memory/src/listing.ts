import { compareUtf8, type ObjectSummary, type VersionSummary } from '@stowage/core';
import { commonPrefixOf, prefixSuccessor } from './key-range.js';
import type { MapCursor, SortedMap } from './sorted-map.js';
import { LiveColumn, type KeyEntry, type StoredVersion } from './state.js';

export interface ListRequest {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  /**
   * Resume after this key or common prefix (a continuation token, or
   * startAfter). A marker that itself rolls up into a common prefix skips that
   * whole prefix, as S3 does: its keys were summarised by the prefix already.
   */
  marker?: string;
}

/** Where a listing starts: the later of the prefix and the marker bound. */
function startCursor<V>(tree: SortedMap<string, V>, prefix: string, delimiter: string | undefined, marker: string | undefined): MapCursor<string, V> | undefined {
  let bound = prefix;
  let inclusive = true;
  if (marker !== undefined) {
    const rolled = delimiter !== undefined && marker.startsWith(prefix) ? commonPrefixOf(marker, prefix, delimiter) : undefined;
    let markerBound: string;
    let markerInclusive: boolean;
    if (rolled !== undefined) {
      const after = prefixSuccessor(rolled);
      if (after === undefined) return undefined;
      markerBound = after;
      markerInclusive = true;
    } else {
      markerBound = marker;
      markerInclusive = false;
    }
    const order = compareUtf8(markerBound, bound);
    if (order > 0 || (order === 0 && !markerInclusive)) {
      bound = markerBound;
      inclusive = markerInclusive;
    }
  }
  if (bound === '' && inclusive) return tree.first();
  return inclusive ? tree.seekGE(bound) : tree.seekGT(bound);
}

/** Moves past every key starting with `commonPrefix`, in O(log n). */
function skipPrefix<V>(tree: SortedMap<string, V>, commonPrefix: string): MapCursor<string, V> | undefined {
  const after = prefixSuccessor(commonPrefix);
  return after === undefined ? undefined : tree.seekGE(after);
}

export function toSummary(key: string, v: StoredVersion): ObjectSummary {
  return { key, size: v.size, etag: v.etag, lastModified: new Date(v.modified), storageClass: 'STANDARD' };
}

/**
 * One page of ListObjects over the live-key index: O(log n) to find the start,
 * then O(1) per key listed and O(log n) per common prefix (its keys are
 * skipped by a seek, never scanned). Keys and common prefixes both count
 * toward `maxKeys`; the token is the last key or prefix returned.
 */
export function listObjectsPage(live: SortedMap<string, StoredVersion>, req: ListRequest): { objects: ObjectSummary[]; commonPrefixes: string[]; nextToken?: string } {
  const prefix = req.prefix ?? '';
  const delimiter = req.delimiter;
  const objects: ObjectSummary[] = [];
  const commonPrefixes: string[] = [];
  let cursor = startCursor(live, prefix, delimiter, req.marker);
  let count = 0;
  let last: string | undefined;
  let truncated = false;
  while (cursor?.valid) {
    const key = cursor.key;
    if (prefix !== '' && !key.startsWith(prefix)) break;
    if (count === req.maxKeys) {
      truncated = true;
      break;
    }
    const rolled = delimiter !== undefined ? commonPrefixOf(key, prefix, delimiter) : undefined;
    if (rolled !== undefined) {
      commonPrefixes.push(rolled);
      last = rolled;
      count++;
      cursor = skipPrefix(live, rolled);
      continue;
    }
    // from the leaf columns: no per-key dereference of the version
    objects.push({
      key,
      size: cursor.column<number>(LiveColumn.Size),
      etag: cursor.column<string>(LiveColumn.Etag),
      lastModified: new Date(cursor.column<number>(LiveColumn.Modified)),
      storageClass: 'STANDARD',
    });
    last = key;
    count++;
    cursor.next();
  }
  return truncated ? { objects, commonPrefixes, nextToken: last } : { objects, commonPrefixes };
}

/** A version-listing token: the last key (or common prefix) listed and, within a key, the last version's creation order. */
export interface VersionToken {
  marker: string;
  seq?: number;
}

export function encodeVersionToken(t: VersionToken): string {
  return JSON.stringify(t.seq === undefined ? [t.marker] : [t.marker, t.seq]);
}

export function decodeVersionToken(token: string): VersionToken | undefined {
  try {
    const parsed: unknown = JSON.parse(token);
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') return undefined;
    if (parsed.length === 1) return { marker: parsed[0] };
    if (parsed.length === 2 && Number.isSafeInteger(parsed[1])) return { marker: parsed[0], seq: parsed[1] as number };
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * One page of ListObjectVersions over the all-keys index: keys in UTF-8 order,
 * each key's versions and delete markers newest first; a page may end inside a
 * key, and resumes after the exact version listed last.
 */
export function listVersionsPage(
  keys: SortedMap<string, KeyEntry>,
  req: Omit<ListRequest, 'marker'> & { token?: VersionToken },
  versionIdOf: (v: StoredVersion) => string,
): { versions: VersionSummary[]; commonPrefixes: string[]; nextToken?: string } {
  const prefix = req.prefix ?? '';
  const delimiter = req.delimiter;
  const versions: VersionSummary[] = [];
  const commonPrefixes: string[] = [];
  const token = req.token;
  let resumeKey: string | undefined;
  let resumeSeq = 0;
  let cursor: MapCursor<string, KeyEntry> | undefined;
  if (token?.seq !== undefined) {
    // inside a key: its remaining (older) versions first, then the keys after it
    resumeKey = token.marker;
    resumeSeq = token.seq;
    cursor = compareUtf8(token.marker, prefix) < 0 ? startCursor(keys, prefix, delimiter, undefined) : keys.seekGE(token.marker);
  } else {
    cursor = startCursor(keys, prefix, delimiter, token?.marker);
  }
  let count = 0;
  let last: VersionToken | undefined;
  let truncated = false;
  outer: while (cursor?.valid) {
    const key = cursor.key;
    if (!key.startsWith(prefix)) break;
    const rolled = delimiter !== undefined ? commonPrefixOf(key, prefix, delimiter) : undefined;
    if (rolled !== undefined) {
      if (count === req.maxKeys) {
        truncated = true;
        break;
      }
      commonPrefixes.push(rolled);
      last = { marker: rolled };
      count++;
      cursor = skipPrefix(keys, rolled);
      continue;
    }
    const entry = cursor.value;
    const resuming = key === resumeKey;
    for (let i = 0; i < entry.versions.length; i++) {
      const v = entry.versions[i]!;
      if (resuming && v.seq >= resumeSeq) continue;
      if (count === req.maxKeys) {
        truncated = true;
        break outer;
      }
      const base: ObjectSummary = v.deleteMarker ? { key, size: 0, etag: '', lastModified: new Date(v.modified) } : toSummary(key, v);
      versions.push({ ...base, versionId: versionIdOf(v), isLatest: i === 0, isDeleteMarker: v.deleteMarker });
      last = { marker: key, seq: v.seq };
      count++;
    }
    cursor.next();
  }
  return truncated && last ? { versions, commonPrefixes, nextToken: encodeVersionToken(last) } : { versions, commonPrefixes };
}
