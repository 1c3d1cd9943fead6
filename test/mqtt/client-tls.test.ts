/**
 * mqtts:// through microtls's own TLS (src/node/connect.ts) to mosquitto's TLS listener
 * limited to TLS 1.2 and RSA key exchange, as the reference device speaks it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, connectAsync, type MqttClient } from '../../src/mqtt/index.js';
import { main } from '../../src/cli/main.js';
import { issueCertificate } from '../../src/node/pki.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const available = mosquittoAvailable('mqtts');
let broker: Mosquitto;
let caPem = '';
let clientCertPem = '';
let clientKeyPem = '';
const clients: MqttClient[] = [];

const RSA_KX_CIPHERS = 'AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

test.before(async () => {
  if (!available) return;
  const ca = issueCertificate({ subject: [['CN', 'microtls test CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  caPem = ca.certPem;
  const clientCert = issueCertificate({ subject: [['CN', 'device-1']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
  clientCertPem = clientCert.certPem;
  clientKeyPem = clientCert.keyPem;
  broker = await startMosquitto({
    extraPorts: 1,
    files: { 'ca.pem': ca.certPem, 'server.pem': server.certPem, 'server.key': server.keyPem },
    extraConfig: (b) => [
      `listener ${b.extraPorts[0]} 127.0.0.1`,
      `certfile ${b.dir}/server.pem`,
      `keyfile ${b.dir}/server.key`,
      'tls_version tlsv1.2',
      `ciphers ${RSA_KX_CIPHERS}`,
    ],
  });
});
test.after(async () => {
  for (const c of clients) await c.end(true);
  await broker?.dispose();
});

if (!available) {
  test.skip('mqtts tests: mosquitto is not installed (apt-get install mosquitto)', () => {});
} else {
  test('mqtts, verification off (the device\'s "Verify Server Certificate = Disable"): QoS 1 round trip', async () => {
    const c = await connectAsync(`mqtts://127.0.0.1:${broker.extraPorts[0]}`, { verifyServerCertificate: false, reconnectPeriod: 0 });
    clients.push(c);
    const got: string[] = [];
    c.on('message', (_t, p) => got.push(Buffer.from(p).toString()));
    await c.subscribe('tls/#', { qos: 1 });
    await c.publish('tls/a', 'over microtls', { qos: 1 });
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(got, ['over microtls']);
    assert.is(c.status().state, 'connected');
    await c.end();
  });

  test('device settings: tls on/off selects the transport on the same options', async () => {
    const c = await connectAsync({ host: '127.0.0.1', port: broker.extraPorts[0]!, tls: true, verifyServerCertificate: false, reconnectPeriod: 0 });
    clients.push(c);
    assert.ok(c.connected);
    await c.end();
    // TLS mode off against the TLS port: the broker sees garbage and closes; a typed error, no hang.
    const err = await connectAsync({ host: '127.0.0.1', port: broker.extraPorts[0]!, tls: false, reconnectPeriod: 0, connectTimeout: 3000 })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error);
  });

  test('--ciphers narrows the offer; the broker picks from it', async () => {
    const c = await connectAsync(`mqtts://127.0.0.1:${broker.extraPorts[0]}`, {
      verifyServerCertificate: false, ciphers: ['AES128-SHA'], reconnectPeriod: 0,
    });
    clients.push(c);
    assert.ok(c.connected);
    await c.end();
  });

  test('status(): descriptions of the configured certificates and the last TLS error codes', async () => {
    const c = await connectAsync(`mqtts://127.0.0.1:${broker.extraPorts[0]}`, {
      verifyServerCertificate: false, caCertificate: caPem, clientCertificate: clientCertPem, privateKey: clientKeyPem, reconnectPeriod: 0,
    });
    clients.push(c);
    const certs = c.status().certificates;
    assert.is(certs.length, 3);
    assert.equal(certs.map((x) => x.role), ['CA certificate', 'Client certificate', 'Private key']);
    assert.match(certs[0]!.description, /CN=microtls test CA.*expires \d{4}-\d{2}-\d{2}/);
    assert.match(certs[1]!.description, /CN=device-1/);
    assert.match(certs[2]!.description, /RSA/);
    await c.end();

    // No suite in common (the broker has no CCM): the handshake fails and status() keeps the codes.
    const failing = connect(`mqtts://127.0.0.1:${broker.extraPorts[0]}`, { verifyServerCertificate: false, ciphers: ['AES128-CCM'], reconnectPeriod: 0 });
    clients.push(failing);
    const errors: Error[] = [];
    failing.on('error', (e) => errors.push(e));
    await new Promise<void>((r) => failing.once('end', r));
    const codes = failing.status().lastErrors;
    assert.ok(codes.length >= 1, JSON.stringify(codes));
    assert.match(codes[0]!.name, /^MBEDTLS_ERR_SSL_/);
    assert.is(codes[0]!.code, (errors[0] as { code?: number }).code);
  });

  test('microtls pub/sub --tls --insecure against the TLS listener', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`) };
    const tls = ['-h', '127.0.0.1', '-p', String(broker.extraPorts[0]), '--tls', '--insecure', '--tls-version', 'tlsv1.2'];
    const sub = main(['sub', ...tls, '-t', 'tls/cli', '-C', '1', '-d', '-q', '1'], io);
    for (let i = 0; i < 250 && !out.some((l) => l.includes('SUBACK')); i++) await new Promise((r) => setTimeout(r, 20));
    const pubIo = { out: () => {}, err: (l: string) => out.push(`PUB ERR ${l}`) };
    assert.is(await main(['pub', ...tls, '-t', 'tls/cli', '-m', 'cli over tls', '-q', '1'], pubIo), 0);
    assert.is(await sub, 0, out.join('\n'));
    assert.ok(out.includes('cli over tls'), out.join('\n'));
  });
}

test.run();
