/**
 * Malformed and hostile server bytes before encryption starts: each case must end with
 * the right Mbed TLS code, the right alert sent to the server, the connection closed and
 * nothing left waiting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type net from 'node:net';
import { connect, lastErrors, MicroTlsError } from '../../src/node/index.js';
import type { ConnectOptions } from '../../src/node/connect.js';
import { createTestPki } from '../helpers/pki.js';
import {
  certificateMessage, hostileServer, hsMessage, plaintextAlerts, record, serverHello, serverHelloDone, type HostileRun,
} from '../helpers/hostile.js';
import { withTimeout } from '../helpers/async.js';

const pki = createTestPki();
const runs: HostileRun[] = [];

async function expectFailure(
  reply: (sock: net.Socket, hello: Uint8Array) => void, code: string, alert: number | null, opts: Partial<ConnectOptions> = {},
): Promise<MicroTlsError> {
  const run = await hostileServer(reply);
  runs.push(run);
  const err = await withTimeout(
    connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 3000, ...opts }).then(() => null, (e: unknown) => e),
    6000, 'connect to settle');
  assert.instance(err, MicroTlsError, `expected a MicroTlsError, got ${String(err)}`);
  const e = err as MicroTlsError;
  assert.is(e.codeName, `MBEDTLS_ERR_${code}`, e.message);
  assert.is(lastErrors()[0], e.code, 'the status-codes list has the newest error first');
  await withTimeout(run.clientClosed, 4000, 'client to close the TCP connection');
  const alerts = plaintextAlerts(run.afterHello());
  if (alert === null) assert.equal(alerts, [], 'no alert expected');
  else assert.equal(alerts, [[2, alert]], `fatal alert ${alert} expected`);
  return e;
}

const hello = serverHello();
const cert = certificateMessage([pki.certPem]);

test.after(async () => {
  await Promise.all(runs.map((r) => r.close()));
});

test('oversize plaintext record: record_overflow, INVALID_RECORD', async () => {
  await expectFailure((s) => s.write(Buffer.from([22, 3, 3, 0x40, 0x01])), 'SSL_INVALID_RECORD', 22);
});

test('record version 2.0: protocol_version, INVALID_RECORD', async () => {
  await expectFailure((s) => s.write(record(22, hello, 0x0200)), 'SSL_INVALID_RECORD', 70);
});

test('unknown content type (an HTTP server): INVALID_RECORD', async () => {
  const e = await expectFailure((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'), 'SSL_INVALID_RECORD', 10);
  assert.match(e.message, /content type 72/);
});

test('ServerHelloDone first: unexpected_message, UNEXPECTED_MESSAGE', async () => {
  const e = await expectFailure((s) => s.write(record(22, serverHelloDone())), 'SSL_UNEXPECTED_MESSAGE', 10);
  assert.match(e.message, /server_hello_done while waiting for server_hello/);
});

test('application data during the handshake: UNEXPECTED_MESSAGE', async () => {
  await expectFailure((s) => s.write(record(23, new Uint8Array(10))), 'SSL_UNEXPECTED_MESSAGE', 10);
});

test('ChangeCipherSpec before ServerHelloDone: UNEXPECTED_MESSAGE', async () => {
  await expectFailure((s) => s.write(Buffer.concat([record(22, hello), record(20, Uint8Array.of(1))])), 'SSL_UNEXPECTED_MESSAGE', 10);
});

test('ServerHello for TLS 1.1: BAD_HS_PROTOCOL_VERSION', async () => {
  await expectFailure((s) => s.write(record(22, serverHello({ version: 0x0302 }))), 'SSL_BAD_HS_PROTOCOL_VERSION', 70);
});

test('suite that was not offered: BAD_HS_SERVER_HELLO, illegal_parameter', async () => {
  await expectFailure((s) => s.write(record(22, serverHello({ suite: 0x009c }))), 'SSL_BAD_HS_SERVER_HELLO', 47,
    { cipherSuites: ['TLS_RSA_WITH_AES_128_CCM_8'] });
});

test('compression: BAD_HS_SERVER_HELLO', async () => {
  await expectFailure((s) => s.write(record(22, serverHello({ compression: 1 }))), 'SSL_BAD_HS_SERVER_HELLO', 47);
});

test('non-empty renegotiation_info: handshake_failure', async () => {
  await expectFailure((s) => s.write(record(22, serverHello({ extensions: [[0xff01, Uint8Array.of(12, ...new Uint8Array(12))]] }))),
    'SSL_BAD_HS_SERVER_HELLO', 40);
});

test('extension that was not offered: unsupported_extension', async () => {
  await expectFailure((s) => s.write(record(22, serverHello({ extensions: [[16 /* ALPN */, Uint8Array.of(0, 3, 2, 104, 50)]] }))),
    'SSL_BAD_HS_SERVER_HELLO', 110);
});

test('ServerHello whose session_id runs past its end: BAD_HS_SERVER_HELLO, decode_error', async () => {
  // Consistent handshake length, but the inner session_id vector claims 32 bytes and has 5.
  const body = Uint8Array.of(3, 3, ...new Uint8Array(32), 32, 1, 2, 3, 4, 5);
  const e = await expectFailure((s) => s.write(record(22, hsMessage(2, body))), 'SSL_BAD_HS_SERVER_HELLO', 50);
  assert.match(e.message, /session_id needs 32 bytes/);
});

test('server closes mid-message (handshake split across records, rest never comes): CONN_EOF', async () => {
  await expectFailure((s) => { s.write(record(22, hello.subarray(0, 20))); setTimeout(() => s.end(), 50); }, 'SSL_CONN_EOF', null);
});

test('ServerHello with trailing garbage: BAD_HS_SERVER_HELLO, decode_error', async () => {
  const body = new Uint8Array([...serverHello().subarray(4), 1, 2, 3]);
  await expectFailure((s) => s.write(record(22, hsMessage(2, body))), 'SSL_BAD_HS_SERVER_HELLO', 50);
});

test('server closes mid-record: CONN_EOF, nothing hangs', async () => {
  await expectFailure((s) => { s.write(record(22, hello).subarray(0, 30)); s.end(); }, 'SSL_CONN_EOF', null);
});

test('server never answers: TIMEOUT after the configured time', async () => {
  const t0 = Date.now();
  await expectFailure(() => undefined, 'SSL_TIMEOUT', null, { timeout: 300 });
  assert.ok(Date.now() - t0 < 2500);
});

test('fatal alert from the server: FATAL_ALERT_MESSAGE with the alert named', async () => {
  const e = await expectFailure((s) => s.write(record(21, Uint8Array.of(2, 40))), 'SSL_FATAL_ALERT_MESSAGE', null);
  assert.match(e.message, /handshake_failure \(40\)/);
  assert.is(e.info['receivedAlert'], 40);
});

test('handshake message over maxHandshakeMessageSize: BUFFER_TOO_SMALL', async () => {
  const big = hsMessage(11, new Uint8Array(5000));
  const e = await expectFailure((s) => s.write(Buffer.concat([record(22, hello), record(22, big.subarray(0, 16000))])), 'SSL_BUFFER_TOO_SMALL', 47,
    { maxHandshakeMessageSize: 4096 });
  assert.match(e.message, /maxHandshakeMessageSize \(4096\)/);
});

test('EC server key with RSA key exchange: PK_TYPE_MISMATCH', async () => {
  await expectFailure((s) => s.write(record(22, Buffer.concat([hello, certificateMessage([pki.ecCertPem]), serverHelloDone()]))),
    'SSL_PK_TYPE_MISMATCH', 40);
});

test('garbage certificate: X509 error code, bad_certificate', async () => {
  const junk = hsMessage(11, Uint8Array.of(0, 0, 7, 0, 0, 4, 0x30, 0x02, 0x01, 0x00));
  const e = await expectFailure((s) => s.write(record(22, Buffer.concat([hello, junk]))), 'X509_INVALID_FORMAT', 42);
  assert.match(e.message, /server certificate/);
});

test('empty certificate list: BAD_HS_CERTIFICATE', async () => {
  await expectFailure((s) => s.write(record(22, Buffer.concat([hello, hsMessage(11, Uint8Array.of(0, 0, 0))]))), 'SSL_BAD_HS_CERTIFICATE', 50);
});

test('ServerHelloDone with a body: BAD_HS_SERVER_HELLO_DONE', async () => {
  await expectFailure((s) => s.write(record(22, Buffer.concat([hello, cert, hsMessage(14, Uint8Array.of(0))]))), 'SSL_BAD_HS_SERVER_HELLO_DONE', 50);
});

test('ServerKeyExchange with an RSA suite: UNEXPECTED_MESSAGE', async () => {
  await expectFailure((s) => s.write(record(22, Buffer.concat([hello, cert, hsMessage(12, new Uint8Array(8))]))), 'SSL_UNEXPECTED_MESSAGE', 10);
});

test('a full legit flight gets our ClientKeyExchange, CCS and Finished (the fixture itself works)', async () => {
  // Guards the cases above: with correct messages the client proceeds to its second flight.
  const run = await hostileServer((s) => s.write(record(22, Buffer.concat([hello, cert, serverHelloDone()]))));
  runs.push(run);
  const p = connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 500 }).then(() => null, (e: unknown) => e);
  const err = (await withTimeout(p, 3000, 'connect')) as MicroTlsError;
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_TIMEOUT');
  const after = run.afterHello();
  assert.equal([...after.subarray(0, 1)], [22]);
  assert.ok(after.includes(20), 'ChangeCipherSpec sent');
});

test('alert record of 3 bytes: INVALID_RECORD, decode_error', async () => {
  await expectFailure((s) => s.write(record(21, Uint8Array.of(1, 0, 0))), 'SSL_INVALID_RECORD', 50);
});

test('alert with level 3: illegal_parameter', async () => {
  await expectFailure((s) => s.write(record(21, Uint8Array.of(3, 0))), 'SSL_INVALID_RECORD', 47);
});

test('HelloRequest during the handshake is ignored (RFC 5246 7.4.1.1), not an error', async () => {
  const run = await hostileServer((s) => s.write(record(22, Buffer.concat([hsMessage(0, new Uint8Array(0)), hello, cert, serverHelloDone()]))));
  runs.push(run);
  const err = (await withTimeout(connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 500 }).then(() => null, (e: unknown) => e), 3000, 'connect')) as MicroTlsError;
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_TIMEOUT', 'got as far as waiting for the server Finished');
  assert.is(run.afterHello()[0], 22, 'ClientKeyExchange sent');
});

test('verify: true without a CA fails before connecting, with a clear message', async () => {
  const run = await hostileServer(() => undefined);
  runs.push(run);
  let connected = false;
  run.clientClosed.then(() => { connected = true; });
  const err = await connect({ host: '127.0.0.1', port: run.port, verify: true }).then(() => null, (e: unknown) => e);
  assert.instance(err, MicroTlsError);
  assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED');
  assert.match((err as MicroTlsError).message, /needs ca.*verify: false/);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(run.clientHello().length, 0, 'no ClientHello was sent');
  assert.not.ok(connected);
});

test('verify omitted fails: it must be passed explicitly', async () => {
  const err = await connect({ host: '127.0.0.1', port: 1 } as ConnectOptions).then(() => null, (e: unknown) => e);
  assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_CONFIG');
});

test.run();
