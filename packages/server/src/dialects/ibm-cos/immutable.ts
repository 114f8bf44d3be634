import { isStowageError, type DeleteManyEntry, type Store } from '@stowage/core';
import { HttpError } from '../../http/errors.js';
import { send, sendXml } from '../../http/response.js';
import { readXml, requireBodyChecksum, type S3Call } from '../s3/call.js';
import { parseCopySource } from '../s3/copy.js';
import { toS3Error } from '../s3/errors.js';
import { bypassGovernance } from '../s3/headers.js';
import { child, childrenNamed, childText, expectRoot, opt, S3_NS, x, xmlDocument } from '../s3/xml.js';
import {
  DAY_SECONDS,
  expirationOf,
  INDEFINITE,
  isProtected,
  LEGAL_HOLD_ID,
  MAX_LEGAL_HOLDS,
  MAX_RETENTION_DAYS,
  PERMANENT,
  type IbmRetention,
  type IbmState,
  type Protection,
} from './state.js';

/**
 * IBM Immutable Object Storage on the S3 dialect, as IBM documents it and as
 * ibm-cos-sdk's API model puts it on the wire (`?protection`, `?legalHold`,
 * `?extendRetention`, the `Retention-*` headers). Sources are listed in the
 * package README ("IBM COS extensions").
 */

function invalid(message: string, name?: string, value?: string): HttpError {
  const fields: Record<string, string> = {};
  if (name !== undefined) fields.ArgumentName = name;
  if (value !== undefined) fields.ArgumentValue = value;
  return new HttpError(400, 'InvalidArgument', message, fields);
}

/** 403 AccessDenied, worded so clients can tell retention from a legal hold (as S3 servers word object lock). */
function protectedError(bucket: string, key: string, r: IbmRetention, now: Date): HttpError {
  const why =
    r.holds.size > 0
      ? `under legal hold (${r.holds.size} legal hold id${r.holds.size === 1 ? '' : 's'})`
      : r.period === PERMANENT
        ? 'under retention (permanent)'
        : r.period === INDEFINITE
          ? 'under retention (indefinite)'
          : `under retention until ${expirationOf(r)!.toISOString()} (${Math.ceil((expirationOf(r)!.getTime() - now.getTime()) / 1000)} s left)`;
  return new HttpError(403, 'AccessDenied', `Access Denied: the object is ${why} and cannot be deleted or overwritten.`, { BucketName: bucket, Key: key });
}

/** Whether the Store's bucket has object lock (then IBM retention is mirrored onto it). */
async function storeLocks(store: Store, bucket: string, signal: AbortSignal): Promise<boolean> {
  try {
    return (await store.getObjectLockConfiguration(bucket, { signal })).enabled;
  } catch (e) {
    if (isStowageError(e, 'NotSupported')) return false;
    throw e;
  }
}

/** The version a request without a version id means: the current one (undefined when none). */
async function currentVersion(store: Store, bucket: string, key: string, versionId: string | undefined, signal: AbortSignal): Promise<{ exists: boolean; versionId: string | undefined }> {
  try {
    const info = await store.head(bucket, key, { versionId, signal });
    return { exists: true, versionId: info.versionId ?? versionId };
  } catch (e) {
    if (isStowageError(e, 'ObjectNotFound') || isStowageError(e, 'VersionNotFound')) return { exists: false, versionId };
    throw e;
  }
}

// ---------------------------------------------------------------- protection configuration

export async function getProtection(call: S3Call, state: IbmState): Promise<void> {
  if (!(await call.store.bucketExists(call.bucket, { signal: call.ctx.signal }))) {
    throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  }
  const p = state.getProtection(call.bucket);
  const xml = p
    ? x(
        'ProtectionConfiguration',
        { xmlns: S3_NS },
        x('Status', p.status),
        x('MinimumRetention', x('Days', p.minimumDays)),
        x('DefaultRetention', x('Days', p.defaultDays)),
        x('MaximumRetention', x('Days', p.maximumDays)),
        p.permanent ? x('EnablePermanentRetention', true) : undefined,
      )
    : x('ProtectionConfiguration', { xmlns: S3_NS }, x('Status', 'Disabled'));
  sendXml(call.ctx, 200, xmlDocument(xml));
}

export async function putProtection(call: S3Call, state: IbmState): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'ProtectionConfiguration');
  if (!(await call.store.bucketExists(call.bucket, { signal: call.ctx.signal }))) {
    throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  }
  const status = childText(doc, 'Status')?.trim();
  const current = state.getProtection(call.bucket);
  if (status === 'Disabled') {
    if (current) throw new HttpError(409, 'InvalidBucketState', 'A retention policy cannot be removed from a bucket once set.', { BucketName: call.bucket });
    send(call.ctx, 200);
    return;
  }
  if (status !== 'Retention') throw invalid('Status must be Retention (or Disabled).', 'Status', status);
  const days = (name: string): number => {
    const el = child(doc, name);
    const text = el ? childText(el, 'Days')?.trim() : undefined;
    if (text === undefined) throw invalid(`${name} is required with Status Retention.`, name);
    if (!/^\d+$/.test(text) || Number(text) > MAX_RETENTION_DAYS) throw invalid(`${name} must be a whole number of days from 0 to ${MAX_RETENTION_DAYS}.`, name, text);
    return Number(text);
  };
  const min = days('MinimumRetention');
  const def = days('DefaultRetention');
  const max = days('MaximumRetention');
  if (!(min <= def && def <= max)) throw invalid('The retention periods must satisfy MinimumRetention <= DefaultRetention <= MaximumRetention.', 'DefaultRetention', String(def));
  const permanentText = childText(doc, 'EnablePermanentRetention')?.trim().toLowerCase();
  if (permanentText !== undefined && permanentText !== 'true' && permanentText !== 'false') throw invalid('EnablePermanentRetention must be true or false.', 'EnablePermanentRetention', permanentText);
  const permanent = permanentText === 'true';
  if (current?.permanent && !permanent) throw new HttpError(409, 'InvalidBucketState', 'Permanent retention cannot be disabled once enabled.', { BucketName: call.bucket });
  state.setProtection(call.bucket, { status: 'Retention', minimumDays: min, defaultDays: def, maximumDays: max, permanent });
  send(call.ctx, 200);
}

// ---------------------------------------------------------------- retention on writes

/** The `Retention-*` headers of a put, copy (REPLACE) or multipart completion. */
export interface RetentionHeaders {
  period?: number;
  expiration?: Date;
  holdId?: string;
}

export function readRetentionHeaders(call: S3Call): RetentionHeaders {
  const ctx = call.ctx;
  const out: RetentionHeaders = {};
  const period = ctx.header('retention-period')?.trim();
  const expiration = ctx.header('retention-expiration-date')?.trim();
  const hold = ctx.header('retention-legal-hold-id')?.trim();
  if (period !== undefined && expiration !== undefined) throw invalid('Retention-Period and Retention-Expiration-Date cannot both be given.', 'Retention-Period', period);
  if (period !== undefined) {
    if (!/^-?\d+$/.test(period) || Number(period) < PERMANENT) throw invalid('Retention-Period must be a non-negative number of seconds (or -1 indefinite, -2 permanent).', 'Retention-Period', period);
    out.period = Number(period);
  }
  if (expiration !== undefined) {
    const d = new Date(expiration);
    if (Number.isNaN(d.getTime())) throw invalid('Retention-Expiration-Date must be an ISO 8601 date.', 'Retention-Expiration-Date', expiration);
    out.expiration = d;
  }
  if (hold !== undefined) out.holdId = checkHoldId(hold);
  return out;
}

export function hasRetentionHeaders(h: RetentionHeaders): boolean {
  return h.period !== undefined || h.expiration !== undefined || h.holdId !== undefined;
}

export function checkHoldId(id: string): string {
  if (id.length < 1 || id.length > 64) throw invalid('A legal hold id is 1 to 64 characters long.', 'RetentionLegalHoldId', id.slice(0, 80));
  if (!LEGAL_HOLD_ID.test(id)) throw invalid("A legal hold id may hold only letters, digits and ! _ . * ' ( ) -", 'RetentionLegalHoldId', id);
  return id;
}

/** A period (seconds) checked against the bucket's policy. */
function checkPeriod(p: Protection, period: number, name: string): number {
  if (period === PERMANENT) {
    if (!p.permanent) throw invalid('Permanent retention (-2) needs a bucket with EnablePermanentRetention.', name, String(period));
    return period;
  }
  if (period === INDEFINITE) return period;
  if (period < p.minimumDays * DAY_SECONDS) throw invalid(`The retention period is below the bucket's minimum of ${p.minimumDays} days.`, name, String(period));
  if (period > p.maximumDays * DAY_SECONDS) throw invalid(`The retention period is over the bucket's maximum of ${p.maximumDays} days.`, name, String(period));
  return period;
}

/**
 * The retention a new object gets in a protected bucket: the headers' period
 * or date (checked against the policy), else the bucket default; a legal hold
 * id from the headers. Undefined in an unprotected bucket (headers there: 400).
 */
export function plannedRetention(state: IbmState, bucket: string, headers: RetentionHeaders, now: Date, inherited?: IbmRetention): IbmRetention | undefined {
  const p = state.getProtection(bucket);
  if (!p) {
    if (hasRetentionHeaders(headers)) throw new HttpError(400, 'InvalidRequest', 'Retention headers need a bucket with a protection configuration (retention policy).', { BucketName: bucket });
    return undefined;
  }
  let period: number;
  if (headers.period !== undefined) period = checkPeriod(p, headers.period, 'Retention-Period');
  else if (headers.expiration !== undefined) {
    const seconds = Math.ceil((headers.expiration.getTime() - now.getTime()) / 1000);
    if (seconds < 0) throw invalid('Retention-Expiration-Date is in the past.', 'Retention-Expiration-Date', headers.expiration.toISOString());
    period = checkPeriod(p, seconds, 'Retention-Expiration-Date');
  } else if (inherited) period = inherited.period;
  else period = p.defaultDays * DAY_SECONDS;
  const holds = new Map<string, Date>();
  if (headers.holdId !== undefined) holds.set(headers.holdId, now);
  return { created: now, period, holds };
}

/**
 * Mirrors IBM retention onto the Store's object-lock headers of the request
 * (the S3 handler then writes the version COMPLIANCE-retained / held), when
 * the Store's bucket has object lock.
 */
export function mirrorOntoRequest(call: S3Call, r: IbmRetention): void {
  const headers = call.ctx.req.headers;
  const until = expirationOf(r);
  if (until !== undefined && until.getTime() > call.store.now().getTime() + 1000) {
    headers['x-amz-object-lock-mode'] = 'COMPLIANCE';
    headers['x-amz-object-lock-retain-until-date'] = until.toISOString();
  }
  if (r.holds.size > 0 || r.period < 0) headers['x-amz-object-lock-legal-hold'] = 'ON';
}

/** Mirrors a changed IBM retention onto an existing Store version. */
async function mirrorOntoVersion(store: Store, bucket: string, key: string, versionId: string | undefined, r: IbmRetention, signal: AbortSignal): Promise<void> {
  if (!(await storeLocks(store, bucket, signal))) return;
  const until = expirationOf(r);
  if (until !== undefined && until.getTime() > store.now().getTime() + 1000) {
    const current = await store.getRetention(bucket, key, { versionId, signal });
    if (!current || current.retainUntil.getTime() < until.getTime()) await store.setRetention(bucket, key, { mode: 'COMPLIANCE', retainUntil: until }, { versionId, signal });
  }
  await store.setLegalHold(bucket, key, r.holds.size > 0 || r.period < 0, { versionId, signal });
}

/** Refuses to overwrite (or delete) a version under IBM retention. */
export async function guardOverwrite(call: S3Call, state: IbmState, bucket: string, key: string): Promise<void> {
  if (!state.getProtection(bucket) && !state.hasObjects(bucket)) return;
  const { exists, versionId } = await currentVersion(call.store, bucket, key, undefined, call.ctx.signal);
  if (!exists) return;
  const r = state.getRetention(bucket, key, versionId);
  if (isProtected(r, call.store.now())) throw protectedError(bucket, key, r!, call.store.now());
}

/** After a write handler answered: record the new version's IBM retention. */
export function recordWrite(call: S3Call, state: IbmState, bucket: string, key: string, r: IbmRetention | undefined): void {
  if (!r) return;
  const versionId = call.ctx.res.getHeader('x-amz-version-id');
  if (call.ctx.res.statusCode >= 300) return;
  state.setRetention(bucket, key, typeof versionId === 'string' && versionId !== '' ? versionId : undefined, r);
}

/** The IBM retention a copy inherits with `Retention-Directive: Copy`. */
export async function sourceRetention(call: S3Call, state: IbmState): Promise<IbmRetention | undefined> {
  const source = parseCopySource(call.ctx.header('x-amz-copy-source')!);
  const { exists, versionId } = await currentVersion(call.store, source.bucket, source.key, source.versionId, call.ctx.signal);
  return exists ? state.getRetention(source.bucket, source.key, versionId) : undefined;
}

// ---------------------------------------------------------------- deletes

export async function guardDelete(call: S3Call, state: IbmState): Promise<string | undefined> {
  const requested = call.ctx.query.get('versionId') || undefined;
  const { exists, versionId } = await currentVersion(call.store, call.bucket, call.key, requested, call.ctx.signal);
  if (!exists) return undefined;
  const r = state.getRetention(call.bucket, call.key, versionId);
  if (isProtected(r, call.store.now())) throw protectedError(call.bucket, call.key, r!, call.store.now());
  return versionId ?? 'null';
}

/** DeleteObjects where IBM retention applies: retained entries are refused one by one (AccessDenied). */
export async function deleteObjects(call: S3Call, state: IbmState): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'Delete');
  const quiet = childText(doc, 'Quiet')?.trim().toLowerCase() === 'true';
  const objects = childrenNamed(doc, 'Object');
  const max = call.store.capabilities.batchDeleteMax ?? 1000;
  if (objects.length === 0 || objects.length > max) throw new HttpError(400, 'MalformedXML', `The request must name between 1 and ${max} objects.`);
  const entries: DeleteManyEntry[] = objects.map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined || key === '') throw new HttpError(400, 'MalformedXML', 'Every Object needs a Key.');
    const versionId = childText(o, 'VersionId')?.trim();
    return versionId ? { key, versionId } : { key };
  });
  const now = call.store.now();
  const refused = new Map<number, HttpError>();
  const allowed: Array<{ index: number; entry: DeleteManyEntry; stateVersion: string | undefined }> = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const { exists, versionId } = await currentVersion(call.store, call.bucket, e.key, e.versionId, call.ctx.signal);
    const r = exists ? state.getRetention(call.bucket, e.key, versionId) : undefined;
    if (isProtected(r, now)) refused.set(i, protectedError(call.bucket, e.key, r!, now));
    else allowed.push({ index: i, entry: e, stateVersion: exists ? versionId : undefined });
  }
  const results = allowed.length
    ? await call.store.deleteMany(call.bucket, allowed.map((a) => a.entry), { bypassGovernanceRetention: bypassGovernance(call.ctx) || undefined, signal: call.ctx.signal })
    : [];
  const byIndex = new Map<number, (typeof results)[number]>();
  allowed.forEach((a, j) => {
    const r = results[j]!;
    byIndex.set(a.index, r);
    if (r.deleted && (a.entry.versionId !== undefined || !r.deleteMarker)) state.dropRetention(call.bucket, a.entry.key, a.stateVersion);
  });
  const xml = x(
    'DeleteResult',
    { xmlns: S3_NS },
    entries.map((e, i) => {
      const refusal = refused.get(i);
      if (refusal) return x('Error', x('Key', e.key), opt('VersionId', e.versionId), x('Code', refusal.code), x('Message', refusal.message));
      const r = byIndex.get(i)!;
      if (r.deleted) {
        if (quiet) return undefined;
        return x('Deleted', x('Key', r.key), opt('VersionId', r.versionId), r.deleteMarker ? x('DeleteMarker', true) : undefined, opt('DeleteMarkerVersionId', r.deleteMarker ? r.deleteMarkerVersionId : undefined));
      }
      const err = toS3Error(r.error, { bucket: call.bucket, key: r.key, versionId: r.versionId });
      return x('Error', x('Key', r.key), opt('VersionId', r.versionId), x('Code', err.code), x('Message', err.message));
    }),
  );
  sendXml(call.ctx, 200, xmlDocument(xml));
}

// ---------------------------------------------------------------- legal holds

async function retentionOf(call: S3Call, state: IbmState, missing: () => HttpError): Promise<{ r: IbmRetention; versionId: string | undefined }> {
  const { exists, versionId } = await currentVersion(call.store, call.bucket, call.key, undefined, call.ctx.signal);
  if (!exists) {
    if (!(await call.store.bucketExists(call.bucket, { signal: call.ctx.signal }))) throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
    throw new HttpError(404, 'NoSuchKey', 'The specified key does not exist.', { Key: call.key });
  }
  const r = state.getRetention(call.bucket, call.key, versionId);
  if (!r) throw missing();
  return { r, versionId };
}

const noRetention400 = (call: S3Call) => () =>
  new HttpError(400, 'InvalidRequest', 'The object has no retention period: legal holds and retention extensions need one.', { BucketName: call.bucket, Key: call.key });

/** `POST ?legalHold&add=<id>` / `&remove=<id>`. */
export async function changeLegalHold(call: S3Call, state: IbmState): Promise<void> {
  const q = call.ctx.query;
  const add = q.get('add');
  const remove = q.get('remove');
  if ((add === undefined) === (remove === undefined)) throw invalid('Give exactly one of add=<id> or remove=<id>.', 'legalHold');
  const id = checkHoldId(add ?? remove!);
  const { r, versionId } = await retentionOf(call, state, noRetention400(call));
  const now = call.store.now();
  if (add !== undefined) {
    if (r.holds.has(id)) throw new HttpError(409, 'LegalHoldAlreadyExists', `The legal hold id ${id} is already on this object.`, { Key: call.key, LegalHoldId: id });
    if (r.holds.size >= MAX_LEGAL_HOLDS) throw new HttpError(400, 'TooManyLegalHolds', `An object can have at most ${MAX_LEGAL_HOLDS} legal holds.`, { Key: call.key });
    r.holds.set(id, now);
  } else {
    if (!r.holds.has(id)) throw new HttpError(404, 'NoSuchLegalHold', `The legal hold id ${id} is not on this object.`, { Key: call.key, LegalHoldId: id });
    r.holds.delete(id);
  }
  await mirrorOntoVersion(call.store, call.bucket, call.key, versionId, r, call.ctx.signal);
  send(call.ctx, 200);
}

/** `GET ?legalHold`: the retention state and every hold with its timestamp. */
export async function listLegalHolds(call: S3Call, state: IbmState): Promise<void> {
  const { r } = await retentionOf(call, state, () => new HttpError(404, 'NoSuchObjectRetention', 'The object has no retention period.', { Key: call.key }));
  const expiration = expirationOf(r);
  const xml = x(
    'RetentionState',
    { xmlns: S3_NS },
    x('CreateTime', r.created.toISOString()),
    x('RetentionPeriod', r.period),
    expiration ? x('RetentionPeriodExpirationDate', expiration.toISOString()) : undefined,
    x(
      'LegalHolds',
      [...r.holds].map(([id, date]) => x('LegalHold', x('ID', id), x('Date', date.toISOString()))),
    ),
  );
  sendXml(call.ctx, 200, xmlDocument(xml));
}

// ---------------------------------------------------------------- extend retention

/** `POST ?extendRetention`: exactly one of four headers; the period may only grow. */
export async function extendRetention(call: S3Call, state: IbmState): Promise<void> {
  const ctx = call.ctx;
  const given = ['additional-retention-period', 'extend-retention-from-current-time', 'new-retention-period', 'new-retention-expiration-date'].filter((h) => ctx.header(h) !== undefined);
  if (given.length !== 1) throw invalid('Give exactly one of Additional-Retention-Period, Extend-Retention-From-Current-Time, New-Retention-Period, New-Retention-Expiration-Date.', given[1] ?? 'extendRetention');
  const name = given[0]!;
  const raw = ctx.header(name)!.trim();
  const { r, versionId } = await retentionOf(call, state, noRetention400(call));
  const now = call.store.now();
  const seconds = (min: number): number => {
    if (!/^-?\d+$/.test(raw) || Number(raw) < min) throw invalid(`${name} must be a whole number of seconds${min > 0 ? ' above 0' : ''}.`, name, raw);
    return Number(raw);
  };
  if (r.period === PERMANENT) throw invalid('Permanent retention cannot be changed.', name, raw);
  let next: number;
  switch (name) {
    case 'additional-retention-period':
      if (r.period < 0) throw invalid('An indefinite retention has no period to add to: set New-Retention-Period.', name, raw);
      next = r.period + seconds(1);
      break;
    case 'extend-retention-from-current-time':
      next = Math.ceil((now.getTime() - r.created.getTime()) / 1000) + seconds(1);
      break;
    case 'new-retention-period':
      next = seconds(PERMANENT);
      break;
    default: {
      const d = new Date(raw);
      if (Number.isNaN(d.getTime())) throw invalid('New-Retention-Expiration-Date must be an ISO 8601 date.', name, raw);
      next = Math.ceil((d.getTime() - r.created.getTime()) / 1000);
    }
  }
  const p = state.getProtection(call.bucket);
  if (next === PERMANENT) {
    if (!p?.permanent) throw invalid('Permanent retention (-2) needs a bucket with EnablePermanentRetention.', name, raw);
  } else if (next === INDEFINITE || next < 0) {
    throw invalid('A retention can only be extended, not made indefinite again.', name, raw);
  } else {
    // Only growth: an indefinite retention may take any finite period (event-based retention).
    if (r.period >= 0 && next <= r.period) throw invalid(`A retention can only be extended: the new period (${next} s) is not longer than the current one (${r.period} s).`, name, raw);
    if (p && next > p.maximumDays * DAY_SECONDS) throw invalid(`The new retention period is over the bucket's maximum of ${p.maximumDays} days.`, name, raw);
  }
  r.period = next;
  await mirrorOntoVersion(call.store, call.bucket, call.key, versionId, r, call.ctx.signal);
  send(call.ctx, 200);
}

/** IBM's retention headers on a GET / HEAD of a version that has IBM retention. */
export function retentionResponseHeaders(r: IbmRetention): Record<string, string> {
  const out: Record<string, string> = { 'Retention-Period': String(r.period), 'Retention-Legal-Hold-Count': String(r.holds.size) };
  const expiration = expirationOf(r);
  if (expiration) out['Retention-Expiration-Date'] = expiration.toISOString();
  return out;
}

export async function retentionForRead(call: S3Call, state: IbmState): Promise<IbmRetention | undefined> {
  if (!state.hasObjects(call.bucket)) return undefined;
  const requested = call.ctx.query.get('versionId') || undefined;
  const { exists, versionId } = await currentVersion(call.store, call.bucket, call.key, requested, call.ctx.signal);
  return exists ? state.getRetention(call.bucket, call.key, versionId) : undefined;
}

export { storeLocks };
