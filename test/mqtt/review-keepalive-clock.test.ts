/**
 * Review: keepalive against a wall clock that steps backwards (an SNTP correction on a
 * device, an NTP step on a host). `now() - lastSent` went negative and the next check was
 * pushed out by the size of the step: no PINGREQ for that long, so the broker dropped the
 * idle client at 1.5x keepalive. The default clock is also monotonic where the engine has one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeepaliveTimer } from '../../src/mqtt/keepalive.js';
import { defaultTimers, type Timers } from '../../src/mqtt/timers.js';

/** Timer deadlines run on their own (monotonic) time; now() is a wall clock the test can step. */
function steppingTimers(): Timers & { advance(ms: number): void; step(ms: number): void } {
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

test('the wall clock steps back an hour: PINGREQ still goes out within the keepalive period', () => {
  const t = steppingTimers();
  let pings = 0;
  const k: KeepaliveTimer = new KeepaliveTimer(t, {
    period: 1000, pingTimeout: 500,
    sendPing: () => {
      pings++;
      k.noteSent();
    },
    onTimeout: () => {},
  });
  k.start();
  t.advance(400);
  t.step(-3_600_000);
  t.advance(600);
  assert.is(pings, 1, 'no PINGREQ within the keepalive period after the clock stepped back');
  k.pingResponse();
  t.advance(1000);
  assert.is(pings, 2);
  k.stop();
});

test('default timers: now() is monotonic where the engine has performance.now()', () => {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  assert.ok(perf, 'Node has performance.now()');
  const a = defaultTimers.now();
  const b = perf!.now();
  assert.ok(Math.abs(b - a) < 1000, `now() ${a} is not performance.now() ${b}`);
});

test.run();
