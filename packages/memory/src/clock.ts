/**
 * A clock tests move by hand, so retention expiry is tested without sleeping:
 * `new MemoryDriver({ clock: clock.fn })`, then `clock.advance(ms)`.
 */
export class ManualClock {
  private time: number;
  /** The clock as a function, for `MemoryDriverOptions.clock`. */
  readonly fn: () => Date;

  constructor(start: Date = new Date()) {
    if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new TypeError('ManualClock needs a valid start Date');
    this.time = start.getTime();
    this.fn = () => this.now();
  }

  now(): Date {
    return new Date(this.time);
  }

  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new TypeError('advance needs a finite number of milliseconds');
    this.time += ms;
  }

  set(date: Date): void {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('set needs a valid Date');
    this.time = date.getTime();
  }
}
