/** `microtls pub` / `microtls sub` run in-process through main(), against mosquitto and its own tools. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { main } from '../../src/cli/main.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { spawnProgram } from '../helpers/programs.js';
import { capture } from '../helpers/cli-io.js';

const available = mosquittoAvailable('microtls pub/sub');
let broker: Mosquitto;
test.before(async () => {
  if (available) broker = await startMosquitto();
});
test.after(async () => {
  await broker?.dispose();
});



const hp = (): string[] => ['-h', '127.0.0.1', '-p', String(broker.port)];

test('usage errors exit 1 with mosquitto\'s wording, before connecting', async () => {
  const cases: [string[], RegExp][] = [
    [['pub', '-t', 'a'], /Both topic and message must be supplied/],
    [['pub', '-t', 'a/+', '-m', 'x'], /Invalid publish topic 'a\/\+'/],
    [['sub', '-t', 'a/#/b'], /Invalid subscription topic 'a\/#\/b'/],
    [['pub', '-t', 'a', '-m', 'x', '-q', '3'], /Invalid QoS given: 3/],
    [['pub', '-t', 'a', '-m', 'x', '--tls-version', 'tlsv1.3'], /tlsv1.2 only/],
    [['sub', '-t', 'a', '-c'], /client id/],
    [['pub', '-t', 'a', '-m', 'x', '-P', 'pw'], /MQTT-3.1.2-22/],
    [['sub', '-t', 'a', '--bogus'], /Unknown option '--bogus'/],
    [['sub'], /must specify a topic/],
  ];
  for (const [argv, re] of cases) {
    const c = capture();
    assert.is(await main(argv, c.io), 1, argv.join(' '));
    assert.match(c.err.join('\n'), re);
  }
  const h = capture();
  assert.is(await main(['pub', '--help'], h.io), 0);
  assert.match(h.out.join('\n'), /--insecure: no certificate verification at all/);
});

test('connection refused: exit 1 and the Mbed TLS-style code and name', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  const c = capture();
  assert.is(await main(['pub', '-h', '127.0.0.1', '-p', String(port), '-t', 'a', '-m', 'x'], c.io), 1);
  assert.match(c.err.join('\n'), /-0x0044 MBEDTLS_ERR_NET_CONNECT_FAILED/);
});

test('CONNACK refusal: exit code is the return code, as mosquitto_pub/sub do', async () => {
  const srv = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(Buffer.from('20020005', 'hex')));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const port = String((srv.address() as net.AddressInfo).port);
    const c = capture();
    assert.is(await main(['pub', '-h', '127.0.0.1', '-p', port, '-t', 'a', '-m', 'x'], c.io), 5);
    assert.match(c.err.join('\n'), /Connection error: -0x5900 MICROTLS_ERR_MQTT_CONNACK_REFUSED: Connection Refused, not authorized/);
    const s = capture();
    assert.is(await main(['sub', '-h', '127.0.0.1', '-p', port, '-t', 'a'], s.io), 5);
  } finally {
    await new Promise((r) => srv.close(r));
  }
});

if (!available) {
  test.skip('CLI broker tests: mosquitto is not installed (apt-get install mosquitto)', () => {});
} else {
  test('sub -v -C 2 prints "topic payload" lines and exits 0; empty payload is (null)', async () => {
    const s = capture();
    const running = main(['sub', ...hp(), '-t', 'cli/v/#', '-v', '-C', '2', '-q', '1', '-d'], s.io);
    await s.waitOut(/received SUBACK/);
    assert.is(await main(['pub', ...hp(), '-t', 'cli/v/a', '-m', 'hello world', '-q', '1'], capture().io), 0);
    assert.is(await main(['pub', ...hp(), '-t', 'cli/v/b', '-n'], capture().io), 0);
    assert.is(await running, 0);
    const lines = s.out.filter((l) => !l.startsWith('Client '));
    assert.equal(lines, ['cli/v/a hello world', 'cli/v/b (null)']);
  });

  test('sub without -v prints payloads only; -W elapses with exit 27 "Timed out"', async () => {
    const s = capture();
    const running = main(['sub', ...hp(), '-t', 'cli/w', '-W', '1', '-d'], s.io);
    await s.waitOut(/received SUBACK/);
    assert.is(await main(['pub', ...hp(), '-t', 'cli/w', '-m', 'only payload'], capture().io), 0);
    const started = Date.now();
    assert.is(await running, 27);
    assert.ok(Date.now() - started < 2000);
    assert.ok(s.out.includes('only payload'));
    assert.equal(s.err, ['Timed out']);
  });

  test('pub -r -q 2 then sub gets the retained message; -R hides stale retained ones', async () => {
    assert.is(await main(['pub', ...hp(), '-t', 'cli/ret', '-m', 'kept', '-r', '-q', '2'], capture().io), 0);
    const s = capture();
    assert.is(await main(['sub', ...hp(), '-t', 'cli/ret', '-C', '1', '-W', '5'], s.io), 0);
    assert.equal(s.out, ['kept']);
    const r = capture();
    assert.is(await main(['sub', ...hp(), '-t', 'cli/ret', '-R', '-W', '1'], r.io), 27);
    assert.equal(r.out, []);
    await main(['pub', ...hp(), '-t', 'cli/ret', '-n', '-r'], capture().io);
  });

  test('pub -d traces the exchange in mosquitto\'s format', async () => {
    const c = capture();
    assert.is(await main(['pub', ...hp(), '-t', 'cli/d', '-m', 'hi', '-q', '1', '-i', 'dbg', '-d'], c.io), 0);
    assert.equal(c.out, [
      'Client dbg sending CONNECT',
      'Client dbg received CONNACK (0)',
      "Client dbg sending PUBLISH (d0, q1, r0, m1, 'cli/d', ... (2 bytes))",
      'Client dbg received PUBACK (Mid: 1)',
      'Client dbg sending DISCONNECT',
    ]);
  });

  test('interop with mosquitto\'s own tools: mosquitto_sub receives microtls pub, microtls sub receives mosquitto_pub', async () => {
    const child = spawnProgram('mosquitto_sub', [...hp(), '-t', 'cli/x', '-C', '1', '-v', '-W', '5', '-q', '2']);
    let childOut = '';
    child.stdout!.on('data', (d: Buffer) => (childOut += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 300)); // mosquitto_sub has no readiness signal
    assert.is(await main(['pub', ...hp(), '-t', 'cli/x', '-m', 'from microtls', '-q', '2'], capture().io), 0);
    assert.is(await exited, 0);
    assert.is(childOut.trim(), 'cli/x from microtls');

    const s = capture();
    const running = main(['sub', ...hp(), '-t', 'cli/y', '-C', '1', '-d', '-q', '1'], s.io);
    await s.waitOut(/received SUBACK/);
    const pub = spawnProgram('mosquitto_pub', [...hp(), '-t', 'cli/y', '-m', 'from mosquitto_pub', '-q', '1']);
    assert.is(await new Promise((r) => pub.on('exit', r)), 0);
    assert.is(await running, 0);
    assert.ok(s.out.includes('from mosquitto_pub'));
  });
}

test.run();
