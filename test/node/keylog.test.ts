import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/node/index.js';
import { keyLogSink } from '../../src/node/keylog.js';
import { startNodeServer, type RunningServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-keylog-'));
let server: RunningServer;

test.before(async () => { server = await startNodeServer({ ciphers: 'AES256-GCM-SHA384:AES128-SHA' }); });
test.after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

async function handshake(keylog: string | ((l: string) => void), suite: string): Promise<void> {
  const sock = await withTimeout(connect({ host: '127.0.0.1', port: server.port, verify: false, keylog, cipherSuites: [suite] }), 5000, 'connect');
  sock.destroy();
  // Node emits 'keylog' from its own handshake; give the event loop a turn.
  await new Promise((r) => setTimeout(r, 20));
}

test('callback lines equal the lines of Node\'s keylog event (SHA-384 and SHA-256 PRF)', async () => {
  for (const suite of ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_RSA_WITH_AES_128_CBC_SHA']) {
    const lines: string[] = [];
    server.keylog.length = 0;
    await handshake((l) => lines.push(l), suite);
    assert.is(lines.length, 1);
    assert.match(lines[0]!, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    assert.equal(server.keylog, lines, suite);
  }
});

test('file path option appends one line per connection', async () => {
  const file = join(dir, 'keys.log');
  server.keylog.length = 0;
  await handshake(file, 'TLS_RSA_WITH_AES_128_CBC_SHA');
  await handshake(file, 'TLS_RSA_WITH_AES_128_CBC_SHA');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines, server.keylog);
  assert.is(lines.length, 2);
});

test('SSLKEYLOGFILE is used when the option is absent; the option wins', () => {
  assert.is(keyLogSink(undefined, {}), undefined);
  const file = join(dir, 'env.log');
  keyLogSink(undefined, { SSLKEYLOGFILE: file })!('CLIENT_RANDOM aa bb');
  assert.is(readFileSync(file, 'utf8'), 'CLIENT_RANDOM aa bb\n');
  const seen: string[] = [];
  keyLogSink((l) => seen.push(l), { SSLKEYLOGFILE: file })!('x');
  assert.equal(seen, ['x']);
});

test.run();
