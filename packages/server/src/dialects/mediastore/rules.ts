import { HttpError } from '../../http/errors.js';
import { mediaStoreError } from './errors.js';

/**
 * The MediaStore Data API's documented constraints (API reference and the
 * service model, `mediastore-data-2017-09-01`). MB is decimal, as AWS writes it.
 */
export const MEDIASTORE_LIMITS = {
  /** PutObject with `x-amz-upload-availability: STANDARD` (the default). */
  standardMaxBytes: 25_000_000,
  /** PutObject with `x-amz-upload-availability: STREAMING`. */
  streamingMaxBytes: 10_000_000,
  /** PathNaming / ListPathNaming: at most 900 characters. */
  maxPathLength: 900,
  /** `(?:segment/){0,10}segment`: at most 10 folders above the object. */
  maxFolders: 10,
  /** ListItems MaxResults: 1..1000, default 1000. */
  maxResults: 1000,
  /** "Tokens expire after 15 minutes." */
  tokenLifetimeMs: 15 * 60_000,
  /** "If the object doesn't fully upload within 30 seconds, MediaStore cancels the request." */
  uploadTimeoutMs: 30_000,
} as const;

/** PathNaming: `(?:[A-Za-z0-9_\.\-\~]+/){0,10}[A-Za-z0-9_\.\-\~]+`, 1–900 characters. */
export const PATH_PATTERN = /^(?:[A-Za-z0-9_.~-]+\/){0,10}[A-Za-z0-9_.~-]+$/;
/** ListPathNaming: `/?(?:[A-Za-z0-9_\.\-\~]+/){0,10}(?:[A-Za-z0-9_\.\-\~]+)?/?`, 0–900 characters. */
export const LIST_PATH_PATTERN = /^\/?(?:[A-Za-z0-9_.~-]+\/){0,10}(?:[A-Za-z0-9_.~-]+)?\/?$/;
/** ItemName: `[A-Za-z0-9_\.\-\~]+`. */
export const ITEM_NAME_PATTERN = /^[A-Za-z0-9_.~-]+$/;
/** ContentType: `^[\w\-\/\.\+]{1,255}$` — so no parameters (`; charset=…`). */
export const CONTENT_TYPE_PATTERN = /^[\w\-/.+]{1,255}$/;
/** RangePattern: `^bytes=(?:\d+\-\d*|\d*\-\d+)$` — one range, suffix ranges included. */
export const RANGE_PATTERN = /^bytes=(?:\d+-\d*|\d*-\d+)$/;

export function validationError(message: string): HttpError {
  return mediaStoreError(400, 'ValidationException', message);
}

/**
 * An object path: the model's PathNaming pattern and length, and no `.` or
 * `..` segment. The pattern allows those, but SigV4 for every service but S3
 * signs the path with dot segments resolved, so such a path could never be
 * both signed and addressed as written: refused here (our choice).
 */
export function validatePath(path: string): void {
  if (path.length < 1 || path.length > MEDIASTORE_LIMITS.maxPathLength) {
    throw validationError(`Value at path failed to satisfy constraint: Member must have length between 1 and ${MEDIASTORE_LIMITS.maxPathLength}`);
  }
  if (!PATH_PATTERN.test(path)) {
    throw validationError('Value at path failed to satisfy constraint: Member must satisfy regular expression pattern: (?:[A-Za-z0-9_.-~]+/){0,10}[A-Za-z0-9_.-~]+');
  }
  if (path.split('/').some((s) => s === '.' || s === '..')) throw validationError('Value at path failed to satisfy constraint: path segments . and .. are not allowed');
}

/** A folder path of ListItems (leading and trailing `/` allowed): the folder's key prefix, `''` for the root. */
export function listPrefix(path: string): string {
  if (path.length > MEDIASTORE_LIMITS.maxPathLength) throw validationError(`Value at Path failed to satisfy constraint: Member must have length less than or equal to ${MEDIASTORE_LIMITS.maxPathLength}`);
  if (!LIST_PATH_PATTERN.test(path)) throw validationError('Value at Path failed to satisfy constraint: Member must satisfy regular expression pattern: /?(?:[A-Za-z0-9_.-~]+/){0,10}(?:[A-Za-z0-9_.-~]+)?/?');
  const folder = path.replace(/^\//, '').replace(/\/$/, '');
  return folder === '' ? '' : `${folder}/`;
}

export function validateContentType(value: string | undefined): void {
  if (value === undefined) return;
  if (!CONTENT_TYPE_PATTERN.test(value)) {
    throw validationError('Value at ContentType failed to satisfy constraint: Member must satisfy regular expression pattern: ^[w-/.+]{1,255}$ (no parameters such as charset)');
  }
}

/** A Range header: undefined when absent; 'unsatisfiable' for an empty suffix. */
export function parseRange(value: string | undefined): { offset: number; length?: number } | { suffix: number } | 'unsatisfiable' | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!RANGE_PATTERN.test(v)) throw validationError('Value at Range failed to satisfy constraint: Member must satisfy regular expression pattern: ^bytes=(?:d+-d*|d*-d+)$');
  const [a, b] = v.slice(6).split('-') as [string, string];
  if (a === '') {
    const suffix = Number(b);
    return suffix === 0 ? 'unsatisfiable' : { suffix };
  }
  const start = Number(a);
  if (b === '') return { offset: start };
  const end = Number(b);
  if (end < start) return 'unsatisfiable';
  return { offset: start, length: end - start + 1 };
}
