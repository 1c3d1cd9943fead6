/**
 * Scenarios against Mbed TLS 3.6's ssl_server2, the reference device's own TLS stack: every
 * suite, tickets and session-ID resumption, EMS and ETM on and off, max_fragment_length,
 * renegotiation requests, and client authentication (auth_mode). Each scenario is one
 * server and one to three short connections, bounded by timeouts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectOptions } from '../../src/node/connect.js';
import type { TlsSocket } from '../../src/node/tls-socket.js';
import { MicroTlsError } from '../../src/errors.js';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { issueCertificate } from '../../src/node/pki.js';
import { createTestPki } from '../helpers/pki.js';
import { HAVE_SSL_SERVER2, SSL_SERVER2_ABSENT, startSslServer2, type Peer } from '../helpers/ssl-server2.js';
import { retryConnect } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

// Where ssl_server2 is absent the scenarios are not registered; one counted skip says so.
let scenarios = 0;
const run = (name: string, fn: () => Promise<void>): void => {
  scenarios++;
  if (HAVE_SSL_SERVER2) test(name, fn);
};
const named = (n: string) => `ssl_server2: ${n}`;
const dir = mkdtempSync(join(tmpdir(), 'microtls-mbed-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function withServer(args: string[], fn: (peer: Peer) => Promise<void>): Promise<void> {
  const peer = await startSslServer2(args);
  try {
    await fn(peer);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- ssl_server2 ${args.join(' ')}:\n${peer.log().slice(-1500)}`);
  } finally {
    await peer.close();
  }
}

function open(peer: Peer, extra: Partial<ConnectOptions> = {}): Promise<TlsSocket> {
  return retryConnect(() => connect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', verify: true, ca: createTestPki().caCertPem, timeout: 5000, ...extra }), 50);
}

/** One HTTP request; ssl_server2 answers and closes with close_notify. */
async function exchange(sock: TlsSocket): Promise<string> {
  let text = '';
  let failure: unknown;
  sock.on('data', (d: Buffer) => { text += d.toString('latin1'); });
  sock.on('error', (e) => { failure = e; });
  sock.write('GET / HTTP/1.0\r\n\r\n');
  await withTimeout(new Promise<void>((r) => sock.on('close', () => r())), 5000, 'HTTP response and close');
  if (failure) throw failure;
  assert.match(text, /^HTTP\/1\.0 200 OK/);
  assert.ok(sock.closeNotifyReceived, 'closed with close_notify');
  return text;
}

for (const suite of CIPHER_SUITES) {
  run(named(`${suite.name}, verified, one request`), async () => {
    await withServer([`force_ciphersuite=${suite.name.replace(/_/g, '-')}`], async (peer) => {
      const s = await open(peer);
      assert.is(s.cipherSuite, suite.name);
      await exchange(s);
    });
  });
}

run(named('tickets=1: the second connection resumes from the ticket'), async () => {
  await withServer(['tickets=1'], async (peer) => {
    const first = await open(peer);
    await exchange(first);
    assert.ok(first.getSession()?.ticket, 'a ticket');
    const second = await open(peer, { session: first.getSession()! });
    assert.is(second.resumed, true);
    await exchange(second);
  });
});

run(named('tickets=0: session-ID resumption from the server cache'), async () => {
  await withServer(['tickets=0'], async (peer) => {
    const first = await open(peer);
    await exchange(first);
    const session = first.getSession()!;
    assert.is(session.ticket, undefined);
    assert.ok(session.sessionId.length > 0);
    const second = await open(peer, { session });
    assert.is(second.resumed, true);
    await exchange(second);
  });
});

run(named('tickets=0 cache_max=0: a session the server forgot makes a full handshake'), async () => {
  await withServer(['tickets=0', 'cache_max=0'], async (peer) => {
    const first = await open(peer);
    await exchange(first);
    const session = first.getSession();
    const second = await open(peer, session ? { session } : {});
    assert.is(second.resumed, false);
    await exchange(second);
  });
});

for (const [args, ems, etm] of [
  [['extended_ms=1', 'etm=1'], true, true], [['extended_ms=0', 'etm=1'], false, true],
  [['extended_ms=1', 'etm=0'], true, false], [['extended_ms=0', 'etm=0'], false, false],
] as const) {
  run(named(`${args.join(' ')} with a CBC suite: EMS ${ems ? 'on' : 'off'}, ETM ${etm ? 'on' : 'off'}`), async () => {
    await withServer([...args, 'force_ciphersuite=TLS-RSA-WITH-AES-128-CBC-SHA256'], async (peer) => {
      const s = await open(peer);
      assert.is(s.handshake!.extendedMasterSecret, ems);
      assert.is(s.handshake!.encryptThenMac, etm);
      await exchange(s);
    });
  });
}

for (const mfl of [512, 1024, 2048, 4096] as const) {
  run(named(`max_frag_len=${mfl}: with acceptLargerRecords, a 3000-byte response in records of at most ${mfl}`), async () => {
    await withServer([`max_frag_len=${mfl}`, 'response_size=3000'], async (peer) => {
      const s = await open(peer, { maxFragmentLength: mfl, acceptLargerRecords: true });
      assert.is(s.handshake!.maxFragmentLength, mfl);
      const text = await exchange(s);
      assert.ok(text.length >= 3000);
    });
  });
}

run(named('renegotiation=1 renegotiate=1: the HelloRequest is declined with no_renegotiation, nothing hangs'), async () => {
  await withServer(['renegotiation=1', 'renegotiate=1'], async (peer) => {
    const s = await open(peer);
    const sent: string[] = [];
    s.on('alert', (a: { name: string; sent: boolean }) => { if (a.sent) sent.push(a.name); });
    let failure: unknown;
    s.on('error', (e) => { failure = e; });
    s.on('data', () => undefined);
    s.write('GET / HTTP/1.0\r\n\r\n');
    await withTimeout(new Promise<void>((r) => s.on('close', () => r())), 5000, 'close after the declined renegotiation');
    assert.ok(sent.includes('no_renegotiation'), `alerts sent: ${sent.join(', ')}`);
    if (failure !== undefined) assert.instance(failure, MicroTlsError, 'any failure is a typed error');
  });
});

const clientCa = issueCertificate({ subject: [['CN', 'Matrix Client CA']], ca: true, keyUsage: ['keyCertSign'] });
const device = issueCertificate({ subject: [['CN', 'matrix-device']], issuer: clientCa, key: { type: 'rsa', bits: 2048 }, extKeyUsage: ['clientAuth'] });
const clientCaPath = join(dir, 'client-ca.pem');
writeFileSync(clientCaPath, clientCa.certPem);

run(named('auth_mode=required: a client certificate is sent and accepted'), async () => {
  await withServer(['auth_mode=required', `ca_file=${clientCaPath}`], async (peer) => {
    const s = await open(peer, { cert: device.certPem, key: device.keyPem });
    assert.ok(s.handshake!.clientCertificateSent);
    await exchange(s);
  });
});

run(named('auth_mode=required without a client certificate: refused by the server with a typed error'), async () => {
  await withServer(['auth_mode=required', `ca_file=${clientCaPath}`], async (peer) => {
    try {
      const s = await open(peer);
      await exchange(s);
      assert.unreachable('the server accepted a client without a certificate');
    } catch (e) {
      assert.instance(e, MicroTlsError);
    }
  });
});

run(named('auth_mode=optional without a client certificate: the handshake completes'), async () => {
  await withServer(['auth_mode=optional', `ca_file=${clientCaPath}`], async (peer) => {
    const s = await open(peer);
    assert.is(s.handshake!.clientCertificateSent, false);
    await exchange(s);
  });
});

if (!HAVE_SSL_SERVER2) test.skip(`ssl_server2 matrix (${scenarios} scenarios) — ${SSL_SERVER2_ABSENT}`, () => undefined);

test.run();
