/**
 * `microtls sub` while its broker is away, run as a process beside mosquitto_sub: under -d a
 * "reconnecting in 1 s (attempt K)" line per attempt, without -d one notice; and back within
 * about a second of the broker's return, as mosquitto_sub (which retries every second).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { run, start, type Running } from '../helpers/run-process.js';
import { sleep } from '../helpers/async.js';
import { subscribed, waitForLog } from './fixtures.js';

const available = mosquittoAvailable('microtls sub reconnect');
let broker: Mosquitto;
test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.dispose();
});

if (!available) {
  test.skip('sub reconnect — mosquitto not installed (Debian package mosquitto)', () => {});
} else {
  test('broker stopped for 4 s: progress per attempt under -d, one notice without; all back after the restart', async () => {
    const hp = ['-h', '127.0.0.1', '-p', String(broker.port)];
    const subs: Record<string, Running> = {
      debug: start('microtls', ['sub', ...hp, '-i', 'rc_debug', '-t', 'rc/x', '-q', '1', '-C', '1', '-d']),
      quiet: start('microtls', ['sub', ...hp, '-i', 'rc_plain', '-t', 'rc/x', '-q', '1', '-C', '1']),
      theirs: start('mosquitto_sub', [...hp, '-i', 'rc_mosq', '-t', 'rc/x', '-q', '1', '-C', '1']),
    };
    await Promise.all(['rc_debug', 'rc_plain', 'rc_mosq'].map((id) => waitForLog(broker, subscribed(id))));
    await broker.stop();
    await subs.debug!.waitFor(/Client rc_debug reconnecting in 1 s \(attempt 1\)/);
    await subs.debug!.waitFor(/reconnecting in 1 s \(attempt 3\)/);
    await subs.quiet!.waitFor(/Connection lost/);
    await sleep(500);
    const before = broker.log().length;
    await broker.start();
    const restarted = Date.now();
    const back: Record<string, number> = {};
    await Promise.all(['rc_debug', 'rc_plain', 'rc_mosq'].map(async (id) => {
      const end = Date.now() + 15_000;
      while (!new RegExp(`as ${id} `).test(broker.log().slice(before))) {
        if (Date.now() > end) throw new Error(`${id} did not come back:\n${broker.log().slice(before)}`);
        await sleep(20);
      }
      back[id] = Date.now() - restarted;
    }));
    // Resubscribed (clean session): a message now reaches all three.
    await Promise.all(['rc_debug', 'rc_plain', 'rc_mosq'].map((id) => waitForLog(broker, subscribed(id))));
    const p = await run('mosquitto_pub', [...hp, '-t', 'rc/x', '-q', '1', '-m', 'after restart']);
    assert.is(p.code, 0, p.stderr);
    const results = await Promise.all(Object.values(subs).map((s) => s.exited()));
    for (const r of results) {
      assert.is(r.code, 0, r.stderr);
      assert.is(r.stdout.toString().split('\n').filter((l) => !l.startsWith('Client ')).join('|'), 'after restart|');
    }
    const debugLines = results[0]!.stderr.split('\n').filter((l) => /reconnecting in/.test(l));
    assert.ok(debugLines.length >= 3, results[0]!.stderr);
    assert.ok(debugLines.every((l) => /reconnecting in 1 s \(attempt \d+\)$/.test(l)), 'the delay stays 1 s');
    const notices = results[1]!.stderr.split('\n').filter(Boolean);
    assert.is(notices.length, 2, results[1]!.stderr);
    assert.match(notices[0]!, /^Connection lost( \(.*\))?; reconnecting every 1 s \(-d shows each attempt\)\.$/);
    assert.is(notices[1], 'Reconnected.');
    // The library default (doubling to 30 s) came back ~7 s after a 4 s outage; mosquitto_sub ~1 s.
    assert.ok(back.rc_debug! < 3000 && back.rc_plain! < 3000, `back after ${JSON.stringify(back)} ms`);
  });
}

test.run();
