/**
 * @stowage/conformance — one suite for every Stowage backend.
 *
 * In a provider's vitest file: `defineConformanceSuite({ name, open })`.
 * Without vitest (scripts, CI tools): `@stowage/conformance/runner`.
 */
export { defineConformanceSuite } from './define-conformance-suite.js';
export * from './runner-entry.js';
