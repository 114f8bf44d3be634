import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Store } from '@stowage/core';
import { bool, expectArgs, list, str, type Command } from '../context.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { formatLocation } from '../location.js';
import { table } from '../output.js';

const USAGE = 'stowage conformance <provider://[bucket]?settings> [--only ids,groups] [--allow-compliance] [--out dir]';

export const conformance: Command = {
  name: 'conformance',
  summary: 'run the conformance suite against a store and print its results by group',
  help: `${USAGE}

Runs @stowage/conformance (every case the store's capabilities allow) against
the store the address and its settings (flags, environment, --profile) open,
and prints passed / failed / skipped per group, then every failure. It creates
and deletes its own buckets (prefix stowage-conf); for a backend without
managed buckets (MediaStore), name the bucket / container to work in.

Options:
  --only <ids,groups>   run only these case ids or groups (e.g. list,lock.compliance)
  --allow-compliance    run COMPLIANCE cases (dates at most 30 s ahead; never on a store you cannot afford to lock)
  --out <dir>           also write <dir>/<name>.json and .md reports (the runner's format)
  --name <name>         the report's target name (default: the provider)
  --json                the report as JSON on stdout

Exit code 1 when a case failed.

Examples:
  stowage conformance memory://
  stowage conformance 's3://?endpoint=http://127.0.0.1:7480&serverProfile=ceph-rgw' --profile ceph --only list,lock`,
  options: {
    only: { type: 'string', multiple: true },
    'allow-compliance': { type: 'boolean' },
    out: { type: 'string' },
    name: { type: 'string' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'conformance', USAGE);
    const location = ctx.remote(args[0], 'conformance', 'a store address');
    if (location.key !== '') throw new UsageError('conformance: give a store (provider://[bucket]), not an object');
    const runner = await import('@stowage/conformance/runner');
    const { store } = await ctx.open(location, { create: !!location.bucket });
    const driver = store.unwrapDriver();
    const name = str(values, 'name') ?? `${location.provider}${store.server ? `@${store.server}` : ''}`;
    const only = list(values, 'only')
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const onAbort = () => {
      ctx.out.warn('stowage: conformance interrupted; buckets named stowage-conf-* may be left behind');
      process.exit(EXIT.interrupted);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const managed = store.capabilities.managedBuckets;
    if (!managed && location.bucket === undefined) {
      throw new UsageError(`conformance: ${location.provider} does not manage buckets; name an existing bucket / container to work in (${location.provider}://bucket?…)`);
    }
    const started = performance.now();
    let done = 0;
    const outcome = await runner.runConformance(
      {
        name,
        // Every Store the suite opens reaches the same data: one driver, fresh Store objects.
        open: () => new Store(driver),
        allowCompliance: bool(values, 'allow-compliance'),
        only: only.length ? only : undefined,
        ...(managed ? {} : { bucket: location.bucket, versionedBucket: location.bucket, lockBucket: location.bucket }),
      },
      {
        onResult: (r) => {
          done++;
          if (r.status === 'failed') ctx.out.note(`  ✗ ${r.id} — ${r.reason ?? ''}`);
          else if (ctx.out.verbose) ctx.out.debug(`${r.status === 'passed' ? '✓' : '-'} ${r.id}${r.reason ? ` [${r.reason}]` : ''}`);
          if (done % 25 === 0) ctx.out.note(`  … ${done} cases`);
        },
      },
    );
    ctx.signal.removeEventListener('abort', onAbort);
    const report = runner.toReport(name, outcome);
    const outDir = str(values, 'out');
    if (outDir !== undefined) {
      const dir = resolve(ctx.cwd, outDir);
      mkdirSync(dir, { recursive: true });
      const file = name.replace(/[^A-Za-z0-9@._+-]/g, '_');
      writeFileSync(join(dir, `${file}.json`), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(dir, `${file}.md`), runner.reportMarkdown(report, runner.ALL_CASES));
      ctx.out.note(`reports: ${join(dir, `${file}.json`)} and .md`);
    }
    ctx.out.emit(report);

    const groups = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const r of report.cases) {
      const g = groups.get(r.group) ?? { passed: 0, failed: 0, skipped: 0 };
      g[r.status]++;
      groups.set(r.group, g);
    }
    const rows = [['group', 'passed', 'failed', 'skipped']];
    for (const [group, g] of groups) rows.push([group, String(g.passed), g.failed ? `${g.failed} ✗` : '0', String(g.skipped)]);
    const s = report.summary;
    rows.push(['total', String(s.passed), s.failed ? `${s.failed} ✗` : '0', String(s.skipped)]);
    ctx.out.data(`conformance: ${formatLocation(location.provider, location.bucket)} (${name}) — ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const line of table(rows)) ctx.out.data(`  ${line}`);
    const failed = report.cases.filter((c) => c.status === 'failed');
    if (failed.length) {
      ctx.out.data('failed:');
      for (const c of failed) ctx.out.data(`  ✗ ${c.id} — ${c.reason ?? ''}`);
    }
    const skipReasons = new Map<string, number>();
    for (const c of report.cases) if (c.status === 'skipped') skipReasons.set(c.reason ?? '?', (skipReasons.get(c.reason ?? '?') ?? 0) + 1);
    if (skipReasons.size) {
      ctx.out.data('skipped (capabilities this store does not declare):');
      for (const [reason, n] of [...skipReasons].sort((a, b) => b[1] - a[1])) ctx.out.data(`  ${String(n).padStart(3)}  ${reason}`);
    }
    if (report.cleanup.length) {
      ctx.out.data('cleanup problems:');
      for (const c of report.cleanup) ctx.out.data(`  ${c}`);
    }
    return s.failed > 0 ? EXIT.failure : EXIT.ok;
  },
};
