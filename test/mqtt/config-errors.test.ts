/**
 * Failing cleanly: settings that cannot work are refused before any connection is opened,
 * errors that retrying cannot fix end the client instead of retrying forever, and no
 * socket is left behind. Against mosquitto's plain, TLS and require_certificate listeners.
 * Each such failure has its own code, so a command line can map it to mosquitto's exit codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey } from 'node:crypto';
import * as net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectOptions, type MqttClient } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { issueCertificate } from '../../src/node/pki.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const available = mosquittoAvailable('mqtt configuration errors');
let broker: Mosquitto | undefined;
const clients: MqttClient[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  await broker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const CIPHERS = 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256';
const ca = issueCertificate({ subject: [['CN', 'cfg CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: ca, ipAddresses: ['127.0.0.1'], keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'] });
const dev = issueCertificate({ subject: [['CN', 'dev-a']], issuer: ca, extKeyUsage: ['clientAuth'] });
const other = issueCertificate({ subject: [['CN', 'dev-b']], issuer: ca, extKeyUsage: ['clientAuth'] });
const dir = mkdtempSync(join(tmpdir(), 'microtls-cfg-'));
const garbageCa = join(dir, 'ca.pem');
writeFileSync(garbageCa, 'this is not a certificate\n');
const encryptedKey = createPrivateKey(dev.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;

interface Outcome {
  errors: Error[];
  reconnects: number;
  newConnections: number;
  socketsLeft: number;
}

const tcpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

/** Runs a client until it ends (or 4 s), counting its errors, reconnects and the broker's new connections. */
async function outcome(opts: ConnectOptions): Promise<Outcome> {
  const handlesBefore = tcpHandles();
  const logBefore = broker!.log().length;
  const c = connect({ host: '127.0.0.1', reconnectPeriod: 100, connectTimeout: 3000, ...opts });
  clients.push(c);
  const errors: Error[] = [];
  let reconnects = 0;
  c.on('error', (e) => errors.push(e));
  c.on('reconnect', () => reconnects++);
  await new Promise<void>((r) => {
    const t = setTimeout(r, 4000);
    c.once('end', () => {
      clearTimeout(t);
      r();
    });
  });
  await new Promise((r) => setTimeout(r, 100));
  const newConnections = broker!.log().slice(logBefore).split('\n').filter((l) => l.includes('New connection')).length;
  return { errors, reconnects, newConnections, socketsLeft: tcpHandles() - handlesBefore };
}

const codeOf = (e: Error | undefined): string => (e instanceof MicroTlsError ? e.codeName : String(e));

if (!available) {
  test.skip('configuration errors — mosquitto missing (see the warning above)', () => {});
} else {
  test.before(async () => {
    broker = await startMosquitto({
      extraPorts: 2,
      files: { 'ca.pem': ca.certPem, 's.pem': server.certPem, 's.key': server.keyPem },
      extraConfig: (b) => [
        `listener ${b.extraPorts[0]} 127.0.0.1`, `certfile ${b.dir}/s.pem`, `keyfile ${b.dir}/s.key`, 'tls_version tlsv1.2', `ciphers ${CIPHERS}`,
        `listener ${b.extraPorts[1]} 127.0.0.1`, `certfile ${b.dir}/s.pem`, `keyfile ${b.dir}/s.key`, `cafile ${b.dir}/ca.pem`,
        'require_certificate true', 'tls_version tlsv1.2', `ciphers ${CIPHERS}`,
      ],
    });
    await new Promise((r) => setTimeout(r, 300)); // the readiness probe's log lines
  });

  const badTls: [string, ConnectOptions, string][] = [
    ['an encrypted key', { clientCertificate: dev.certPem, privateKey: encryptedKey }, 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED'],
    ['a key that does not match the certificate', { clientCertificate: dev.certPem, privateKey: other.keyPem }, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED'],
    ['a garbage CA file', { caCertificate: garbageCa }, 'MBEDTLS_ERR_X509_INVALID_FORMAT'],
    ['a CA path that does not exist', { caCertificate: join(dir, 'missing.pem') }, 'MICROTLS_ERR_MQTT_BAD_OPTION'],
    ['bogus ciphers', { ciphers: ['bogus'] }, 'MBEDTLS_ERR_SSL_BAD_CONFIG'],
  ];
  for (const [what, opts, code] of badTls) {
    test(`mqtts with ${what}: ${code} once, no connection opened, no retry, no socket left`, async () => {
      const o = await outcome({ protocol: 'mqtts', port: broker!.extraPorts[0]!, caCertificate: ca.certPem, ...opts });
      assert.equal(o.errors.map(codeOf), [code]);
      assert.is((o.errors[0] as { permanent?: boolean }).permanent, true, 'marked as not retryable');
      assert.is(o.reconnects, 0);
      assert.is(o.newConnections, 0, 'the settings were checked before connecting');
      assert.is(o.socketsLeft, 0);
    });
  }

  test('plain MQTT to a TLS port: MICROTLS_ERR_MQTT_TLS_REQUIRED, no socket left', async () => {
    const o = await outcome({ protocol: 'mqtt', port: broker!.extraPorts[0]!, reconnectPeriod: 0 });
    assert.equal(o.errors.map(codeOf), ['MICROTLS_ERR_MQTT_TLS_REQUIRED']);
    assert.is(o.socketsLeft, 0);
  });

  test('TLS to a plain port: MICROTLS_ERR_MQTT_NOT_TLS, not retried, no socket left', async () => {
    const o = await outcome({ protocol: 'mqtts', port: broker!.port, verifyServerCertificate: false });
    assert.equal(o.errors.map(codeOf), ['MICROTLS_ERR_MQTT_NOT_TLS']);
    assert.is(o.reconnects, 0);
    assert.is(o.socketsLeft, 0);
  });

  test('TLS to a port that answers in plain MQTT (a CONNACK to the ClientHello): MICROTLS_ERR_MQTT_NOT_TLS', async () => {
    const server = net.createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => s.write(Buffer.from('20020000', 'hex')));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const o = await outcome({ protocol: 'mqtts', port: (server.address() as net.AddressInfo).port, verifyServerCertificate: false });
      assert.equal(o.errors.map(codeOf), ['MICROTLS_ERR_MQTT_NOT_TLS']);
      assert.is(o.reconnects, 0);
      assert.is(o.socketsLeft, 0);
    } finally {
      server.close();
    }
  });

  test('a broker that requires a client certificate, none given: MICROTLS_ERR_MQTT_CERT_REQUIRED, not retried', async () => {
    const o = await outcome({ protocol: 'mqtts', port: broker!.extraPorts[1]!, caCertificate: ca.certPem });
    assert.equal(o.errors.map(codeOf), ['MICROTLS_ERR_MQTT_CERT_REQUIRED']);
    assert.is(o.reconnects, 0);
    assert.is(o.socketsLeft, 0);
  });

  test('the same broker with the certificate: connects (the listener itself is sound)', async () => {
    const c = connect({ host: '127.0.0.1', protocol: 'mqtts', port: broker!.extraPorts[1]!, caCertificate: ca.certPem, clientCertificate: dev.certPem, privateKey: dev.keyPem, reconnectPeriod: 0 });
    clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
  });
}

test.run();
