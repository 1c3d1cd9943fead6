/**
 * Write backpressure: a broker that stops reading while it floods QoS 1 PUBLISHes must not
 * make the client's PUBACKs pile up in memory. The client stops reading while the
 * transport's write buffer is over writeBufferLimit and resumes on drain, so what waits is
 * bounded and nothing is lost. The peer is a raw TCP server (a real broker does not stop
 * reading on purpose); the transport is the real TCP one, over plain TCP and over TLS.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { connect, type MqttClient } from '../../src/mqtt/index.js';
import { tcpTransport, tlsTransport } from '../../src/node/mqtt-transports.js';
import { resolveConnectOptions } from '../../src/mqtt/index.js';
import { issueCertificate } from '../../src/node/pki.js';
import { sleep } from '../helpers/async.js';

const clients: MqttClient[] = [];
const servers: net.Server[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  for (const s of servers) s.close();
});


/** QoS 1 PUBLISH, topic 't', 1-byte payload, id `id`. */
function publish(id: number): Buffer {
  return Buffer.from([0x32, 6, 0, 1, 0x74, id >> 8, id & 0xff, 0x78]);
}

interface Flooder {
  port: number;
  /** PUBACK bytes the peer has read so far. */
  acked(): number;
  sent: number;
  resumeReading(): void;
}

/**
 * CONNACK, then `count` QoS 1 PUBLISHes as fast as possible, reading nothing until
 * resumeReading(). Over TLS, Node's TLS server runs over a JS Duplex fed from the TCP socket,
 * so "not reading" is the TCP socket paused underneath while the TLS layer keeps writing
 * (a paused tls.TLSSocket would also stop writing, and the flood with it).
 */
async function flooder(count: number, overTls = false): Promise<Flooder> {
  let acked = 0;
  let raw: net.Socket | undefined;
  const f: Flooder = { port: 0, sent: 0, acked: () => acked, resumeReading: () => raw?.resume() };
  const ca = overTls ? issueCertificate({ subject: [['CN', 'bp CA']], ca: true, keyUsage: ['keyCertSign'] }) : undefined;
  const leaf = ca ? issueCertificate({ subject: [['CN', 'localhost']], issuer: ca, ipAddresses: ['127.0.0.1'], keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'] }) : undefined;
  const flood = (s: Duplex, stopReading: () => void): void => {
    s.on('error', () => {});
    s.once('data', () => {
      stopReading();
      s.on('data', (d: Buffer) => (acked += d.length));
      s.write(Buffer.from('20020000', 'hex'));
      // One chunk of ids 1-4096, written again and again (QoS 1 ids may repeat once acked;
      // the client acks each PUBLISH it reads, whatever the id).
      const batch = 4096;
      const chunk = Buffer.concat(Array.from({ length: batch }, (_, i) => publish(i + 1)));
      const pump = (): void => {
        while (f.sent < count) {
          f.sent += batch;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
      };
      pump();
    });
  };
  const server = net.createServer((sock) => {
    raw = sock;
    sock.on('error', () => {});
    if (!leaf) return flood(sock, () => sock.pause());
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        sock.write(chunk, cb);
      },
    });
    sock.on('data', (d) => wire.push(d));
    sock.on('close', () => wire.destroy());
    const secure = new tls.TLSSocket(wire, {
      isServer: true,
      secureContext: tls.createSecureContext({ key: leaf.keyPem, cert: leaf.certPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0' }),
    });
    flood(secure, () => sock.pause());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  f.port = (server.address() as net.AddressInfo).port;
  return f;
}

async function floodAndCheck(overTls: boolean): Promise<void> {
  const count = 4096 * 366; // 1.5 million
  const peer = await flooder(count, overTls);
  // The client's transport and, over TLS, the TCP socket under it.
  let socket: Duplex | undefined;
  let tcp: Duplex | undefined;
  const open = overTls
    ? tlsTransport(resolveConnectOptions({ protocol: 'mqtts', host: '127.0.0.1', port: peer.port, verifyServerCertificate: false }))
    : tcpTransport('127.0.0.1', peer.port);
  const c = connect({
    transport: async (a) => {
      socket = (await open(a)) as unknown as Duplex;
      tcp = (socket as { transport?: Duplex }).transport ?? socket;
      return socket as never;
    },
    clientId: 'bp', keepalive: 0, reconnectPeriod: 0,
  });
  clients.push(c);
  let delivered = 0;
  c.on('message', () => delivered++);
  // Until the client stops reading (nothing delivered for 1.5 s) or has read everything.
  let highWater = 0;
  let last = -1;
  let stableSince = Date.now();
  const end = Date.now() + 15_000;
  while (Date.now() < end && delivered < count && (delivered === 0 || Date.now() - stableSince < 1500)) {
    highWater = Math.max(highWater, (socket?.writableLength ?? 0) + (tcp !== socket ? tcp?.writableLength ?? 0 : 0));
    if (delivered !== last) {
      last = delivered;
      stableSince = Date.now();
    }
    await sleep(5);
  }
  console.log(`  ${overTls ? 'TLS' : 'TCP'}: bytes waiting in the client at most: ${highWater}; it stopped reading after ${delivered} of ${count} PUBLISHes while the peer did not read`);
  assert.ok(delivered < count, 'the client never stopped reading');
  // writeBufferLimit (64 KiB) + the answers to the chunk being read when it was reached,
  // + over TLS the socket's own 64 KiB of ciphertext: 192 KiB at most.
  assert.ok(highWater <= 192 * 1024, `${highWater} bytes of PUBACKs waited in the client`);
  peer.resumeReading();
  const end2 = Date.now() + 30_000;
  while (peer.acked() < count * 4 && Date.now() < end2) await sleep(20);
  assert.is(delivered, count, 'every PUBLISH delivered');
  assert.is(peer.acked(), count * 4, 'every PUBLISH acknowledged');
}

test('a peer that floods QoS 1 and stops reading: the PUBACK backlog stays bounded, all acked once it reads', () => floodAndCheck(false));

test('the same over microtls TLS: plaintext and ciphertext waiting stay bounded', () => floodAndCheck(true));

test.run();
