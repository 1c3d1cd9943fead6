/**
 * Regression: `microtls sub -c` (persistent session) must print the messages the broker queued
 * while it was away. mosquitto sends them right behind CONNACK, often in the same TCP
 * segment; a 'message' listener attached only after connectAsync resolved missed them
 * while the client still acknowledged them to the broker: silent loss of QoS 1 messages.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.js';
import { connectAsync } from '../../src/mqtt/index.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { capture } from '../helpers/cli-io.js';

const available = mosquittoAvailable('microtls sub -c');
let broker: Mosquitto | undefined;
test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.dispose();
});

const define = available ? test : test.skip;
define(`sub -c -q 1: messages queued for the session while offline are all printed${available ? '' : ' (mosquitto is not installed: apt-get install mosquitto)'}`, async () => {
  const io = capture;
  const b = broker!;
  const hp = ['-h', '127.0.0.1', '-p', String(b.port)];
  // 1. Create the persistent session with its subscription, then leave.
  const first = io();
  assert.is(await main(['sub', ...hp, '-c', '-i', 'persist-sub', '-q', '1', '-t', 'persist/q', '-W', '1'], first.io), 27);
  // 2. While it is away, three QoS 1 messages are queued for it.
  const pub = await connectAsync(b.url, { reconnectPeriod: 0 });
  for (const m of ['one', 'two', 'three']) await pub.publish('persist/q', m, { qos: 1 });
  await pub.end();
  // 3. Coming back: all three, then exit on -C 3.
  const again = io();
  const code = await main(['sub', ...hp, '-c', '-i', 'persist-sub', '-q', '1', '-t', 'persist/q', '-C', '3', '-W', '3'], again.io);
  assert.equal(again.out, ['one', 'two', 'three'], `stderr: ${again.err.join('\n')}`);
  assert.is(code, 0);
});

test.run();
