/**
 * mosquitto_pub/sub flags microtls gained, run as processes beside mosquitto's tools: -l,
 * --repeat/--repeat-delay, the long forms, -I, -x; and the flags it refuses with a reason.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { run, start } from '../helpers/run-process.js';
import { startCliBroker, subscribed, waitForLog, type CliBroker } from './fixtures.js';

const available = mosquittoAvailable('microtls pub/sub flags');
let b: CliBroker;
test.before(async () => {
  if (available) b = await startCliBroker();
});
test.after(async () => {
  await b?.broker.dispose();
});

const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(b.plain)];

/** What a mosquitto_sub -v listener on `topic` prints while `send` runs (exactly `count` messages). */
async function heard(topic: string, id: string, count: number, send: () => Promise<void>): Promise<string> {
  const listener = start('mosquitto_sub', [...hp(), '-i', id, '-t', topic, '-v', '-C', String(count)]);
  await waitForLog(b.broker, subscribed(id));
  await send();
  const r = await listener.exited();
  assert.is(r.code, 0, r.stderr);
  return r.stdout.toString('latin1');
}

if (!available) {
  test.skip('pub/sub flags beside mosquitto — mosquitto not installed (Debian package mosquitto)', () => {});
} else {
  test('pub -l: one message per line of stdin, empty lines and a last line without newline included, as mosquitto_pub -l', async () => {
    const input = 'first\n\nthird line\nlast without newline';
    const send = (tool: string, topic: string) => async () => {
      const args = [...hp(), '-t', topic, '-l', '-q', '1'];
      const r = await run(tool, tool === 'microtls' ? ['pub', ...args] : args, { stdin: input });
      assert.is(r.code, 0, r.stderr);
    };
    const ours = await heard('lines/m', 'lm', 4, send('microtls', 'lines/m'));
    const theirs = await heard('lines/o', 'lo', 4, send('mosquitto_pub', 'lines/o'));
    assert.is(ours, 'lines/m first\nlines/m (null)\nlines/m third line\nlines/m last without newline\n');
    assert.is(ours.replaceAll('lines/m', 'lines/o'), theirs);
  });

  test('pub -l -M 5 -q 1: 300 lines arrive complete and in order, as from mosquitto_pub -l -M 5', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`);
    const input = lines.join('\n') + '\n';
    const send = (tool: string, topic: string) => async () => {
      const args = [...hp(), '-t', topic, '-l', '-q', '1', '-M', '5'];
      const r = await run(tool, tool === 'microtls' ? ['pub', ...args] : args, { stdin: input });
      assert.is(r.code, 0, r.stderr);
    };
    const ours = await heard('many/m', 'mm', 300, send('microtls', 'many/m'));
    const theirs = await heard('many/o', 'mo', 300, send('mosquitto_pub', 'many/o'));
    assert.is(ours, lines.map((l) => `many/m ${l}\n`).join(''));
    assert.is(ours.replaceAll('many/m', 'many/o'), theirs);
  });

  test('--repeat 3 --repeat-delay 0.2 sends the message three times, the delay apart', async () => {
    let ms = 0;
    const out = await heard('rep', 'rep1', 3, async () => {
      const r = await run('microtls', ['pub', ...hp(), '-t', 'rep', '-m', 'again', '--repeat', '3', '--repeat-delay', '0.2']);
      assert.is(r.code, 0, r.stderr);
      ms = r.ms;
    });
    assert.is(out, 'rep again\nrep again\nrep again\n');
    assert.ok(ms >= 400, `two delays of 200 ms (took ${ms} ms)`);
  });

  test('long forms --host --port --topic --message --qos --id --username --pw; -I prefix; -x accepted and ignored with MQTT 3.1.1', async () => {
    const out = await heard('long/#', 'long0', 2, async () => {
      const r = await run('microtls', ['pub', '--host', '127.0.0.1', '--port', String(b.plain), '--topic', 'long/a', '--message', 'm1',
        '--qos', '1', '--id', 'long1', '--username', 'alice', '--pw', 'pw', '-x', '60']);
      assert.is(r.code, 0, r.stderr);
      const p = await run('microtls', ['pub', ...hp(), '-t', 'long/b', '-m', 'm2', '-I', 'prefix_']);
      assert.is(p.code, 0, p.stderr);
    });
    assert.is(out, 'long/a m1\nlong/b m2\n');
    assert.match(b.broker.log(), /as long1 \(p2, c1, k60, u'alice'\)/);
    assert.match(b.broker.log(), /as prefix_\d+ /);
    const s = await run('microtls', ['sub', '--host', '127.0.0.1', '--port', String(b.plain), '--topic', 'long/none', '--id', 'long2', '-W', '1', '--verbose']);
    assert.is(s.code, 27, s.stderr);
  });

  test('mosquitto flags microtls does not have are refused with the reason, exit 1, before connecting', async () => {
    const cases: [string[], RegExp][] = [
      [['-A', '127.0.0.1'], /-A: binding to a local address is not supported by microtls/],
      [['--psk', 'abcd', '--psk-identity', 'x'], /--psk: TLS-PSK is not supported/],
      [['--proxy', 'socks5h://x'], /--proxy: SOCKS proxies are not supported/],
      [['-D', 'connect', 'user-property', 'a', 'b'], /-D: MQTT v5 properties are not supported/],
      [['--tls-use-os-certs'], /--tls-use-os-certs: the OS certificate store is not used/],
      [['-V', 'mqttv5'], /microtls speaks MQTT 3\.1\.1 \(mqttv311\) only/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['-C', '1'], /-C is a microtls sub option, not one of microtls pub/],
    ];
    const results = await Promise.all(cases.map(([extra]) => run('microtls', ['pub', '-p', '1', '-t', 'a', '-m', 'x', ...extra])));
    for (const [i, [extra, re]] of cases.entries()) {
      const r = results[i]!;
      assert.is(r.code, 1, extra.join(' '));
      assert.match(r.stderr, re);
      assert.match(r.stderr, /Use --help to see usage\./);
    }
    const theirs = await run('mosquitto_pub', ['-p', '1', '-t', 'a', '-m', 'x', '--bogus']);
    assert.is(theirs.code, 1, 'mosquitto_pub exits 1 for a usage error too');
  });
}

test.run();
