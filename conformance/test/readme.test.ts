import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_CASES } from '../src/runner-entry.js';
import { MUTANTS } from './mutants/mutants.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('lists every case id (regenerate the "Cases by group" section when cases change)', () => {
    const section = readme.slice(readme.indexOf('<!-- cases:start -->'), readme.indexOf('<!-- cases:end -->'));
    const listed = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(ALL_CASES.map((c) => c.id));
  });

  it('names every mutant', () => {
    for (const m of MUTANTS) expect(readme, m.name).toContain(`\`${m.name}\``);
  });
});
