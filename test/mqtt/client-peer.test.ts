/**
 * The client against a deliberately broken peer (a raw TCP server speaking hand-written
 * bytes): missing PINGRESP, protocol violations, refusals, silence. Real brokers never do
 * these on purpose, so mosquitto cannot exercise them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { connect, connectAsync, type MqttClient } from '../../src/mqtt/index.js';
import { MqttConnackError, MqttProtocolError } from '../../src/mqtt/errors.js';
import { MicroTlsError } from '../../src/errors.js';

interface Peer {
  port: number;
  received: Buffer[];
  sockets: net.Socket[];
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Answers every first chunk (the CONNECT) with `reply` and then stays silent. */
async function peer(reply: string | undefined): Promise<Peer> {
  const received: Buffer[] = [];
  const sockets: net.Socket[] = [];
  let onClosed!: () => void;
  const closed = new Promise<void>((r) => (onClosed = r));
  const server = net.createServer((s) => {
    sockets.push(s);
    let first = true;
    s.on('data', (d) => {
      received.push(d);
      if (first && reply) s.write(Buffer.from(reply, 'hex'));
      first = false;
    });
    s.on('close', onClosed);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    sockets,
    closed,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const peers: Peer[] = [];
const clients: MqttClient[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  for (const p of peers) await p.close();
});

function nextError(c: MqttClient, ms = 5000): Promise<Error> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no error event in time')), ms);
    c.once('error', (e) => {
      clearTimeout(t);
      resolve(e);
    });
  });
}

test('no PINGRESP within the ping timeout: the connection is dropped with MICROTLS_ERR_MQTT_TIMEOUT', async () => {
  const p = await peer('20020000');
  peers.push(p);
  const c = connect({ host: '127.0.0.1', port: p.port, keepalive: 1, pingTimeout: 300, reconnectPeriod: 0 });
  clients.push(c);
  const started = Date.now();
  const err = await nextError(c);
  assert.ok(err instanceof MicroTlsError);
  assert.is((err as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_TIMEOUT');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 1200 && elapsed < 3000, `dropped after ${elapsed} ms (keepalive 1 s + ping timeout 0.3 s)`);
  await p.closed;
  // The PINGREQ went out: c0 00 after the CONNECT.
  assert.ok(Buffer.concat(p.received).includes(Buffer.from('c000', 'hex')));
  assert.equal(c.status().lastErrors[0], { code: -0x5a80, name: 'MICROTLS_ERR_MQTT_TIMEOUT' });
});

test('a protocol violation from the broker closes the connection and names the rule', async () => {
  const p = await peer('20020000' + '60020001'); // CONNACK, then PUBREL with flags 0000
  peers.push(p);
  const c = connect({ host: '127.0.0.1', port: p.port, reconnectPeriod: 0 });
  clients.push(c);
  const err = await nextError(c);
  assert.ok(err instanceof MqttProtocolError);
  assert.is((err as MqttProtocolError).rule, 'MQTT-2.2.2-2');
  await p.closed;
  assert.is(c.state, 'closed');
});

test('a SUBACK with a reserved return code closes the connection (MQTT-3.9.3-2)', async () => {
  const received: Buffer[] = [];
  let onClosed!: () => void;
  const closed = new Promise<void>((r) => (onClosed = r));
  const server = net.createServer((s) => {
    s.on('data', (d) => {
      received.push(d);
      if (d[0] === 0x10) s.write(Buffer.from('20020000', 'hex'));
      if (d[0] === 0x82) s.write(Buffer.from([0x90, 3, d[2]!, d[3]!, 0x03]));
    });
    s.on('close', onClosed);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = await connectAsync({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, reconnectPeriod: 0 });
    const errP = nextError(c);
    const sub = c.subscribe('a').then(() => undefined, (e: unknown) => e);
    const err = await errP;
    assert.is((err as MqttProtocolError).rule, 'MQTT-3.9.3-2');
    await closed;
    assert.is(((await sub) as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED', 'subscribe fails');
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('CONNACK refused (5, not authorized): typed error, no reconnect loop', async () => {
  const p = await peer('20020005');
  peers.push(p);
  let reconnects = 0;
  try {
    const pending = connectAsync({ host: '127.0.0.1', port: p.port, reconnectPeriod: 50 });
    await pending;
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof MqttConnackError);
    assert.is((e as MqttConnackError).returnCode, 5);
    assert.is((e as MqttConnackError).code, -0x5900);
    assert.ok((e as Error).message.includes('not authorized'));
  }
  await new Promise((r) => setTimeout(r, 200));
  reconnects = p.sockets.length;
  assert.is(reconnects, 1, 'exactly one connection attempt');
});

test('no CONNACK within connectTimeout: MICROTLS_ERR_MQTT_TIMEOUT', async () => {
  const p = await peer(undefined);
  peers.push(p);
  try {
    await connectAsync({ host: '127.0.0.1', port: p.port, connectTimeout: 300, reconnectPeriod: 0 });
    assert.unreachable();
  } catch (e) {
    assert.is((e as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_TIMEOUT');
  }
});

test('a closed port: NET_CONNECT_FAILED, then backoff reconnects that emit reconnect', async () => {
  const p = await peer(undefined);
  const port = p.port;
  await p.close(); // now nothing listens there
  const c = connect({ host: '127.0.0.1', port, reconnectPeriod: 20, maxReconnectPeriod: 40, queueLimit: 2 });
  clients.push(c);
  const errors: Error[] = [];
  let reconnects = 0;
  c.on('error', (e) => errors.push(e));
  c.on('reconnect', () => reconnects++);
  // Offline queue: two accepted, the third refused with a typed error, never dropped silently.
  const q1 = c.publish('t', 'a', { qos: 1 });
  const q2 = c.publish('t', 'b');
  let third: unknown;
  await c.publish('t', 'c').catch((e: unknown) => (third = e));
  assert.is((third as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_QUEUE_FULL');
  assert.is(c.status().queued, 2);
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(reconnects >= 3, `reconnected ${reconnects} times`);
  assert.is((errors[0] as MicroTlsError).codeName, 'MBEDTLS_ERR_NET_CONNECT_FAILED');
  assert.is(c.status().state === 'reconnecting' || c.status().state === 'connecting', true);
  await c.end();
  for (const q of [q1, q2]) {
    const e = await q.then(() => undefined, (err: unknown) => err);
    assert.is((e as MicroTlsError).codeName, 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED', 'queued operations fail loudly on end()');
  }
});

test('QoS 2: a PUBLISH re-sent after PUBCOMP across a reconnect is not delivered twice; a new one with the id is', async () => {
  // Connection 1: CONNACK, PUBLISH q2 id 5 'm1', PUBREL 5 after our PUBREC, then the peer drops.
  // Connection 2: dropped before CONNACK (a failed attempt must not reset what the client remembers).
  // Connection 3: CONNACK (session present), PUBLISH q2 DUP id 5 'm1' (what mosquitto 2.0 does after
  // restoring its db), later PUBLISH q2 id 5 'm2' DUP=0 (a genuinely new message).
  const publish = (dup: boolean, payload: string): Buffer =>
    Buffer.concat([Buffer.from([0x34 | (dup ? 8 : 0), 5 + payload.length, 0, 1, 0x74, 0, 5]), Buffer.from(payload)]);
  let connection = 0;
  const sent: string[] = [];
  const server = net.createServer((s) => {
    const n = ++connection;
    s.on('error', () => {});
    const count = (prefix: string): number => sent.filter((x) => x.startsWith(`${n}:${prefix}`)).length;
    s.on('data', (d) => {
      sent.push(`${n}:${d.toString('hex')}`);
      if (d[0] === 0x10 && n === 2) return void s.destroy();
      if (d[0] === 0x10) {
        s.write(Buffer.from(n === 1 ? '20020000' : '20020100', 'hex'));
        s.write(publish(n !== 1, 'm1'));
      }
      if (d[0] === 0x50 && count('50') <= 2) s.write(Buffer.from('62020005', 'hex')); // PUBREL 5
      if (d[0] === 0x70 && n === 1) s.destroy(); // drop right after our PUBCOMP
      if (d[0] === 0x70 && n === 3 && count('70') === 1) s.write(publish(false, 'm2'));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const c = connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, clientId: 'g', clean: false, reconnectPeriod: 20 });
  clients.push(c);
  const got: string[] = [];
  c.on('message', (_t, payload) => got.push(Buffer.from(payload).toString()));
  try {
    for (let i = 0; i < 100 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.is(connection, 3);
    assert.equal(got, ['m1', 'm2']);
    assert.ok(sent.includes('3:50020005'), 'the re-sent PUBLISH is still acknowledged with PUBREC');
  } finally {
    await c.end(true);
    await new Promise((r) => server.close(r));
  }
});

test('clean=false: unacknowledged QoS 1 PUBLISH re-sent with DUP and its id, QoS 2 PUBREL re-sent, in order', async () => {
  // Connection 1 acknowledges nothing of the QoS 1 message and only PUBRECs the QoS 2 one, then drops.
  let connection = 0;
  const seen: string[][] = [];
  const server = net.createServer((s) => {
    const n = ++connection;
    const mine: string[] = [];
    seen.push(mine);
    s.on('error', () => {});
    s.on('data', (d) => {
      // Split the chunk into packets (all small here: 1-byte remaining length).
      for (let i = 0; i < d.length; i += 2 + d[i + 1]!) {
        const pkt = d.subarray(i, i + 2 + d[i + 1]!);
        mine.push(pkt.toString('hex'));
        if (pkt[0] === 0x10) s.write(Buffer.from(n === 1 ? '20020000' : '20020100', 'hex'));
        if (n === 1 && (pkt[0]! & 0xf6) === 0x34) s.write(Buffer.from([0x50, 2, pkt[5]!, pkt[6]!])); // PUBREC the QoS 2 one
        if (n === 1 && pkt[0] === 0x62) s.destroy(); // got PUBREL: drop before PUBCOMP
        if (n === 2 && (pkt[0]! & 0xf6) === 0x32) s.write(Buffer.from([0x40, 2, pkt[5]!, pkt[6]!])); // PUBACK
        if (n === 2 && pkt[0] === 0x62) s.write(Buffer.from([0x70, 2, pkt[2]!, pkt[3]!])); // PUBCOMP
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const c = await connectAsync({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, clientId: 'r', clean: false, reconnectPeriod: 20 });
  clients.push(c);
  try {
    const q1 = c.publish('t', 'a', { qos: 1 });
    const q2 = c.publish('t', 'b', { qos: 2 });
    await Promise.race([Promise.all([q1, q2]), new Promise((_r, rej) => setTimeout(() => rej(new Error('acks never came')), 3000))]);
    assert.is(connection, 2);
    const [first, second] = seen;
    // Connection 1: PUBLISH q1 id 1, PUBLISH q2 id 2, PUBREL 2.
    assert.equal(first!.slice(1), ['3206000174000161', '3406000174000262', '62020002']);
    // Connection 2: the QoS 1 PUBLISH again with DUP (0x3a) and id 1, then PUBREL 2 -- not the QoS 2 PUBLISH.
    assert.equal(second!.slice(1, 3), ['3a06000174000161', '62020002']);
    assert.is(c.status().inflight, 0);
  } finally {
    await c.end(true);
    await new Promise((r) => server.close(r));
  }
});

test('maxPacketSize: a bigger inbound packet closes the connection with the limit named', async () => {
  const big = Buffer.concat([Buffer.from([0x30, 0x83, 0x08, 0x00, 0x01, 0x74]), Buffer.alloc(0x403 - 3)]); // PUBLISH, 1027-byte body
  const p = await peer('20020000' + big.toString('hex'));
  peers.push(p);
  const c = connect({ host: '127.0.0.1', port: p.port, reconnectPeriod: 0, maxPacketSize: 1024 });
  clients.push(c);
  const err = await nextError(c);
  assert.is((err as MqttProtocolError).rule, 'microtls-max-packet-size');
  await p.closed;
});

test('invalid arguments reject with the rule, before anything is sent', async () => {
  const p = await peer('20020000');
  peers.push(p);
  const c = await connectAsync({ host: '127.0.0.1', port: p.port, reconnectPeriod: 0 });
  clients.push(c);
  const rule = (x: Promise<unknown>): Promise<string> => x.then(() => 'ok', (e: unknown) => (e as MqttProtocolError).rule);
  assert.is(await rule(c.publish('a/+', 'x')), 'MQTT-3.3.2-2');
  assert.is(await rule(c.subscribe('a/#/b')), 'MQTT-4.7.1-2');
  assert.is(await rule(c.unsubscribe('a+')), 'MQTT-4.7.1-3');
  assert.is(await rule(c.publish('t', 'x', { qos: 3 as 0 })), 'MQTT-3.3.1-4');
  assert.throws(() => connect({ host: '127.0.0.1', port: p.port, clientId: '', clean: false }), /MQTT-3.1.3-7/);
  assert.throws(() => connect({ host: '127.0.0.1', port: p.port, password: 'x' }), /MQTT-3.1.2-22/);
});

test.run();
