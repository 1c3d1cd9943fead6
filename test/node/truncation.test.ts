/**
 * Truncation: a TCP FIN without close_notify is not a clean end of stream. As Mbed TLS reports
 * MBEDTLS_ERR_SSL_CONN_EOF from its read, the socket fails with SSL_CONN_EOF (an 'error'
 * event, `truncated`, `lastErrors`) after delivering every byte that did arrive; the
 * documented allowTruncation option keeps the lenient 'end'. Against the scripted server,
 * which closes TCP without an alert, and a close_notify from it for the clean case.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, MicroTlsError, type TlsSocket } from '../../src/node/index.js';
import type { ConnectOptions } from '../../src/node/connect.js';
import { errorCode } from '../../src/errors.js';
import { startScriptedServer, type ScriptedConnection, type ScriptedServer } from '../helpers/scripted-server.js';
import { withTimeout } from '../helpers/async.js';

const servers: ScriptedServer[] = [];
test.after(async () => { await Promise.all(servers.map((s) => s.close())); });
const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';

async function setup(extra: Partial<ConnectOptions> = {}): Promise<[TlsSocket, ScriptedConnection]> {
  const server = await startScriptedServer({ suite: SUITE });
  servers.push(server);
  const sock = connect({ host: '127.0.0.1', port: server.port, verify: false, keylog: server.keylog, timeout: 5000, cipherSuites: [SUITE], ...extra });
  sock.catch(() => undefined);
  return Promise.all([sock, server.connection]);
}

interface Outcome { data: string; events: string[]; error?: unknown }

/** Reads until the socket ends, fails or closes. */
function watch(sock: TlsSocket): Promise<Outcome> {
  const o: Outcome = { data: '', events: [] };
  sock.on('data', (d: Buffer) => { o.data += d.toString(); });
  sock.on('end', () => o.events.push('end'));
  sock.on('error', (e) => { o.events.push('error'); o.error = e; });
  return withTimeout(new Promise<Outcome>((r) => sock.on('close', () => r(o))), 3000, 'socket close');
}

test('FIN without close_notify: every byte delivered, then an SSL_CONN_EOF error, no clean end', async () => {
  const [sock, conn] = await setup();
  const done = watch(sock);
  conn.send(23, new TextEncoder().encode('last words'));
  conn.sock.end();
  const o = await done;
  assert.is(o.data, 'last words', 'data before the FIN is not lost');
  assert.equal(o.events, ['error'], 'an error, not an end');
  assert.instance(o.error, MicroTlsError);
  assert.is((o.error as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_CONN_EOF');
  assert.match((o.error as MicroTlsError).message, /allowTruncation/);
  assert.is(sock.truncated, true);
  assert.is(sock.lastErrors[0], errorCode('SSL_CONN_EOF'));
});

test('FIN without close_notify while the reader is paused: the buffered data comes first, then the error', async () => {
  const [sock, conn] = await setup();
  sock.pause();
  conn.send(23, new TextEncoder().encode('queued'));
  conn.sock.end();
  await new Promise((r) => setTimeout(r, 200));
  const done = watch(sock);
  sock.resume();
  const o = await done;
  assert.is(o.data, 'queued');
  assert.equal(o.events, ['error']);
});

test('allowTruncation: the lenient end, still flagged and in lastErrors', async () => {
  const [sock, conn] = await setup({ allowTruncation: true });
  const done = watch(sock);
  conn.send(23, new TextEncoder().encode('bye'));
  conn.sock.end();
  const o = await done;
  assert.is(o.data, 'bye');
  assert.equal(o.events, ['end']);
  assert.is(sock.truncated, true);
  assert.is(sock.lastErrors[0], errorCode('SSL_CONN_EOF'));
});

test('close_notify then FIN: a clean end, not truncated (control)', async () => {
  const [sock, conn] = await setup();
  const done = watch(sock);
  conn.send(23, new TextEncoder().encode('done'));
  conn.send(21, Uint8Array.of(1, 0));
  conn.sock.end();
  const o = await done;
  assert.is(o.data, 'done');
  assert.equal(o.events, ['end']);
  assert.is(sock.truncated, false);
  assert.is(sock.closeNotifyReceived, true);
});

test.run();
