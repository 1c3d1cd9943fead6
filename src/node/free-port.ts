import * as net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: for private brokers and servers started
 * by the demo and the tests, which must not collide with anything already listening.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
