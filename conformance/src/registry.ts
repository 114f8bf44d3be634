import { hasCapability, type Capabilities } from '@stowage/core';
import type { CaseContext } from './context.js';
import { GROUPS, type CaseGroup, type ConformanceCase } from './types.js';

export interface CaseSpec {
  title: string;
  requires?: readonly string[];
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<void>;
}

/**
 * Declares the cases of one group: `cases('list', { 'delimiter.order': {…} })`
 * makes `list.delimiter.order`. `requires` of the group apply to every case.
 */
export function defineGroup(group: CaseGroup, groupRequires: readonly string[], specs: Record<string, CaseSpec>): ConformanceCase[] {
  return Object.entries(specs).map(([name, spec]) => ({
    id: `${group}.${name}`,
    group,
    title: spec.title,
    requires: [...groupRequires, ...(spec.requires ?? [])],
    timeoutMs: spec.timeoutMs,
    run: spec.run,
  }));
}

const ID = /^[a-z][a-z-]*(\.[a-z0-9][a-z0-9-]*)+$/;

/** Checks ids are well formed, unique and in a known group. */
export function checkRegistry(cases: readonly ConformanceCase[]): void {
  const seen = new Set<string>();
  for (const c of cases) {
    if (!ID.test(c.id)) throw new Error(`conformance case id "${c.id}" is not of the form group.case`);
    if (!c.id.startsWith(`${c.group}.`) || !GROUPS.includes(c.group)) throw new Error(`conformance case "${c.id}" is not in its group "${c.group}"`);
    if (seen.has(c.id)) throw new Error(`duplicate conformance case id "${c.id}"`);
    seen.add(c.id);
  }
}

/** The first required capability the target lacks, or undefined when the case runs. */
export function missingCapability(c: ConformanceCase, caps: Capabilities): string | undefined {
  return c.requires.find((path) => !hasCapability(caps, path));
}

/** Cases selected by `only` (ids, groups, or id prefixes at a dot boundary). */
export function selectCases(cases: readonly ConformanceCase[], only: readonly string[] | undefined): ConformanceCase[] {
  if (!only || only.length === 0) return [...cases];
  return cases.filter((c) => only.some((o) => c.id === o || c.id.startsWith(`${o}.`)));
}
