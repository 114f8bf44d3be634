// Adds up the vitest JSON reports every package writes (.test-results.json)
// and prints one closing line: "N passed, N failed, N skipped".
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const dirs = ['conformance', 'examples', ...readdirSync('packages').map((d) => join('packages', d))];
let passed = 0, failed = 0, skipped = 0;
for (const dir of dirs) {
  const file = join(dir, '.test-results.json');
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  const failedTests = report.numFailedTests ?? 0;
  failed += failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${dir}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
// Conformance reports written by this run (`pnpm conformance --all`): one row per target.
const since = process.env.STOWAGE_TEST_STARTED ? Date.parse(process.env.STOWAGE_TEST_STARTED) : Number.POSITIVE_INFINITY;
const reportsDir = join('conformance', 'reports');
if (existsSync(reportsDir)) {
  for (const name of readdirSync(reportsDir).filter((f) => f.endsWith('.json')).sort()) {
    const report = JSON.parse(readFileSync(join(reportsDir, name), 'utf8'));
    if (!(Date.parse(report.startedAt) >= since)) continue;
    const s = report.summary ?? {};
    passed += s.passed ?? 0;
    failed += s.failed ?? 0;
    skipped += s.skipped ?? 0;
    console.log(`conformance ${report.target}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
