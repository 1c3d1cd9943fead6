/**
 * The sans-I/O engine (src/handshake/client.ts): what happens when
 * an asynchronous certificate verifier settles after the connection already ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsClient, type HandshakeInfo } from '../../src/handshake/client.js';
import { MicroTlsError } from '../../src/errors.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import type { VerifyOutcome } from '../../src/handshake/options.js';
import { certificateMessage, record, serverHello, serverHelloDone } from '../helpers/hostile.js';
import { createTestPki } from '../helpers/pki.js';

function pausedEngine(): { engine: TlsClient; out: Uint8Array[]; handshakes: HandshakeInfo[]; errors: MicroTlsError[]; settle: (o: VerifyOutcome) => void } {
  let settle!: (o: VerifyOutcome) => void;
  const out: Uint8Array[] = [];
  const handshakes: HandshakeInfo[] = [];
  const errors: MicroTlsError[] = [];
  const engine = new TlsClient({
    serverName: 'localhost',
    verify: () => new Promise<VerifyOutcome>((r) => { settle = r; }),
    cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'],
  }, {
    output: (b) => out.push(b),
    handshake: (i) => handshakes.push(i),
    error: (e) => errors.push(e),
  });
  engine.start();
  const pki = createTestPki();
  engine.receive(record(22, concatBytes(serverHello(), certificateMessage([pki.certPem]), serverHelloDone())));
  assert.is(engine.state, 'wait_certificate', 'paused on the verifier');
  out.length = 0;
  return { engine, out, handshakes, errors, settle };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 10));

test('verifier resolving after abort() does not revive the connection', async () => {
  const { engine, out, handshakes, errors, settle } = pausedEngine();
  engine.abort(new MicroTlsError('SSL_TIMEOUT', 'driver timeout'));
  assert.is(engine.state, 'failed');
  settle({ ok: true });
  await tick();
  assert.is(engine.state, 'failed', 'stays failed');
  assert.is(out.length, 0, 'nothing sent after abort');
  assert.is(handshakes.length, 0);
  assert.is(errors.length, 1);
  assert.is(engine.error?.codeName, 'MBEDTLS_ERR_SSL_TIMEOUT');
});

test('verifier resolving after close() does not revive the connection', async () => {
  const { engine, out, handshakes, settle } = pausedEngine();
  engine.close();
  assert.is(engine.state, 'closed');
  out.length = 0;
  settle({ ok: true });
  await tick();
  assert.is(engine.state, 'closed', 'stays closed');
  assert.is(out.length, 0, 'no ClientKeyExchange after close');
  assert.is(handshakes.length, 0);
});

test('verifier rejecting after abort() keeps the first error and sends nothing', async () => {
  let reject!: (e: unknown) => void;
  const out: Uint8Array[] = [];
  const errors: MicroTlsError[] = [];
  const engine = new TlsClient({
    serverName: 'localhost', verify: () => new Promise<VerifyOutcome>((_r, j) => { reject = j; }), cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'],
  }, { output: (b) => out.push(b), error: (e) => errors.push(e) });
  engine.start();
  engine.receive(record(22, concatBytes(serverHello(), certificateMessage([createTestPki().certPem]), serverHelloDone())));
  out.length = 0;
  engine.abort(new MicroTlsError('SSL_TIMEOUT', 'driver timeout'));
  reject(new Error('late'));
  await tick();
  assert.is(errors.length, 1);
  assert.is(out.length, 0);
  assert.is(engine.error?.codeName, 'MBEDTLS_ERR_SSL_TIMEOUT');
});

test('verify: true without serverName is refused (no silent skip of the name check; Mbed TLS 3.6.3, CVE-2025-27809)', () => {
  const pki = createTestPki();
  try {
    new TlsClient({ verify: true, ca: pki.caCertPem }, { output: () => undefined });
    assert.unreachable('constructed');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME');
  }
  // A verify function decides for itself; verify: false has no name to check.
  new TlsClient({ verify: () => ({ ok: true }) }, { output: () => undefined });
  new TlsClient({ verify: false }, { output: () => undefined });
  new TlsClient({ verify: true, ca: pki.caCertPem, serverName: 'localhost' }, { output: () => undefined });
});

test.run();
