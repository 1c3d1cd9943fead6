import type { Timers } from '../../src/mqtt/timers.js';

/**
 * A manual clock for the MQTT client's Timers: time moves only when the test says so, so
 * timing tests are exact and instant. `advance` runs the timers that fall due, in order, on
 * the monotonic time they were armed with; `step` moves only what now() reports (a wall clock
 * stepped by SNTP), not when timers fire.
 */
export function manualTimers(): Timers & { advance(ms: number): void; step(ms: number): void } {
  let mono = 0;
  let offset = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => mono + offset,
    setTimeout: (fn, ms) => {
      pending.set(++seq, { at: mono + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void pending.delete(h as number),
    step(ms) {
      offset += ms;
    },
    advance(ms) {
      const end = mono + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        mono = due[1].at;
        due[1].fn();
      }
      mono = end;
    },
  };
}
