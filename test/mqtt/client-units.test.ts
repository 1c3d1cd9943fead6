/** The client's small parts: packet ids, backoff, queue, keepalive timing, URL parsing. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Backoff } from '../../src/mqtt/backoff.js';
import { KeepaliveTimer } from '../../src/mqtt/keepalive.js';
import { BoundedQueue } from '../../src/mqtt/offline-queue.js';
import { PacketIdAllocator } from '../../src/mqtt/packet-ids.js';
import { randomUnit } from '../../src/mqtt/random.js';
import { parseBrokerUrl } from '../../src/mqtt/url.js';
import { WriteBatcher } from '../../src/mqtt/write-batcher.js';
import { resolveConnectOptions } from '../../src/mqtt/connect.js';
import { manualTimers } from '../helpers/manual-timers.js';

/** A manual clock: time moves only when the test says so, so timing tests are exact and instant. */

test('packet ids: start at 1, skip 0 on wrap, skip ids in flight', () => {
  const ids = new PacketIdAllocator();
  assert.is(ids.allocate(), 1);
  assert.is(ids.allocate(), 2);
  ids.release(1);
  // Round-robin: a just-released id is not handed out again at once.
  assert.is(ids.allocate(), 3);
  const all = new PacketIdAllocator();
  for (let i = 1; i <= 0xffff; i++) assert.is(all.allocate(), i);
  assert.is(all.allocate(), undefined, 'all 65,535 in flight');
  all.release(7);
  all.release(0xffff);
  assert.is(all.allocate(), 7, 'wraps past 0, skips ids in flight');
  assert.is(all.allocate(), 0xffff);
  assert.is(all.allocate(), undefined);
});

test('packet ids: wrap from 65535 to 1, never 0', () => {
  const ids = new PacketIdAllocator();
  for (let i = 0; i < 0xffff; i++) ids.release(ids.allocate()!);
  assert.is(ids.allocate(), 1);
});

test('backoff: exponential up to the ceiling, equal jitter from the injected source, reset', () => {
  const seq = [0, 0.999, 0.5, 0, 0, 0, 0, 0, 0];
  let i = 0;
  const b = new Backoff({ initial: 100, max: 1000, random: () => seq[i++]! });
  assert.is(b.next(), 50); // base 100, jitter 0 -> half
  assert.is(b.next(), Math.round(100 + 100 * 0.999)); // base 200
  assert.is(b.next(), 300); // base 400, midpoint
  assert.is(b.next(), 400); // base 800
  assert.is(b.next(), 500); // capped at 1000
  assert.is(b.attempts, 5);
  b.reset();
  assert.is(b.next(), 50);
});

test('randomUnit uses the injected byte source', () => {
  assert.is(randomUnit((o) => o.fill(0)), 0);
  assert.ok(randomUnit((o) => o.fill(0xff)) < 1);
  assert.is(randomUnit((o) => o.set([0x80, 0, 0, 0])), 0.5);
});

test('bounded queue refuses past its limit; requeued items go first and ignore it', () => {
  const q = new BoundedQueue<number>(2);
  assert.ok(q.push(1));
  assert.ok(q.push(2));
  assert.not.ok(q.push(3));
  q.requeueFront([0]);
  assert.is(q.length, 3);
  assert.equal(q.drain(), [0, 1, 2]);
});

test('keepalive: PINGREQ after a period with nothing SENT; received traffic does not postpone it', () => {
  const t = manualTimers();
  const pings: number[] = [];
  let timeouts = 0;
  const k: KeepaliveTimer = new KeepaliveTimer(t, {
    period: 1000, pingTimeout: 500,
    sendPing: () => {
      pings.push(t.now());
      k.noteSent();
    },
    onTimeout: () => timeouts++,
  });
  k.start();
  t.advance(999);
  assert.equal(pings, []);
  t.advance(1);
  assert.equal(pings, [1000]);
  k.pingResponse(); // the broker answers (received traffic is the only thing that happens)
  t.advance(1000);
  assert.equal(pings, [1000, 2000]);
  k.pingResponse();
  // Sending postpones the ping.
  t.advance(600);
  k.noteSent();
  t.advance(900);
  assert.equal(pings, [1000, 2000]);
  t.advance(100);
  assert.equal(pings, [1000, 2000, 3600]);
  assert.is(timeouts, 0);
  // No PINGRESP: timeout after pingTimeout.
  t.advance(499);
  assert.is(timeouts, 0);
  t.advance(1);
  assert.is(timeouts, 1);
  k.stop();
  t.advance(10_000);
  assert.is(pings.length, 3);
});

test('write batcher: one sink write per tick, in order, every callback called; big bursts flush early', async () => {
  const writes: number[][] = [];
  let pendingCb: ((err?: Error | null) => void) | undefined;
  const b = new WriteBatcher((bytes, cb) => {
    writes.push(Array.from(bytes));
    pendingCb = cb;
  }, 8);
  const done: number[] = [];
  b.write(Uint8Array.of(1, 2), () => done.push(1));
  b.write(Uint8Array.of(3), () => done.push(2));
  b.write(Uint8Array.of(4));
  assert.equal(writes, [], 'nothing written synchronously');
  await Promise.resolve();
  assert.equal(writes, [[1, 2, 3, 4]]);
  pendingCb!();
  assert.equal(done, [1, 2]);
  b.write(new Uint8Array(9).fill(7)); // past maxBatch: written at once
  assert.is(writes.length, 2);
  b.write(Uint8Array.of(5));
  b.flush();
  assert.equal(writes[2], [5]);
  await Promise.resolve();
  assert.is(writes.length, 3, 'the scheduled flush finds nothing left');
});

test('broker URLs: schemes, default ports, credentials, IPv6', () => {
  assert.equal(parseBrokerUrl('mqtt://broker.local'), { protocol: 'mqtt', host: 'broker.local', port: 1883 });
  assert.equal(parseBrokerUrl('mqtts://10.0.0.1'), { protocol: 'mqtts', host: '10.0.0.1', port: 8883 });
  assert.equal(parseBrokerUrl('tcp://u:p%40ss@h:1884/'), { protocol: 'mqtt', host: 'h', port: 1884, username: 'u', password: 'p@ss' });
  assert.equal(parseBrokerUrl('ssl://[::1]:8884'), { protocol: 'mqtts', host: '::1', port: 8884 });
  assert.throws(() => parseBrokerUrl('http://h'));
  assert.throws(() => parseBrokerUrl('mqtt://h:70000'));
});

test('device settings: TLS mode on/off overrides the scheme and picks the default port', () => {
  assert.is(resolveConnectOptions('mqtt://h', { tls: true }).protocol, 'mqtts');
  assert.is(resolveConnectOptions({ host: 'h', tls: true }).port, 8883);
  assert.is(resolveConnectOptions({ host: 'h', tls: false }).port, 1883);
  const o = resolveConnectOptions('mqtts://h', { verifyServerCertificate: false, caCertificate: 'ca.pem', clientCertificate: 'c.pem', privateKey: 'k.pem' });
  assert.equal([o.protocol, o.port, o.verifyServerCertificate, o.caCertificate, o.clientCertificate, o.privateKey], ['mqtts', 8883, false, 'ca.pem', 'c.pem', 'k.pem']);
});

test.run();
