/**
 * Regression: an attempt the client abandons (end(), or connectTimeout before the transport is
 * up) must close its half-open connection at once. Before, the TLS handshake kept its socket
 * until the engine's own 30 s timeout: end() did not let the process exit, and every timed-out
 * reconnect attempt left one more socket to the broker.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { connect, type MqttClient } from '../../src/mqtt/index.js';

interface Silent {
  port: number;
  accepted: Promise<net.Socket>;
  close(): Promise<void>;
}

/** Accepts TCP and never answers: a TLS handshake to it hangs. */
async function silentServer(): Promise<Silent> {
  const sockets: net.Socket[] = [];
  let onAccept!: (s: net.Socket) => void;
  const accepted = new Promise<net.Socket>((r) => (onAccept = r));
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    s.resume(); // read (and drop) the ClientHello, so the client's FIN is seen
    onAccept(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function closedWithin(s: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

const clients: MqttClient[] = [];
const servers: Silent[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  for (const s of servers) await s.close();
});

test('end() during a pending TLS handshake closes its socket at once', async () => {
  const srv = await silentServer();
  servers.push(srv);
  const c = connect({ protocol: 'mqtts', host: '127.0.0.1', port: srv.port, verifyServerCertificate: false, reconnectPeriod: 0 });
  clients.push(c);
  const s = await srv.accepted;
  const ended = c.end();
  assert.ok(await closedWithin(s, 1500), 'the half-open TLS connection was left open after end()');
  await ended;
  assert.is(c.state, 'closed');
});

test('connectTimeout before the TLS handshake completes: that attempt\'s socket is closed', async () => {
  const srv = await silentServer();
  servers.push(srv);
  const c = connect({ protocol: 'mqtts', host: '127.0.0.1', port: srv.port, verifyServerCertificate: false, reconnectPeriod: 0, connectTimeout: 300 });
  clients.push(c);
  const err = new Promise<Error>((r) => c.once('error', r));
  const s = await srv.accepted;
  assert.match((await err).message, /MQTT_TIMEOUT/);
  assert.ok(await closedWithin(s, 1500), 'the timed-out attempt kept its socket');
});

test.run();
