/**
 * IBM Immutable Object Storage state the portable Store has no slot for:
 * each bucket's protection configuration and, per object version, IBM's
 * retention (creation time, period in seconds, up to 100 legal holds with
 * the time each was applied). In memory, beside the Store; where the Store's
 * bucket has object lock, retention and holds are also mirrored onto the
 * Store's COMPLIANCE retention and legal hold, so the Store itself refuses to
 * delete a retained version.
 */

export interface Protection {
  status: 'Retention';
  minimumDays: number;
  defaultDays: number;
  maximumDays: number;
  permanent: boolean;
}

/** `-1`: indefinite (until a finite period is set); `-2`: permanent. */
export const INDEFINITE = -1;
export const PERMANENT = -2;

export interface IbmRetention {
  created: Date;
  /** Seconds, or INDEFINITE / PERMANENT. */
  period: number;
  holds: Map<string, Date>;
}

export const DAY_SECONDS = 86_400;
export const MAX_RETENTION_DAYS = 365_243;
export const MAX_LEGAL_HOLDS = 100;
/** IBM's legal hold ids: 1–64 of letters, digits and ! _ . * ' ( ) - */
export const LEGAL_HOLD_ID = /^[A-Za-z0-9!_.*'()-]{1,64}$/;

/** When the retention period ends; undefined for indefinite and permanent retention. */
export function expirationOf(r: IbmRetention): Date | undefined {
  return r.period >= 0 ? new Date(r.created.getTime() + r.period * 1000) : undefined;
}

/** Whether the version may not be deleted or overwritten now. */
export function isProtected(r: IbmRetention | undefined, now: Date): boolean {
  if (!r) return false;
  if (r.holds.size > 0 || r.period < 0) return true;
  return expirationOf(r)!.getTime() > now.getTime();
}

export class IbmState {
  private readonly protection = new Map<string, Protection>();
  private readonly objects = new Map<string, Map<string, IbmRetention>>();
  private readonly websites = new Map<string, string>();

  private static id(key: string, versionId: string | undefined): string {
    return `${key}\u0000${versionId ?? 'null'}`;
  }

  getProtection(bucket: string): Protection | undefined {
    return this.protection.get(bucket);
  }

  setProtection(bucket: string, p: Protection): void {
    this.protection.set(bucket, p);
  }

  getRetention(bucket: string, key: string, versionId: string | undefined): IbmRetention | undefined {
    return this.objects.get(bucket)?.get(IbmState.id(key, versionId));
  }

  setRetention(bucket: string, key: string, versionId: string | undefined, r: IbmRetention): void {
    let b = this.objects.get(bucket);
    if (!b) this.objects.set(bucket, (b = new Map()));
    b.set(IbmState.id(key, versionId), r);
  }

  dropRetention(bucket: string, key: string, versionId: string | undefined): void {
    this.objects.get(bucket)?.delete(IbmState.id(key, versionId));
  }

  /** True when any object of the bucket has IBM retention (reads then add IBM's headers). */
  hasObjects(bucket: string): boolean {
    return (this.objects.get(bucket)?.size ?? 0) > 0;
  }

  getWebsite(bucket: string): string | undefined {
    return this.websites.get(bucket);
  }

  setWebsite(bucket: string, xml: string | undefined): void {
    if (xml === undefined) this.websites.delete(bucket);
    else this.websites.set(bucket, xml);
  }

  dropBucket(bucket: string): void {
    this.protection.delete(bucket);
    this.objects.delete(bucket);
    this.websites.delete(bucket);
  }
}
