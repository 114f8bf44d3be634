import { InvalidArgumentError } from '@stowage/core';

/**
 * IBM Immutable Object Storage: the bucket's protection configuration (a
 * retention policy with minimum / default / maximum periods, optionally
 * permanent retention) and, per object, a retention period and up to 100
 * legal holds with ids. Retention can only grow. Wire format: the operations
 * and headers of ibm-cos-sdk's API model (`?protection`, `?legalHold`,
 * `?extendRetention`, `Retention-*` headers).
 */

/** The bucket's retention policy (`GET / PUT ?protection`). */
export interface ProtectionConfiguration {
  /** `Retention` when a policy is on; `Disabled` when the bucket has none. */
  status: 'Retention' | 'Disabled' | (string & {});
  /** Days an object must be kept at least (0 … 365243). */
  minimumRetentionDays?: number;
  /** Days given to an object stored without its own period. */
  defaultRetentionDays?: number;
  /** Days an object may be kept at most. */
  maximumRetentionDays?: number;
  /** Objects may be stored with permanent retention (period `-2`). Cannot be turned off. */
  enablePermanentRetention?: boolean;
}

/** Retention given with a put, a copy (REPLACE) or a multipart completion. */
export interface IbmRetentionOptions {
  /** Seconds to keep the object; `-1` indefinite (until a period is set), `-2` permanent. */
  retentionPeriod?: number;
  /** The date the object may be deleted; not with `retentionPeriod` (the server answers 400). */
  retentionExpirationDate?: Date;
  /** One legal hold id to put on the new object. */
  retentionLegalHoldId?: string;
}

/** What `listLegalHolds` answers. */
export interface LegalHoldList {
  createTime?: Date;
  /** Seconds (`-1` indefinite, `-2` permanent). */
  retentionPeriod?: number;
  retentionExpirationDate?: Date;
  legalHolds: Array<{ id: string; date?: Date }>;
}

/** One way of extending an object's retention (`POST ?extendRetention`): exactly one field. */
export type RetentionExtension =
  | { additionalRetentionPeriod: number }
  | { extendRetentionFromCurrentTime: number }
  | { newRetentionPeriod: number }
  | { newRetentionExpirationDate: Date };

/** Longest retention IBM accepts in a protection configuration: 1000 years in days. */
export const MAX_RETENTION_DAYS = 365_243;
/** IBM's limit of legal holds per object. */
export const MAX_LEGAL_HOLDS = 100;
/** Legal hold ids: 1–64 of letters, digits and `!_.*'()-` (IBM's documented set). */
export const LEGAL_HOLD_ID = /^[A-Za-z0-9!_.*'()-]{1,64}$/;

export function validateLegalHoldId(id: unknown, field = 'legalHoldId'): string {
  if (typeof id !== 'string' || !LEGAL_HOLD_ID.test(id)) {
    throw new InvalidArgumentError(field, "must be 1 to 64 characters of letters, digits and ! _ . * ' ( ) -");
  }
  return id;
}

export function validateProtection(config: ProtectionConfiguration): void {
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError('protection', 'must be { status, minimumRetentionDays, defaultRetentionDays, maximumRetentionDays }');
  if (typeof config.status !== 'string' || config.status === '') throw new InvalidArgumentError('protection.status', 'must be "Retention" (or "Disabled")');
  const days: Array<[string, number | undefined]> = [
    ['minimumRetentionDays', config.minimumRetentionDays],
    ['defaultRetentionDays', config.defaultRetentionDays],
    ['maximumRetentionDays', config.maximumRetentionDays],
  ];
  for (const [name, value] of days) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0 || value > MAX_RETENTION_DAYS) throw new InvalidArgumentError(`protection.${name}`, `must be an integer from 0 to ${MAX_RETENTION_DAYS}`);
  }
  if (config.status === 'Retention') {
    const { minimumRetentionDays: min, defaultRetentionDays: def, maximumRetentionDays: max } = config;
    if (min === undefined || def === undefined || max === undefined) throw new InvalidArgumentError('protection', 'a Retention policy needs minimum, default and maximum retention days');
    if (!(min <= def && def <= max)) throw new InvalidArgumentError('protection', 'needs minimum ≤ default ≤ maximum retention');
  }
}

export function validateRetentionOptions(options: IbmRetentionOptions): void {
  if (options.retentionPeriod !== undefined && options.retentionExpirationDate !== undefined) {
    throw new InvalidArgumentError('retentionPeriod', 'give a retention period or an expiration date, not both');
  }
  if (options.retentionPeriod !== undefined && (!Number.isInteger(options.retentionPeriod) || options.retentionPeriod < -2)) {
    throw new InvalidArgumentError('retentionPeriod', 'must be an integer number of seconds ≥ 0, or -1 (indefinite) / -2 (permanent)');
  }
  if (options.retentionExpirationDate !== undefined && (!(options.retentionExpirationDate instanceof Date) || Number.isNaN(options.retentionExpirationDate.getTime()))) {
    throw new InvalidArgumentError('retentionExpirationDate', 'must be a valid Date');
  }
  if (options.retentionLegalHoldId !== undefined) validateLegalHoldId(options.retentionLegalHoldId, 'retentionLegalHoldId');
}

/** The SDK parameters of IbmRetentionOptions (empty when none is set). */
export function retentionParams(options: IbmRetentionOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (options.retentionPeriod !== undefined) out.RetentionPeriod = options.retentionPeriod;
  if (options.retentionExpirationDate !== undefined) out.RetentionExpirationDate = options.retentionExpirationDate;
  if (options.retentionLegalHoldId !== undefined) out.RetentionLegalHoldId = options.retentionLegalHoldId;
  return out;
}

export function extensionParams(extension: RetentionExtension): Record<string, unknown> {
  if (extension === null || typeof extension !== 'object') throw new InvalidArgumentError('extension', 'must name exactly one way to extend');
  const fields = Object.keys(extension).filter((k) => (extension as unknown as Record<string, unknown>)[k] !== undefined);
  if (fields.length !== 1) {
    throw new InvalidArgumentError('extension', 'give exactly one of additionalRetentionPeriod, extendRetentionFromCurrentTime, newRetentionPeriod, newRetentionExpirationDate');
  }
  const e = extension as Record<string, unknown>;
  const seconds = (name: string, min: number) => {
    const v = e[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`extension.${name}`, `must be an integer number of seconds ≥ ${min}`);
    return v;
  };
  switch (fields[0]) {
    case 'additionalRetentionPeriod':
      return { AdditionalRetentionPeriod: seconds('additionalRetentionPeriod', 1) };
    case 'extendRetentionFromCurrentTime':
      return { ExtendRetentionFromCurrentTime: seconds('extendRetentionFromCurrentTime', 1) };
    case 'newRetentionPeriod':
      return { NewRetentionPeriod: seconds('newRetentionPeriod', -2) };
    case 'newRetentionExpirationDate': {
      const d = e.newRetentionExpirationDate;
      if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new InvalidArgumentError('extension.newRetentionExpirationDate', 'must be a valid Date');
      return { NewRetentionExpirationDate: d };
    }
    default:
      throw new InvalidArgumentError(`extension.${fields[0]}`, 'is not a way to extend a retention');
  }
}

/** The SDK's GetBucketProtectionConfiguration answer → ProtectionConfiguration. */
export function protectionFromSdk(data: Record<string, unknown>): ProtectionConfiguration {
  const days = (v: unknown) => (v && typeof (v as { Days?: unknown }).Days === 'number' ? (v as { Days: number }).Days : undefined);
  const out: ProtectionConfiguration = { status: typeof data.Status === 'string' ? data.Status : 'Disabled' };
  const min = days(data.MinimumRetention);
  const def = days(data.DefaultRetention);
  const max = days(data.MaximumRetention);
  if (min !== undefined) out.minimumRetentionDays = min;
  if (def !== undefined) out.defaultRetentionDays = def;
  if (max !== undefined) out.maximumRetentionDays = max;
  if (typeof data.EnablePermanentRetention === 'boolean') out.enablePermanentRetention = data.EnablePermanentRetention;
  return out;
}

export function protectionToSdk(config: ProtectionConfiguration): Record<string, unknown> {
  const out: Record<string, unknown> = { Status: config.status };
  if (config.minimumRetentionDays !== undefined) out.MinimumRetention = { Days: config.minimumRetentionDays };
  if (config.defaultRetentionDays !== undefined) out.DefaultRetention = { Days: config.defaultRetentionDays };
  if (config.maximumRetentionDays !== undefined) out.MaximumRetention = { Days: config.maximumRetentionDays };
  if (config.enablePermanentRetention !== undefined) out.EnablePermanentRetention = config.enablePermanentRetention;
  return out;
}

export function legalHoldsFromSdk(data: Record<string, unknown>): LegalHoldList {
  const out: LegalHoldList = { legalHolds: [] };
  if (data.CreateTime instanceof Date) out.createTime = data.CreateTime;
  if (typeof data.RetentionPeriod === 'number') out.retentionPeriod = data.RetentionPeriod;
  if (data.RetentionPeriodExpirationDate instanceof Date) out.retentionExpirationDate = data.RetentionPeriodExpirationDate;
  for (const h of (data.LegalHolds as Array<{ ID?: string; Date?: Date }> | undefined) ?? []) {
    if (typeof h.ID !== 'string') continue;
    out.legalHolds.push(h.Date instanceof Date ? { id: h.ID, date: h.Date } : { id: h.ID });
  }
  return out;
}
