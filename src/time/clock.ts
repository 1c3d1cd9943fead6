/**
 * Where "now" comes from for certificate validity. A microcontroller boots at 1970 or
 * 2000 until SNTP answers, and checking certificates against that time would fail (or,
 * worse, accept expired ones), so a clock may say "not set" (undefined) and verification
 * refuses to run until it is set, as on the reference device ("MQTTS is activated only
 * after a correctly adjusted clock").
 */
export interface Clock {
  /** The current time, or undefined while the clock has not been set. */
  now(): Date | undefined;
}

/** The host's clock (Date.now), trusted as set. */
export const systemClock: Clock = { now: () => new Date() };

/** Always the same instant (tests, replaying a capture). */
export function fixedClock(date: Date): Clock {
  const t = date.getTime();
  return { now: () => new Date(t) };
}

export interface SettableClock extends Clock {
  /** Sets the current time (e.g. from SNTP); it then advances with the monotonic source. */
  set(date: Date): void;
  readonly isSet: boolean;
}

/**
 * A clock that is unset until `set()` is called, then runs from that point using a
 * monotonic millisecond source (default Date.now; a device can pass its tick counter),
 * so later changes of the host clock do not move it.
 */
export function settableClock(monotonicMs: () => number = () => Date.now()): SettableClock {
  let base: { wall: number; mono: number } | undefined;
  return {
    now: () => (base === undefined ? undefined : new Date(base.wall + (monotonicMs() - base.mono))),
    set(date: Date) {
      const wall = date.getTime();
      if (!Number.isFinite(wall)) throw new RangeError('settableClock.set: invalid date');
      base = { wall, mono: monotonicMs() };
    },
    get isSet() {
      return base !== undefined;
    },
  };
}

let defaultClock: Clock = systemClock;

/** The clock verification uses when the caller passes no time. */
export function getDefaultClock(): Clock {
  return defaultClock;
}

export function setDefaultClock(clock: Clock): void {
  defaultClock = clock;
}
