import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeCertificate, describeKey } from '../../src/x509/describe.js';
import { suggestTrustAnchor } from '../../src/x509/suggest.js';
import { verifyChain } from '../../src/x509/verify.js';
import { run as certInfo } from '../../src/cli/cert-info.js';
import { run as errorsCli } from '../../src/cli/errors.js';
import { EXT, issue, tempFile } from '../helpers/chains.js';
import { runProgram } from '../helpers/programs.js';
import { capture } from '../helpers/cli-io.js';

function expiry(certPath: string): string {
  const line = runProgram('openssl', ['x509', '-in', certPath, '-noout', '-enddate', '-dateopt', 'iso_8601'], { encoding: 'utf8' });
  return line.trim().split('=')[1]!.slice(0, 10);
}


const ca = () => issue({ name: 'desc-ca', key: 'rsa2048', subject: '/CN=Mosquitto CA/O=Example', ext: EXT.root });

test('describeCertificate: subject then expiry date, as the device shows it', () => {
  const c = ca();
  assert.is(describeCertificate(c.pem), `CN=Mosquitto CA, O=Example, expires ${expiry(c.certPath)}`);
  assert.is(describeCertificate(c.der), `CN=Mosquitto CA, O=Example, expires ${expiry(c.certPath)}`);
  const other = issue({ name: 'desc-other', key: 'p256', subject: '/C=US/O=Let\'s Encrypt/CN=R3', ext: EXT.root });
  assert.is(describeCertificate(c.pem + other.pem), `CN=Mosquitto CA, O=Example, expires ${expiry(c.certPath)}; C=US, O=Let's Encrypt, CN=R3, expires ${expiry(other.certPath)}`);
});

test('describeCertificate: errors as code and name', () => {
  assert.is(describeCertificate('not a certificate'), '-0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT');
  assert.is(describeCertificate('x'.repeat(5000)), '-0x2800 MBEDTLS_ERR_X509_BAD_INPUT_DATA');
  assert.is(describeCertificate('-----BEGIN CERTIFICATE-----\n@@@\n-----END CERTIFICATE-----\n'), '-0x1100 MBEDTLS_ERR_PEM_INVALID_DATA');
});

test('describeKey: Name: RSA (bits); EC and encrypted keys refused with a code', () => {
  assert.is(describeKey(ca().keyPem), 'Name: RSA (2048 bit)');
  const weak = issue({ name: 'desc-1024', key: 'rsa1024', subject: '/CN=Client', ext: [] });
  assert.is(describeKey(weak.keyPem), 'Name: RSA (1024 bit)');
  const ec = issue({ name: 'desc-ec', key: 'p256', subject: '/CN=EC', ext: [] });
  assert.match(describeKey(ec.keyPem), /^-0x[0-9a-f]{4} MBEDTLS_ERR_PK_/);
  const enc = runProgram('openssl', ['pkey', '-in', ca().keyPath, '-aes256', '-passout', 'pass:secret'], { encoding: 'utf8' });
  assert.is(describeKey(enc), '-0x3c00 MBEDTLS_ERR_PK_PASSWORD_REQUIRED');
  assert.match(describeKey('garbage'), /^-0x[0-9a-f]{4} MBEDTLS_ERR_PEM_/);
});

test('microtls cert-info FILE…', async () => {
  const c = ca();
  const bad = tempFile('bad.pem', 'nope');
  const { io, out } = capture();
  const rc = await certInfo([c.certPath, c.keyPath, bad], io);
  assert.is(rc, 1);
  // The device's line per file; the rule verdicts follow indented (test/cli/cert-info-rules.test.ts).
  assert.equal(out.filter((l) => !l.startsWith('  ')), [
    `${c.certPath}: CN=Mosquitto CA, O=Example, expires ${expiry(c.certPath)}`,
    `${c.keyPath}: Name: RSA (2048 bit)`,
    `${bad}: -0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT`,
  ]);
  const ok = capture();
  assert.is(await certInfo([c.certPath], ok.io), 0);
  const usage = capture();
  assert.is(await certInfo([], usage.io), 2);
});

test('microtls errors CODE…', async () => {
  const a = capture();
  assert.is(await errorsCli(['-0x2180', 'SSL_FATAL_ALERT_MESSAGE'], a.io), 0);
  assert.equal(a.out, [
    '-0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT: The CRT/CRL/CSR format is invalid, e.g. different type expected.',
    '-0x7780 MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: A fatal alert message was received from our peer.',
  ]);
  const b = capture();
  assert.is(await errorsCli(['-0x21E2'], b.io), 0);
  assert.match(b.out.join('\n'), /X509_INVALID_FORMAT[\s\S]*ASN1_UNEXPECTED_TAG/);
  const c = capture();
  assert.is(await errorsCli(['banana'], c.io), 1);
  const d = capture();
  assert.is(await errorsCli(['--flags', '0x0C'], d.io), 0);
  assert.match(d.out.join('\n'), /BADCERT_CN_MISMATCH[\s\S]*BADCERT_NOT_TRUSTED/);
});

test('suggestTrustAnchor: the Let\'s Encrypt workflow of manual section 4', () => {
  const dst = issue({ name: 'dst', key: 'p256', subject: '/O=Digital Signature Trust Co./CN=DST Root CA X3', ext: EXT.root });
  const isrgCross = issue({ name: 'isrg-cross', key: 'p256', subject: '/C=US/O=Internet Security Research Group/CN=ISRG Root X1', issuer: dst, ext: EXT.root });
  const r3 = issue({ name: 'r3', key: 'p256', subject: "/C=US/O=Let's Encrypt/CN=R3", issuer: isrgCross, ext: EXT.intermediate });
  const leaf = issue({ name: 'mosquitto', key: 'rsa2048', subject: '/CN=test.mosquitto.org', issuer: r3, ext: EXT.server('DNS:test.mosquitto.org') });
  const unrelated = issue({ name: 'unrelated-root', key: 'p256', subject: '/CN=Unrelated', ext: EXT.root });
  const presented = [leaf.pem, isrgCross.pem, r3.pem]; // out of order on purpose
  const time = new Date(Date.now() + 3600e3);
  const r = verifyChain({ peer: presented[0]!, intermediates: presented.slice(1), trusted: unrelated.pem, serverName: 'test.mosquitto.org', time });
  assert.is(r.ok, false);
  const s = suggestTrustAnchor(presented)!;
  assert.equal(s.path.map((c) => c.subject.toString()), ['CN=test.mosquitto.org', "C=US, O=Let's Encrypt, CN=R3", 'C=US, O=Internet Security Research Group, CN=ISRG Root X1']);
  assert.is(s.presentedIssuer!.index, 2);
  assert.is(s.presentedIssuer!.subject, "C=US, O=Let's Encrypt, CN=R3");
  assert.is(s.loadIssuer, 'O=Digital Signature Trust Co., CN=DST Root CA X3');
  assert.match(s.advice, /R3/);
  // Following the advice works.
  assert.ok(verifyChain({ peer: leaf.pem, intermediates: presented.slice(1), trusted: s.presentedIssuer!.certificate, serverName: 'test.mosquitto.org', time }).ok);
  // A lone server certificate: obtain its issuer.
  const lone = suggestTrustAnchor([leaf.pem])!;
  assert.is(lone.presentedIssuer, undefined);
  assert.is(lone.loadIssuer, "C=US, O=Let's Encrypt, CN=R3");
  assert.is(suggestTrustAnchor([]), undefined);
});

test.run();
