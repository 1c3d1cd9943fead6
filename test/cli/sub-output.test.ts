/**
 * `microtls sub` output byte for byte beside mosquitto_sub's, both run as processes on the
 * same private mosquitto: raw payload bytes (binary survives), -N, -v, -F, and the filters
 * (-T, -R, --retained-only, --remove-retained, -U, -E).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { run, start } from '../helpers/run-process.js';
import { cliPki, startCliBroker, subscribed, waitForLog, type CliBroker } from './fixtures.js';

const available = mosquittoAvailable('microtls sub output');
let b: CliBroker;
test.before(async () => {
  if (available) b = await startCliBroker();
});
test.after(async () => {
  await b?.broker.dispose();
});

const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(b.plain)];
let seq = 0;

/** Runs microtls sub and mosquitto_sub with the same flags, publishes with `publish`, returns both outputs. */
async function side(flags: string[], publish: () => Promise<void>): Promise<{ ours: Buffer; theirs: Buffer; codes: [number | null, number | null] }> {
  const id = `out${++seq}`;
  const ours = start('microtls', ['sub', ...hp(), '-i', `${id}m`, ...flags]);
  const theirs = start('mosquitto_sub', [...hp(), '-i', `${id}o`, ...flags]);
  await Promise.all([waitForLog(b.broker, subscribed(`${id}m`)), waitForLog(b.broker, subscribed(`${id}o`))]);
  await publish();
  const [o, t] = await Promise.all([ours.exited(), theirs.exited()]);
  assert.ok(o.stderr === '' || !/Error/.test(o.stderr), o.stderr);
  return { ours: o.stdout, theirs: t.stdout, codes: [o.code, t.code] };
}

const pub = async (args: string[]): Promise<void> => {
  const r = await run('mosquitto_pub', [...hp(), ...args]);
  assert.is(r.code, 0, r.stderr);
};

if (!available) {
  test.skip('microtls sub output beside mosquitto_sub — mosquitto not installed (Debian package mosquitto)', () => {});
} else {
  test('256 random bytes come out unchanged, as mosquitto_sub writes them (payload + newline)', async () => {
    const payload = randomBytes(256);
    const file = join(cliPki().dir, 'random.bin');
    writeFileSync(file, payload);
    const r = await side(['-t', 'bin/raw', '-C', '1', '-q', '1'], () => pub(['-t', 'bin/raw', '-q', '1', '-f', file]));
    assert.equal(r.codes, [0, 0]);
    assert.is(r.ours.length, 257);
    assert.ok(r.ours.subarray(0, 256).equals(payload), 'payload bytes unchanged');
    assert.ok(r.ours.equals(r.theirs), 'same bytes as mosquitto_sub');
  });

  test('a 300 KB message (beyond the library\'s device default) comes through as with mosquitto_sub', async () => {
    const payload = randomBytes(300 * 1024);
    const file = join(cliPki().dir, 'big.bin');
    writeFileSync(file, payload);
    const r = await side(['-t', 'bin/big', '-C', '1'], () => pub(['-t', 'bin/big', '-f', file]));
    assert.equal(r.codes, [0, 0]);
    assert.ok(r.ours.subarray(0, payload.length).equals(payload));
    assert.ok(r.ours.equals(r.theirs));
  });

  test('-N, -v and -F: same bytes as mosquitto_sub', async () => {
    const payload = Buffer.concat([Buffer.from('h\u00e9llo '), randomBytes(8)]);
    const file = join(cliPki().dir, 'mixed.bin');
    writeFileSync(file, payload);
    const variants: string[][] = [
      ['-N'],
      ['-v'],
      ['-v', '-N'],
      ['-F', '%t|%x|%X|%l|%q|%r|%%|%p'],
      ['-F', '[%10t][%-6l][%06l][%.3t]\\t%x\\n'],
      ['-F', '%p', '-N'],
    ];
    // All at once: the machine is shared, and each pair waits mostly for start-up.
    const results = await Promise.all(variants.map((v, i) => {
      const topic = `fmt/${i}`;
      return side(['-t', topic, '-C', '2', ...v], async () => {
        await pub(['-t', topic, '-f', file]);
        await pub(['-t', topic, '-n']);
      });
    }));
    for (const [i, r] of results.entries()) {
      const v = variants[i]!;
      assert.equal(r.codes, [0, 0], v.join(' '));
      assert.ok(r.ours.equals(r.theirs), `${v.join(' ')}:\n ours   ${JSON.stringify(r.ours.toString('latin1'))}\n theirs ${JSON.stringify(r.theirs.toString('latin1'))}`);
    }
  });

  test('-F %j: the JSON mosquitto_sub prints, timestamps aside', async () => {
    const r = await side(['-t', 'json/x', '-C', '2', '-q', '1', '-F', '%j'], async () => {
      await pub(['-t', 'json/x', '-q', '1', '-m', 'say "hi"\\ \u00e9']);
      await pub(['-t', 'json/x', '-n']);
    });
    assert.equal(r.codes, [0, 0]);
    const tst = /"tst":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z[+-]\d{4}"/g;
    assert.is(r.ours.toString().match(tst)?.length, 2, r.ours.toString());
    assert.is(r.ours.toString().replace(tst, '"tst":…'), r.theirs.toString().replace(tst, '"tst":…'));
  });

  test('-F with a specifier microtls does not have is refused before connecting, exit 1', async () => {
    const r = await run('microtls', ['sub', ...hp(), '-t', 'x', '-F', '%A']);
    assert.is(r.code, 1);
    assert.match(r.stderr, /'%A' is an MQTT v5 property/);
  });

  test('-T filters topics out, -R hides retained, --retained-only stops at the first live message: as mosquitto_sub', async () => {
    await pub(['-t', 'flt/kept', '-r', '-m', 'old']);
    const t = await side(['-t', 'flt/#', '-T', 'flt/skip/#', '-C', '2'], async () => {
      await pub(['-t', 'flt/skip/a', '-m', 'no']);
      await pub(['-t', 'flt/live', '-m', 'yes']);
    });
    assert.equal(t.codes, [0, 0]);
    assert.is(t.ours.toString(), 'old\nyes\n');
    assert.ok(t.ours.equals(t.theirs));
    const r = await side(['-t', 'flt/#', '-R', '-C', '1'], () => pub(['-t', 'flt/live', '-m', 'fresh']));
    assert.is(r.ours.toString(), 'fresh\n');
    assert.ok(r.ours.equals(r.theirs));
    const o = await side(['-t', 'flt/#', '--retained-only'], () => pub(['-t', 'flt/live', '-m', 'ends it']));
    assert.equal(o.codes, [0, 0]);
    assert.is(o.ours.toString(), 'old\n');
    assert.ok(o.ours.equals(o.theirs));
  });

  test('--remove-retained clears the retained messages it receives (and prints the clearing ones, as mosquitto_sub)', async () => {
    const lines = async (tool: string): Promise<string> => {
      await pub(['-t', 'rr/a', '-r', '-m', 'one']);
      await pub(['-t', 'rr/b', '-r', '-m', 'two']);
      // -W, not -C: mosquitto_sub does not count the clearing messages it prints.
      const args = [...hp(), '-t', 'rr/#', '--remove-retained', '-v', '-W', '2'];
      const r = await run(tool, tool === 'microtls' ? ['sub', ...args] : args);
      assert.is(r.code, 27, r.stderr);
      const after = await run('mosquitto_sub', [...hp(), '-t', 'rr/#', '-W', '1']);
      assert.is(after.stdout.toString(), '', `${tool}: nothing retained any more`);
      return r.stdout.toString().split('\n').sort().join('|');
    };
    const ours = await lines('microtls');
    assert.is(ours, '|rr/a (null)|rr/a one|rr/b (null)|rr/b two');
    assert.is(ours, await lines('mosquitto_sub'));
  });

  test('-E exits once subscribed; -U unsubscribes a persistent session\'s topic (as mosquitto_sub)', async () => {
    const e = await run('microtls', ['sub', ...hp(), '-t', 'e/a', '-E']);
    assert.is(e.code, 0, e.stderr);
    // A persistent session subscribed to u/x; -U removes it, so a later message is not queued.
    assert.is((await run('microtls', ['sub', ...hp(), '-c', '-i', 'usess', '-q', '1', '-t', 'u/x', '-E'])).code, 0);
    const u = await run('microtls', ['sub', ...hp(), '-c', '-i', 'usess', '-U', 'u/x', '-E']);
    assert.is(u.code, 0, u.stderr);
    assert.match(b.broker.log(), /Received UNSUBSCRIBE from usess/);
    await pub(['-t', 'u/x', '-q', '1', '-m', 'queued?']);
    const back = await run('microtls', ['sub', ...hp(), '-c', '-i', 'usess', '-t', 'other', '-W', '1']);
    assert.is(back.stdout.toString(), '', 'no message queued for the unsubscribed topic');
  });
}

test.run();
