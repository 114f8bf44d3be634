import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConformanceTarget } from '../src/runner-entry.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Every known target: each `conformance/targets/<name>.ts` default-exports a
 * ConformanceTarget (see memory.ts). Adding a target is adding one such file;
 * the runner, `--all` and the matrix find it here, in name order.
 */
export async function knownTargets(): Promise<ConformanceTarget[]> {
  const files = readdirSync(here)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^index\./.test(f))
    .sort();
  const targets: ConformanceTarget[] = [];
  for (const f of files) {
    let target: ConformanceTarget;
    try {
      const mod = (await import(pathToFileURL(`${here}/${f}`).href)) as { default?: ConformanceTarget };
      if (!mod.default || typeof mod.default.options !== 'function') throw new Error('it does not default-export a ConformanceTarget');
      target = mod.default;
    } catch (e) {
      // One broken target file (say, its adapter is not built) must not stop the others:
      // it is listed as not available, which --all under CI=true counts as a failure.
      const why = `conformance/targets/${f} could not be loaded: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
      target = { name: f.replace(/\.(ts|js)$/, ''), available: () => why, options: () => Promise.reject(new Error(why)) };
    }
    targets.push(target);
  }
  // memory first (the reference), then the rest by name
  return targets.sort((a, b) => (a.name === 'memory' ? -1 : b.name === 'memory' ? 1 : a.name.localeCompare(b.name)));
}
