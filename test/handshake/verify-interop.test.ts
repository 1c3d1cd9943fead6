/**
 * Built-in certificate verification (verify: true) in real handshakes: Node's TLS server
 * and `openssl s_server`, RSA- and ECDSA-signed chains (the server key stays RSA for the key
 * exchange), partial chains anchored at an intermediate, and the failures a device meets
 * in the field: wrong host, unknown CA, expired certificate, small key, clock not set.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, MicroTlsError } from '../../src/node/index.js';
import { issueCertificate, type Issued } from '../../src/node/pki.js';
import { settableClock } from '../../src/time/clock.js';
import { parseSession, serializeSession } from '../../src/session/session.js';
import { echo, freePort, retryConnect } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';
import { spawnProgram } from '../helpers/programs.js';

const DAY = 86400_000;
const rsaRoot = issueCertificate({ subject: [['O', 'verify test'], ['CN', 'RSA Root']], ca: true, keyUsage: ['keyCertSign'] });
const rsaInter = issueCertificate({ subject: [['CN', 'RSA Intermediate']], issuer: rsaRoot, ca: true, pathLen: 0, keyUsage: ['keyCertSign'] });
const ecRoot = issueCertificate({ subject: [['CN', 'EC Root P-384']], key: { type: 'ec', curve: 'P-384' }, ca: true, keyUsage: ['keyCertSign'], hash: 'sha384' });
const ecInter = issueCertificate({ subject: [['CN', 'EC Intermediate P-256']], key: { type: 'ec', curve: 'P-256' }, issuer: ecRoot, ca: true, keyUsage: ['keyCertSign'], hash: 'sha384' });
const serverLeaf = (issuer: Issued, extra: Partial<Parameters<typeof issueCertificate>[0]> = {}) => issueCertificate({
  subject: [['CN', 'localhost']], issuer, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
  extKeyUsage: ['serverAuth'], keyUsage: ['digitalSignature', 'keyEncipherment'], ...extra,
});
const rsaLeaf = serverLeaf(rsaInter);
const ecSignedLeaf = serverLeaf(ecInter);
const expiredLeaf = serverLeaf(rsaInter, { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
const smallKeyLeaf = serverLeaf(rsaInter, { key: { type: 'rsa', bits: 1024 } });
const signOnlyLeaf = serverLeaf(rsaInter, { keyUsage: ['digitalSignature'] });

interface Server { port: number; clientErrors: string[]; close(): Promise<void> }

async function nodeServer(leaf: Issued, chain: Issued[]): Promise<Server> {
  const clientErrors: string[] = [];
  const sockets = new Set<net.Socket>();
  const srv = tls.createServer({
    key: leaf.keyPem, cert: leaf.certPem + chain.map((c) => c.certPem).join(''),
    minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:AES256-CCM8:@SECLEVEL=0',
  }, (s) => s.pipe(s));
  srv.on('connection', (s: net.Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  srv.on('tlsClientError', (e) => clientErrors.push(e.message));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return {
    port: (srv.address() as net.AddressInfo).port,
    clientErrors,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

async function opensslServer(leaf: Issued, chain: Issued[]): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-verify-'));
  writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
  writeFileSync(join(dir, 'leaf.key'), leaf.keyPem);
  writeFileSync(join(dir, 'chain.pem'), chain.map((c) => c.certPem).join(''));
  const port = await freePort();
  const child: ChildProcess = spawnProgram('openssl', ['s_server', '-tls1_2', '-cipher', 'AES256-GCM-SHA384:@SECLEVEL=0', '-accept', `127.0.0.1:${port}`,
    '-quiet', '-cert', join(dir, 'leaf.pem'), '-key', join(dir, 'leaf.key'), '-cert_chain', join(dir, 'chain.pem')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const clientErrors: string[] = [];
  child.stderr!.on('data', (d: Buffer) => clientErrors.push(d.toString()));
  child.stdout!.on('data', (d: Buffer) => { if (child.stdin!.writable) child.stdin!.write(d); });
  child.stdin!.on('error', () => undefined);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    port,
    clientErrors,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await withTimeout(exited, 5000, 's_server exit').catch(() => child.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function expectFailure(p: Promise<unknown>): Promise<MicroTlsError> {
  const e = await withTimeout(p.then(() => null, (err: unknown) => err), 10_000, 'handshake');
  assert.instance(e, MicroTlsError, `expected a MicroTlsError, got ${String(e)}`);
  return e as MicroTlsError;
}

const servers: Server[] = [];
test.after(async () => { await Promise.all(servers.map((s) => s.close())); });

test('Node server, RSA chain: verified against the root, and against the intermediate alone', async () => {
  const srv = await nodeServer(rsaLeaf, [rsaInter]);
  servers.push(srv);
  for (const ca of [rsaRoot.certPem, rsaInter.certPem]) {
    const sock = await connect({ host: 'localhost', port: srv.port, verify: true, ca });
    const back = await echo(sock, Buffer.from('verified'));
    assert.is(back.toString(), 'verified');
    assert.is(sock.peerCertificates.length, 2);
    sock.destroy();
  }
  // An IP literal is checked against the iPAddress SAN.
  const byIp = await connect({ host: '127.0.0.1', port: srv.port, verify: true, ca: rsaRoot.certPem });
  byIp.destroy();
});

test('openssl s_server, ECDSA P-256/P-384-signed chain, RSA server key', async () => {
  const srv = await opensslServer(ecSignedLeaf, [ecInter]);
  servers.push(srv);
  const sock = await retryConnect(() => connect({ host: 'localhost', port: srv.port, verify: true, ca: ecRoot.certPem }));
  assert.is(sock.cipherSuite, 'TLS_RSA_WITH_AES_256_GCM_SHA384');
  const back = await echo(sock, Buffer.from('ecdsa chain'));
  assert.is(back.toString(), 'ecdsa chain');
  sock.destroy();
});

test('wrong host name: CN_MISMATCH, bad_certificate sent', async () => {
  const srv = await nodeServer(rsaLeaf, [rsaInter]);
  servers.push(srv);
  const err = await expectFailure(connect({ host: '127.0.0.1', servername: 'broker.example', port: srv.port, verify: true, ca: rsaRoot.certPem }));
  assert.is(err.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.is((err.info['flags'] as number) & 0x04, 0x04);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.clientErrors.join('\n'), /bad certificate/i);
});

test('unknown CA: NOT_TRUSTED with the certificate to load, unknown_ca sent', async () => {
  const srv = await nodeServer(rsaLeaf, [rsaInter]);
  servers.push(srv);
  const err = await expectFailure(connect({ host: 'localhost', port: srv.port, verify: true, ca: ecRoot.certPem }));
  assert.is(err.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.is((err.info['flags'] as number) & 0x08, 0x08);
  assert.match(err.message, /RSA Intermediate|RSA Root/);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.clientErrors.join('\n'), /unknown ca/i);
});

test('expired server certificate: BADCERT_EXPIRED, certificate_expired sent', async () => {
  const srv = await nodeServer(expiredLeaf, [rsaInter]);
  servers.push(srv);
  const err = await expectFailure(connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem }));
  assert.is((err.info['flags'] as number) & 0x01, 0x01);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.clientErrors.join('\n'), /certificate expired/i);
});

test('1024-bit server key refused by default (manual: at least 2048), accepted when the policy allows', async () => {
  const srv = await nodeServer(smallKeyLeaf, [rsaInter]);
  servers.push(srv);
  const err = await expectFailure(connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem }));
  assert.is((err.info['flags'] as number) & 0x10000, 0x10000, 'BADCERT_BAD_KEY');
  const sock = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem, verifyPolicy: { minRsaBits: 1024 } });
  sock.destroy();
});

test('a leaf whose keyUsage lacks keyEncipherment cannot do RSA key exchange: BADCERT_KEY_USAGE (as Mbed TLS)', async () => {
  const srv = await nodeServer(signOnlyLeaf, [rsaInter]);
  servers.push(srv);
  const err = await expectFailure(connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem }));
  assert.is(err.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.is((err.info['flags'] as number) & 0x800, 0x800, 'BADCERT_KEY_USAGE');
  assert.match(err.message, /keyEncipherment/);
});

test('a verified session resumes only with the same CA certificates; others get a full, verified handshake', async () => {
  const srv = await nodeServer(rsaLeaf, [rsaInter]);
  servers.push(srv);
  const first = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem });
  await echo(first, Buffer.from('x'));
  const session = first.getSession();
  first.destroy();
  assert.ok(session?.verifiedWith, 'the session records what verified it');
  const copy = parseSession(serializeSession(session!));
  assert.is(copy.verifiedWith, session!.verifiedWith);

  const same = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem, session: copy });
  assert.is(same.resumed, true, 'same CA: resumed');
  same.destroy();
  // The intermediate alone is a valid anchor for this server, but not what verified the session.
  const other = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaInter.certPem, session: copy });
  assert.is(other.resumed, false, 'other CA: not resumed');
  assert.is(other.peerCertificates.length, 2, 'the chain was received and verified');
  other.destroy();
  // Neither does a client with other verification rules.
  const strict = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem, verifyPolicy: { allowCnFallback: false }, session: copy });
  assert.is(strict.resumed, false, 'other policy: not resumed');
  strict.destroy();
});

test('clock not set: no handshake is started; once set, it connects', async () => {
  const srv = await nodeServer(rsaLeaf, [rsaInter]);
  servers.push(srv);
  const clock = settableClock();
  const err = await expectFailure(connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem, clock }));
  assert.match(err.message, /clock is not set/);
  clock.set(new Date());
  const sock = await connect({ host: 'localhost', port: srv.port, verify: true, ca: rsaRoot.certPem, clock });
  sock.destroy();
});

test('a CA file that is not a certificate: its decoding error, before connecting', async () => {
  const err = await expectFailure(connect({ host: 'localhost', port: 1, verify: true, ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }));
  assert.match(err.codeName, /X509|ASN1|PEM/);
  assert.match(err.message, /CA certificate could not be read/);
});

test.run();
