/**
 * Time as an injected dependency: the portable core has no timer types of its own
 * (ES2022 lib only), and tests or devices may want their own clock.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Milliseconds, monotonic enough for timeouts. */
  now(): number;
}

interface GlobalTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  performance?: { now?(): number };
}

const perf = (globalThis as unknown as GlobalTimers).performance;

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => (globalThis as unknown as GlobalTimers).setTimeout(fn, ms),
  clearTimeout: (h) => (globalThis as unknown as GlobalTimers).clearTimeout(h),
  // Monotonic where the engine has it: an SNTP/NTP step of the wall clock must not move timeouts.
  now: typeof perf?.now === 'function' ? () => perf.now!() : () => Date.now(),
};

/** A timer that can be re-armed and cancelled without tracking handles at each call site. */
export class OneShot {
  private armed = false;
  // `declare`: set in the constructor (handle when armed), so no field definition is emitted.
  private declare readonly timers: Timers;
  private declare handle: unknown;

  constructor(timers: Timers) {
    this.timers = timers;
  }

  start(ms: number, fn: () => void): void {
    this.cancel();
    this.armed = true;
    this.handle = this.timers.setTimeout(() => {
      this.armed = false;
      fn();
    }, ms);
  }

  cancel(): void {
    if (this.armed) this.timers.clearTimeout(this.handle);
    this.armed = false;
  }

  get running(): boolean {
    return this.armed;
  }
}
