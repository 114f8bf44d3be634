import { isStowageError, type Capabilities } from '@stowage/core';
import { CaseContext, RunContext } from './context.js';
import { ALL_CASES } from './cases/index.js';
import { missingCapability, selectCases } from './registry.js';
import type { CaseResult, ConformanceCase, ConformanceOptions } from './types.js';

export const DEFAULT_CASE_TIMEOUT_MS = 60_000;

/** Runs one case; resolves on success, rejects with the failure (under vitest this is the test). */
export async function executeCase(run: RunContext, c: ConformanceCase): Promise<void> {
  const ctx = new CaseContext(run, c.id);
  const limit = c.timeoutMs ?? run.options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${limit} ms`)), limit);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeFailure(e: unknown): string {
  if (isStowageError(e)) return `${e.name} (${e.code}): ${e.message}`;
  if (e instanceof Error) return e.name === 'ConformanceFailure' ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
}

export interface RunOutcome {
  name: string;
  provider: string;
  server: string | undefined;
  capabilities: Capabilities;
  startedAt: string;
  finishedAt: string;
  ms: number;
  summary: RunSummary;
  cases: CaseResult[];
  /** Problems met while deleting the run's buckets (empty when clean). */
  cleanup: string[];
}

export interface RunHooks {
  /** Called after each case. */
  onResult?(result: CaseResult): void;
  /** The cases to run (default: the whole registry). */
  cases?: readonly ConformanceCase[];
}

/**
 * Runs the suite in process, without a test framework: every selected case
 * in registry order, one after the other (cases share the backend clock).
 */
export async function runConformance(options: ConformanceOptions, hooks: RunHooks = {}): Promise<RunOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const run = await RunContext.create(options);
  const results: CaseResult[] = [];
  const cases = selectCases(hooks.cases ?? ALL_CASES, options.only);
  let cleanup: string[] = [];
  try {
    for (const c of cases) {
      const missing = missingCapability(c, run.caps);
      let result: CaseResult;
      if (missing !== undefined) {
        result = { id: c.id, group: c.group, status: 'skipped', reason: `capability:${missing}`, ms: 0 };
      } else {
        const started = performance.now();
        try {
          await executeCase(run, c);
          result = { id: c.id, group: c.group, status: 'passed', ms: Math.round(performance.now() - started) };
        } catch (e) {
          result = { id: c.id, group: c.group, status: 'failed', reason: describeFailure(e), ms: Math.round(performance.now() - started) };
        }
      }
      results.push(result);
      hooks.onResult?.(result);
    }
  } finally {
    cleanup = await run.cleanup();
    await options.cleanup?.();
  }
  const summary = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) summary[r.status]++;
  return {
    name: options.name,
    provider: run.store.provider,
    server: run.store.server,
    capabilities: run.caps,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ms: Math.round(performance.now() - t0),
    summary,
    cases: results,
    cleanup,
  };
}
