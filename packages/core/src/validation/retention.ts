import { InvalidArgumentError } from '../errors/stowage-error.js';

export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface Retention {
  mode: RetentionMode;
  retainUntil: Date;
}

export function validateRetentionMode(mode: unknown, field = 'retention.mode'): asserts mode is RetentionMode {
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new InvalidArgumentError(field, 'must be "GOVERNANCE" or "COMPLIANCE"');
}

/** A retention to set: a known mode and a valid date in the future of `now`. */
export function validateRetention(retention: unknown, now: Date, field = 'retention'): asserts retention is Retention {
  if (retention === null || typeof retention !== 'object') throw new InvalidArgumentError(field, 'must be { mode, retainUntil }');
  const r = retention as Record<string, unknown>;
  validateRetentionMode(r.mode, `${field}.mode`);
  const until = r.retainUntil;
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) throw new InvalidArgumentError(`${field}.retainUntil`, 'must be a valid Date');
  if (until.getTime() <= now.getTime()) throw new InvalidArgumentError(`${field}.retainUntil`, 'must be in the future');
  if (until.getUTCFullYear() > 9999) throw new InvalidArgumentError(`${field}.retainUntil`, 'must be before year 10000');
}

/** A bucket default retention: a mode and exactly one of days / years, positive integers. */
export interface DefaultRetention {
  mode: RetentionMode;
  days?: number;
  years?: number;
}

export function validateDefaultRetention(rule: unknown, field = 'defaultRetention'): asserts rule is DefaultRetention {
  if (rule === null || typeof rule !== 'object') throw new InvalidArgumentError(field, 'must be { mode, days } or { mode, years }');
  const r = rule as Record<string, unknown>;
  validateRetentionMode(r.mode, `${field}.mode`);
  const hasDays = r.days !== undefined;
  const hasYears = r.years !== undefined;
  if (hasDays === hasYears) throw new InvalidArgumentError(field, 'needs exactly one of days or years');
  const n = hasDays ? r.days : r.years;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${field}.${hasDays ? 'days' : 'years'}`, 'must be a positive integer');
  if (hasDays && n > 36500) throw new InvalidArgumentError(`${field}.days`, 'must be at most 36500');
  if (hasYears && n > 100) throw new InvalidArgumentError(`${field}.years`, 'must be at most 100');
}
