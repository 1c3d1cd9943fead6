/**
 * src/device/moddable*.ts under Node, where neither Moddable socket API exists: each test
 * gives connect() a small stand-in class over a real net.Socket, shaped as ECMA-419's TCP
 * (`write` throws past the room it reported, as Moddable's does) or as Moddable's `socket`
 * module (nothing sent when it does not fit), with little room per write so the adapters'
 * queueing runs. The handshakes are real, against `openssl s_server`; the live XS runs are
 * in xs-live.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lookup } from 'node:dns';
import net from 'node:net';
import { connect, moddableRandom } from '../../src/device/moddable.js';
import type { Ecma419TcpOptions } from '../../src/device/moddable-tcp.js';
import { MicroTlsError } from '../../src/errors.js';
import { freePort, retryConnect } from '../helpers/servers.js';
import { startXsPeers, type XsPeers } from './xs-peers.js';

const ROOM = 100;
let peers: XsPeers;
let largestWrite = 0;

/** ECMA-419 TCP over net.Socket, with ROOM bytes writable at a time. */
class Ecma419StandIn {
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private room = ROOM;

  constructor(private readonly o: Ecma419TcpOptions) {
    this.socket = net.connect({ host: o.address, port: o.port });
    this.socket.on('connect', () => o.onWritable?.(this.room));
    this.socket.on('data', (d) => { this.chunks.push(d); o.onReadable?.(this.chunks.reduce((n, c) => n + c.length, 0)); });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => o.onError?.('closed'));
  }

  read(): ArrayBuffer | undefined {
    if (this.chunks.length === 0) return undefined;
    const all = Buffer.concat(this.chunks.splice(0));
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  }

  write(buffer: ArrayBuffer | ArrayBufferView): number {
    const bytes = buffer instanceof ArrayBuffer ? Buffer.from(buffer) : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (bytes.length > this.room) throw new Error('would block');
    largestWrite = Math.max(largestWrite, bytes.length);
    this.room -= bytes.length;
    this.socket.write(bytes, () => setImmediate(() => { this.room = ROOM; this.o.onWritable?.(this.room); }));
    return this.room;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Moddable's `socket` module over net.Socket: write() without arguments says the room. */
class SocketStandIn {
  callback?: (message: number, value?: number) => void;
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private room = ROOM;

  constructor(d: { host?: string; port: number }) {
    this.socket = net.connect({ host: d.host, port: d.port });
    this.socket.on('connect', () => this.callback?.(1));
    this.socket.on('data', (b) => { this.chunks.push(b); this.callback?.(2, b.length); });
    this.socket.on('error', () => this.callback?.(-2));
    this.socket.on('end', () => this.callback?.(-1));
  }

  read(type?: unknown): ArrayBuffer | number {
    if (type === undefined) return this.chunks.reduce((n, c) => n + c.length, 0);
    const all = Buffer.concat(this.chunks.splice(0));
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  }

  write(...data: ArrayBuffer[]): number {
    for (const d of data) {
      if (d.byteLength > this.room) return this.room; // nothing sent, as the module documents
      largestWrite = Math.max(largestWrite, d.byteLength);
      this.room -= d.byteLength;
      this.socket.write(Buffer.from(d), () => setImmediate(() => { this.room = ROOM; this.callback?.(3, ROOM); }));
    }
    return this.room;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** ECMA-419 DNS resolver over node:dns. */
class ResolverStandIn {
  resolve(r: { host: string; onResolved(host: string, address: string): void; onError(): void }): void {
    lookup(r.host, { family: 4 }, (err, address) => (err ? r.onError() : r.onResolved(r.host, address)));
  }
}

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
  largestWrite = 0;
  const s = await connect({ host: 'localhost', port: peers.sServer.port, verify: true, ca: peers.caPem, random,
    socket: { io: Ecma419StandIn }, dns: { io: ResolverStandIn } });
  assert.ok(s.cipherSuite);
  const echoed = new Promise<string>((resolve) => s.on('data', (d) => resolve(Buffer.from(d).toString())));
  s.write('ping over ECMA-419');
  assert.is(await echoed, 'ping over ECMA-419');
  assert.ok(largestWrite <= ROOM && largestWrite > 0, `never more than the room the socket gave (${largestWrite})`);
  s.end();
  assert.ok(s.closed);
});

test('Moddable socket module: a verified handshake, resumed by ticket the second time', async () => {
  largestWrite = 0;
  const first = await connect({ host: '127.0.0.1', port: peers.sServer.port, servername: 'localhost', verify: true, ca: peers.caPem, random, Socket: SocketStandIn });
  const session = first.getSession();
  first.end();
  assert.ok(session, 'ticket');
  const again = await connect({ host: '127.0.0.1', port: peers.sServer.port, servername: 'localhost', verify: true, ca: peers.caPem, random, Socket: SocketStandIn, session });
  assert.is(again.resumed, true);
  again.end();
  assert.ok(largestWrite <= ROOM);
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
