/**
 * The programmatic API, without vitest: run the registry in process and write
 * reports. `import { runConformance } from '@stowage/conformance/runner'`.
 */
export { ALL_CASES } from './cases/index.js';
export { runConformance, executeCase, describeFailure, DEFAULT_CASE_TIMEOUT_MS, type RunOutcome, type RunSummary, type RunHooks } from './runner.js';
export { missingCapability, selectCases, defineGroup, checkRegistry, type CaseSpec } from './registry.js';
export { RunContext, CaseContext, effectiveCapabilities, emptyBucket, compareBytes } from './context.js';
export { SuiteClock } from './clock.js';
export { guardStore, checkCompliance, ComplianceGuardError, MAX_COMPLIANCE_AHEAD_MS } from './guard.js';
export { proxyDriver, countingDriver } from './driver-proxy.js';
export { ConformanceFailure } from './assert.js';
export { REPORT_SCHEMA, toReport, reportMarkdown, matrixMarkdown, matrixHtml, caseListMarkdown, type ConformanceReport, type MatrixColumn } from './report.js';
export { GROUPS, type CaseGroup, type CaseResult, type CaseStatus, type ConformanceCase, type ConformanceOptions, type InjectableClock } from './types.js';
export { defineTarget, serverListed, type ConformanceTarget, type ServerEnv, type ServersEnv } from './target.js';
