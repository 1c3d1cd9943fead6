/**
 * The device transports' edges, under Node over real sockets (the stand-ins in
 * moddable-stand-ins.ts): a TCP close without close_notify after the handshake is a
 * truncation (data first, then SSL_CONN_EOF, unless allowTruncation), a peer that stops
 * reading holds write callbacks and then fails the connection at the write-queue cap
 * instead of growing, and a write after close is reported, not counted as sent. The TLS
 * peer is the scripted server (it can close TCP without an alert); the plain one is net.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { connect, connectMqtt, connectPlainTcp, moddableByteStream, type ModdableSockets } from '../../src/device/moddable.js';
import { DEVICE_WRITE_QUEUE_LIMIT } from '../../src/device/queued-byte-stream.js';
import { DEVICE_WRITE_HIGH_WATER, type DeviceTlsSocket } from '../../src/device/tls-stream.js';
import { errorCode, MicroTlsError } from '../../src/errors.js';
import { withTimeout } from '../helpers/async.js';
import { startScriptedServer, type ScriptedConnection, type ScriptedServer } from '../helpers/scripted-server.js';
import { Ecma419StandIn, SocketStandIn, standIn } from './moddable-stand-ins.js';

const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';
const servers: ScriptedServer[] = [];
test.after(async () => { await Promise.all(servers.map((s) => s.close())); });

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
const APIS = [['ECMA-419', { socket: { io: Ecma419StandIn } }], ['socket module', { Socket: SocketStandIn }]] as const;

async function setup(sockets: ModdableSockets, extra: { allowTruncation?: boolean; writeQueueLimit?: number } = {}): Promise<[DeviceTlsSocket, ScriptedConnection]> {
  const server = await startScriptedServer({ suite: SUITE });
  servers.push(server);
  const sock = connect({ host: '127.0.0.1', port: server.port, verify: false, random, keylog: server.keylog, cipherSuites: [SUITE], timeout: 5000, ...sockets, ...extra });
  sock.catch(() => undefined);
  return Promise.all([sock, server.connection]);
}

interface Outcome { data: string; events: string[]; error?: unknown }

function watch(sock: DeviceTlsSocket): Promise<Outcome> {
  const o: Outcome = { data: '', events: [] };
  sock.on('data', (d) => { o.data += new TextDecoder().decode(d); o.events.push('data'); });
  sock.on('error', (e) => { o.events.push('error'); o.error = e; });
  return withTimeout(new Promise<Outcome>((r) => sock.on('close', () => { o.events.push('close'); r(o); })), 3000, 'socket close');
}

for (const [api, sockets] of APIS) {
  test(`${api}: TCP destroyed after data, without close_notify: the data, then SSL_CONN_EOF, truncated`, async () => {
    const [sock, conn] = await setup(sockets);
    const done = watch(sock);
    conn.send(23, new TextEncoder().encode('last words'));
    conn.sock.destroy();
    const o = await done;
    assert.is(o.data, 'last words', 'data before the cut is delivered');
    assert.equal(o.events, ['data', 'error', 'close']);
    assert.instance(o.error, MicroTlsError);
    assert.is((o.error as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_CONN_EOF');
    assert.match((o.error as MicroTlsError).message, /allowTruncation/);
    assert.is(sock.truncated, true);
    assert.is(sock.lastErrors[0], errorCode('SSL_CONN_EOF'));
  });

  test(`${api}: allowTruncation: the same cut is a plain close, still flagged and in lastErrors`, async () => {
    const [sock, conn] = await setup(sockets, { allowTruncation: true });
    const done = watch(sock);
    conn.send(23, new TextEncoder().encode('bye'));
    conn.sock.destroy();
    const o = await done;
    assert.equal(o.events, ['data', 'close']);
    assert.is(o.data, 'bye');
    assert.is(sock.truncated, true);
    assert.is(sock.lastErrors[0], errorCode('SSL_CONN_EOF'));
  });
}

test('close_notify then TCP close: a clean close, not truncated (control)', async () => {
  const [sock, conn] = await setup(APIS[0][1]);
  const done = watch(sock);
  conn.send(23, new TextEncoder().encode('done'));
  conn.send(21, new Uint8Array([1, 0]));
  conn.sock.end();
  const o = await done;
  assert.equal(o.events, ['data', 'close']);
  assert.is(sock.truncated, false);
});

for (const [api, sockets] of APIS) {
  test(`${api}: a peer that stops reading: callbacks wait, queued bytes stay under the cap, then WRITE fails typed`, async () => {
    const LIMIT = 48 * 1024;
    const [sock, conn] = await setup(sockets, { writeQueueLimit: LIMIT });
    conn.sock.pause();
    const failed = new Promise<unknown>((r) => sock.on('error', r));
    const chunk = new Uint8Array(1024);
    let called = 0;
    let refused = 0;
    let most = 0;
    let errors = 0;
    // Far past what loopback's kernel buffers and the cap together hold.
    for (let i = 0; i < 20_000 && !sock.closed; i++) {
      if (!sock.write(chunk, (e) => { if (e) errors++; else called++; })) refused++;
      most = Math.max(most, sock.writableLength);
      if (i % 64 === 0) await new Promise((r) => setImmediate(r));
    }
    const err = await withTimeout(failed, 3000, 'write queue cap error');
    assert.ok(refused > 0, 'write() returned false once the queue filled');
    assert.ok(most <= LIMIT, `queued ${most} bytes, cap ${LIMIT}`);
    assert.instance(err, MicroTlsError);
    assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_SEND_FAILED');
    assert.match((err as MicroTlsError).message, /stopped reading/);
    assert.ok(errors > 0, 'callbacks of bytes never sent report an error');
    assert.ok(called < 20_000);
  });
}

test('a writer that waits for callbacks: they stop once the peer stops reading, and run when it reads again', async () => {
  standIn.room = 16 * 1024; // a quicker fill of loopback's kernel buffers
  try {
    const [sock, conn] = await setup(APIS[0][1]);
    conn.sock.pause();
    const chunk = new Uint8Array(16 * 1024);
    let pending: Promise<boolean> | undefined;
    let stuck = false;
    let most = 0;
    // Write, waiting for each callback, until one does not come: kernel buffers and the queue are full.
    for (let i = 0; i < 4000 && !stuck; i++) {
      pending = new Promise<boolean>((r) => { sock.write(chunk, (e) => r(!e)); });
      most = Math.max(most, sock.writableLength);
      stuck = await Promise.race([pending, new Promise<'late'>((r) => setTimeout(() => r('late'), 200))]) === 'late';
    }
    assert.ok(stuck, 'a callback waited for the peer');
    assert.ok(most <= DEVICE_WRITE_HIGH_WATER + chunk.length + 1024, `queued ${most}`);
    conn.sock.resume();
    assert.is(await withTimeout(pending!, 3000, 'the held callback once the peer reads'), true);
    sock.destroy();
  } finally {
    standIn.room = 100;
  }
});

test('end() while writes wait: the queue is still sent, and their callbacks then report success', async () => {
  const [sock, conn] = await setup(APIS[0][1]);
  conn.sock.pause();
  let held: Promise<Error | null | undefined> | undefined;
  for (let i = 0; i < 1000 && !held; i++) {
    let result!: (e: Error | null | undefined) => void;
    const p = new Promise<Error | null | undefined>((r) => { result = r; });
    if (!sock.write(new Uint8Array(1024), (e) => result(e))) held = p;
  }
  assert.ok(held, 'a write waited');
  sock.end();
  conn.sock.resume();
  assert.is(await withTimeout(held!, 3000, 'callback after end'), null);
});

let sendThrows = false;
/** A socket whose write throws (a port that does not honour its own room), once armed. */
class ThrowingTcp extends Ecma419StandIn {
  override write(buffer: ArrayBuffer | ArrayBufferView): number {
    if (sendThrows) throw new Error('send buffer gone');
    return super.write(buffer);
  }
}

test('a socket write that throws fails the connection with NET_SEND_FAILED, reported to the writer', async () => {
  const [sock] = await setup({ socket: { io: ThrowingTcp } });
  const failed = new Promise<unknown>((r) => sock.on('error', r));
  sendThrows = true;
  try {
    let result: Error | null | undefined;
    assert.is(sock.write('x', (e) => { result = e; }), false);
    assert.is((result as MicroTlsError | undefined)?.codeName, 'MBEDTLS_ERR_NET_SEND_FAILED');
    assert.match(String(((await failed) as Error).message), /send buffer gone/);
    assert.is(sock.closed, true);
  } finally {
    sendThrows = false;
  }
});

test('pause() stops data events until resume(), and nothing is lost', async () => {
  const [sock, conn] = await setup(APIS[1][1]);
  let got = '';
  sock.on('data', (d) => { got += new TextDecoder().decode(d); });
  sock.pause();
  conn.send(23, new TextEncoder().encode('held'));
  await new Promise((r) => setTimeout(r, 100));
  assert.is(got, '', 'no data while paused');
  sock.resume();
  await withTimeout((async () => { while (got !== 'held') await new Promise((r) => setTimeout(r, 10)); })(), 2000, 'data after resume');
  sock.destroy();
});

test('plain MQTT TCP: writes wait for a peer that stops reading; after end() the queue is sent and they succeed', async () => {
  let peer: net.Socket | undefined;
  let received = 0;
  const server = net.createServer((c) => { peer = c; c.pause(); c.on('data', (d) => { received += d.length; }); c.on('error', () => undefined); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const duplex = await connectPlainTcp(await moddableByteStream({ Socket: SocketStandIn }), '127.0.0.1', port);
    let held: Promise<Error | null | undefined> | undefined;
    let sent = 0;
    for (let i = 0; i < 1000 && !held; i++) {
      let result!: (e: Error | null | undefined) => void;
      const p = new Promise<Error | null | undefined>((r) => { result = r; });
      sent += 1024;
      if (!duplex.write(new Uint8Array(1024), (e) => result(e))) held = p;
    }
    assert.ok(held, 'a write waited');
    duplex.end();
    peer!.resume();
    assert.is(await withTimeout(held!, 3000, 'callback after end'), null);
    await withTimeout((async () => { while (received < sent) await new Promise((r) => setTimeout(r, 10)); })(), 3000, 'every byte at the peer');
  } finally {
    peer?.destroy();
    server.close();
  }
});

test('plain MQTT TCP: a write after the peer closed reports NET_CONN_RESET, not success', async () => {
  const server = net.createServer((c) => c.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const open = await moddableByteStream({ socket: { io: Ecma419StandIn } });
    const duplex = await connectPlainTcp(open, '127.0.0.1', port);
    await new Promise<void>((r) => duplex.on('close', () => r()));
    let result: Error | null | undefined = undefined;
    assert.is(duplex.write(new Uint8Array([0xc0, 0]), (e) => { result = e; }), false);
    assert.instance(result, MicroTlsError);
    assert.is((result as unknown as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_CONN_RESET');
    assert.match((result as unknown as MicroTlsError).message, /write after close/);
  } finally {
    server.close();
  }
});

test('MQTT over device TLS, a broker that stops reading: QoS 0 publishes wait, the queue stays bounded, nothing fails', async () => {
  standIn.room = 16 * 1024;
  const server = await startScriptedServer({ suite: SUITE });
  servers.push(server);
  let tls: DeviceTlsSocket | undefined;
  const client = connectMqtt({ host: '127.0.0.1', port: server.port, protocol: 'mqtts', verifyServerCertificate: false, reconnectPeriod: 0,
    tlsOptions: { keylog: server.keylog, random, cipherSuites: [SUITE] }, socket: { io: Ecma419StandIn }, onSecureConnect: (s) => { tls = s; } });
  const errors: Error[] = [];
  client.on('error', (e: Error) => errors.push(e));
  try {
    const conn = await server.connection;
    await conn.nextRecord(); // CONNECT
    conn.send(23, new Uint8Array([0x20, 2, 0, 0]));
    await withTimeout(new Promise<void>((r) => client.once('connect', () => r())), 3000, 'CONNACK');
    conn.sock.pause();
    const payload = new Uint8Array(8 * 1024);
    let pending: Promise<unknown> | undefined;
    let stuck = false;
    let most = 0;
    for (let i = 0; i < 4000 && !stuck; i++) {
      pending = client.publish('t', payload);
      pending.catch(() => undefined);
      stuck = await Promise.race([pending, new Promise<'late'>((r) => setTimeout(() => r('late'), 200))]) === 'late';
      most = Math.max(most, tls?.writableLength ?? 0);
    }
    assert.ok(stuck, 'a publish waited for the broker');
    assert.ok(most <= DEVICE_WRITE_QUEUE_LIMIT, `queued ${most} bytes`);
    assert.equal(errors, []);
    assert.is(tls?.closed, false);
    conn.sock.resume();
    await withTimeout(pending!, 3000, 'the waiting publish once the broker reads');
  } finally {
    standIn.room = 100;
    client.end(true);
  }
});

test.run();
