import * as net from 'node:net';

/** True when something accepts a TCP connection on 127.0.0.1:port: the readiness check for brokers the tests start. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
