/**
 * `npm run bench:mqtt`: microtls's MQTT client against MQTT.js, same mosquitto, same run.
 *
 *  - QoS 0 throughput: one publisher fires N messages (64 bytes) at one subscriber; messages
 *    per second as RECEIVED by the subscriber (what a device cares about).
 *  - QoS 1 round trips: one client publishes QoS 1 to a topic it subscribes to and waits for
 *    the message to come back before the next one; round trips per second.
 *  Both over plain TCP (mqtt://) and TLS 1.2 (mqtts://: microtls's TLS with the node crypto
 *  provider vs MQTT.js over Node's tls), mosquitto restricted to RSA key exchange suites.
 *  Each figure is the median of 3 alternating rounds.
 *  - 200 concurrent microtls TLS connections, 100 QoS 1 messages each: all delivered?
 *    Heap and RSS growth per connection.
 * Target: TLS rates >= 50% of MQTT.js over Node's tls.
 *
 *   npm run bench:mqtt -- [qos0Messages=20000] [qos1RoundTrips=2000] [connections=200]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt';
import { connectAsync as microConnect, type MqttClient } from '../src/mqtt/index.js';
import { issueCertificate } from '../src/node/pki.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';

const N0 = Number(process.argv[2] ?? 20_000);
const N1 = Number(process.argv[3] ?? 2_000);
const CONNS = Number(process.argv[4] ?? 200);
const PER_CONN = 100;
const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const PAYLOAD = new Uint8Array(64).fill(0x61);
const RSA_KX_CIPHERS = 'AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Handle {
  publish(topic: string, qos: 0 | 1): Promise<void>;
  subscribe(topic: string, qos: 0 | 1): Promise<void>;
  onMessage(cb: (topic: string) => void): void;
  end(): Promise<void>;
}

interface Lib {
  name: string;
  connect(url: string): Promise<Handle>;
}

const microtls: Lib = {
  name: 'microtls',
  async connect(url) {
    const c: MqttClient = await microConnect(url, { verifyServerCertificate: false, reconnectPeriod: 0, keepalive: 60, queueLimit: 1_000_000 });
    return {
      publish: (t, qos) => c.publish(t, PAYLOAD, { qos }),
      subscribe: async (t, qos) => void (await c.subscribe(t, { qos })),
      onMessage: (cb) => void c.on('message', (t) => cb(t)),
      end: () => c.end(),
    };
  },
};

const mqttjs: Lib = {
  name: 'MQTT.js',
  async connect(url) {
    const c = await mqtt.connectAsync(url, { rejectUnauthorized: false, reconnectPeriod: 0, keepalive: 60 });
    const payload = Buffer.from(PAYLOAD);
    return {
      publish: async (t, qos) => void (await c.publishAsync(t, payload, { qos })),
      subscribe: async (t, qos) => void (await c.subscribeAsync(t, { qos })),
      onMessage: (cb) => void c.on('message', (t) => cb(t)),
      end: async () => void (await c.endAsync()),
    };
  },
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `count()` reaches n, or it stops growing for 2 s (QoS 0 may be dropped under load). */
async function until(n: number, count: () => number): Promise<void> {
  let last = -1;
  let still = Date.now();
  while (count() < n) {
    if (count() !== last) {
      last = count();
      still = Date.now();
    } else if (Date.now() - still > 2000) return;
    await sleep(1);
  }
}

async function qos0Throughput(lib: Lib, url: string, tag: string): Promise<{ rate: number; received: number }> {
  const topic = `bench/q0/${tag}`;
  const sub = await lib.connect(url);
  let received = 0;
  sub.onMessage(() => received++);
  await sub.subscribe(topic, 0);
  const pub = await lib.connect(url);
  const t0 = performance.now();
  // In windows of 1000, so neither client buffers the whole run in memory at once.
  for (let i = 0; i < N0; i += 1000) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(N0, i + 1000); j++) batch.push(pub.publish(topic, 0));
    await Promise.all(batch);
  }
  await until(N0, () => received);
  const seconds = (performance.now() - t0) / 1000;
  await pub.end();
  await sub.end();
  return { rate: received / seconds, received };
}

async function qos1RoundTrips(lib: Lib, url: string, tag: string): Promise<number> {
  const topic = `bench/q1/${tag}`;
  const c = await lib.connect(url);
  let arrived: (() => void) | undefined;
  c.onMessage(() => arrived?.());
  await c.subscribe(topic, 1);
  const t0 = performance.now();
  for (let i = 0; i < N1; i++) {
    const back = new Promise<void>((r) => (arrived = r));
    await Promise.all([c.publish(topic, 1), back]);
  }
  const rate = N1 / ((performance.now() - t0) / 1000);
  await c.end();
  return rate;
}

async function concurrent(url: string): Promise<string> {
  gc();
  const before = process.memoryUsage();
  const clients: MqttClient[] = [];
  const t0 = performance.now();
  for (let i = 0; i < CONNS; i += 20) {
    const batch = [];
    for (let j = i; j < Math.min(CONNS, i + 20); j++) {
      batch.push(microConnect(url, { verifyServerCertificate: false, reconnectPeriod: 0, clientId: `bench-conc-${j}` }));
    }
    clients.push(...(await Promise.all(batch)));
  }
  const connectSeconds = (performance.now() - t0) / 1000;
  gc();
  const connected = process.memoryUsage();
  let received = 0;
  for (const [i, c] of clients.entries()) {
    c.on('message', () => received++);
    await c.subscribe(`bench/conc/${i}`, { qos: 1 });
  }
  const t1 = performance.now();
  await Promise.all(clients.flatMap((c, i) => Array.from({ length: PER_CONN }, () => c.publish(`bench/conc/${i}`, PAYLOAD, { qos: 1 }))));
  await until(CONNS * PER_CONN, () => received);
  const sendSeconds = (performance.now() - t1) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  const perConnHeap = (connected.heapUsed - before.heapUsed) / CONNS / 1024;
  const perConnBuffers = (connected.arrayBuffers - before.arrayBuffers) / CONNS / 1024;
  return [
    `${CONNS} microtls TLS connections in ${connectSeconds.toFixed(2)} s; ${received} of ${CONNS * PER_CONN} QoS 1 messages delivered in ${sendSeconds.toFixed(2)} s`
      + ` (${received === CONNS * PER_CONN ? 'all' : 'MISSING SOME'})`,
    // RSS is not reported: after the earlier runs the allocator returns pages during the GC, so its delta is noise.
    `memory per connection (after GC): JS heap ${perConnHeap.toFixed(1)} KiB + ArrayBuffers ${perConnBuffers.toFixed(1)} KiB`,
  ].join('\n');
}

function row(label: string, ours: number, theirs: number, unit: string): string {
  const pct = (100 * ours) / theirs;
  return `${label.padEnd(34)} ${ours.toFixed(0).padStart(9)} ${theirs.toFixed(0).padStart(9)} ${unit.padEnd(13)} ${pct.toFixed(0).padStart(4)}%`;
}

async function mainBench(): Promise<void> {
  const ca = issueCertificate({ subject: [['CN', 'bench CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  const broker = await startMosquitto({
    verbose: false,
    extraPorts: 1,
    files: { 'server.pem': server.certPem, 'server.key': server.keyPem },
    extraConfig: (b) => [
      'max_queued_messages 100000',
      `listener ${b.extraPorts[0]} 127.0.0.1`, `certfile ${b.dir}/server.pem`, `keyfile ${b.dir}/server.key`,
      'tls_version tlsv1.2', `ciphers ${RSA_KX_CIPHERS}`,
    ],
  });
  const plain = broker.url;
  const tls = `mqtts://127.0.0.1:${broker.extraPorts[0]}`;
  try {
    console.log(`mosquitto on ${plain} and ${tls}; ${N0} QoS 0 messages, ${N1} QoS 1 round trips, 64-byte payloads\n`);
    console.log(`${''.padEnd(34)} ${'microtls'.padStart(9)} ${'MQTT.js'.padStart(9)} ${''.padEnd(13)} ratio`);
    const lines: string[] = [];
    for (const [name, url] of [['TCP', plain], ['TLS', tls]] as const) {
      // Warm-up so JIT and the first handshake do not count.
      await qos1RoundTrips(microtls, url, 'warm-m').catch(() => 0);
      await qos1RoundTrips(mqttjs, url, 'warm-j').catch(() => 0);
      // Alternating rounds, median of each: other load on the machine hits both sides alike.
      const m0: number[] = [], j0: number[] = [], m1: number[] = [], j1: number[] = [];
      let lost = '';
      for (let round = 0; round < ROUNDS; round++) {
        const a = await qos0Throughput(microtls, url, `m-${name}-${round}`);
        const b = await qos0Throughput(mqttjs, url, `j-${name}-${round}`);
        m0.push(a.rate);
        j0.push(b.rate);
        if (a.received < N0 || b.received < N0) lost += ` [round ${round}: microtls ${a.received}, MQTT.js ${b.received} of ${N0}]`;
        m1.push(await qos1RoundTrips(microtls, url, `m-${name}-${round}`));
        j1.push(await qos1RoundTrips(mqttjs, url, `j-${name}-${round}`));
      }
      lines.push(row(`QoS 0 throughput, ${name}`, median(m0), median(j0), 'msg/s'));
      if (lost) lines.push(`  (the broker dropped QoS 0 under load:${lost})`);
      lines.push(row(`QoS 1 round trips, ${name}`, median(m1), median(j1), 'round trips/s'));
      console.log(lines.splice(0).join('\n'));
    }
    console.log('');
    if (CONNS > 0) console.log(await concurrent(tls));
  } finally {
    await broker.dispose();
  }
}

await mainBench();
