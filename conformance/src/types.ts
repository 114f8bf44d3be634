import type { Capabilities, Store } from '@stowage/core';
import type { CaseContext } from './context.js';

/** The groups of the suite, in report order. */
export const GROUPS = [
  'bucket',
  'object',
  'range',
  'metadata',
  'key',
  'list',
  'copy',
  'batch-delete',
  'conditional',
  'presign',
  'multipart',
  'checksum',
  'versioning',
  'lock',
  'errors',
  'concurrency',
] as const;

export type CaseGroup = (typeof GROUPS)[number];

/**
 * One conformance case: a plain async function with a stable id `group.case`.
 * `requires` lists capability paths (`hasCapability` dotted names, e.g.
 * `objectLock.compliance`); the case runs only when all are present, and is
 * otherwise skipped with `reason: "capability:<first missing>"`.
 */
export interface ConformanceCase {
  readonly id: string;
  readonly group: CaseGroup;
  /** One line saying what the backend must do. */
  readonly title: string;
  readonly requires: readonly string[];
  /** Per-case time limit (default 60 s); cases that wait for real retention dates set more. */
  readonly timeoutMs?: number;
  run(ctx: CaseContext): Promise<void>;
}

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  id: string;
  group: CaseGroup;
  status: CaseStatus;
  /** `capability:<name>` for a skip; the failure message for a failure. */
  reason?: string;
  ms: number;
}

/**
 * A clock the suite can move: the memory store's `ManualClock` fits. When a
 * target passes one, retention-expiry and presign-expiry cases advance it
 * instead of waiting for real time.
 */
export interface InjectableClock {
  now(): Date;
  advance(ms: number): void;
}

/** What a provider gives the suite (the argument of `defineConformanceSuite`). */
export interface ConformanceOptions {
  /** A label for the run (the describe block, the report). */
  name: string;
  /**
   * Returns a Store over the backend under test. Called once for the run and
   * again whenever a case needs a fresh Store instance over the same backend
   * (e.g. a listing cursor resumed in another Store), so every call must reach
   * the same data (same endpoint, same in-memory state).
   */
  open: () => Store | Promise<Store>;
  /**
   * The capabilities the provider declares. Cases register only where these
   * allow; default: the capabilities of the Store `open()` returns.
   */
  capabilities?: Capabilities;
  /** Runs after the suite's own cleanup (close clients, stop servers). */
  cleanup?: () => void | Promise<void>;
  /**
   * An injectable backend clock (`ManualClock` of `@stowage/memory`). Without
   * one, expiry cases wait for real time (a few seconds each).
   */
  clock?: InjectableClock;
  /**
   * COMPLIANCE-mode cases run only when true, and then only with retain-until
   * dates at most 30 s ahead (the suite refuses anything later before sending
   * it). Objects under COMPLIANCE retention cannot be deleted by anyone until
   * the date: on a billed service a date bug would leave undeletable objects.
   */
  allowCompliance?: boolean;
  /**
   * For backends whose buckets are not managed through the API: the existing
   * bucket to work in (under a unique prefix per run). Object-lock cases need
   * `lockBucket`, versioning cases `versionedBucket`, likewise pre-existing.
   */
  bucket?: string;
  versionedBucket?: string;
  lockBucket?: string;
  /** Prefix of the bucket names the suite creates (default `stowage-conf`). */
  bucketPrefix?: string;
  /** Run only these case ids or groups (`list`, `lock.compliance`, `key.emoji`). */
  only?: readonly string[];
  /** Per-case time limit in ms (default 60 000). */
  timeoutMs?: number;
}
