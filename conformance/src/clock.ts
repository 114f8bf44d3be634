import { sleep, type Store } from '@stowage/core';
import type { InjectableClock } from './types.js';

/**
 * Time as the backend sees it. With an injectable clock (the memory store's
 * ManualClock) waiting is instant: the clock is advanced. Against a real
 * server the suite waits in real time, with a margin for clock granularity
 * (S3 keeps retain-until dates and presign expiry at second precision).
 */
export class SuiteClock {
  constructor(
    private readonly store: () => Store,
    private readonly injected: InjectableClock | undefined,
  ) {}

  /** True when time can be moved rather than waited for. */
  get manual(): boolean {
    return this.injected !== undefined;
  }

  /** The backend's now (the injected clock, else the driver's, else local). */
  now(): Date {
    return this.injected?.now() ?? this.store().now();
  }

  /** `seconds` from the backend's now. */
  inSeconds(seconds: number): Date {
    return new Date(this.now().getTime() + seconds * 1000);
  }

  async advance(ms: number): Promise<void> {
    if (ms <= 0) return;
    if (this.injected) this.injected.advance(ms);
    else await sleep(ms);
  }

  /** Moves (or waits) until `date` has passed on the backend, plus a margin for second-precision servers. */
  async waitUntilPast(date: Date, marginMs = this.manual ? 1 : 1500): Promise<void> {
    await this.advance(date.getTime() - this.now().getTime() + marginMs);
  }
}
