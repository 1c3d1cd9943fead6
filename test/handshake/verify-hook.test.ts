/**
 * The certificate-verification hook that built-in verification plugs into: called with the
 * presented chain after Certificate, may be async (the engine pauses), and a failure
 * becomes the verifier's code with a bad_certificate (or chosen) alert.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, MicroTlsError } from '../../src/node/index.js';
import type { VerifyContext } from '../../src/handshake/options.js';
import { createTestPki } from '../helpers/pki.js';
import { certificateMessage, hostileServer, plaintextAlerts, record, serverHello, serverHelloDone, type HostileRun } from '../helpers/hostile.js';
import { startNodeServer, type RunningServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';
import { decodePem } from '../../src/encoding/pem.js';

const pki = createTestPki();
let server: RunningServer;
const runs: HostileRun[] = [];
test.before(async () => { server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256' }); });
test.after(async () => { await server.close(); await Promise.all(runs.map((r) => r.close())); });

test('sync and async verifiers see the chain as presented; handshake completes', async () => {
  for (const delay of [-1, 30]) {
    const seen: VerifyContext[] = [];
    const sock = await withTimeout(connect({
      host: 'localhost', port: server.port,
      verify: (ctx) => {
        seen.push(ctx);
        return delay < 0 ? { ok: true } : new Promise((r) => setTimeout(() => r({ ok: true }), delay));
      },
    }), 5000, 'connect');
    assert.is(seen.length, 1);
    assert.is(seen[0]!.serverName, 'localhost');
    assert.equal(seen[0]!.chain.map((c) => Buffer.from(c).toString('hex')),
      [pki.certPem, pki.caCertPem].map((p) => Buffer.from(decodePem(p)[0]!.der).toString('hex')));
    assert.is(sock.cipherSuite, 'TLS_RSA_WITH_AES_128_GCM_SHA256');
    sock.destroy();
  }
});

test('a failing verifier: its code and flags, the alert it chose, nothing sent after', async () => {
  const run = await hostileServer((s) => s.write(record(22, Buffer.concat([serverHello(), certificateMessage([pki.certPem]), serverHelloDone()]))));
  runs.push(run);
  const err = await connect({
    host: '127.0.0.1', port: run.port, timeout: 3000,
    verify: async () => ({ ok: false, flags: 0x08, reason: 'not trusted: load the CA', alert: 'unknown_ca' }),
  }).then(() => null, (e: unknown) => e) as MicroTlsError;
  assert.instance(err, MicroTlsError);
  assert.is(err.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.is(err.info['flags'], 0x08);
  assert.match(err.message, /load the CA/);
  await withTimeout(run.clientClosed, 3000, 'close');
  // Only the alert: no ClientKeyExchange went out for an unverified server.
  assert.equal(plaintextAlerts(run.afterHello()), [[2, 48]]);
  assert.is(run.afterHello().length, 7);
});

test('a verifier that throws fails the handshake with internal_error', async () => {
  const run = await hostileServer((s) => s.write(record(22, Buffer.concat([serverHello(), certificateMessage([pki.certPem]), serverHelloDone()]))));
  runs.push(run);
  const err = await connect({ host: '127.0.0.1', port: run.port, timeout: 3000, verify: () => { throw new Error('boom'); } })
    .then(() => null, (e: unknown) => e) as MicroTlsError;
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_INTERNAL_ERROR');
  assert.match(err.message, /boom/);
  await withTimeout(run.clientClosed, 3000, 'close');
  assert.equal(plaintextAlerts(run.afterHello()), [[2, 80]]);
});

test('a server flooding bytes during an async verification is cut off (bounded memory)', async () => {
  const run = await hostileServer((s) => {
    s.write(record(22, Buffer.concat([serverHello(), certificateMessage([pki.certPem]), serverHelloDone()])));
    setTimeout(() => { for (let i = 0; i < 10; i++) s.write(record(23, new Uint8Array(16000))); }, 20);
  });
  runs.push(run);
  const err = await connect({
    host: '127.0.0.1', port: run.port, timeout: 3000,
    verify: () => new Promise((r) => setTimeout(() => r({ ok: true }), 1500)),
  }).then(() => null, (e: unknown) => e) as MicroTlsError;
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL');
});

test('with a verifier, the key comes from the chain it returns; an EC key there is PK_TYPE_MISMATCH', async () => {
  const { parseCertificate } = await import('../../src/x509/certificate.js');
  const ecLeaf = parseCertificate(decodePem(pki.ecCertPem)[0]!.der);
  const err = await connect({
    host: '127.0.0.1', port: server.port, timeout: 3000,
    // A (deliberately wrong) verifier that vouches for a different certificate: the engine
    // must use the key it was handed, proving the verified key is the one used.
    verify: () => ({ ok: true, chain: [ecLeaf] }),
  }).then(() => null, (e: unknown) => e) as MicroTlsError;
  assert.instance(err, MicroTlsError);
  assert.is(err.codeName, 'MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH');
});

test.run();
