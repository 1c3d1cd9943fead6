/**
 * Floods in the record layer, against the scripted server
 * (helpers/scripted-server): consecutive empty records are a known DoS (Mbed TLS refuses
 * the fourth in a row with INVALID_MAC, OpenSSL the 33rd).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { connect, MicroTlsError, type TlsSocket } from '../../src/node/index.js';
import { startScriptedServer, type ScriptedConnection, type ScriptedServer } from '../helpers/scripted-server.js';
import { withTimeout } from '../helpers/async.js';
import { hsMessage } from '../helpers/hostile.js';

const servers: ScriptedServer[] = [];
test.after(async () => { await Promise.all(servers.map((s) => s.close())); });

async function setup(suite: string): Promise<[TlsSocket, ScriptedConnection]> {
  const server = await startScriptedServer({ suite });
  servers.push(server);
  const sock = connect({ host: '127.0.0.1', port: server.port, verify: false, keylog: server.keylog, timeout: 5000, cipherSuites: [suite] });
  sock.catch(() => undefined);
  return Promise.all([sock, server.connection]);
}

for (const suite of ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA']) {
  test(`${suite}: a flood of empty application-data records ends the connection (INVALID_MAC, bad_record_mac)`, async () => {
    const [sock, conn] = await setup(suite);
    const flood: Uint8Array[] = [];
    for (let i = 0; i < 1000; i++) flood.push(conn.records.seal(23, new Uint8Array(0)));
    conn.sendRaw(Buffer.concat(flood));
    const [err] = (await withTimeout(once(sock, 'error'), 3000, 'socket error')) as [MicroTlsError];
    assert.instance(err, MicroTlsError);
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC', err.message);
    const rec = await conn.nextRecord();
    assert.equal([rec.type, ...rec.fragment], [21, 2, 20]);
  });
}

test('three empty records, then data: accepted (the count is of consecutive empty records)', async () => {
  const [sock, conn] = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const got = once(sock, 'data');
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 3; i++) conn.send(23, new Uint8Array(0));
    conn.send(23, Buffer.from(`x${round}`));
  }
  const [first] = await withTimeout(got, 3000, 'data');
  assert.ok(Buffer.from(first as Buffer).toString().startsWith('x0'));
  await new Promise((r) => setTimeout(r, 100));
  assert.is(sock.destroyed, false);
  assert.is(sock.lastErrors.length, 0);
  sock.destroy();
});

test('HelloRequest flood after the handshake: declined once, no alert per request (output stays bounded)', async () => {
  const [sock, conn] = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const hr = hsMessage(0, new Uint8Array(0));
  // 4000 HelloRequests in one record: answering each would send ~31 bytes per 4 received,
  // and a server that never reads would make the client queue them without bound.
  conn.send(22, Buffer.concat(Array.from({ length: 4000 }, () => hr)));
  conn.send(22, Buffer.concat(Array.from({ length: 4000 }, () => hr)));
  conn.send(23, Buffer.from('still here'));
  const [data] = await withTimeout(once(sock, 'data'), 3000, 'data after the HelloRequests');
  assert.is(Buffer.from(data as Buffer).toString(), 'still here');
  sock.write('from the client');
  const first = await conn.nextRecord();
  assert.equal([first.type, ...first.fragment], [21, 1, 100], 'one warning no_renegotiation');
  const second = await conn.nextRecord();
  assert.is(second.type, 23, 'then the application data, not more alerts');
  assert.is(Buffer.from(second.fragment).toString(), 'from the client');
  sock.destroy();
});

test.run();
