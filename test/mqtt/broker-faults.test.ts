/**
 * The broker-fault run against a real mosquitto (its default max_inflight_messages 20):
 * 1,000 QoS 1 and 1,000 QoS 2 messages sequential and as a burst; a broker restart with
 * persistence (SIGTERM, and SIGKILL with the db saved on every change) in mid-stream; a
 * clean-session reconnect in mid-stream; a stopped broker (SIGSTOP) under traffic. Each
 * scenario prints its figures: lost, duplicated, and detection time against keepalive.
 * Targets: 0 lost and 0 duplicated at QoS 2, 0 lost at QoS 1, detection within 1.5x keepalive.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync, type ConnectOptions, type MqttClient } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto, type MosquittoOptions } from '../helpers/mosquitto.js';
import { startProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { tally } from '../helpers/mqtt-tally.js';
import { sleep } from '../helpers/async.js';

const available = mosquittoAvailable('mqtt broker faults');
const brokers: Mosquitto[] = [];
const proxies: TcpProxy[] = [];
const clients: MqttClient[] = [];
const intervals: ReturnType<typeof setInterval>[] = [];
test.after(async () => {
  for (const i of intervals) clearInterval(i);
  for (const c of clients) await c.end(true);
  for (const p of proxies) await p.close();
  for (const b of brokers) await b.dispose();
});

const N = 1000;
const FAST: ConnectOptions = { reconnectPeriod: 50, maxReconnectPeriod: 200, connectTimeout: 3000 };

async function broker(o: MosquittoOptions = {}): Promise<Mosquitto> {
  const b = await startMosquitto({ verbose: false, ...o });
  brokers.push(b);
  return b;
}

async function client(url: string | ConnectOptions, opts: ConnectOptions): Promise<MqttClient> {
  const c = typeof url === 'string' ? await connectAsync(url, { ...FAST, ...opts }) : await connectAsync({ ...FAST, ...url, ...opts });
  clients.push(c);
  return c;
}

function figures(label: string, sent: string[], t: ReturnType<typeof tally>, extra = ''): { lost: number; duplicated: number } {
  const lost = t.lost(sent).length;
  const duplicated = t.duplicated(sent).length;
  console.log(`  broker-faults: ${label}: sent ${sent.length}, lost ${lost}, duplicated ${duplicated}${extra}`);
  return { lost, duplicated };
}

if (!available) {
  test.skip('broker faults — mosquitto missing (see the warning above)', () => {});
} else {
  for (const qos of [1, 2] as const) {
    for (const mode of ['sequential', 'burst'] as const) {
      test(`${N} QoS ${qos} messages, ${mode}: 0 lost${qos === 2 ? ', 0 duplicated' : ''}`, async () => {
        const b = await broker();
        const sub = await client(b.url, { clientId: `f-sub-${qos}-${mode}` });
        const t = tally(sub);
        await sub.subscribe('f/#', { qos });
        const pub = await client(b.url, { clientId: `f-pub-${qos}-${mode}` });
        const sent = Array.from({ length: N }, (_, i) => `${mode}-q${qos}-${i}`);
        if (mode === 'sequential') for (const p of sent) await pub.publish('f/x', p, { qos });
        else await Promise.all(sent.map((p) => pub.publish('f/x', p, { qos })));
        await t.waitAll(sent, 20_000);
        const f = figures(`${N} QoS ${qos} ${mode}`, sent, t);
        assert.is(f.lost, 0);
        if (qos === 2) assert.is(f.duplicated, 0);
      });
    }
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`broker restart (${signal}, persistence on) in mid-stream, clean: false: QoS 2 0 lost 0 duplicated, QoS 1 0 lost`, async () => {
      // SIGKILL: saved on every change; with save-on-exit only the restarted broker has no sessions at all.
      const b = await broker({ persistence: signal === 'SIGKILL' ? 'every-change' : true });
      const sub = await client(b.url, { clientId: `r-sub-${signal}`, clean: false });
      const t = tally(sub);
      await sub.subscribe('r/#', { qos: 2 });
      const pub = await client(b.url, { clientId: `r-pub-${signal}`, clean: false });
      // What the broker had acknowledged (PUBACK / PUBREC) when it was stopped: from then on
      // the message is the broker's to keep (section 4.3), so a loss of one of these after a
      // SIGKILL is mosquitto's persistence window (it acknowledges before it saves), not ours.
      const byId = new Map<number, string>();
      const brokerHad = new Set<string>();
      // Acks already on their way when the broker dies still arrive: count until the connection closes.
      let killing = false;
      let killed = false;
      pub.on('close', () => (killed ||= killing));
      pub.on('packetsend', (p) => p.type === 'publish' && p.qos > 0 && byId.set(p.packetId!, new TextDecoder().decode(p.payload)));
      pub.on('packetreceive', (p) => {
        if (!killed && (p.type === 'puback' || p.type === 'pubrec')) brokerHad.add(byId.get(p.packetId)!);
      });
      const sent: { p: string; qos: 1 | 2; done: Promise<void> }[] = [];
      let restarted: Promise<void> | undefined;
      for (let i = 0; i < N; i++) {
        const qos = (i % 2 ? 2 : 1) as 1 | 2;
        const p = `${signal}-q${qos}-${i}`;
        const done = pub.publish('r/x', p, { qos });
        done.catch(() => {});
        sent.push({ p, qos, done });
        if (i === Math.floor(N / 3)) restarted = (async () => {
          await sleep(20); // some in flight, most still waiting in the queue
          killing = true;
          await b.stop(signal);
          await sleep(200);
          await b.start();
        })();
        if (i % 50 === 0) await sleep(5); // a stream, not one synchronous burst
      }
      await restarted;
      const settled = await Promise.allSettled(sent.map((s) => s.done));
      const failed = settled.filter((r) => r.status === 'rejected').length;
      await t.waitAll(sent.map((s) => s.p), 20_000, 500);
      const q1 = sent.filter((s) => s.qos === 1).map((s) => s.p);
      const q2 = sent.filter((s) => s.qos === 2).map((s) => s.p);
      const byBroker = (list: string[]): number => t.lost(list).filter((p) => brokerHad.has(p)).length;
      const f1 = figures(`restart ${signal} QoS 1`, q1, t, `, of them after the broker acknowledged them: ${byBroker(q1)}`);
      const f2 = figures(`restart ${signal} QoS 2`, q2, t, `, of them after the broker acknowledged them: ${byBroker(q2)}; publishes rejected: ${failed}`);
      assert.is(failed, 0, 'no publish failed');
      assert.is(f2.duplicated, 0, 'QoS 2 duplicated');
      if (signal === 'SIGTERM') {
        assert.is(f1.lost, 0, 'QoS 1 lost');
        assert.is(f2.lost, 0, 'QoS 2 lost');
      } else {
        // SIGKILL: nothing lost that the broker had not acknowledged, and its window stays small.
        assert.is(f1.lost - byBroker(q1), 0, 'QoS 1 lost before the broker had it');
        assert.is(f2.lost - byBroker(q2), 0, 'QoS 2 lost before the broker had it');
        // The window's size is mosquitto's timing (acknowledge, then save), and grows with load: 0-2 on an
        // idle machine, 10 seen with both cores oversubscribed. Bounded loosely; the client's rule is above.
        assert.ok(f1.lost + f2.lost <= 20, `${f1.lost + f2.lost} lost in the broker's persistence window`);
      }
    });
  }

  test('clean-session reconnect in mid-stream: nothing of the old session resent, nothing acknowledged lost, no QoS 2 duplicate', async () => {
    const b = await broker();
    const proxy = await startProxy(b.port);
    proxies.push(proxy);
    const sub = await client(b.url, { clientId: 'c-sub' });
    const t = tally(sub);
    await sub.subscribe('c/#', { qos: 2 });
    const pub = await client({ host: '127.0.0.1', port: proxy.port }, { clientId: 'c-pub', clean: true });
    let connacks = 0; // after the first (which connectAsync awaited)
    let resentOld = 0;
    // Old-session packets: a DUP PUBLISH, or a PUBREL not answering a PUBREC of this connection.
    const pubrecs = new Set<number>();
    pub.on('packetreceive', (p) => {
      if (p.type === 'connack') connacks++;
      if (p.type === 'pubrec') pubrecs.add(p.packetId);
    });
    pub.on('packetsend', (p) => {
      if (connacks < 1) return;
      if (p.type === 'publish' && p.dup) resentOld++;
      if (p.type === 'pubrel' && !pubrecs.delete(p.packetId)) resentOld++;
    });
    const sent: { p: string; qos: 1 | 2; done: Promise<void> }[] = [];
    for (let i = 0; i < N; i++) {
      const qos = (i % 2 ? 2 : 1) as 1 | 2;
      const p = `clean-q${qos}-${i}`;
      const done = pub.publish('c/x', p, { qos });
      done.catch(() => {});
      sent.push({ p, qos, done });
      if (i === Math.floor(N / 3)) setTimeout(() => proxy.cut(), 10);
      if (i % 50 === 0) await sleep(5);
    }
    const settled = await Promise.allSettled(sent.map((s) => s.done));
    const acked = sent.filter((_, i) => settled[i]!.status === 'fulfilled');
    const rejected = settled.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as MicroTlsError).codeName);
    await t.waitAll(acked.map((s) => s.p), 10_000, 500);
    const f1 = figures('clean-session reconnect QoS 1 (acknowledged)', acked.filter((s) => s.qos === 1).map((s) => s.p), t);
    const f2 = figures('clean-session reconnect QoS 2 (acknowledged)', acked.filter((s) => s.qos === 2).map((s) => s.p), t,
      `; in flight at the cut, rejected with SESSION_LOST: ${rejected.length} (of them delivered all the same: ${sent.filter((s, i) => settled[i]!.status === 'rejected' && t.got.has(s.p)).length}); old-session packets resent: ${resentOld}`);
    const q2dups = t.duplicated(sent.filter((s) => s.qos === 2).map((s) => s.p)).length;
    assert.ok(connacks >= 1, 'reconnected');
    assert.is(resentOld, 0);
    assert.ok(rejected.every((c) => c === 'MICROTLS_ERR_MQTT_SESSION_LOST'), rejected.join());
    assert.ok(rejected.length <= 20, 'only what was in flight');
    assert.is(f1.lost, 0);
    assert.is(f2.lost, 0);
    assert.is(q2dups, 0);
  });

  test('stopped broker (SIGSTOP) under traffic: noticed within 1.5x keepalive', async () => {
    const keepalive = 2;
    const b = await broker();
    const kinds = ['idle', 'QoS 0 every 1 s', 'QoS 1 every 1 s', 'QoS 1 every 100 ms'] as const;
    const detected = new Map<string, number>();
    let stoppedAt = 0;
    for (const [i, kind] of kinds.entries()) {
      const c = await client(b.url, { clientId: `s-${i}`, keepalive, reconnectPeriod: 0 });
      c.on('error', (e) => {
        if (stoppedAt && e instanceof MicroTlsError && e.codeName === 'MICROTLS_ERR_MQTT_TIMEOUT' && !detected.has(kind)) detected.set(kind, Date.now() - stoppedAt);
      });
      if (kind !== 'idle') {
        const qos = kind.startsWith('QoS 1') ? 1 : 0;
        intervals.push(setInterval(() => void c.publish('s/x', 'tick', { qos }).catch(() => {}), kind.endsWith('100 ms') ? 100 : 1000));
      }
    }
    // Worst case for the idle client: the broker stops just after answering its PINGREQ.
    await new Promise<void>((r) => clients[clients.length - kinds.length]!.on('packetreceive', (p) => p.type === 'pingresp' && r()));
    stoppedAt = Date.now();
    b.signal('SIGSTOP');
    while (detected.size < kinds.length && Date.now() - stoppedAt < keepalive * 2500) await sleep(20);
    b.signal('SIGCONT');
    for (const kind of kinds) {
      const ms = detected.get(kind);
      console.log(`  broker-faults: stopped broker, ${kind}: noticed after ${ms ?? 'never'} ms = ${ms === undefined ? '-' : (ms / (keepalive * 1000)).toFixed(2)}x keepalive (${keepalive} s)`);
      assert.ok(ms !== undefined && ms <= keepalive * 1500, `${kind}: ${ms} ms`);
    }
  });
}

test.run();
