/**
 * A TCP exchange without TLS shaped like a counted handshake, for measuring an engine's transport
 * (its socket shim, the host relay, the calls across the engine boundary) apart from the
 * handshakes the cost model is checked on. Each flight the client sends starts with an 8-byte
 * header, [flight length u32][reply length u32] (big-endian); the server answers a whole flight
 * with that many bytes. The client side lives in each engine's harness (test/device/xs-live-harness.js
 * `pong`).
 */
import net from 'node:net';

/** [bytes the client sends, bytes the server answers] per round trip. */
export type Flights = [number, number][];

export interface ShapedPongServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startShapedPongServer(): Promise<ShapedPongServer> {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.on('error', () => {});
    let buf: Buffer = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 8) {
        const total = buf.readUInt32BE(0);
        if (buf.length < total) break;
        const reply = buf.readUInt32BE(4);
        buf = buf.subarray(total);
        s.write(Buffer.alloc(reply, 1));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The flights of a handshake with these totals, its bytes spread evenly over its round trips. */
export function flightsFor(w: { bytesSent: number; bytesReceived: number; roundTrips: number }): Flights {
  const n = Math.max(1, w.roundTrips);
  return Array.from({ length: n }, () => [Math.max(8, Math.round(w.bytesSent / n)), Math.max(1, Math.round(w.bytesReceived / n))]);
}

/** The exchanges a transport is measured with beyond the handshakes' own shapes: few and many bytes. */
export const SPREAD_SHAPES: Flights[] = [[[100, 100]], [[100, 100], [100, 100]], [[8000, 8000], [8000, 8000]]];

/**
 * Least squares fit of ms = perConnection + perRoundTrip x round trips + perByte x bytes over
 * measured exchanges: the transport term the model adds to a live handshake's prediction.
 */
export interface TransportFit { perConnectionMs: number; perRoundTripMs: number; perByteUs: number }

export function fitTransport(samples: readonly { flights: Flights; ms: number }[]): TransportFit | undefined {
  const rows = samples.map((s) => [1, s.flights.length, s.flights.reduce((n, [a, b]) => n + a + b, 0)]);
  const y = samples.map((s) => s.ms);
  // Normal equations, 3x3, by Gaussian elimination.
  const a = [0, 1, 2].map((i) => [0, 1, 2].map((j) => rows.reduce((n, r) => n + r[i]! * r[j]!, 0)));
  const b = [0, 1, 2].map((i) => rows.reduce((n, r, k) => n + r[i]! * y[k]!, 0));
  for (let c = 0; c < 3; c++) {
    const p = a[c]![c]!;
    if (Math.abs(p) < 1e-12) return undefined;
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / p;
      for (let k = 0; k < 3; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = [0, 1, 2].map((i) => b[i]! / a[i]![i]!);
  return { perConnectionMs: x[0]!, perRoundTripMs: x[1]!, perByteUs: x[2]! * 1000 };
}

export function transportMs(f: TransportFit, w: { bytesSent: number; bytesReceived: number; roundTrips: number }): number {
  return f.perConnectionMs + f.perRoundTripMs * w.roundTrips + (f.perByteUs / 1000) * (w.bytesSent + w.bytesReceived);
}

/** The fitted transport term as report rows (at least three exchanges needed), as the engines bench prints them. */
export function transportTermRows(engine: string, samples: readonly { flights: Flights; ms: number }[]): { engine: string; case: string; value: number; unit: string }[] {
  const fit = samples.length >= 3 ? fitTransport(samples) : undefined;
  if (!fit) return [];
  return [
    { engine, case: 'transport term: per connection', value: fit.perConnectionMs, unit: 'ms' },
    { engine, case: 'transport term: per round trip', value: fit.perRoundTripMs, unit: 'ms' },
    { engine, case: 'transport term: per byte', value: fit.perByteUs, unit: 'us' },
  ];
}
