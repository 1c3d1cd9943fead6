/**
 * Bad input after encryption starts, from a scripted server (see helpers/scripted-server):
 * every case checks the client's error code, the alert it sent (decrypted by the server)
 * and that the connection ended; HelloRequest checks the connection stays usable.
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

async function setup(suite: string, badFinished = false): Promise<{ sock: Promise<TlsSocket>; conn: Promise<ScriptedConnection> }> {
  const server = await startScriptedServer({ suite, badFinished });
  servers.push(server);
  const sock = connect({ host: '127.0.0.1', port: server.port, verify: false, keylog: server.keylog, timeout: 5000, cipherSuites: [suite] });
  sock.catch(() => undefined);
  return { sock, conn: server.connection };
}

/** Waits for the socket's error and the alert the client sent for it. */
async function expectSocketError(sock: TlsSocket, conn: ScriptedConnection, code: string, alert: number): Promise<MicroTlsError> {
  const [err] = (await withTimeout(once(sock, 'error'), 3000, 'socket error')) as [MicroTlsError];
  assert.instance(err, MicroTlsError);
  assert.is(err.codeName, `MBEDTLS_ERR_${code}`, err.message);
  const rec = await conn.nextRecord();
  assert.is(rec.type, 21);
  assert.equal([...rec.fragment], [2, alert]);
  await withTimeout(once(conn.sock, 'close'), 3000, 'client closes the TCP connection');
  assert.is(sock.lastErrors[0], err.code);
  return err;
}

test('HelloRequest after the handshake: warning no_renegotiation, connection stays up', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(22, hsMessage(0, new Uint8Array(0)));
  const alert = await conn.nextRecord();
  assert.is(alert.type, 21);
  assert.equal([...alert.fragment], [1, 100]);
  conn.send(23, Buffer.from('still here'));
  const [data] = await withTimeout(once(sock, 'data'), 3000, 'data after HelloRequest');
  assert.is((data as Buffer).toString(), 'still here');
  sock.write('and the client too');
  const rec = await conn.nextRecord();
  assert.is(Buffer.from(rec.fragment).toString(), 'and the client too');
  sock.destroy();
});

test('wrong server Finished: BAD_HS_FINISHED, decrypt_error', async () => {
  const { sock, conn } = await setup('TLS_RSA_WITH_AES_128_CBC_SHA', true);
  const err = await withTimeout(sock.then(() => null, (e: unknown) => e), 5000, 'connect') as MicroTlsError;
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_FINISHED');
  const c = await conn;
  const rec = await c.nextRecord();
  assert.equal([rec.type, ...rec.fragment], [21, 2, 51]);
});

for (const suite of ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_CCM_8', 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA']) {
  test(`${suite}: a flipped ciphertext bit gives INVALID_MAC and bad_record_mac`, async () => {
    const { sock: p, conn: c } = await setup(suite);
    const [sock, conn] = await Promise.all([p, c]);
    const rec = conn.records.seal(23, new Uint8Array(100).fill(0x61));
    rec[rec.length - 20]! ^= 0x01;
    conn.sendRaw(rec);
    await expectSocketError(sock, conn, 'SSL_INVALID_MAC', 20);
  });
}

test('CBC record with a wrong length (not whole blocks): INVALID_MAC', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_CBC_SHA');
  const [sock, conn] = await Promise.all([p, c]);
  const rec = conn.records.seal(23, new Uint8Array(40));
  const cut = rec.subarray(0, rec.length - 3);
  cut[3] = (cut.length - 5) >> 8; cut[4] = (cut.length - 5) & 0xff;
  conn.sendRaw(cut);
  await expectSocketError(sock, conn, 'SSL_INVALID_MAC', 20);
});

test('garbage after the handshake: INVALID_RECORD, unexpected_message', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_CCM');
  const [sock, conn] = await Promise.all([p, c]);
  conn.sendRaw(Buffer.from('garbage that is not a TLS record'));
  await expectSocketError(sock, conn, 'SSL_INVALID_RECORD', 10);
});

test('encrypted record longer than 2^14+2048: record_overflow', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.sendRaw(Uint8Array.of(23, 3, 3, 0x48, 0x01));
  await expectSocketError(sock, conn, 'SSL_INVALID_RECORD', 22);
});

test('record that decrypts to more than 2^14 bytes: record_overflow', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  // Finished used sequence number 0; this is record 1.
  const frag = conn.sealFragment(23, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), new Uint8Array(16385));
  conn.sendRaw(Uint8Array.of(23, 3, 3, frag.length >> 8, frag.length & 0xff, ...frag));
  await expectSocketError(sock, conn, 'SSL_INVALID_RECORD', 22);
});

test('a handshake message after the handshake (ServerHello): UNEXPECTED_MESSAGE', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(22, hsMessage(2, new Uint8Array(38)));
  await expectSocketError(sock, conn, 'SSL_UNEXPECTED_MESSAGE', 10);
});

test('ChangeCipherSpec after the handshake: UNEXPECTED_MESSAGE', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(20, Uint8Array.of(1));
  await expectSocketError(sock, conn, 'SSL_UNEXPECTED_MESSAGE', 10);
});

test('fatal alert after the handshake: socket error FATAL_ALERT_MESSAGE, no alert sent back', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(21, Uint8Array.of(2, 80));
  const [err] = (await withTimeout(once(sock, 'error'), 3000, 'socket error')) as [MicroTlsError];
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.match(err.message, /internal_error \(80\)/);
  await withTimeout(once(conn.sock, 'close'), 3000, 'client closes');
});

test('empty application data record is accepted; data continues', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_256_CBC_SHA');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(23, new Uint8Array(0));
  conn.send(23, Buffer.from('after empty'));
  const [data] = await withTimeout(once(sock, 'data'), 3000, 'data');
  assert.is((data as Buffer).toString(), 'after empty');
  sock.destroy();
});

test('server closes TCP without close_notify: data delivered, then SSL_CONN_EOF (truncation), recorded', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_GCM_SHA256');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(23, Buffer.from('last words'));
  conn.sock.end();
  const chunks: Buffer[] = [];
  sock.on('data', (d: Buffer) => chunks.push(d));
  const [err] = await withTimeout(once(sock, 'error'), 3000, 'error');
  assert.is((err as { code: number }).code, -0x7280);
  assert.is(Buffer.concat(chunks).toString(), 'last words');
  assert.not.ok(sock.closeNotifyReceived);
  assert.is(sock.lastErrors[0], -0x7280);
});

test('server close_notify: client answers with close_notify and the stream ends', async () => {
  const { sock: p, conn: c } = await setup('TLS_RSA_WITH_AES_128_CCM_8');
  const [sock, conn] = await Promise.all([p, c]);
  conn.send(21, Uint8Array.of(1, 0));
  sock.resume();
  await withTimeout(once(sock, 'end'), 3000, 'end');
  assert.ok(sock.closeNotifyReceived);
  const rec = await conn.nextRecord();
  assert.equal([rec.type, ...rec.fragment], [21, 1, 0]);
});

test.run();
