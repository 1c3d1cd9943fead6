/**
 * A broker that stops (SIGSTOP: the process hangs, its TCP connections stay open) is noticed
 * within 1.5x keepalive whatever the client does: idle, publishing QoS 0 every second (no
 * answers owed, and sending never lets the keepalive ping), or publishing QoS 1 every second.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync, type MqttClient } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const available = mosquittoAvailable('mqtt dead broker');
const brokers: Mosquitto[] = [];
const clients: MqttClient[] = [];
const timers: ReturnType<typeof setInterval>[] = [];
test.after(async () => {
  for (const t of timers) clearInterval(t);
  for (const c of clients) await c.end(true);
  for (const b of brokers) await b.dispose();
});

const KEEPALIVE_S = 2;

if (!available) {
  test.skip('dead broker — mosquitto missing (see the warning above)', () => {});
} else {
  test(`SIGSTOP'd broker noticed within 1.5x keepalive (${KEEPALIVE_S} s): idle, QoS 0 every second, QoS 1 every second`, async () => {
    const b = await startMosquitto({ verbose: false });
    brokers.push(b);
    const kinds = ['idle', 'qos0 every 1 s', 'qos1 every 1 s'] as const;
    const detected = new Map<string, { ms: number; err: Error | undefined }>();
    let stoppedAt = 0;
    for (const kind of kinds) {
      const c = await connectAsync(b.url, { clientId: `dead-${kinds.indexOf(kind)}`, keepalive: KEEPALIVE_S, reconnectPeriod: 0 });
      clients.push(c);
      let lastErr: Error | undefined;
      c.on('error', (e) => (lastErr = e));
      c.on('close', () => {
        if (stoppedAt && !detected.has(kind)) detected.set(kind, { ms: Date.now() - stoppedAt, err: lastErr });
      });
      if (kind !== 'idle') {
        const qos = kind.startsWith('qos1') ? 1 : 0;
        timers.push(setInterval(() => void c.publish('dead/x', 'tick', { qos }).catch(() => {}), 1000));
      }
    }
    // The idle client's worst case: the broker stops just after answering its PINGREQ.
    await new Promise<void>((r) => clients[0]!.once('packetreceive', (p) => p.type === 'pingresp' && r()));
    stoppedAt = Date.now();
    b.signal('SIGSTOP');
    const limit = KEEPALIVE_S * 1500;
    while (detected.size < kinds.length && Date.now() - stoppedAt < limit + 2000) await new Promise((r) => setTimeout(r, 20));
    b.signal('SIGCONT');
    for (const kind of kinds) {
      const d = detected.get(kind);
      assert.ok(d, `${kind}: the dead broker was never noticed`);
      console.log(`  dead broker, ${kind}: noticed after ${d!.ms} ms = ${(d!.ms / (KEEPALIVE_S * 1000)).toFixed(2)}x keepalive`);
      assert.ok(d!.ms <= limit, `${kind}: noticed after ${d!.ms} ms, more than 1.5x keepalive`);
      assert.ok(d!.err instanceof MicroTlsError && d!.err.codeName === 'MICROTLS_ERR_MQTT_TIMEOUT', `${kind}: ${String(d!.err)}`);
    }
  });
}

test.run();
