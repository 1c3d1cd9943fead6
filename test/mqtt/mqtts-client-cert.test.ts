/**
 * mqtts:// with a client certificate against mosquitto with `require_certificate true` and
 * `use_identity_as_username true` (manual section 3, point 3: the certificate's Common Name
 * is the user name). An ACL lets only that user use devices/#, so a delivered message proves
 * the broker took the CN as the user, and a second certificate's message not arriving proves
 * the ACL is what decides. Also: a reconnect through the MQTT transport resumes the TLS
 * session from the broker's ticket.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import { connectAsync, type MqttClient } from '../../src/mqtt/index.js';
import { resolveConnectOptions } from '../../src/mqtt/connect.js';
import { tlsTransport } from '../../src/node/mqtt-transports.js';
import { issueCertificate, rsaKeyPkcs1Pem, type Issued } from '../../src/node/pki.js';
import type { TlsSocket } from '../../src/node/tls-socket.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { withTimeout } from '../helpers/async.js';

const available = mosquittoAvailable('mqtts client certificate');
let broker: Mosquitto;
let ca: Issued;
let device: Issued;
let intruder: Issued;
const clients: MqttClient[] = [];


test.before(async () => {
  if (!available) return;
  ca = issueCertificate({ subject: [['CN', 'mqtts client-cert CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  device = issueCertificate({ subject: [['CN', 'device-1024']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
  intruder = issueCertificate({ subject: [['CN', 'intruder']], issuer: ca, key: { type: 'rsa', bits: 2048 }, extKeyUsage: ['clientAuth'] });
  broker = await startMosquitto({
    plain: false,
    extraPorts: 1,
    files: {
      'ca.pem': ca.certPem, 'server.pem': server.certPem, 'server.key': server.keyPem,
      acl: 'user device-1024\ntopic readwrite devices/#\n',
    },
    extraConfig: (b) => [
      `acl_file ${b.dir}/acl`,
      `listener ${b.extraPorts[0]} 127.0.0.1`,
      `cafile ${b.dir}/ca.pem`,
      `certfile ${b.dir}/server.pem`,
      `keyfile ${b.dir}/server.key`,
      'require_certificate true',
      'use_identity_as_username true',
      'tls_version tlsv1.2',
      // 1024-bit client keys need security level 1 or lower in OpenSSL 3.
      'ciphers AES256-GCM-SHA384:AES128-GCM-SHA256:AES128-SHA256:AES128-SHA:@SECLEVEL=0',
    ],
  });
});
test.after(async () => {
  for (const c of clients) await c.end(true).catch(() => undefined);
  await broker?.dispose();
});

const url = (): string => `mqtts://127.0.0.1:${broker.extraPorts[0]}`;

function nextMessage(c: MqttClient, ms: number): Promise<[string, string] | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => { c.off('message', on); resolve(undefined); }, ms);
    const on = (topic: string, payload: Uint8Array): void => { clearTimeout(t); c.off('message', on); resolve([topic, Buffer.from(payload).toString()]); };
    c.on('message', on);
  });
}

if (!available) {
  test.skip('mqtts client-certificate tests: mosquitto is not installed (apt-get install mosquitto)', () => {});
} else {
  test('require_certificate + use_identity_as_username: the CN is the user the ACL allows', async () => {
    const c = await withTimeout(connectAsync(url(), {
      caCertificate: ca.certPem, servername: 'localhost', clientCertificate: device.certPem, privateKey: rsaKeyPkcs1Pem(device.key), reconnectPeriod: 0, connectTimeout: 10_000,
    }), 15_000, 'device connect');
    clients.push(c);
    await c.subscribe('devices/#', { qos: 1 });
    const got = nextMessage(c, 5000);
    await c.publish('devices/1/state', 'on', { qos: 1 });
    assert.equal(await got, ['devices/1/state', 'on'], 'the ACL let device-1024 publish and read');
    assert.match(broker.log(), /u'device-1024'/, 'mosquitto logged the CN as the user name');

    const other = await withTimeout(connectAsync(url(), {
      caCertificate: ca.certPem, servername: 'localhost', clientCertificate: intruder.certPem, privateKey: intruder.keyPem, reconnectPeriod: 0, connectTimeout: 10_000,
    }), 15_000, 'intruder connect');
    clients.push(other);
    const none = nextMessage(c, 1500);
    await other.publish('devices/1/state', 'off', { qos: 1 });
    assert.is(await none, undefined, 'the intruder\'s message was dropped by the ACL');
    assert.match(broker.log(), /u'intruder'/);
    await other.end();
    await c.end();
  });

  test('without a client certificate the broker refuses the TLS handshake', async () => {
    const err = await withTimeout(connectAsync(url(), { caCertificate: ca.certPem, servername: 'localhost', reconnectPeriod: 0, connectTimeout: 10_000 })
      .then((c) => { clients.push(c); return null; }, (e: unknown) => e), 15_000, 'connect') as Error & { codeName?: string };
    assert.ok(err, 'refused');
    assert.match(err.codeName ?? '', /MQTT_CERT_REQUIRED/);
  });

  test('MQTT transport: the reconnect resumes the TLS session from the broker\'s ticket', async () => {
    const o = resolveConnectOptions(url(), { caCertificate: ca.certPem, servername: 'localhost', clientCertificate: device.certPem, privateKey: device.keyPem });
    const factory = tlsTransport(o);
    const sockets: TlsSocket[] = [];
    const c = await withTimeout(connectAsync(url(), {
      transport: async () => {
        const s = (await factory()) as unknown as TlsSocket;
        sockets.push(s);
        return s as unknown as Duplex;
      },
      reconnectPeriod: 100, connectTimeout: 10_000,
    }), 15_000, 'first connect');
    clients.push(c);
    assert.is(sockets[0]!.resumed, false);
    assert.ok(sockets[0]!.getSession(), 'the broker issued a session');
    const back = new Promise<void>((r) => c.once('connect', () => r()));
    sockets[0]!.destroy(); // the connection drops; the client reconnects on its own
    await withTimeout(back, 10_000, 'reconnect');
    assert.is(sockets.length, 2);
    assert.is(sockets[1]!.resumed, true, 'abbreviated handshake on reconnect');
    assert.is(sockets[1]!.handshake!.clientCertificateSent, false, 'no new signature needed');
    await c.subscribe('devices/#', { qos: 1 });
    const got = nextMessage(c, 5000);
    await c.publish('devices/2', 'again', { qos: 1 });
    assert.equal(await got, ['devices/2', 'again'], 'the resumed session is still device-1024');
    await c.end();
  });
}

test.run();
