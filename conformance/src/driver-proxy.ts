import type { Driver } from '@stowage/core';

/**
 * A driver that behaves like `inner` except for the methods in `overrides`
 * (each receives the inner driver as `this`-free first argument). Used by the
 * suite to simulate a server answering 200 to a range, to count I/O, and by
 * the mutation test to break a backend on purpose.
 */
export function proxyDriver(inner: Driver, overrides: { [K in keyof Driver]?: Driver[K] }): Driver {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Methods of a driver that do not reach the backend. */
const LOCAL = new Set<PropertyKey>(['provider', 'server', 'capabilities', 'now', 'native', 'close', 'then', 'constructor']);

/** A driver that records the name of every backend call it forwards. */
export function countingDriver(inner: Driver, calls: string[]): Driver {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (LOCAL.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
