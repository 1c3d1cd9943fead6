/**
 * The inbound packet limit: a device default of 256 KiB (not the protocol's 256 MB, which
 * would let one PUBLISH exhaust a device), and maxPacketSize still raises or lowers it.
 * Against mosquitto, which forwards whatever size a publisher sends.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync, DEFAULT_MAX_PACKET_SIZE, type MqttClient } from '../../src/mqtt/index.js';
import { MqttProtocolError } from '../../src/mqtt/errors.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

const available = mosquittoAvailable('mqtt packet size limit');
const brokers: Mosquitto[] = [];
const clients: MqttClient[] = [];
test.after(async () => {
  for (const c of clients) await c.end(true);
  for (const b of brokers) await b.dispose();
});

test('the default limit is 256 KiB', () => {
  assert.is(DEFAULT_MAX_PACKET_SIZE, 256 * 1024);
});

if (!available) {
  test.skip('packet size limit against mosquitto — mosquitto missing (see the warning above)', () => {});
} else {
  test('a 300 KB PUBLISH closes a default client with microtls-max-packet-size; maxPacketSize 1 MB takes it', async () => {
    const b = await startMosquitto({ verbose: false });
    brokers.push(b);
    const small = await connectAsync(b.url, { clientId: 'lim-small', reconnectPeriod: 0 });
    const big = await connectAsync(b.url, { clientId: 'lim-big', maxPacketSize: 1_000_000 });
    clients.push(small, big);
    await small.subscribe('lim/x');
    await big.subscribe('lim/x');
    const errors: Error[] = [];
    small.on('error', (e) => errors.push(e));
    const got: number[] = [];
    big.on('message', (_t, p) => got.push(p.length));
    const closed = new Promise<void>((r) => small.once('end', () => r()));
    const pub = await connectAsync(b.url, { clientId: 'lim-pub' });
    clients.push(pub);
    await pub.publish('lim/x', new Uint8Array(300_000), { qos: 1 });
    await closed;
    const end = Date.now() + 3000;
    while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(got, [300_000]);
    assert.ok(errors[0] instanceof MqttProtocolError, String(errors[0]));
    assert.is((errors[0] as MqttProtocolError).rule, 'microtls-max-packet-size');
  });
}

test.run();
