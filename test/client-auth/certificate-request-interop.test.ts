/**
 * CertificateRequest without a configured client certificate: the client answers with an
 * empty Certificate (RFC 5246 7.4.6), which servers that only request one accept and
 * servers that require one reject with a fatal alert.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, MicroTlsError } from '../../src/node/index.js';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { echo, pattern, retryConnect, startNodeServer, startOpensslServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

test('Node server with requestCert: empty Certificate accepted, data flows', async () => {
  let peerCert: object | undefined;
  const server = await startNodeServer({ ciphers: 'AES128-SHA256', requestCert: true, onSecure: (s) => { peerCert = s.getPeerCertificate(); } });
  try {
    const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false });
    assert.ok(sock.handshake!.certificateRequest, 'the CertificateRequest was seen');
    assert.ok(sock.handshake!.certificateRequest!.signatureAlgorithms.length > 0);
    assert.is((await echo(sock, pattern(5000, 9))).length, 5000);
    assert.equal(peerCert, {}, 'server saw no client certificate');
    sock.destroy();
  } finally {
    await server.close();
  }
});

test('openssl s_server -verify 1 (request): handshake and echo succeed', async () => {
  const server = await startOpensslServer({ cipher: 'AES256-CCM8', extraArgs: ['-verify', '1', '-naccept', '1'] });
  try {
    const sock = await retryConnect(() => connect({ host: '127.0.0.1', port: server.port, verify: false, timeout: 5000 }));
    assert.ok(sock.handshake!.certificateRequest);
    assert.is(sock.cipherSuite, CIPHER_SUITES.find((s) => s.openssl === 'AES256-CCM8')!.name);
    assert.is((await echo(sock, pattern(1000, 2))).length, 1000);
    sock.destroy();
  } finally {
    await server.close();
  }
});

test('openssl s_server -Verify 1 (require): the server\'s fatal alert is reported', async () => {
  const server = await startOpensslServer({ cipher: 'AES128-GCM-SHA256', extraArgs: ['-Verify', '1', '-naccept', '1'] });
  try {
    const err = await withTimeout(retryConnect(() => connect({ host: '127.0.0.1', port: server.port, verify: false, timeout: 5000 }))
      .then(() => null, (e: unknown) => e), 8000, 'connect') as MicroTlsError;
    assert.instance(err, MicroTlsError);
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
    assert.match(err.message, /handshake_failure|certificate_required|bad_certificate/);
  } finally {
    await server.close();
  }
});

test.run();
