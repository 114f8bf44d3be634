import { describe, expect, it } from 'vitest';
import { ALL_CASES, runConformance, type RunOutcome } from '../../src/runner-entry.js';
import { memoryTargetOptions } from '../../targets/memory.js';
import { MUTANTS, type Mutant } from './mutants.js';

const failedIds = (outcome: RunOutcome) => outcome.cases.filter((c) => c.status === 'failed').map((c) => c.id);

/**
 * Registers the mutation tests for one shard of the mutants (vitest runs test
 * files in parallel, so the mutants are split over two files). Each mutant is
 * a whole in-process run of the registry (~1 s): it must fail on exactly the
 * cases listed for it — every one (the suite catches the bug) and no other
 * (the failure is precise).
 */
export function defineMutantTests(shard: number, shards: number): void {
  const mine = MUTANTS.filter((_, i) => i % shards === shard);

  if (shard === 0) {
    describe('the unmodified memory store', () => {
      it('passes every case (0 failures, 0 skips, clean cleanup)', async () => {
        const outcome = await runConformance(memoryTargetOptions());
        const failures = outcome.cases.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.reason}`);
        expect(failures, failures.join('\n')).toEqual([]);
        expect(outcome.summary).toEqual({ passed: ALL_CASES.length, failed: 0, skipped: 0 });
        expect(outcome.cleanup).toEqual([]);
      });
    });

    describe('the mutant list', () => {
      it('has at least 12 mutants, with distinct names and non-empty lists of known case ids', () => {
        expect(MUTANTS.length).toBeGreaterThanOrEqual(12);
        expect(new Set(MUTANTS.map((m) => m.name)).size).toBe(MUTANTS.length);
        const known = new Set(ALL_CASES.map((c) => c.id));
        for (const m of MUTANTS) {
          expect(m.fails.length, m.name).toBeGreaterThan(0);
          expect(new Set(m.fails).size, `${m.name} lists a case twice`).toBe(m.fails.length);
          for (const id of m.fails) expect(known.has(id), `${m.name} lists unknown case ${id}`).toBe(true);
        }
      });
    });
  }

  describe(`mutants of the memory store (shard ${shard + 1}/${shards})`, () => {
    for (const mutant of mine) defineOne(mutant);
  });
}

function defineOne(mutant: Mutant): void {
  it(`${mutant.name}: ${mutant.bug} — fails exactly ${mutant.fails.length} case(s)`, async () => {
    const outcome = await runConformance(memoryTargetOptions(mutant.build()));
    expect(outcome.summary.skipped).toBe(0);
    expect([...failedIds(outcome)].sort()).toEqual([...mutant.fails].sort());
  });
}
