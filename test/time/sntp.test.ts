import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { buildSntpRequest, fromNtpTimestamp, parseSntpResponse, toNtpTimestamp } from '../../src/time/sntp.js';
import { sntpQuery, syncClock } from '../../src/node/sntp-udp.js';
import { settableClock } from '../../src/time/clock.js';
import { MicroTlsError } from '../../src/errors.js';

const SERVER_SKEW_MS = 90_000; // the responder's clock runs 90 s ahead

type Behaviour = 'good' | 'kod' | 'wrong-originate' | 'client-mode' | 'silent' | 'zero-transmit' | 'unsynchronized';
let behaviour: Behaviour = 'good';
let server: Socket;
let port = 0;

/** A server answer to `req` as RFC 4330 describes it, bent by `behaviour`. */
function answer(req: Uint8Array): Uint8Array {
  const res = new Uint8Array(48);
  const now = Date.now() + SERVER_SKEW_MS;
  res[0] = (0 << 6) | (4 << 3) | 4;
  res[1] = 2;
  res.set(req.subarray(40, 48), 24); // originate = client's transmit
  res.set(toNtpTimestamp(now), 32);
  res.set(toNtpTimestamp(now + 1), 40);
  if (behaviour === 'kod') {
    res[1] = 0;
    res.set([0x52, 0x41, 0x54, 0x45], 12); // "RATE"
  }
  if (behaviour === 'wrong-originate') res[31] ^= 1;
  if (behaviour === 'client-mode') res[0] = (4 << 3) | 3;
  if (behaviour === 'zero-transmit') res.fill(0, 40, 48);
  if (behaviour === 'unsynchronized') res[0] = (3 << 6) | (4 << 3) | 4;
  return res;
}

test.before(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    if (behaviour === 'silent') return;
    server.send(answer(new Uint8Array(msg)), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  port = server.address().port;
});

test.after(() => {
  server.close();
});

test('NTP timestamps round-trip, including era 1 (after 2036-02-07)', () => {
  for (const iso of ['2026-11-27T08:00:00.250Z', '2036-02-07T06:28:16.000Z', '2040-01-01T00:00:00.500Z', '1990-06-01T12:00:00Z']) {
    const ms = Date.parse(iso);
    assert.ok(Math.abs(fromNtpTimestamp(toNtpTimestamp(ms)) - ms) < 1, iso);
  }
});

test('request packet: version 4, client mode, transmit timestamp set', () => {
  const r = buildSntpRequest(Date.parse('2026-11-27T08:00:00Z'));
  assert.is(r.packet.length, 48);
  assert.is(r.packet[0], 0x23);
  assert.equal(r.packet.subarray(40, 48), r.transmitTimestamp);
  assert.ok(r.packet.subarray(0, 40).slice(1).every((b) => b === 0));
});

test('offset and delay from the four timestamps', () => {
  const req = buildSntpRequest(1_000_000);
  const res = new Uint8Array(48);
  res[0] = 0x24;
  res[1] = 1;
  res.set(req.transmitTimestamp, 24);
  res.set(toNtpTimestamp(1_000_000 + 5_000 + 10), 32); // server received: 10 ms later, server +5 s
  res.set(toNtpTimestamp(1_000_000 + 5_000 + 12), 40); // server sent 2 ms after
  const r = parseSntpResponse(res, req, 1_000_000 + 22); // client got it at +22 ms
  assert.ok(Math.abs(r.offsetMs - 5_000) < 1, String(r.offsetMs));
  assert.ok(Math.abs(r.delayMs - 20) < 1, String(r.delayMs));
  assert.is(r.stratum, 1);
});

test('query against a local UDP responder sets a settable clock', async () => {
  behaviour = 'good';
  const r = await sntpQuery('127.0.0.1', port, 2000);
  assert.ok(Math.abs(r.offsetMs - SERVER_SKEW_MS) < 1000, String(r.offsetMs));
  const clock = settableClock();
  await syncClock(clock, '127.0.0.1', port, 2000);
  assert.ok(Math.abs(clock.now()!.getTime() - (Date.now() + SERVER_SKEW_MS)) < 1000);
});

for (const [b, pattern] of [
  ['kod', /kiss-o'-death.*RATE/],
  ['wrong-originate', /originate/],
  ['client-mode', /mode 3/],
  ['zero-transmit', /transmit timestamp is zero/],
  ['unsynchronized', /not synchronized/],
] as const) {
  test(`answer refused: ${b}`, async () => {
    behaviour = b;
    try {
      await sntpQuery('127.0.0.1', port, 2000);
      assert.unreachable('accepted a bad answer');
    } catch (e) {
      assert.instance(e, MicroTlsError);
      assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_RECV_FAILED');
      assert.match((e as MicroTlsError).message, pattern);
    }
  });
}

test('no answer: SSL_TIMEOUT', async () => {
  behaviour = 'silent';
  try {
    await sntpQuery('127.0.0.1', port, 200);
    assert.unreachable('no timeout');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_TIMEOUT');
  }
});

test.run();
