/**
 * src/device/moddable*.ts under Node, where neither Moddable socket API exists: each test
 * gives connect() one of the stand-in classes over a real net.Socket (moddable-stand-ins.ts),
 * with little room per write so the adapters' queueing runs. The handshakes are real, against `openssl s_server`; the live XS runs are
 * in xs-live.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { connect, moddableRandom } from '../../src/device/moddable.js';
import { MicroTlsError } from '../../src/errors.js';
import { freePort, retryConnect } from '../helpers/servers.js';
import { Ecma419StandIn, ResolverStandIn, SocketStandIn, standIn } from './moddable-stand-ins.js';
import { startXsPeers, type XsPeers } from './xs-peers.js';

const ROOM = standIn.room;
let peers: XsPeers;

test.before(async () => {
  peers = await startXsPeers({ mosquitto: false });
  await retryConnect(() => new Promise<void>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: peers.sServer.port }, () => { s.destroy(); resolve(); });
    s.on('error', reject);
  }));
});
test.after(async () => { await peers?.close(); });

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

test('ECMA-419 TCP: a verified handshake when the socket takes 100 bytes at a time; data both ways', async () => {
  standIn.largestWrite = 0;
  const s = await connect({ host: 'localhost', port: peers.sServer.port, verify: true, ca: peers.caPem, random,
    socket: { io: Ecma419StandIn }, dns: { io: ResolverStandIn } });
  assert.ok(s.cipherSuite);
  const echoed = new Promise<string>((resolve) => s.on('data', (d) => resolve(Buffer.from(d).toString())));
  s.write('ping over ECMA-419');
  assert.is(await echoed, 'ping over ECMA-419');
  assert.ok(standIn.largestWrite <= ROOM && standIn.largestWrite > 0, `never more than the room the socket gave (${standIn.largestWrite})`);
  s.end();
  assert.ok(s.closed);
});

test('Moddable socket module: a verified handshake, resumed by ticket the second time', async () => {
  standIn.largestWrite = 0;
  const first = await connect({ host: '127.0.0.1', port: peers.sServer.port, servername: 'localhost', verify: true, ca: peers.caPem, random, Socket: SocketStandIn });
  const session = first.getSession();
  first.end();
  assert.ok(session, 'ticket');
  const again = await connect({ host: '127.0.0.1', port: peers.sServer.port, servername: 'localhost', verify: true, ca: peers.caPem, random, Socket: SocketStandIn, session });
  assert.is(again.resumed, true);
  again.end();
  assert.ok(standIn.largestWrite <= ROOM);
});

test('a host name without a DNS resolver is refused with NET_UNKNOWN_HOST and what to pass', async () => {
  const err = await connect({ host: 'broker.example', port: 8883, verify: false, random, socket: { io: Ecma419StandIn } }).catch((e: unknown) => e);
  assert.instance(err, MicroTlsError);
  assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_UNKNOWN_HOST');
  assert.match((err as MicroTlsError).message, /dns: \{ io: Resolver/);
});

test('a closed port: NET_CONNECT_FAILED through either API', async () => {
  const port = await freePort();
  for (const sockets of [{ socket: { io: Ecma419StandIn } }, { Socket: SocketStandIn }]) {
    const err = await connect({ host: '127.0.0.1', port, verify: false, random, ...sockets }).catch((e: unknown) => e);
    assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_CONNECT_FAILED', String(err));
  }
});

test('no socket given and none importable (not a Moddable build): NET_SOCKET_FAILED naming the modules', async () => {
  const err = await connect({ host: '127.0.0.1', port: 1, verify: false, random }).catch((e: unknown) => e);
  assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_SOCKET_FAILED');
  assert.match((err as MicroTlsError).message, /embedded:io\/socket\/tcp/);
});

test('a server that closes during the handshake: SSL_CONN_EOF (ECMA-419 reports the close through onError)', async () => {
  const server = net.createServer((c) => c.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    for (const sockets of [{ socket: { io: Ecma419StandIn } }, { Socket: SocketStandIn }]) {
      const err = await connect({ host: '127.0.0.1', port, verify: false, random, ...sockets }).catch((e: unknown) => e);
      assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_CONN_EOF', String(err));
    }
  } finally {
    server.close();
  }
});

test('a server that accepts and never answers: SSL_TIMEOUT after `timeout`, and the socket is closed', async () => {
  let serverSide: net.Socket | undefined;
  // resume(): read (and drop) the ClientHello, so the client's close reaches 'end' and 'close'.
  const server = net.createServer((c) => { serverSide = c; c.resume(); c.on('error', () => undefined); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const t0 = Date.now();
    const err = await connect({ host: '127.0.0.1', port, verify: false, random, timeout: 300, socket: { io: Ecma419StandIn } }).catch((e: unknown) => e);
    assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_TIMEOUT', String(err));
    assert.ok(Date.now() - t0 >= 290, 'not before the timeout');
    await new Promise<void>((r) => { if (!serverSide || serverSide.closed) r(); else serverSide.once('close', () => r()); });
    assert.ok(serverSide?.closed ?? true, 'the client closed its socket');
  } finally {
    server.close();
  }
});

test('after end(): one close event, and a write is refused with an error, not lost silently', async () => {
  const s = await connect({ host: '127.0.0.1', port: peers.sServer.port, servername: 'localhost', verify: false, random, socket: { io: Ecma419StandIn } });
  let closes = 0;
  s.on('close', () => closes++);
  s.end();
  s.end();
  assert.is(closes, 1);
  let written: Error | null | undefined;
  assert.is(s.write('late', (e) => { written = e; }), false);
  assert.is((written as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA');
});

test('moddableRandom: bytes from RNG.get; a short answer is SSL_NO_RNG, not weaker keys', () => {
  assert.equal(moddableRandom({ get: (n) => new Uint8Array(n).fill(5).buffer })(3), new Uint8Array([5, 5, 5]));
  const short = moddableRandom({ get: (n) => new ArrayBuffer(n - 1) });
  assert.throws(() => short(32), (e: unknown) => (e as MicroTlsError).codeName === 'MBEDTLS_ERR_SSL_NO_RNG');
});

test.run();
