/**
 * A TCP exchange without TLS, shaped like a handshake: connect, then per round trip the client
 * writes PING_BYTES and waits for PONG_BYTES (bench/servers/node-tls.ts's pong server), then
 * closes. Its CPU time is the host's socket work, which a live handshake in Node includes and
 * the cost model's counts do not.
 */
import net from 'node:net';

export const PING_BYTES = 300;
export const PONG_BYTES = 1200;

export function pongExchange(port: number, roundTrips: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    let left = roundTrips;
    let got = 0;
    const ping = () => socket.write(Buffer.alloc(PING_BYTES, 2));
    socket.on('connect', ping);
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got < PONG_BYTES) return;
      got -= PONG_BYTES;
      if (--left > 0) return void ping();
      const t = performance.now() - t0;
      socket.destroy();
      resolve(t);
    });
    socket.on('error', reject);
  });
}
