/**
 * Regression: keepalive against a wall clock that steps backwards (an SNTP correction on a
 * device, an NTP step on a host). `now() - lastSent` went negative and the next check was
 * pushed out by the size of the step: no PINGREQ for that long, so the broker dropped the
 * idle client at 1.5x keepalive. The default clock is also monotonic where the engine has one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeepaliveTimer } from '../../src/mqtt/keepalive.js';
import { defaultTimers } from '../../src/mqtt/timers.js';
import { manualTimers } from '../helpers/manual-timers.js';

test('the wall clock steps back an hour: PINGREQ still goes out within the keepalive period', () => {
  const t = manualTimers();
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
