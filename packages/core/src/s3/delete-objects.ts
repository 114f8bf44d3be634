import { isStowageError } from '../errors/stowage-error.js';
import type { DeleteManyResult, DeleteResult } from '../types.js';
import { mapS3ErrorCode, type S3ErrorContext } from './error-codes.js';

/**
 * One entry of a DeleteObjects answer as the adapter's parser read it: a
 * `<Deleted>` or an `<Error>` (the SDKs' `Deleted` / `Errors` members, or the
 * XML itself). Shared by every S3-family adapter: the pairing of answers with
 * the entries asked, and the re-check of Ceph's bare refusals, are the
 * servers' behaviour, not an SDK's.
 */
export type S3DeleteAnswer =
  | { key?: string; versionId?: string; deleted: true; deleteMarker?: boolean; deleteMarkerVersionId?: string }
  | { key?: string; versionId?: string; deleted: false; code?: string; message?: string };

/** At most this many batch refusals are re-asked one by one (see s3DeleteManyResults). */
export const S3_DELETE_RECHECK_LIMIT = 100;

/**
 * One result per entry asked, in input order, from the answers of a
 * non-quiet DeleteObjects. Servers do not always echo what was sent:
 *
 * - some echo a version id that was not sent, or drop one that was (matched by key);
 * - MinIO answers a key listed twice with one `<Deleted><Key>…` and one empty
 *   `<Deleted/>` (matched to the unanswered entry);
 * - a key listed twice may be answered once: the second entry shares the first's fate.
 *
 * Ceph RGW 16 reports a locked version in a batch as a bare `AccessDenied` (no
 * message), which a bucket policy could also cause; a single DeleteObject of
 * that version says which ("forbidden by object lock"), so `deleteOne` is
 * asked for a bounded few (S3_DELETE_RECHECK_LIMIT).
 */
export async function s3DeleteManyResults(
  bucket: string,
  entries: readonly { key: string; versionId?: string }[],
  answers: readonly S3DeleteAnswer[],
  provider: string,
  deleteOne: (entry: { key: string; versionId: string }) => Promise<DeleteResult>,
): Promise<DeleteManyResult[]> {
  const pool = answers.map((answer) => ({ answer, key: answer.key ?? '', versionId: answer.versionId || undefined, used: false }));
  const lastFor = new Map<string, S3DeleteAnswer>();
  const take = (key: string, versionId: string | undefined): S3DeleteAnswer | undefined => {
    const id = `${key}\u0000${versionId ?? ''}`;
    const found =
      pool.find((a) => !a.used && a.key === key && a.versionId === versionId) ??
      pool.find((a) => !a.used && a.key === key) ??
      pool.find((a) => !a.used && a.key === '' && a.answer.deleted);
    if (found) found.used = true;
    const answer = found?.answer ?? lastFor.get(id);
    if (answer !== undefined) lastFor.set(id, answer);
    return answer;
  };

  const bare: number[] = [];
  const results = entries.map((entry, i): DeleteManyResult => {
    const answer = take(entry.key, entry.versionId);
    const base = entry.versionId !== undefined ? { key: entry.key, versionId: entry.versionId } : { key: entry.key };
    const context: S3ErrorContext = { operation: 'deleteObjects', bucket, key: entry.key, versionId: entry.versionId };
    if (answer === undefined) {
      // Quiet mode is off, so every entry should be answered.
      return { ...base, deleted: false, error: mapS3ErrorCode('InternalError', 'The server did not report on this key', undefined, context, { provider }) };
    }
    if (answer.deleted) {
      const r: DeleteManyResult = { ...base, deleted: true };
      if (answer.deleteMarker) r.deleteMarker = true;
      if (answer.deleteMarkerVersionId) r.deleteMarkerVersionId = answer.deleteMarkerVersionId;
      return r;
    }
    const code = answer.code || 'InternalError';
    // Ceph repeats the code as the message ("AccessDenied"): that says nothing more.
    const message = answer.message && answer.message !== code ? answer.message : '';
    const error = mapS3ErrorCode(code, message, undefined, context, { provider });
    if (error.code === 'AccessDenied' && message === '' && entry.versionId !== undefined) bare.push(i);
    return { ...base, deleted: false, error };
  });

  for (const i of bare.slice(0, S3_DELETE_RECHECK_LIMIT)) {
    const r = results[i]!;
    const versionId = r.versionId!;
    try {
      const single = await deleteOne({ key: r.key, versionId });
      results[i] = { key: r.key, versionId, deleted: true, ...(single.deleteMarker ? { deleteMarker: true } : {}) };
    } catch (e) {
      if (isStowageError(e, 'Aborted')) throw e;
      if (isStowageError(e)) results[i] = { key: r.key, versionId, deleted: false, error: e };
    }
  }
  return results;
}
