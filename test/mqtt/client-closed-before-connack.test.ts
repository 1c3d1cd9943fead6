/**
 * Regression: a broker that accepts TCP and closes it before CONNACK without a socket error
 * (mosquitto at max_connections, a listener that is not MQTT, an overloaded proxy). The
 * client must report it; before, no 'error' came, connectAsync never settled and
 * `microtls pub` exited with Node's code 13 ("unsettled top-level await") and no message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { connect, connectAsync } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { withTimeout } from '../helpers/async.js';

let server: net.Server;
let port = 0;
test.before(async () => {
  // Reads the CONNECT, then closes cleanly (FIN, no RST, no CONNACK).
  server = net.createServer((s) => {
    s.on('error', () => {});
    s.on('data', () => s.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
test.after(() => new Promise<void>((r) => server.close(() => r())));


test('connectAsync rejects with MICROTLS_ERR_MQTT_CONNECTION_CLOSED', async () => {
  const err = await withTimeout(connectAsync({ host: '127.0.0.1', port, reconnectPeriod: 0 }).then(() => undefined, (e: unknown) => e), 3000, 'connectAsync');
  assert.ok(err instanceof MicroTlsError, String(err));
  assert.is((err as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED');
  assert.match((err as Error).message, /before CONNACK/);
});

test('with reconnects on, each such attempt is reported as an error event', async () => {
  const c = connect({ host: '127.0.0.1', port, reconnectPeriod: 50 });
  try {
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    await withTimeout(new Promise<void>((r) => {
      const check = setInterval(() => errors.length >= 2 && (clearInterval(check), r()), 10);
    }), 3000, 'two errors');
    assert.ok(errors.every((e) => (e as MicroTlsError).codeName === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED'));
  } finally {
    await c.end(true);
  }
});

test('microtls pub: "connection lost" message and mosquitto_pub\'s exit code 7 (MOSQ_ERR_CONN_LOST)', async () => {
  const err: string[] = [];
  const code = await withTimeout(main(['pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'x', '-m', 'y'], { out: () => {}, err: (l) => err.push(l) }), 3000, 'pub');
  assert.is(code, 7);
  assert.match(err.join('\n'), /MICROTLS_ERR_MQTT_CONNECTION_CLOSED/);
});

test.run();
