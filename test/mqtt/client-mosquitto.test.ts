/** The client against a real mosquitto on loopback: QoS flows, retained, will, keepalive, credentials, Duplex transport. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, connectAsync, type MqttClient, type Packet, type PublishPacket } from '../../src/mqtt/index.js';
import { MqttConnackError } from '../../src/mqtt/errors.js';
import { duplexTransport, tcpTransport } from '../../src/node/mqtt-transports.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { runProgram } from '../helpers/programs.js';
import { sleep } from '../helpers/async.js';

const available = mosquittoAvailable('mqtt client');
let broker: Mosquitto;
const clients: MqttClient[] = [];

test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  for (const c of clients) await c.end(true);
  await broker?.dispose();
});

async function client(opts: Parameters<typeof connectAsync>[1] = {}): Promise<MqttClient> {
  const c = await connectAsync(broker.url, { reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

/** Collects messages; `until(n)` waits (bounded) for n of them. */
function inbox(c: MqttClient): { messages: PublishPacket[]; until(n: number, ms?: number): Promise<PublishPacket[]> } {
  const messages: PublishPacket[] = [];
  const waiters: (() => void)[] = [];
  c.on('message', (_t, _p, packet) => {
    messages.push(packet);
    for (const w of waiters) w();
  });
  return {
    messages,
    until: (n, ms = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${n} messages in ${ms} ms`)), ms);
        const check = (): void => {
          if (messages.length >= n) {
            clearTimeout(timer);
            resolve(messages);
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

const text = (p: PublishPacket): string => Buffer.from(p.payload).toString();

if (!available) {
  test.skip('real-broker client tests: mosquitto is not installed (apt-get install mosquitto)', () => {});
} else {
  test('connect, subscribe, QoS 0/1/2 publish and receive back', async () => {
    const c = await client({ clientId: 'rt-1' });
    const box = inbox(c);
    const sent: Packet[] = [];
    c.on('packetsend', (p) => sent.push(p));
    const granted = await c.subscribe({ 'rt/q0': { qos: 0 }, 'rt/q1': { qos: 1 }, 'rt/+': { qos: 2 } });
    assert.equal(granted, [{ topic: 'rt/q0', qos: 0 }, { topic: 'rt/q1', qos: 1 }, { topic: 'rt/+', qos: 2 }]);
    await c.publish('rt/q0', 'zero', { qos: 0 });
    await c.publish('rt/q1', 'one', { qos: 1 });
    await c.publish('rt/q2', new Uint8Array([0, 1, 2, 255]), { qos: 2 });
    // Overlapping filters: mosquitto 2 sends one copy per client (allow_duplicate_messages false).
    const msgs = await box.until(3);
    await sleep(100);
    assert.is(msgs.length, 3);
    const byTopic = (t: string): PublishPacket[] => msgs.filter((m) => m.topic === t);
    assert.ok(byTopic('rt/q0').some((m) => text(m) === 'zero'));
    assert.ok(byTopic('rt/q1').some((m) => text(m) === 'one' && m.qos === 1));
    const q2 = byTopic('rt/q2');
    assert.is(q2.length, 1);
    assert.equal(Array.from(q2[0]!.payload), [0, 1, 2, 255]);
    assert.is(q2[0]!.qos, 2);
    // The full flows went out: PUBLISH, then (QoS 2) PUBREL; PUBACK/PUBREC/PUBCOMP for inbound.
    const types = sent.map((p) => p.type);
    for (const t of ['publish', 'pubrel', 'puback', 'pubrec', 'pubcomp']) assert.ok(types.includes(t as Packet['type']), t);
    assert.ok(sent.every((p) => !('packetId' in p) || p.packetId !== 0));
    assert.is(c.status().inflight, 0);
  });

  test('unsubscribe stops delivery', async () => {
    const c = await client();
    const box = inbox(c);
    await c.subscribe('us/a', { qos: 1 });
    await c.publish('us/a', '1', { qos: 1 });
    await box.until(1);
    await c.unsubscribe('us/a');
    await c.publish('us/a', '2', { qos: 1 });
    await sleep(200);
    assert.is(box.messages.length, 1);
  });

  test('retained message is delivered to a later subscriber with the retain flag', async () => {
    const pub = await client();
    await pub.publish('ret/x', 'kept', { qos: 1, retain: true });
    const sub = await client();
    const box = inbox(sub);
    await sub.subscribe('ret/#', { qos: 1 });
    const [m] = await box.until(1);
    assert.is(text(m!), 'kept');
    assert.ok(m!.retain);
    await pub.publish('ret/x', '', { qos: 1, retain: true }); // clears it for later runs
  });

  test('will message is published when the client socket is destroyed', async () => {
    const watcher = await client();
    const box = inbox(watcher);
    await watcher.subscribe('will/#', { qos: 1 });
    let socket: net.Socket | undefined;
    const open = tcpTransport('127.0.0.1', broker.port);
    const dying = await client({
      clientId: 'will-1',
      will: { topic: 'will/will-1', payload: 'gone', qos: 1, retain: false },
      transport: async () => (socket = (await open()) as net.Socket),
    });
    assert.ok(dying.connected && socket);
    socket!.destroy(); // no DISCONNECT: the broker must publish the will
    const [m] = await box.until(1);
    assert.is(m!.topic, 'will/will-1');
    assert.is(text(m!), 'gone');
  });

  test('no will on a clean end()', async () => {
    const watcher = await client();
    const box = inbox(watcher);
    await watcher.subscribe('will2/#', { qos: 1 });
    const c = await client({ will: { topic: 'will2/x', payload: 'gone', qos: 1 } });
    await c.end();
    await sleep(300);
    assert.is(box.messages.length, 0);
  });

  test('keepalive: PINGREQ every period of SEND silence even while messages keep arriving', async () => {
    const listener = await client({ keepalive: 1 });
    const feeder = await client({ keepalive: 0 });
    const box = inbox(listener);
    let pingreq = 0;
    let pingresp = 0;
    listener.on('packetsend', (p) => p.type === 'pingreq' && pingreq++);
    listener.on('packetreceive', (p) => p.type === 'pingresp' && pingresp++);
    await listener.subscribe('ka/feed'); // QoS 0: receiving needs no reply, so the listener sends nothing
    const start = Date.now();
    while (Date.now() - start < 2700) {
      await feeder.publish('ka/feed', 'tick');
      await sleep(100);
    }
    assert.ok(box.messages.length >= 15, `received ${box.messages.length}`);
    assert.ok(pingreq >= 2, `${pingreq} PINGREQ in 2.7 s with keepalive 1 s`);
    assert.ok(pingresp >= 1, `${pingresp} PINGRESP`);
    assert.ok(listener.connected);
    assert.match(broker.log(), /Received PINGREQ from/);
  });

  test('any Duplex as transport', async () => {
    const c = await client({ transport: duplexTransport(() => net.connect(broker.port, '127.0.0.1')) });
    const box = inbox(c);
    await c.subscribe('dx/1', { qos: 1 });
    await c.publish('dx/1', 'via duplex', { qos: 1 });
    assert.is(text((await box.until(1))[0]!), 'via duplex');
  });

  test('username/password: accepted when right, CONNACK refusal when wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'microtls-pw-'));
    let auth: Mosquitto | undefined;
    try {
      runProgram('mosquitto_passwd', ['-b', '-c', join(dir, 'pw'), 'alice', 's3cret']);
      auth = await startMosquitto({
        plain: false,
        extraPorts: 1,
        files: { pw: readFileSync(join(dir, 'pw')) },
        extraConfig: (b) => ['allow_anonymous false', `password_file ${b.dir}/pw`, `listener ${b.extraPorts[0]} 127.0.0.1`],
      });
      const url = `mqtt://127.0.0.1:${auth.extraPorts[0]}`;
      const ok = await connectAsync(url, { username: 'alice', password: 's3cret', reconnectPeriod: 0 });
      assert.ok(ok.connected);
      await ok.end();
      const refused = await connectAsync(url, { username: 'alice', password: 'wrong', reconnectPeriod: 0 }).then(() => undefined, (e: unknown) => e);
      assert.ok(refused instanceof MqttConnackError, String(refused));
      assert.ok([4, 5].includes((refused as MqttConnackError).returnCode));
      const anon = await connectAsync(url, { reconnectPeriod: 0 }).then(() => undefined, (e: unknown) => e);
      assert.ok(anon instanceof MqttConnackError);
    } catch (e) {
      throw new Error(`${String(e)}\n${auth?.log() ?? ''}`);
    } finally {
      await auth?.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('status(): state, client id, empty error list on a healthy connection', async () => {
    const c = await client({ clientId: 'status-1' });
    const s = c.status();
    assert.is(s.state, 'connected');
    assert.is(s.clientId, 'status-1');
    assert.equal(s.lastErrors, []);
    assert.equal(s.certificates, []);
    await c.end();
    assert.is(c.status().state, 'closed');
    // After end(), operations fail loudly.
    const e = await c.publish('x', 'y').then(() => undefined, (err: unknown) => err);
    assert.match(String(e), /MICROTLS_ERR_MQTT_CONNECTION_CLOSED/);
  });

  test('generated client ids are distinct and use the injected random source', async () => {
    let calls = 0;
    const c = connect(broker.url, { reconnectPeriod: 0, random: (o) => { calls++; o.fill(0xab); } });
    clients.push(c);
    assert.is(c.clientId, 'microtls_abababab');
    assert.ok(calls >= 1);
  });
}

test.run();
