/**
 * Ctrl-C (SIGINT) and kill (SIGTERM) on `microtls sub` and `pub -l`: DISCONNECT goes out and
 * the command exits 0, as mosquitto_sub does, so the broker does not publish the Last Will.
 * A watcher subscribed to the will topic must hear nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { start } from '../helpers/run-process.js';
import { startCliBroker, subscribed, waitForLog, type CliBroker } from './fixtures.js';

const available = mosquittoAvailable('microtls signals');
let b: CliBroker;
test.before(async () => {
  if (available) b = await startCliBroker();
});
test.after(async () => {
  await b?.broker.dispose();
});

const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(b.plain)];
const will = (topic: string): string[] => ['--will-topic', topic, '--will-payload', 'client vanished', '--will-qos', '1'];

async function watch(topic: string, id: string) {
  const w = start('mosquitto_sub', [...hp(), '-i', id, '-t', topic, '-v', '-W', '3']);
  await waitForLog(b.broker, subscribed(id));
  return w;
}

if (!available) {
  test.skip('signals — mosquitto not installed (Debian package mosquitto)', () => {});
} else {
  test('sub: SIGINT and SIGTERM send DISCONNECT, exit 0, the will is not published; mosquitto_sub does the same', async () => {
    const watcher = await watch('will/sub', 'wsub');
    const runs = [
      { id: 'sigint_m', cmd: 'microtls', args: ['sub'], signal: 'SIGINT' as const },
      { id: 'sigterm_m', cmd: 'microtls', args: ['sub'], signal: 'SIGTERM' as const },
      { id: 'sigint_o', cmd: 'mosquitto_sub', args: [], signal: 'SIGINT' as const },
    ].map((r) => ({ ...r, p: start(r.cmd, [...r.args, ...hp(), '-i', r.id, '-t', 'sig/x', ...will('will/sub')]) }));
    await Promise.all(runs.map((r) => waitForLog(b.broker, subscribed(r.id))));
    for (const r of runs) r.p.kill(r.signal);
    for (const r of runs) {
      const done = await r.p.exited();
      assert.is(done.code, 0, `${r.cmd} ${r.signal}: ${done.stderr}`);
      await waitForLog(b.broker, new RegExp(`Received DISCONNECT from ${r.id}\\b`));
    }
    const heard = await watcher.exited();
    assert.is(heard.stdout.toString(), '', 'no Last Will was published');
  });

  test('sub whose reader went away (| head -1): DISCONNECT and exit 0, no EPIPE stack trace', async () => {
    const p = start('microtls', ['sub', ...hp(), '-i', 'piped', '-t', 'sig/pipe']);
    await waitForLog(b.broker, subscribed('piped'));
    const pub = (m: string) => start('mosquitto_pub', [...hp(), '-t', 'sig/pipe', '-m', m]).exited();
    await pub('first');
    await p.waitFor(/first/);
    p.child.stdout!.destroy(); // as head does after its first line
    await pub('second');
    await pub('third');
    const done = await p.exited();
    assert.is(done.code, 0, done.stderr);
    assert.not.match(done.stderr, /EPIPE|Unhandled/);
    await waitForLog(b.broker, /Received DISCONNECT from piped\b/);
  });

  test('pub -l waiting for input: SIGTERM sends DISCONNECT and exits 0', async () => {
    const watcher = await watch('will/pub', 'wpub');
    const p = start('microtls', ['pub', ...hp(), '-i', 'pub_l', '-t', 'sig/l', '-l', ...will('will/pub')]);
    await waitForLog(b.broker, /New client connected .* as pub_l /);
    p.child.stdin!.write('one line\n');
    await waitForLog(b.broker, /Received PUBLISH from pub_l/);
    p.kill('SIGTERM');
    const done = await p.exited();
    assert.is(done.code, 0, done.stderr);
    await waitForLog(b.broker, /Received DISCONNECT from pub_l\b/);
    assert.is((await watcher.exited()).stdout.toString(), '');
  });
}

test.run();
