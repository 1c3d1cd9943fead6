/**
 * For people coming from MQTT.js: Buffer payloads under Node, MQTT.js's optional callbacks,
 * no process crash from a fire-and-forget publish after end(), MQTT.js's option names (or a
 * clear refusal), and MQTT.js itself over microtls TLS through mosquitto, reconnecting across
 * a broker restart via createMqttJsStream().
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt from 'mqtt';
import { connect, connectAsync, payloadString, type ConnectOptions, type MqttClient } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { createMqttJsStream, type MqttJsTlsStream } from '../../src/node/mqttjs-stream.js';
import { issueCertificate } from '../../src/node/pki.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { sleep } from '../helpers/async.js';
import { thrownCodeName } from '../helpers/thrown.js';

const available = mosquittoAvailable('mqtt MQTT.js compatibility');
let broker: Mosquitto | undefined;
const clients: MqttClient[] = [];
const mqttJsClients: mqtt.MqttClient[] = [];
test.after(async () => {
  for (const c of mqttJsClients) await new Promise<void>((r) => c.end(true, {}, () => r()));
  for (const c of clients) await c.end(true);
  await broker?.dispose();
});

const ca = issueCertificate({ subject: [['CN', 'compat CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'] });

test('protocolVersion 5, unknown options, clean: false without clientId, a bad maxInflight are refused at once with MQTT_BAD_OPTION', () => {
  const base: ConnectOptions = { host: '127.0.0.1', port: 1, reconnectPeriod: 0 };
  assert.is(thrownCodeName(() => connect({ ...base, protocolVersion: 5 })), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.is(thrownCodeName(() => connect({ ...base, properties: {} } as ConnectOptions)), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.is(thrownCodeName(() => connect({ ...base, clean: false })), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.match(thrownCodeName(() => connect({ ...base, verify: false } as ConnectOptions)), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.is(thrownCodeName(() => connect({ ...base, maxInflight: 0 })), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.is(thrownCodeName(() => connect({ ...base, maxInflight: 2.5 })), 'MICROTLS_ERR_MQTT_BAD_OPTION');
  assert.is(thrownCodeName(() => connect({ ...base, ca: 'a', caCertificate: 'b' })), 'MICROTLS_ERR_MQTT_BAD_OPTION', 'an alias and its name disagree');
});

if (!available) {
  test.skip('MQTT.js compatibility against mosquitto — mosquitto missing (see the warning above)', () => {});
} else {
  test.before(async () => {
    broker = await startMosquitto({
      verbose: false,
      extraPorts: 1,
      files: { 's.pem': server.certPem, 's.key': server.keyPem },
      extraConfig: (b) => [`listener ${b.extraPorts[0]} 127.0.0.1`, `certfile ${b.dir}/s.pem`, `keyfile ${b.dir}/s.key`, 'tls_version tlsv1.2', 'ciphers AES128-GCM-SHA256:AES256-GCM-SHA384'],
    });
  });

  test('payload is a Buffer under Node (toString() is the text), still a Uint8Array; payloadString for other engines', async () => {
    const c = await connectAsync(broker!.url, { clientId: 'compat-payload' });
    clients.push(c);
    await c.subscribe('compat/p', { qos: 1 });
    const got = new Promise<Uint8Array>((r) => c.once('message', (_t, p) => r(p)));
    await c.publish('compat/p', 'hello', { qos: 1 });
    const p = await got;
    assert.ok(Buffer.isBuffer(p));
    assert.ok(p instanceof Uint8Array);
    assert.is(p.toString(), 'hello');
    assert.is(payloadString(p), 'hello');
    assert.is(payloadString(Uint8Array.of(0x68, 0xc3, 0xa9)), 'hé');
  });

  test("MQTT.js's optional callbacks on subscribe, publish, unsubscribe and end are called", async () => {
    const c = await connectAsync(broker!.url, { clientId: 'compat-cb' });
    const calls: string[] = [];
    await new Promise<void>((r) => void c.subscribe('compat/cb', { qos: 1 }, (err, granted) => {
      calls.push(`sub ${err ?? ''} ${granted?.[0]?.qos}`);
      r();
    }));
    await new Promise<void>((r) => void c.publish('compat/cb', 'x', { qos: 1 }, (err) => {
      calls.push(`pub ${err ?? ''}`);
      r();
    }));
    await new Promise<void>((r) => void c.publish('compat/cb', 'y', (err) => {
      calls.push(`pub0 ${err ?? ''}`);
      r();
    }));
    await new Promise<void>((r) => void c.unsubscribe('compat/cb', (err) => {
      calls.push(`unsub ${err ?? ''}`);
      r();
    }));
    await new Promise<void>((r) => void c.end(false, {}, () => {
      calls.push('end');
      r();
    }));
    assert.equal(calls, ['sub  1', 'pub ', 'pub0 ', 'unsub ', 'end']);
  });

  test("a fire-and-forget publish after end(): no unhandled rejection, reported on 'error' as MQTT.js does", async () => {
    const c = await connectAsync(broker!.url, { clientId: 'compat-ff' });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    await c.end();
    void c.publish('compat/ff', 'late', { qos: 1 });
    await sleep(50);
    process.off('unhandledRejection', onUnhandled);
    assert.equal(unhandled, []);
    assert.is(errors.length, 1);
    assert.is((errors[0] as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED');
  });

  test("MQTT.js's ca / rejectUnauthorized names work as the device settings", async () => {
    const c = await connectAsync({ protocol: 'mqtts', host: '127.0.0.1', port: broker!.extraPorts[0]!, ca: ca.certPem, rejectUnauthorized: true, reconnectPeriod: 0 });
    clients.push(c);
    assert.ok(c.connected);
    const stranger = issueCertificate({ subject: [['CN', 'stranger CA']], ca: true, keyUsage: ['keyCertSign'] });
    const refused = await connectAsync({ protocol: 'mqtts', host: '127.0.0.1', port: broker!.extraPorts[0]!, ca: stranger.certPem, rejectUnauthorized: true, reconnectPeriod: 0 }).then(() => 'connected', (e: MicroTlsError) => e.codeName);
    assert.is(refused, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', 'the alias did reach the verifier');
  });

  test('MQTT.js over microtls TLS (createMqttJsStream): round trip, TLSSocket look-alikes, reconnect across a broker restart', async () => {
    const port = broker!.extraPorts[0]!;
    const streams: MqttJsTlsStream[] = [];
    const c = new mqtt.MqttClient(() => {
      const s = createMqttJsStream({ host: '127.0.0.1', port, servername: 'localhost', verify: true, ca: ca.certPem });
      streams.push(s);
      return s;
    }, { clientId: 'mqttjs-over-microtls', reconnectPeriod: 100, connectTimeout: 5000, protocolVersion: 4 });
    mqttJsClients.push(c);
    c.on('error', () => {});
    const connected = (): Promise<void> => new Promise((r) => c.once('connect', () => r()));
    await connected();
    const roundTrip = async (text: string): Promise<string> => {
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      await c.subscribeAsync('mqttjs/x', { qos: 1 });
      await c.publishAsync('mqttjs/x', text, { qos: 1 });
      return got;
    };
    assert.is(await roundTrip('first'), 'first');
    const tls = streams[0]!.socket!;
    assert.is(tls.authorized, true);
    assert.is(tls.authorizationError, undefined);
    assert.is(tls.getProtocol(), 'TLSv1.2');
    assert.is(tls.getCipher()?.version, 'TLSv1.2');
    assert.match(tls.getCipher()!.standardName, /^TLS_RSA_WITH_AES_/);
    const peer = tls.getPeerCertificate(true) as unknown as { subject: { CN: string }; issuer: { CN: string }; subjectaltname: string; fingerprint256: string; issuerCertificate?: unknown };
    assert.is(peer.subject.CN, 'localhost');
    assert.is(peer.issuer.CN, 'compat CA');
    assert.match(peer.subjectaltname, 'DNS:localhost');
    assert.match(peer.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    let timedOut = false;
    tls.setTimeout(50, () => (timedOut = true));
    await sleep(200);
    assert.ok(timedOut, "'timeout' after inactivity");
    tls.setTimeout(0);

    const again = connected();
    await broker!.restart();
    await again;
    assert.ok(streams.length >= 2, 'MQTT.js opened a new stream to reconnect');
    assert.is(await roundTrip('after restart'), 'after restart');
  });
}

test.run();
