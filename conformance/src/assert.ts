import { isDeepStrictEqual, inspect } from 'node:util';
import { isStowageError, type ErrorCode, type StowageError } from '@stowage/core';

/**
 * The suite's own assertions: no test framework needed, so the registry runs
 * under vitest, under the CLI runner and in the mutation test alike.
 */
export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

export function fail(message: string): never {
  throw new ConformanceFailure(message);
}

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) fail(`check failed: ${message}`);
}

const show = (v: unknown) => inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 120 });

export function equal<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, what: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const i = expected.findIndex((e, n) => !isDeepStrictEqual(e, actual[n]));
    const at = i < 0 ? actual.length - 1 : i;
    fail(
      `${what}: expected ${expected.length} entries, got ${actual.length}; first difference at [${at}]: expected ${show(expected[at])}, got ${show(actual[at])} ` +
        `(expected ${show(expected)}, got ${show(actual)})`,
    );
  }
  fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function bytesEqual(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length) fail(`${what}: expected ${expected.length} bytes, got ${actual.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) fail(`${what}: bytes differ first at offset ${i} (expected ${expected[i]}, got ${actual[i]})`);
  }
}

/** Awaits a promise that must reject with a StowageError of `code`; returns the error. */
export async function rejects(promise: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode | readonly ErrorCode[], what: string): Promise<StowageError> {
  const codes: readonly ErrorCode[] = typeof code === 'string' ? [code] : code;
  let outcome: unknown;
  try {
    outcome = await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    if (isStowageError(e) && codes.includes(e.code)) return e;
    if (isStowageError(e)) fail(`${what}: expected ${codes.join(' or ')}, got ${e.code} (${e.message})`);
    fail(`${what}: expected ${codes.join(' or ')}, got a non-Stowage error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  await releaseBody(outcome);
  return fail(`${what}: expected ${codes.join(' or ')}, but it succeeded`);
}

/** Awaits a promise that must reject (any error); returns it. */
export async function rejectsAny(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    const outcome = await promise;
    await releaseBody(outcome);
  } catch (e) {
    return e;
  }
  return fail(`${what}: expected a failure, but it succeeded`);
}

async function releaseBody(outcome: unknown): Promise<void> {
  const body = (outcome as { body?: { cancel?: () => Promise<void> } } | undefined)?.body;
  if (body && typeof body.cancel === 'function') await body.cancel().catch(() => {});
}

/** Closes to within `toleranceMs` (servers keep dates at second precision). */
export function sameInstant(actual: Date | undefined, expected: Date, what: string, toleranceMs = 1000): void {
  ok(actual instanceof Date && !Number.isNaN(actual.getTime()), `${what}: expected a Date, got ${show(actual)}`);
  if (Math.abs(actual.getTime() - expected.getTime()) > toleranceMs) fail(`${what}: expected ${expected.toISOString()} (±${toleranceMs} ms), got ${actual.toISOString()}`);
}
