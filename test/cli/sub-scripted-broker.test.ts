/**
 * Regression: `microtls sub` against a scripted broker for the cases mosquitto will not produce
 * on demand. mosquitto_sub prints "All subscription requests were denied." and disconnects
 * when every SUBACK code is 0x80; it must not sit there forever. And a client that gives up
 * (the broker refuses the reconnect for good) must end the command, not leave it hanging.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { main } from '../../src/cli/main.js';
import { withTimeout } from '../helpers/async.js';
import { capture } from '../helpers/cli-io.js';

interface Fake {
  port: number;
  close(): Promise<void>;
}

/** `onPacket(socket, firstByte, data, connectionIndex)` answers each chunk. */
async function fakeBroker(onPacket: (s: net.Socket, d: Buffer, n: number) => void): Promise<Fake> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    const n = sockets.push(s) - 1;
    s.on('data', (d) => onPacket(s, d, n));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}



test('every subscription denied (SUBACK 0x80): message and exit, as mosquitto_sub does', async () => {
  const b = await fakeBroker((s, d) => {
    if (d[0] === 0x10) s.write(Buffer.from('20020000', 'hex'));
    if (d[0] === 0x82) s.write(Buffer.from([0x90, 4, d[2]!, d[3]!, 0x80, 0x80]));
  });
  try {
    const c = capture();
    const code = await withTimeout(main(['sub', '-h', '127.0.0.1', '-p', String(b.port), '-t', 'a', '-t', 'b'], c.io), 3000, 'sub');
    assert.is(code, 0, 'mosquitto_sub 2.0 exits 0 here');
    assert.match(c.err.join('\n'), /All subscription requests were denied\./);
  } finally {
    await b.close();
  }
});

test('some subscriptions granted: it keeps running (here until -W)', async () => {
  const b = await fakeBroker((s, d) => {
    if (d[0] === 0x10) s.write(Buffer.from('20020000', 'hex'));
    if (d[0] === 0x82) s.write(Buffer.from([0x90, 4, d[2]!, d[3]!, 0x80, 0x00]));
  });
  try {
    const c = capture();
    const code = await withTimeout(main(['sub', '-h', '127.0.0.1', '-p', String(b.port), '-t', 'a', '-t', 'b', '-W', '1'], c.io), 4000, 'sub');
    assert.is(code, 27);
    assert.not.match(c.err.join('\n'), /denied/);
  } finally {
    await b.close();
  }
});

test('the broker refuses the reconnect for good (CONNACK 5): sub ends with the return code', async () => {
  const b = await fakeBroker((s, d, n) => {
    if (d[0] === 0x10) s.write(Buffer.from(n === 0 ? '20020000' : '20020005', 'hex'));
    // First connection: grant the subscription, then drop the connection.
    if (d[0] === 0x82) s.end(Buffer.from([0x90, 3, d[2]!, d[3]!, 0x00]));
  });
  try {
    const c = capture();
    const code = await withTimeout(main(['sub', '-h', '127.0.0.1', '-p', String(b.port), '-t', 'a'], c.io), 5000, 'sub');
    assert.is(code, 5);
    assert.match(c.err.join('\n'), /not authorized/);
  } finally {
    await b.close();
  }
});

test.run();
