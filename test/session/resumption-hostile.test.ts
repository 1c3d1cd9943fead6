/**
 * The abbreviated handshake's state machine against a server that resumes and then
 * misbehaves: after a resuming ServerHello only [NewSessionTicket], ChangeCipherSpec and
 * Finished may come; the ServerHello must keep the session's suite and EMS (RFC 7627 5.3).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, MicroTlsError } from '../../src/node/index.js';
import type { TlsSession } from '../../src/session/session.js';
import { certificateMessage, hostileServer, hsMessage, plaintextAlerts, record, serverHello, type ServerHelloSpec } from '../helpers/hostile.js';
import { withTimeout } from '../helpers/async.js';
import { createTestPki } from '../helpers/pki.js';

const session: TlsSession = {
  protocol: 'TLSv1.2', cipherSuite: 0x009c, masterSecret: new Uint8Array(48).fill(5), sessionId: new Uint8Array(0),
  ticket: new Uint8Array(100).fill(6), ticketLifetimeHint: 3600, receivedAt: Date.now() - 1000, serverName: 'localhost',
  extendedMasterSecret: true, encryptThenMac: false,
};

/** The session ID of a ClientHello record (what a resuming server echoes). */
function offeredSessionId(hello: Uint8Array): Uint8Array {
  const len = hello[5 + 4 + 2 + 32]!;
  return hello.slice(5 + 4 + 2 + 32 + 1, 5 + 4 + 2 + 32 + 1 + len);
}

async function resumeAgainst(spec: ServerHelloSpec, after: Uint8Array[] = []): Promise<{ err: MicroTlsError; alerts: [number, number][] }> {
  const run = await hostileServer((sock, hello) => {
    sock.write(record(22, serverHello({ ...spec, sessionId: offeredSessionId(hello) })));
    for (const b of after) sock.write(b);
  });
  try {
    const err = await withTimeout(connect({ host: '127.0.0.1', port: run.port, servername: 'localhost', verify: false, session, timeout: 3000 })
      .then(() => null, (e: unknown) => e), 5000, 'connect') as MicroTlsError;
    await withTimeout(run.clientClosed, 3000, 'client close');
    assert.is(offeredSessionId(run.clientHello()).length, 32, 'a fresh session ID was sent with the ticket');
    return { err, alerts: plaintextAlerts(run.afterHello()) };
  } finally {
    await run.close();
  }
}

const EMS: [number, Uint8Array] = [23, new Uint8Array(0)];

test('resumed, then a Certificate: unexpected_message', async () => {
  const { err, alerts } = await resumeAgainst({ suite: 0x009c, extensions: [EMS] }, [record(22, certificateMessage([createTestPki().certPem]))]);
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE');
  assert.match(err.message, /wait_resumed_change_cipher_spec/);
  assert.equal(alerts, [[2, 10]]);
});

test('resumed, then ServerHelloDone: unexpected_message', async () => {
  const { err, alerts } = await resumeAgainst({ suite: 0x009c, extensions: [EMS] }, [record(22, hsMessage(14, new Uint8Array(0)))]);
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE');
  assert.equal(alerts, [[2, 10]]);
});

test('resumed with another cipher suite: illegal_parameter', async () => {
  const { err, alerts } = await resumeAgainst({ suite: 0x009d, extensions: [EMS] });
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
  assert.equal(alerts, [[2, 47]]);
});

test('resumed an EMS session without EMS: handshake_failure (RFC 7627 5.3)', async () => {
  const { err, alerts } = await resumeAgainst({ suite: 0x009c });
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
  assert.match(err.message, /extended master secret/);
  assert.equal(alerts, [[2, 40]]);
});

test.run();
