/**
 * A session is bound to the identity of the verifier that accepted the server, for every kind
 * of verifier: a custom function must not resume a session another function (or the built-in
 * chain verifier) accepted, since resumption skips the certificate. Against Node's TLS server
 * with tickets.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TlsSocket } from '../../src/node/tls-socket.js';
import type { VerifyContext, VerifyOutcome } from '../../src/handshake/options.js';
import { MicroTlsError } from '../../src/errors.js';
import { createTestPki } from '../helpers/pki.js';
import { echo, pattern, startNodeServer, type RunningServer } from '../helpers/servers.js';

let server: RunningServer;

async function open(extra: Partial<ConnectOptions> & Pick<ConnectOptions, 'verify'>): Promise<TlsSocket> {
  const sock = await connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', timeout: 5000, ...extra });
  assert.is((await echo(sock, pattern(100, 3))).length, 100, 'data flows');
  sock.destroy();
  return sock;
}

function counting(ok: boolean): { fn: (ctx: VerifyContext) => VerifyOutcome; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      calls++;
      return ok ? { ok: true } : { ok: false, reason: 'this verifier refuses every certificate' };
    },
    calls: () => calls,
  };
}

test.before(async () => {
  server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', ticketKeys: Buffer.alloc(48, 0x21) });
});
test.after(async () => {
  await server.close();
});

test('a session one function verifier accepted is not resumed under another that refuses everything', async () => {
  const accepting = counting(true);
  const first = await open({ verify: accepting.fn });
  const session = first.getSession()!;
  assert.ok(session?.ticket, 'a ticket from the first connection');
  const refusing = counting(false);
  let err: unknown;
  try {
    await open({ verify: refusing.fn, session });
  } catch (e) {
    err = e;
  }
  assert.instance(err, MicroTlsError, 'the refusing verifier fails the connection');
  assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.is(refusing.calls(), 1, 'the refusing verifier saw the certificate: no resumption');
});

test('the same function object resumes its own session (control)', async () => {
  const v = counting(true);
  const first = await open({ verify: v.fn });
  const second = await open({ verify: v.fn, session: first.getSession()! });
  assert.is(second.resumed, true);
  assert.is(v.calls(), 1, 'resumed without calling the verifier again');
});

test('a caller-given verifierId binds sessions across function objects; a different id does not resume', async () => {
  const a = counting(true);
  const first = await open({ verify: a.fn, verifierId: 'pinned-ca-v1' });
  const b = counting(true);
  const same = await open({ verify: b.fn, verifierId: 'pinned-ca-v1', session: first.getSession()! });
  assert.is(same.resumed, true, 'same id resumes');
  assert.is(b.calls(), 0);
  const c = counting(true);
  const other = await open({ verify: c.fn, verifierId: 'pinned-ca-v2', session: first.getSession()! });
  assert.is(other.resumed, false, 'another id makes a full handshake');
  assert.is(c.calls(), 1);
});

test('a session the built-in chain verifier accepted is not resumed under a function verifier, nor the reverse', async () => {
  const pki = createTestPki();
  const chained = await open({ verify: true, ca: pki.caCertPem });
  const f = counting(true);
  const underFunction = await open({ verify: f.fn, session: chained.getSession()! });
  assert.is(underFunction.resumed, false);
  assert.is(f.calls(), 1);
  const underChain = await open({ verify: true, ca: pki.caCertPem, session: underFunction.getSession()! });
  assert.is(underChain.resumed, false);
  const again = await open({ verify: true, ca: pki.caCertPem, session: chained.getSession()! });
  assert.is(again.resumed, true, 'the chain verifier still resumes its own (control)');
});

test.run();
