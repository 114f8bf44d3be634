import type { Capabilities } from '@stowage/core';
import type { ConformanceCase } from './types.js';
import { GROUPS, type CaseResult } from './types.js';
import type { RunOutcome } from './runner.js';

/** Bumped when a field changes meaning or goes away; fields may be added within a version. */
export const REPORT_SCHEMA = 'stowage-conformance-report/1';

/** What `conformance/reports/<target>.json` holds. */
export interface ConformanceReport {
  schema: typeof REPORT_SCHEMA;
  target: string;
  provider: string;
  /** The server profile and version the target ran against (e.g. `ceph-rgw 16.2.15`); null for in-process stores. */
  server: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  suite: { cases: number; node: string };
  summary: { passed: number; failed: number; skipped: number };
  capabilities: Capabilities;
  /** Problems met deleting what the run created; empty when clean. */
  cleanup: string[];
  cases: CaseResult[];
}

export function toReport(target: string, outcome: RunOutcome, serverOverride?: string): ConformanceReport {
  return {
    schema: REPORT_SCHEMA,
    target,
    provider: outcome.provider,
    server: serverOverride ?? outcome.server ?? null,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    durationMs: outcome.ms,
    suite: { cases: outcome.cases.length, node: process.version },
    summary: outcome.summary,
    capabilities: outcome.capabilities,
    cleanup: outcome.cleanup,
    cases: outcome.cases.map((c) => {
      const out: CaseResult = { id: c.id, group: c.group, status: c.status, ms: c.ms };
      if (c.reason !== undefined) out.reason = c.reason;
      return out;
    }),
  };
}

const escapeMd = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function reportMarkdown(report: ConformanceReport, cases: readonly ConformanceCase[]): string {
  const titles = new Map(cases.map((c) => [c.id, c.title]));
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`# Conformance: ${report.target}`, '');
  lines.push(`Provider \`${report.provider}\`${report.server ? `, server \`${report.server}\`` : ''}. Run ${report.startedAt} in ${(report.durationMs / 1000).toFixed(1)} s (Node ${report.suite.node}).`, '');
  lines.push(`**${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped** of ${report.suite.cases} cases.`, '');
  if (report.cleanup.length > 0) lines.push(`Cleanup problems: ${report.cleanup.map(escapeMd).join('; ')}`, '');
  lines.push('| group | passed | failed | skipped |', '| --- | ---: | ---: | ---: |');
  for (const g of GROUPS) {
    const rows = report.cases.filter((c) => c.group === g);
    if (rows.length === 0) continue;
    const n = (st: string) => rows.filter((c) => c.status === st).length;
    lines.push(`| ${g} | ${n('passed')} | ${n('failed')} | ${n('skipped')} |`);
  }
  lines.push('');
  const failed = report.cases.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    lines.push('## Failures', '');
    for (const c of failed) lines.push(`- \`${c.id}\` — ${escapeMd(c.reason ?? '')}`);
    lines.push('');
  }
  lines.push('## Cases', '', '| case | result | ms | what it checks |', '| --- | --- | ---: | --- |');
  for (const c of report.cases) lines.push(`| \`${c.id}\` | ${cell(c)} | ${c.ms} | ${escapeMd(titles.get(c.id) ?? '')} |`);
  lines.push('');
  return lines.join('\n');
}

function cell(c: CaseResult | undefined): string {
  if (!c) return '—';
  if (c.status === 'passed') return '✓';
  if (c.status === 'failed') return '✗';
  return `skip(${(c.reason ?? '').replace(/^capability:/, '')})`;
}

/** One column of the matrix: a target's report, or why it has none. */
export interface MatrixColumn {
  target: string;
  report?: ConformanceReport;
  /** Why the target did not run (server down); shown instead of results. */
  notRun?: string;
  /** The report is from an earlier run (the server was down this time). */
  stale?: boolean;
}

function columnHeader(col: MatrixColumn): string {
  const r = col.report;
  if (!r) return `${col.target} (not run: ${col.notRun ?? 'unknown'})`;
  return `${col.target}${col.stale ? ` (as of ${r.startedAt.slice(0, 10)})` : ''}`;
}

export function matrixMarkdown(columns: readonly MatrixColumn[], cases: readonly ConformanceCase[], generatedAt: string): string {
  const lines: string[] = [];
  lines.push('# Stowage compatibility matrix', '');
  lines.push('Every case of the conformance suite (`@stowage/conformance`) against every known target.');
  lines.push('✓ passed · ✗ failed · skip(capability) not run because the target does not declare that capability.');
  lines.push(`Regenerate with \`pnpm conformance --all\`. Generated ${generatedAt}.`, '');
  lines.push('| target | provider | server | passed | failed | skipped | run |', '| --- | --- | --- | ---: | ---: | ---: | --- |');
  for (const col of columns) {
    const r = col.report;
    if (!r) lines.push(`| ${col.target} | — | — | — | — | — | not run: ${escapeMd(col.notRun ?? '')} |`);
    else lines.push(`| ${col.target} | ${r.provider} | ${r.server ?? '—'} | ${r.summary.passed} | ${r.summary.failed} | ${r.summary.skipped} | ${r.startedAt.slice(0, 16).replace('T', ' ')}${col.stale ? ' (earlier run)' : ''} |`);
  }
  lines.push('');
  // Targets that never ran are in the summary above, not as empty columns.
  const ran = columns.filter((c) => c.report);
  const head = `| case | ${ran.map((c) => escapeMd(columnHeader(c))).join(' | ')} |`;
  const sep = `| --- | ${ran.map(() => ':---:').join(' | ')} |`;
  const byTarget = ran.map((col) => new Map((col.report?.cases ?? []).map((c) => [c.id, c])));
  for (const g of GROUPS) {
    const inGroup = cases.filter((c) => c.group === g);
    if (inGroup.length === 0) continue;
    lines.push(`## ${g}`, '', head, sep);
    for (const c of inGroup) lines.push(`| \`${c.id}\` | ${byTarget.map((m) => cell(m.get(c.id))).join(' | ')} |`);
    lines.push('');
  }
  const failures = columns.flatMap((col) => (col.report?.cases ?? []).filter((c) => c.status === 'failed').map((c) => ({ target: col.target, c })));
  if (failures.length > 0) {
    lines.push('## Failures', '', '| target | case | why |', '| --- | --- | --- |');
    for (const { target, c } of failures) lines.push(`| ${target} | \`${c.id}\` | ${escapeMd(c.reason ?? '')} |`);
    lines.push('');
  }
  return lines.join('\n');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function matrixHtml(columns: readonly MatrixColumn[], cases: readonly ConformanceCase[], generatedAt: string): string {
  const ran = columns.filter((c) => c.report);
  const byTarget = ran.map((col) => new Map((col.report?.cases ?? []).map((c) => [c.id, c])));
  const rows: string[] = [];
  for (const g of GROUPS) {
    const inGroup = cases.filter((c) => c.group === g);
    if (inGroup.length === 0) continue;
    rows.push(`<tr class="group"><th colspan="${ran.length + 1}" id="${g}">${g}</th></tr>`);
    for (const c of inGroup) {
      const cells = byTarget.map((m) => {
        const r = m.get(c.id);
        const cls = r ? r.status : 'none';
        const tip = r?.reason ? ` title="${escapeHtml(r.reason)}"` : '';
        return `<td class="${cls}"${tip}>${escapeHtml(cell(r))}</td>`;
      });
      rows.push(`<tr id="${escapeHtml(c.id)}"><td class="id" title="${escapeHtml(c.title)}"><code>${escapeHtml(c.id)}</code><div class="t">${escapeHtml(c.title)}</div></td>${cells.join('')}</tr>`);
    }
  }
  const summary = columns
    .map((col) => {
      const r = col.report;
      const s = r ? `${r.summary.passed} ✓ · ${r.summary.failed} ✗ · ${r.summary.skipped} skipped` : `not run: ${col.notRun ?? ''}`;
      return `<li><b>${escapeHtml(col.target)}</b>${r?.server ? ` (${escapeHtml(r.server)})` : ''}: ${escapeHtml(s)}${col.stale && r ? ` — earlier run, ${escapeHtml(r.startedAt)}` : ''}</li>`;
    })
    .join('\n');
  const failures = columns.flatMap((col) => (col.report?.cases ?? []).filter((c) => c.status === 'failed').map((c) => ({ target: col.target, c })));
  const failureTable =
    failures.length === 0
      ? ''
      : `<h2>Failures</h2>\n<table>\n<thead><tr><th>target</th><th>case</th><th>why</th></tr></thead>\n<tbody>\n${failures
          .map(({ target, c }) => `<tr><td>${escapeHtml(target)}</td><td><a href="#${escapeHtml(c.id)}"><code>${escapeHtml(c.id)}</code></a></td><td>${escapeHtml(c.reason ?? '')}</td></tr>`)
          .join('\n')}\n</tbody>\n</table>\n<h2>All cases</h2>`;
  const groupLinks = GROUPS.filter((g) => cases.some((c) => c.group === g))
    .map((g) => `<a href="#${g}">${g}</a>`)
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stowage compatibility matrix</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; }
thead th { position: sticky; top: 0; background: #f6f8fa; }
tr.group th { text-align: left; background: #eaeef2; font-size: 15px; }
td.id code { font-size: 13px; }
td.id .t { color: #57606a; font-size: 12px; }
td.passed { background: #dafbe1; text-align: center; }
td.failed { background: #ffebe9; text-align: center; font-weight: bold; }
td.skipped { background: #f6f8fa; color: #57606a; text-align: center; font-size: 12px; }
td.none { text-align: center; color: #8c959f; }
</style>
</head>
<body>
<h1>Stowage compatibility matrix</h1>
<p>Every case of the conformance suite against every known target. ✓ passed · ✗ failed · skip(capability): not run because the target does not declare that capability. Generated ${escapeHtml(generatedAt)} by <code>pnpm conformance --all</code>.</p>
<ul>
${summary}
</ul>
${failureTable}
<p>${groupLinks}</p>
<table>
<thead><tr><th>case</th>${ran.map((c) => `<th>${escapeHtml(columnHeader(c))}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

/** The "Cases by group" tables of the README. */
export function caseListMarkdown(cases: readonly ConformanceCase[]): string {
  const out: string[] = [];
  for (const g of GROUPS) {
    const inGroup = cases.filter((c) => c.group === g);
    if (inGroup.length === 0) continue;
    out.push(`### ${g} (${inGroup.length})`, '', '| id | requires | checks |', '| --- | --- | --- |');
    for (const c of inGroup) out.push(`| \`${c.id}\` | ${c.requires.map((r) => `\`${r}\``).join(' ') || '—'} | ${escapeMd(c.title)} |`);
    out.push('');
  }
  return out.join('\n').trim();
}
