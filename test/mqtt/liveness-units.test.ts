/**
 * Liveness rules of the keepalive timer with watchReceived, on a test-driven clock: a
 * PINGREQ after a period with nothing sent OR nothing received, and a dead connection when
 * an owed answer (ack or PINGRESP) is missing for pingTimeout while nothing at all arrives.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeepaliveTimer } from '../../src/mqtt/keepalive.js';
import { manualTimers } from '../helpers/manual-timers.js';

function setup(): { t: ReturnType<typeof manualTimers>; k: KeepaliveTimer; pings: number[]; deaths: number[] } {
  const t = manualTimers();
  const pings: number[] = [];
  const deaths: number[] = [];
  const k: KeepaliveTimer = new KeepaliveTimer(t, {
    period: 1000, pingTimeout: 400, watchReceived: true,
    sendPing: () => {
      pings.push(t.now());
      k.noteSent();
    },
    onTimeout: () => deaths.push(t.now()),
  });
  k.start();
  return { t, k, pings, deaths };
}

test('sending every 300 ms but receiving nothing: PINGREQ at one period of silence from the broker', () => {
  const { t, k, pings } = setup();
  for (let i = 0; i < 3; i++) {
    t.advance(300);
    k.noteSent(); // QoS 0 publishes: no answer owed
  }
  t.advance(100);
  assert.equal(pings, [1000]);
  k.noteReceived();
  k.pingResponse();
  t.advance(999);
  assert.equal(pings, [1000], 'received traffic postpones the next one');
  t.advance(1);
  assert.equal(pings, [1000, 2000]);
  k.stop();
});

test('an owed ack with nothing received for pingTimeout: dead, even while the client keeps sending', () => {
  const { t, k, deaths } = setup();
  t.advance(100);
  k.noteSent();
  k.expectAnswer(); // a QoS 1 PUBLISH at 100
  t.advance(200);
  k.noteSent();
  k.expectAnswer(); // another at 300: the watch still runs from 100
  t.advance(199);
  assert.equal(deaths, []);
  t.advance(1);
  assert.equal(deaths, [500]);
  k.stop();
});

test('acks keep arriving: the watch moves on with them; answered() ends it', () => {
  const { t, k, deaths } = setup();
  k.noteSent();
  k.expectAnswer();
  for (let i = 0; i < 10; i++) {
    t.advance(300);
    k.noteReceived(); // an ack for an older message, more still owed
  }
  assert.equal(deaths, [], 'traffic kept arriving: alive (the unanswered PINGREQ at 1000 included)');
  k.answered();
  k.noteReceived();
  k.pingResponse();
  t.advance(1399);
  assert.equal(deaths, []);
  t.advance(1);
  assert.equal(deaths, [4400], 'then silence: the next PINGREQ (4000) unanswered for 400 ms');
  k.stop();
});

test('idle: the PINGRESP missing is noticed at period + pingTimeout (1.4x keepalive)', () => {
  const { t, k, pings, deaths } = setup();
  t.advance(1000);
  assert.equal(pings, [1000]);
  t.advance(400);
  assert.equal(deaths, [1400]);
  k.stop();
});

test('without watchReceived (the plain spec rule): received silence alone does not ping', () => {
  const t = manualTimers();
  const pings: number[] = [];
  const k: KeepaliveTimer = new KeepaliveTimer(t, {
    period: 1000, pingTimeout: 400,
    sendPing: () => {
      pings.push(t.now());
      k.noteSent();
    },
    onTimeout: () => {},
  });
  k.start();
  for (let i = 0; i < 10; i++) {
    t.advance(300);
    k.noteSent();
  }
  assert.equal(pings, []);
  k.expectAnswer(); // ignored without watchReceived
  t.advance(500);
  k.stop();
});

test.run();
