import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixedClock, settableClock, systemClock } from '../../src/time/clock.js';

test('systemClock follows Date.now', () => {
  const before = Date.now();
  const t = systemClock.now()!.getTime();
  assert.ok(t >= before && t <= Date.now());
});

test('fixedClock always answers the same instant, as a fresh Date', () => {
  const c = fixedClock(new Date('2031-04-07T00:00:00Z'));
  const a = c.now()!;
  a.setUTCFullYear(1999);
  assert.is(c.now()!.toISOString(), '2031-04-07T00:00:00.000Z');
});

test('settableClock is unset until set, then runs on the monotonic source', () => {
  let ticks = 5000;
  const c = settableClock(() => ticks);
  assert.is(c.now(), undefined);
  assert.is(c.isSet, false);
  c.set(new Date('2030-01-01T00:00:00Z'));
  assert.is(c.isSet, true);
  assert.is(c.now()!.toISOString(), '2030-01-01T00:00:00.000Z');
  ticks += 1500;
  assert.is(c.now()!.toISOString(), '2030-01-01T00:00:01.500Z');
  assert.throws(() => c.set(new Date('not a date')), RangeError);
});

test.run();
