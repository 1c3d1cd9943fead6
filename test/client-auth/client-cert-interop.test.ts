/**
 * Client certificates against real servers: Node's TLS server with requestCert and
 * rejectUnauthorized (it checks our chain and CertificateVerify, and reports the subject
 * it authenticated), and `openssl s_server -Verify 1` (client certificate required).
 * Configuration errors must surface before any connection is made.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, MicroTlsError } from '../../src/node/index.js';
import { loadClientCredentials } from '../../src/client-auth/credentials.js';
import { issueCertificate, rsaKeyPkcs1Pem, type Issued } from '../../src/node/pki.js';
import { hostileServer } from '../helpers/hostile.js';
import { echo, pattern, retryConnect, startNodeServer, startOpensslServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

const clientCa = issueCertificate({ subject: [['O', 'microtls test'], ['CN', 'Client CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
const clients = new Map<number, Issued>();
function client(bits: number): Issued {
  let c = clients.get(bits);
  if (!c) {
    c = issueCertificate({ subject: [['CN', `device-${bits}`]], issuer: clientCa, key: { type: 'rsa', bits }, extKeyUsage: ['clientAuth'] });
    clients.set(bits, c);
  }
  return c;
}

const dir = mkdtempSync(join(tmpdir(), 'microtls-client-cert-'));
const caPath = join(dir, 'client-ca.pem');
writeFileSync(caPath, clientCa.certPem);
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function mutualWithNode(bits: number, cipher: string, key: string): Promise<{ encryptThenMac: boolean }> {
  const c = client(bits);
  let subject: string | undefined;
  let authorized: boolean | undefined;
  const server = await startNodeServer({
    ciphers: cipher, requestCert: true, ca: clientCa.certPem,
    onSecure: (s: TLSSocket) => { subject = String(s.getPeerCertificate().subject?.CN); authorized = s.authorized; },
  });
  try {
    const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false, cert: c.certPem, key, timeout: 10_000 });
    assert.ok(sock.handshake!.clientCertificateSent, 'chain and CertificateVerify sent');
    assert.is((await echo(sock, pattern(3000, bits))).length, 3000);
    assert.is(subject, `device-${bits}`, 'the server authenticated our certificate');
    assert.is(authorized, true);
    const encryptThenMac = sock.handshake!.encryptThenMac;
    sock.destroy();
    return { encryptThenMac };
  } finally {
    await server.close();
  }
}

for (const bits of [1024, 2048, 4096]) {
  test(`Node server requestCert + rejectUnauthorized: RSA-${bits} client key (PKCS#1) accepted`, async () => {
    await mutualWithNode(bits, 'AES128-GCM-SHA256', rsaKeyPkcs1Pem(client(bits).key));
  });
}

test('PKCS#8 key, SHA-384 PRF suite: CertificateVerify still signed with SHA-256 and accepted', async () => {
  await mutualWithNode(2048, 'AES256-GCM-SHA384', client(2048).keyPem);
});

test('CBC suite with encrypt-then-MAC: client certificate accepted', async () => {
  const { encryptThenMac } = await mutualWithNode(1024, 'AES128-SHA', client(1024).keyPem);
  assert.ok(encryptThenMac, 'encrypt_then_mac negotiated with the CBC suite');
});

test('Node server rejects a certificate from a CA it does not trust', async () => {
  const stranger = issueCertificate({ subject: [['CN', 'stranger']], key: { type: 'rsa', bits: 1024 } });
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', requestCert: true, ca: clientCa.certPem });
  try {
    const outcome = await withTimeout(connect({ host: '127.0.0.1', port: server.port, verify: false, cert: stranger.certPem, key: stranger.keyPem, timeout: 5000 })
      .then((s) => { s.destroy(); return 'connected'; }, (e: unknown) => e), 8000, 'connect');
    // Node checks the chain after OpenSSL's handshake callback and drops the connection
    // (no alert), before its Finished: the handshake fails, it never looks complete.
    assert.instance(outcome, MicroTlsError);
    assert.match((outcome as MicroTlsError).codeName, /SSL_CONN_EOF|SSL_FATAL_ALERT_MESSAGE/);
    assert.match(server.log(), /tlsClientError/);
  } finally {
    await server.close();
  }
});

test('openssl s_server -Verify 1 (required): our chain is verified against its CA file', async () => {
  const c = client(2048);
  const server = await startOpensslServer({ cipher: 'AES256-CCM8', extraArgs: ['-Verify', '1', '-CAfile', caPath, '-verify_return_error', '-naccept', '1'] });
  try {
    const sock = await retryConnect(() => connect({ host: '127.0.0.1', port: server.port, verify: false, cert: c.certPem, key: c.keyPem, timeout: 5000 }));
    assert.ok(sock.handshake!.clientCertificateSent);
    assert.is((await echo(sock, pattern(1000, 3))).length, 1000);
    sock.destroy();
  } finally {
    await server.close();
  }
  assert.match(server.log(), /device-2048/, 's_server logged the verified client subject');
});

test('s_server lists only RSA+SHA512 for client certificates: CertificateVerify uses SHA-512 and is accepted', async () => {
  const c = client(1024);
  const server = await startOpensslServer({ cipher: 'AES128-GCM-SHA256', extraArgs: ['-Verify', '1', '-CAfile', caPath, '-verify_return_error', '-client_sigalgs', 'RSA+SHA512', '-naccept', '1'] });
  try {
    const sock = await retryConnect(() => connect({ host: '127.0.0.1', port: server.port, verify: false, cert: c.certPem, key: c.keyPem, timeout: 5000 }));
    assert.equal([...sock.handshake!.certificateRequest!.signatureAlgorithms], [0x0601]);
    assert.ok(sock.handshake!.clientCertificateSent);
    assert.is((await echo(sock, pattern(500, 4))).length, 500);
    sock.destroy();
  } finally {
    await server.close();
  }
});

test('server lists only ECDSA signature algorithms: empty Certificate, no CertificateVerify, handshake continues', async () => {
  const c = client(1024);
  const server = await startOpensslServer({ cipher: 'AES128-GCM-SHA256', extraArgs: ['-verify', '1', '-client_sigalgs', 'ECDSA+SHA256', '-naccept', '1'] });
  try {
    const sock = await retryConnect(() => connect({ host: '127.0.0.1', port: server.port, verify: false, cert: c.certPem, key: c.keyPem, timeout: 5000 }));
    assert.ok(sock.handshake!.certificateRequest);
    assert.is(sock.handshake!.clientCertificateSent, false);
    assert.is((await echo(sock, pattern(500, 5))).length, 500);
    sock.destroy();
  } finally {
    await server.close();
  }
});

test('configuration errors come before any connection: encrypted key, mismatched key, key without cert', async () => {
  const c = client(1024);
  const run = await hostileServer((s) => s.end());
  try {
    const encrypted = createPrivateKey(c.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'secret' }).toString();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ cert: c.certPem, key: encrypted }, 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED', /without a password/],
      [{ cert: c.certPem, key: client(2048).keyPem }, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED', /does not belong to the certificate/],
      [{ key: c.keyPem }, 'MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED', /without a client certificate/],
      [{ cert: c.certPem }, 'MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED', /without its private key/],
    ];
    for (const [opts, codeName, message] of cases) {
      const err = await withTimeout(connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 2000, ...opts }).then(() => null, (e: unknown) => e), 4000, 'connect') as MicroTlsError;
      assert.instance(err, MicroTlsError);
      assert.is(err.codeName, codeName);
      assert.match(err.message, message);
    }
    assert.is(run.clientHello().length, 0, 'no ClientHello was ever sent');
  } finally {
    await run.close();
  }
});

test('credentials loaded once serve many connections', async () => {
  const c = client(1024);
  const credentials = loadClientCredentials({ cert: c.certPem, key: c.keyPem });
  const subjects: string[] = [];
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', requestCert: true, ca: clientCa.certPem, onSecure: (s) => { subjects.push(String(s.getPeerCertificate().subject.CN)); } });
  try {
    for (let i = 0; i < 2; i++) {
      const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false, credentials, sessionTickets: false, timeout: 5000 });
      assert.is((await echo(sock, pattern(10, i))).length, 10);
      sock.destroy();
    }
    assert.equal(subjects, ['device-1024', 'device-1024']);
  } finally {
    await server.close();
  }
});

test.run();
