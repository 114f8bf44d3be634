#!/usr/bin/env node
/**
 * The conformance runner.
 *
 *   pnpm conformance --target memory            one known target (conformance/targets/<name>.ts)
 *   pnpm conformance --target ./my-target.ts    a module default-exporting a ConformanceTarget
 *   pnpm conformance --target ./store.json      a provider config for openStore ({ "provider": … })
 *   pnpm conformance --target 's3://?endpoint=…' a store URL for openStore
 *   pnpm conformance --all                      every known target, then MATRIX.md / MATRIX.html
 *   pnpm conformance --matrix                   rebuild MATRIX.md / .html from reports/*.json
 *   pnpm conformance --list                     known targets and whether they are up
 *   pnpm conformance --update-readme            regenerate the case list in conformance/README.md
 * Options: --only <ids/groups,…>  --out <dir>  --allow-compliance  --allow-provider <pkg>  --quiet
 *
 * Writes reports/<target>.json and .md. Exits 1 when a case failed, or when a
 * target could not run (with --all, only under CI=true; otherwise it is
 * reported and its last committed report, if any, stays in the matrix).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BUILTIN_PROVIDERS, openStore, Store, type ProviderConfig } from '@stowage/core';
import {
  ALL_CASES,
  caseListMarkdown,
  matrixHtml,
  matrixMarkdown,
  REPORT_SCHEMA,
  reportMarkdown,
  runConformance,
  toReport,
  type ConformanceOptions,
  type ConformanceReport,
  type ConformanceTarget,
  type MatrixColumn,
  type ServersEnv,
} from '../src/runner-entry.js';
import { knownTargets } from '../targets/index.js';
import { readServersEnv, repoRoot } from '../targets/support/env.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const userCwd = process.env.INIT_CWD ?? process.cwd();

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    all: { type: 'boolean', default: false },
    matrix: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    'update-readme': { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    'allow-compliance': { type: 'boolean', default: false },
    'allow-provider': { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});

const outDir = values.out ? resolve(userCwd, values.out) : join(packageDir, 'reports');
const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
const inCi = process.env.CI === 'true' || process.env.CI === '1';

function usage(): string {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const m = /\/\*\*([\s\S]*?)\*\//.exec(text);
  return (m?.[1] ?? '').replace(/^ \* ?/gm, '').trim();
}

/** A file-system-safe report name. */
const fileName = (target: string) => target.replace(/[^A-Za-z0-9@._+-]/g, '_');

async function resolveTarget(spec: string, known: ConformanceTarget[]): Promise<ConformanceTarget> {
  const named = known.find((t) => t.name === spec);
  if (named) return named;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) return configTarget(spec);
  const path = isAbsolute(spec) ? spec : resolve(userCwd, spec);
  if (!existsSync(path)) {
    throw new Error(`unknown target "${spec}": not a known target (${known.map((t) => t.name).join(', ')}), a store URL, or an existing file`);
  }
  if (extname(path) === '.json') {
    const config = JSON.parse(readFileSync(path, 'utf8')) as ProviderConfig & { conformance?: { name?: string; allowCompliance?: boolean } };
    return configTarget(config, config.conformance?.name, config.conformance?.allowCompliance);
  }
  const mod = (await import(pathToFileURL(path).href)) as { default?: ConformanceTarget | ConformanceOptions };
  const exported = mod.default;
  if (!exported) throw new Error(`${spec} has no default export (a ConformanceTarget or ConformanceOptions)`);
  if ('options' in exported && typeof exported.options === 'function') return exported;
  if ('open' in exported && typeof exported.open === 'function') {
    const options = exported;
    return { name: options.name, options: () => options };
  }
  throw new Error(`${spec}'s default export is neither a ConformanceTarget ({ name, options }) nor ConformanceOptions ({ name, open })`);
}

/** A target from a store URL or provider config: every Store `open()` makes shares one driver. */
function configTarget(config: string | ProviderConfig, name?: string, allowCompliance?: boolean): ConformanceTarget {
  const provider = typeof config === 'string' ? config.split(':')[0]! : config.provider;
  const label = name ?? `${provider}@${endpointHost(config) ?? (typeof config === 'string' ? 'url' : 'config')}`;
  return {
    name: label,
    options: () => {
      let first: Promise<Store> | undefined;
      const open = async () => {
        first ??= openStore(config, { resolveFrom: providerBase(provider), allowProviders: values['allow-provider'] });
        const store = await first;
        return new Store(store.unwrapDriver());
      };
      return { open, allowCompliance: allowCompliance ?? values['allow-compliance'], cleanup: async () => (await first)?.close() };
    },
  };
}

/** host:port of a config's endpoint (or its URL's host), for a target label. */
function endpointHost(config: string | ProviderConfig): string | undefined {
  try {
    if (typeof config !== 'string') return typeof config.endpoint === 'string' ? new URL(config.endpoint).host : undefined;
    const url = new URL(config.replace(/^[^:]+:/, 'x:'));
    const endpoint = url.searchParams.get('endpoint');
    return (endpoint ? new URL(endpoint).host : url.host) || undefined;
  } catch {
    return undefined;
  }
}

/** Where to resolve a provider package from: the caller's project, else this package (which has the workspace's). */
function providerBase(provider: string): string {
  const pkg = BUILTIN_PROVIDERS[provider] ?? provider;
  try {
    createRequire(join(userCwd, 'package.json')).resolve(pkg);
    return userCwd;
  } catch {
    return packageDir;
  }
}

interface TargetRun {
  target: string;
  report?: ConformanceReport;
  notRun?: string;
}

async function runTarget(target: ConformanceTarget, env: ServersEnv): Promise<TargetRun> {
  const availability = (await target.available?.(env)) ?? true;
  if (availability !== true) return { target: target.name, notRun: availability };
  const options = await target.options(env);
  const started = performance.now();
  if (!values.quiet) process.stdout.write(`conformance: ${target.name} …\n`);
  const outcome = await runConformance(
    { ...options, name: options.name ?? target.name, only: only ?? options.only },
    {
      onResult: (r) => {
        if (r.status === 'failed') process.stdout.write(`  ✗ ${r.id} — ${r.reason}\n`);
      },
    },
  );
  const report = toReport(target.name, outcome, target.server?.(env) ?? outcome.server);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${fileName(target.name)}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, `${fileName(target.name)}.md`), reportMarkdown(report, ALL_CASES));
  const s = report.summary;
  process.stdout.write(`${target.name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  if (report.cleanup.length > 0) process.stdout.write(`  cleanup problems:\n    ${report.cleanup.join('\n    ')}\n`);
  return { target: target.name, report };
}

function readReport(target: string): ConformanceReport | undefined {
  const file = join(outDir, `${fileName(target)}.json`);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
  return report.schema === REPORT_SCHEMA ? report : undefined;
}

function writeMatrix(columns: MatrixColumn[]): void {
  const at = new Date().toISOString();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'MATRIX.md'), matrixMarkdown(columns, ALL_CASES, at));
  writeFileSync(join(outDir, 'MATRIX.html'), matrixHtml(columns, ALL_CASES, at));
  process.stdout.write(`matrix: ${join(outDir, 'MATRIX.md')} and MATRIX.html (${columns.length} target${columns.length === 1 ? '' : 's'})\n`);
}

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const known = await knownTargets();
  const env = readServersEnv(repoRoot(packageDir));

  if (values['update-readme']) {
    const file = join(packageDir, 'README.md');
    const text = readFileSync(file, 'utf8');
    const start = '<!-- cases:start -->';
    const end = '<!-- cases:end -->';
    if (!text.includes(start) || !text.includes(end)) throw new Error(`${file} has no ${start} … ${end} section`);
    const updated = `${text.slice(0, text.indexOf(start) + start.length)}\n${caseListMarkdown(ALL_CASES)}\n${text.slice(text.indexOf(end))}`;
    writeFileSync(file, updated);
    process.stdout.write(`README.md: ${ALL_CASES.length} cases listed\n`);
    return 0;
  }

  if (values.list) {
    for (const t of known) {
      const a = (await t.available?.(env)) ?? true;
      process.stdout.write(`${t.name.padEnd(22)} ${a === true ? 'up' : `down: ${a}`}${t.description ? `  — ${t.description}` : ''}\n`);
    }
    return 0;
  }

  if (values.matrix) {
    const columns: MatrixColumn[] = known.map((t) => {
      const report = readReport(t.name);
      return report ? { target: t.name, report } : { target: t.name, notRun: 'no report yet' };
    });
    const extra = readdirSync(outDir).filter((f) => f.endsWith('.json') && !known.some((t) => `${fileName(t.name)}.json` === f));
    for (const f of extra) {
      const report = readReport(f.replace(/\.json$/, ''));
      if (report) columns.push({ target: report.target, report });
    }
    writeMatrix(columns);
    return 0;
  }

  if (values.all) {
    const columns: MatrixColumn[] = [];
    let failed = 0;
    for (const t of known) {
      const run = await runTarget(t, env);
      if (run.report) {
        failed += run.report.summary.failed;
        columns.push({ target: t.name, report: run.report });
        continue;
      }
      process.stdout.write(`${t.name}: not run — ${run.notRun}\n`);
      if (inCi) {
        failed++;
        process.stdout.write(`  (CI=true: a target whose server is not up is a failure)\n`);
        columns.push({ target: t.name, notRun: run.notRun });
        continue;
      }
      const previous = readReport(t.name);
      columns.push(previous ? { target: t.name, report: previous, stale: true } : { target: t.name, notRun: run.notRun });
    }
    writeMatrix(columns);
    return failed > 0 ? 1 : 0;
  }

  const specs = values.target ?? [];
  if (specs.length === 0) {
    process.stderr.write(`give --target <name|file|url>, --all, --matrix or --list\n\n${usage()}\n`);
    return 2;
  }
  let failed = 0;
  for (const spec of specs) {
    const target = await resolveTarget(spec, known);
    const run = await runTarget(target, env);
    if (!run.report) {
      process.stdout.write(`${target.name}: not run — ${run.notRun}\n`);
      failed++;
      continue;
    }
    failed += run.report.summary.failed;
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
