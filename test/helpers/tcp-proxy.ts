/**
 * A loopback TCP relay in front of a real broker, so a test can cut a connection at a
 * chosen moment or hold back what the broker sends (its acks) while the client's packets
 * still reach it.
 */
import * as net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Broker-to-client bytes are held back (discarded) while true. */
  holdReplies(on: boolean): void;
  /** Destroys every relayed connection (both sides): a network cut. */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(upstreamPort: number): Promise<TcpProxy> {
  const pairs: [net.Socket, net.Socket][] = [];
  let holding = false;
  const server = net.createServer((down) => {
    const up = net.connect({ host: '127.0.0.1', port: upstreamPort });
    pairs.push([down, up]);
    down.on('data', (d) => up.write(d));
    up.on('data', (d) => {
      if (!holding) down.write(d);
    });
    const close = (): void => {
      down.destroy();
      up.destroy();
    };
    down.on('close', close);
    up.on('close', close);
    down.on('error', close);
    up.on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    holdReplies: (on) => void (holding = on),
    cut: () => {
      for (const [d, u] of pairs.splice(0)) {
        d.destroy();
        u.destroy();
      }
    },
    close: () => {
      for (const [d, u] of pairs.splice(0)) {
        d.destroy();
        u.destroy();
      }
      return new Promise((r) => server.close(() => r()));
    },
  };
}
