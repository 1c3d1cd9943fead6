/**
 * The client against a second, clusterable broker: Debian's rabbitmq-server (3.10) with the
 * rabbitmq_mqtt plugin, a private instance on loopback, over TLS with RSA key exchange
 * suites (mqtt.listeners.ssl). QoS 0/1/2, retained, will and reconnect. RabbitMQ 3.10 has
 * no QoS 2: it grants QoS 1 for a QoS 2 subscription and answers a QoS 2 PUBLISH with
 * PUBACK; the client completes such a publish (the broker has it, at least once).
 * One instance for the file: the Erlang VM takes 5-25 s to start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync, type ConnectOptions, type MqttClient, type PublishPacket } from '../../src/mqtt/index.js';
import { issueCertificate } from '../../src/node/pki.js';
import { findRabbitmq, startRabbitmq, type Rabbitmq } from '../helpers/rabbitmq.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { sleep } from '../helpers/async.js';

const available = findRabbitmq() !== undefined;
if (!available) {
  const msg = 'rabbitmq-server NOT FOUND: the RabbitMQ tests are SKIPPED (install the Debian package rabbitmq-server)';
  console.warn(`\n${'!'.repeat(78)}\n!!! ${msg}\n${'!'.repeat(78)}\n`);
  if (process.env.CI) throw new Error(msg + ' -- and CI is set, so this is a failure');
}

let broker: Rabbitmq | undefined;
const proxies: TcpProxy[] = [];
const clients: MqttClient[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  for (const p of proxies) await p.close();
  await broker?.dispose();
});

const ca = issueCertificate({ subject: [['CN', 'rabbit CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
const server = issueCertificate({ subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'] });
const RSA_KX = ['AES256-GCM-SHA384', 'AES128-GCM-SHA256', 'AES256-SHA256', 'AES128-SHA256'];

function tls(port = broker!.tlsPort): ConnectOptions {
  return { protocol: 'mqtts', host: '127.0.0.1', port, servername: 'localhost', caCertificate: ca.certPem, connectTimeout: 10_000, reconnectPeriod: 100 };
}

async function client(opts: ConnectOptions): Promise<MqttClient> {
  const c = await connectAsync(opts);
  clients.push(c);
  return c;
}

function nextMessage(c: MqttClient, ms = 5000): Promise<PublishPacket | undefined> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    c.once('message', (_topic, _payload, p) => {
      clearTimeout(t);
      resolve(p);
    });
  });
}

if (!available) {
  test.skip('RabbitMQ — rabbitmq-server missing (see the warning above)', () => {});
} else {
  test.before(async () => {
    broker = await startRabbitmq({
      files: { 'ca.pem': ca.certPem, 's.pem': server.certPem, 's.key': server.keyPem },
      extraConfig: (b) => [
        `mqtt.listeners.ssl.default = 127.0.0.1:${b.tlsPort}`,
        `ssl_options.cacertfile = ${b.dir}/ca.pem`,
        `ssl_options.certfile = ${b.dir}/s.pem`,
        `ssl_options.keyfile = ${b.dir}/s.key`,
        'ssl_options.verify = verify_none',
        'ssl_options.fail_if_no_peer_cert = false',
        'ssl_options.versions.1 = tlsv1.2',
        ...RSA_KX.map((c, i) => `ssl_options.ciphers.${i + 1} = ${c}`),
      ],
    });
    console.log(`  rabbitmq started in ${broker.startMs} ms`);
  });

  test('QoS 0, 1 and 2 over TLS (RSA key exchange); QoS 2 is granted and delivered as QoS 1, the QoS 2 publish completes', async () => {
    const sub = await client({ ...tls(), clientId: 'rq-sub' });
    const pub = await client({ ...tls(), clientId: 'rq-pub' });
    const granted = await sub.subscribe({ 'rq/0': { qos: 0 }, 'rq/1': { qos: 1 }, 'rq/2': { qos: 2 } });
    assert.equal(granted.map((g) => g.qos), [0, 1, 1], 'RabbitMQ 3.10 grants at most QoS 1');
    for (const qos of [0, 1, 2] as const) {
      const got = nextMessage(sub);
      await pub.publish(`rq/${qos}`, `q${qos}`, { qos });
      const m = await got;
      assert.ok(m, `QoS ${qos} message arrived`);
      assert.is(new TextDecoder().decode(m!.payload), `q${qos}`);
      assert.is(m!.qos, Math.min(qos, 1));
    }
    // A QoS 2 burst through the window: every publish completes, every message arrives.
    const got = new Set<string>();
    sub.on('message', (_t, p) => got.add(new TextDecoder().decode(p)));
    const sent = Array.from({ length: 100 }, (_, i) => `b${i}`);
    await Promise.all(sent.map((p) => pub.publish('rq/2', p, { qos: 2 })));
    const end = Date.now() + 5000;
    while (got.size < sent.length && Date.now() < end) await sleep(20);
    assert.is(got.size, sent.length);
    assert.is(pub.status().inflight, 0);
  });

  test('retained message: a later subscriber gets it with the retain flag', async () => {
    const pub = await client({ ...tls(), clientId: 'rq-ret-pub' });
    await pub.publish('rq/retained', 'kept', { qos: 1, retain: true });
    await sleep(200);
    const sub = await client({ ...tls(), clientId: 'rq-ret-sub' });
    const got = nextMessage(sub);
    await sub.subscribe('rq/retained', { qos: 1 });
    const m = await got;
    assert.ok(m);
    assert.is(new TextDecoder().decode(m!.payload), 'kept');
    assert.is(m!.retain, true);
  });

  test('will: a client whose connection breaks has its will published', async () => {
    const proxy = await startProxy(broker!.tlsPort);
    proxies.push(proxy);
    const watcher = await client({ ...tls(), clientId: 'rq-will-watch' });
    await watcher.subscribe('rq/will', { qos: 1 });
    const dying = await client({ ...tls(proxy.port), clientId: 'rq-will', reconnectPeriod: 0, will: { topic: 'rq/will', payload: 'gone', qos: 1 } });
    assert.ok(dying.connected);
    const got = nextMessage(watcher, 8000);
    proxy.cut();
    const m = await got;
    assert.ok(m, 'will delivered');
    assert.is(new TextDecoder().decode(m!.payload), 'gone');
  });

  test('reconnect after a network cut: resubscribes (clean session) and the round trip works again', async () => {
    const proxy = await startProxy(broker!.tlsPort);
    proxies.push(proxy);
    const c = await client({ ...tls(proxy.port), clientId: 'rq-rc' });
    await c.subscribe('rq/rc', { qos: 1 });
    const pub = await client({ ...tls(), clientId: 'rq-rc-pub' });
    proxy.cut();
    const back = new Promise<void>((r) => c.once('connect', () => r()));
    await back;
    await sleep(200); // the resubscribe goes out right behind CONNACK
    const got = nextMessage(c);
    await pub.publish('rq/rc', 'again', { qos: 1 });
    const m = await got;
    assert.ok(m, 'delivered after the reconnect');
    assert.is(new TextDecoder().decode(m!.payload), 'again');
  });
}

test.run();
