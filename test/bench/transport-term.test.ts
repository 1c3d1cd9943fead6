/**
 * The cost model's transport term (bench/lib/shaped-pong.ts): the shaped TCP server answers each
 * flight with the bytes its header asks for, on a real loopback socket, and the least-squares
 * fit recovers per-connection, per-round-trip and per-byte costs from exchanges that follow them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { fitTransport, flightsFor, startShapedPongServer, transportMs, type Flights } from '../../bench/lib/shaped-pong.js';

function exchange(port: number, flights: Flights): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const got: number[] = [];
    let i = 0;
    let n = 0;
    const send = () => {
      const b = Buffer.alloc(Math.max(8, flights[i]![0]));
      b.writeUInt32BE(b.length, 0);
      b.writeUInt32BE(flights[i]![1], 4);
      s.write(b);
    };
    s.on('connect', send);
    s.on('data', (d: Buffer) => {
      n += d.length;
      if (n < flights[i]![1]) return;
      got.push(n);
      n = 0;
      if (++i < flights.length) return send();
      s.destroy();
      resolve(got);
    });
    s.on('error', reject);
  });
}

test('the shaped server answers every flight with the bytes its header asks for', async () => {
  const server = await startShapedPongServer();
  try {
    assert.equal(await exchange(server.port, [[300, 2500], [9000, 40]]), [2500, 40]);
  } finally {
    await server.close();
  }
});

test('a handshake\'s bytes are spread over its round trips', () => {
  assert.equal(flightsFor({ bytesSent: 446, bytesReceived: 2129, roundTrips: 2 }), [[223, 1065], [223, 1065]]);
  assert.equal(flightsFor({ bytesSent: 387, bytesReceived: 141, roundTrips: 1 }), [[387, 141]]);
});

test('the fit recovers per-connection, per-round-trip and per-byte costs', () => {
  const truth = { perConnectionMs: 0.4, perRoundTripMs: 0.1, perByteUs: 0.02 };
  const shapes: Flights[] = [[[100, 100]], [[100, 100], [100, 100]], [[8000, 8000], [8000, 8000]], [[223, 1065], [223, 1065]]];
  const samples = shapes.map((flights) => {
    const bytes = flights.reduce((n, [a, b]) => n + a + b, 0);
    return { flights, ms: transportMs(truth, { bytesSent: bytes, bytesReceived: 0, roundTrips: flights.length }) };
  });
  const fit = fitTransport(samples)!;
  assert.ok(Math.abs(fit.perConnectionMs - 0.4) < 1e-9 && Math.abs(fit.perRoundTripMs - 0.1) < 1e-9 && Math.abs(fit.perByteUs - 0.02) < 1e-9, JSON.stringify(fit));
  // One shape repeated cannot tell the terms apart.
  assert.is(fitTransport([samples[0]!, samples[0]!, samples[0]!]), undefined);
});

test.run();
