import type { DefaultRetention, Retention, Store } from '@stowage/core';
import { ConformanceFailure } from './assert.js';

/** The furthest a COMPLIANCE retain-until date may be from the backend's now. */
export const MAX_COMPLIANCE_AHEAD_MS = 30_000;

export class ComplianceGuardError extends ConformanceFailure {
  override name = 'ComplianceGuardError';
}

/** Throws unless a retention is safe to send (GOVERNANCE, or COMPLIANCE at most 30 s ahead). */
export function checkCompliance(retention: Retention | null | undefined, now: Date, allowCompliance: boolean): void {
  if (!retention || retention.mode !== 'COMPLIANCE') return;
  if (!allowCompliance) throw new ComplianceGuardError('COMPLIANCE retention refused before sending: this target does not set allowCompliance');
  const until = retention.retainUntil;
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) return; // core rejects it before I/O
  const ahead = until.getTime() - now.getTime();
  if (ahead > MAX_COMPLIANCE_AHEAD_MS) {
    throw new ComplianceGuardError(
      `COMPLIANCE retain-until ${until.toISOString()} is ${Math.round(ahead / 1000)} s ahead of the backend clock; the suite sends at most ${MAX_COMPLIANCE_AHEAD_MS / 1000} s (refused before sending)`,
    );
  }
}

function checkDefault(rule: DefaultRetention | undefined): void {
  if (rule?.mode === 'COMPLIANCE') {
    throw new ComplianceGuardError('A COMPLIANCE default retention (at least one day) is never sent by the suite (refused before sending)');
  }
}

/**
 * Wraps a Store so that every call that could set a COMPLIANCE retention is
 * checked before it reaches the backend: put, copy, createMultipartUpload,
 * setRetention (at most 30 s ahead) and setDefaultRetention (never COMPLIANCE).
 */
export function guardStore(store: Store, allowCompliance: boolean): Store {
  const now = () => store.now();
  const guarded: Record<string, (...args: never[]) => unknown> = {
    put: (bucket: string, key: string, body: unknown, options?: { retention?: Retention }) => {
      checkCompliance(options?.retention, now(), allowCompliance);
      return store.put(bucket, key, body as never, options);
    },
    copy: (source: never, target: never, options?: { retention?: Retention }) => {
      checkCompliance(options?.retention, now(), allowCompliance);
      return store.copy(source, target, options);
    },
    createMultipartUpload: (bucket: string, key: string, options?: { retention?: Retention }) => {
      checkCompliance(options?.retention, now(), allowCompliance);
      return store.createMultipartUpload(bucket, key, options);
    },
    setRetention: (bucket: string, key: string, retention: Retention | null, options?: never) => {
      checkCompliance(retention, now(), allowCompliance);
      return store.setRetention(bucket, key, retention, options);
    },
    setDefaultRetention: (bucket: string, rule: DefaultRetention | undefined, options?: never) => {
      checkDefault(rule);
      return store.setDefaultRetention(bucket, rule, options);
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && Object.prototype.hasOwnProperty.call(guarded, prop)) {
        // Wrapped so the guard throws synchronously-rejecting promises, like the Store.
        const fn = guarded[prop]!;
        return (...args: never[]) => {
          try {
            return Promise.resolve(fn(...args));
          } catch (e) {
            return Promise.reject(e);
          }
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
