/**
 * Warning alerts after the handshake are limited: each costs a decryption and does nothing,
 * so an endless stream of them is a CPU DoS that the empty-record guard does not see. As
 * OpenSSL does (MAX_WARN_ALERT_COUNT), the 5th warning in a row fails the connection; any
 * other record in between resets the count. Against the scripted server (real records from
 * the library's own record layer and key schedule).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { connect, lastErrors, MicroTlsError, type TlsSocket } from '../../src/node/index.js';
import { startScriptedServer, type ScriptedConnection, type ScriptedServer } from '../helpers/scripted-server.js';
import { withTimeout } from '../helpers/async.js';

const USER_CANCELED = Uint8Array.of(1, 90);
const servers: ScriptedServer[] = [];
test.after(async () => { await Promise.all(servers.map((s) => s.close())); });

async function setup(suite: string): Promise<[TlsSocket, ScriptedConnection]> {
  const server = await startScriptedServer({ suite });
  servers.push(server);
  const sock = connect({ host: '127.0.0.1', port: server.port, verify: false, keylog: server.keylog, timeout: 5000, cipherSuites: [suite] });
  sock.catch(() => undefined);
  return Promise.all([sock, server.connection]);
}

for (const suite of ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_CBC_SHA256']) {
  test(`${suite}: a flood of user_canceled warnings fails on the 5th (UNEXPECTED_MESSAGE, unexpected_message sent)`, async () => {
    const [sock, conn] = await setup(suite);
    const alerts: string[] = [];
    sock.on('alert', (a: { name: string; sent: boolean }) => { if (!a.sent) alerts.push(a.name); });
    const flood: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++) flood.push(conn.records.seal(21, USER_CANCELED));
    conn.sendRaw(Buffer.concat(flood));
    const [err] = (await withTimeout(once(sock, 'error'), 3000, 'socket error')) as [MicroTlsError];
    assert.instance(err, MicroTlsError);
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE', err.message);
    assert.match(err.message, /5 warning alerts in a row/);
    assert.is(alerts.length, 5, 'processing stopped at the 5th warning');
    assert.is(sock.lastErrors[0], err.code);
    assert.is(lastErrors()[0], err.code);
    const rec = await conn.nextRecord();
    assert.equal([rec.type, ...rec.fragment], [21, 2, 10], 'fatal unexpected_message sent');
  });
}

test('four warnings, then data, repeatedly: accepted (the count is of consecutive warnings)', async () => {
  const [sock, conn] = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const received: Buffer[] = [];
  sock.on('data', (d: Buffer) => received.push(d));
  let failed: unknown;
  sock.on('error', (e) => { failed = e; });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 4; i++) conn.send(21, USER_CANCELED);
    conn.send(23, Uint8Array.of(65 + round));
  }
  await withTimeout((async () => { while (Buffer.concat(received).length < 3 && !failed) await new Promise((r) => setTimeout(r, 10)); })(), 3000, 'data');
  assert.is(failed, undefined);
  assert.is(Buffer.concat(received).toString(), 'ABC');
  sock.destroy();
});

test.run();
