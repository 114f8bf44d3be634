import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Store } from '@stowage/core';
import { ALL_CASES } from './cases/index.js';
import { effectiveCapabilities, RunContext } from './context.js';
import { missingCapability, selectCases } from './registry.js';
import { DEFAULT_CASE_TIMEOUT_MS, describeFailure, executeCase } from './runner.js';
import { GROUPS, type ConformanceOptions } from './types.js';

/**
 * Registers the whole conformance suite as vitest tests: one `describe` per
 * group, one `it` per case named by its id. A case whose required capability
 * the target does not declare is registered with `it.skip` and the reason
 * `capability:<name>` in its title; there is no other kind of skip.
 *
 * ```ts
 * // my-provider.conformance.test.ts
 * import { defineConformanceSuite } from '@stowage/conformance';
 * defineConformanceSuite({ name: 'my-provider', open: () => new Store(new MyDriver(cfg)) });
 * ```
 */
export function defineConformanceSuite(options: ConformanceOptions): void {
  describe(options.name, async () => {
    // Capabilities decide what registers, so they are known at collection time.
    let first: Store | undefined;
    let declared = options.capabilities;
    if (!declared) {
      first = await options.open();
      declared = first.capabilities;
    }
    const caps = effectiveCapabilities(declared, options.allowCompliance);
    const cases = selectCases(ALL_CASES, options.only);
    let run: RunContext | undefined;

    beforeAll(async () => {
      run = await RunContext.create(options, first);
    });

    afterAll(async () => {
      try {
        const problems = (await run?.cleanup()) ?? [];
        if (problems.length > 0) throw new Error(`conformance cleanup left things behind:\n${problems.join('\n')}`);
      } finally {
        await options.cleanup?.();
      }
    });

    for (const group of GROUPS) {
      const inGroup = cases.filter((c) => c.group === group);
      if (inGroup.length === 0) continue;
      describe(group, () => {
        for (const c of inGroup) {
          const missing = missingCapability(c, caps);
          if (missing !== undefined) {
            it.skip(`${c.id} [capability:${missing}]`, () => {});
            continue;
          }
          it(
            c.id,
            async () => {
              if (!run) throw new Error('the conformance run did not start (see beforeAll)');
              try {
                await executeCase(run, c);
              } catch (e) {
                // One readable line first; the original error stays as the cause.
                const error = new Error(`${c.id}: ${describeFailure(e)}`, { cause: e });
                throw error;
              }
            },
            (c.timeoutMs ?? options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) + 5_000,
          );
        }
      });
    }
  });
}
