import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseCertificate, parseCertificates } from '../../src/x509/certificate.js';
import { decodeDer } from '../../src/x509/der.js';
import { parseTime } from '../../src/x509/validity.js';
import { EXT, issue, tempFile } from '../helpers/chains.js';
import { thrownCodeName } from '../helpers/thrown.js';
import { runProgram } from '../helpers/programs.js';

const code = (fn: () => unknown): string => thrownCodeName(fn, 'no error');

const limbo = JSON.parse(readFileSync(new URL('../vectors/x509-limbo/limbo.json', import.meta.url), 'utf8')) as {
  testcases: { id: string; peer_certificate: string; trusted_certs: string[]; untrusted_intermediates: string[] }[];
};
const limboCase = (id: string) => limbo.testcases.find((c) => c.id === id)!;

test('fields of an RSA CA made by openssl', () => {
  const ca = issue({ name: 'fields-ca', key: 'rsa2048', subject: '/CN=Mosquitto CA/O=Example', ext: [...EXT.root, 'subjectAltName=DNS:ca.example,IP:10.0.0.1,email:ca@example.com,URI:https://example.com/'] });
  const c = parseCertificates(ca.pem)[0]!;
  assert.is(c.version, 3);
  assert.is(c.subject.toString(), 'CN=Mosquitto CA, O=Example');
  assert.is(c.issuer.toString(), 'CN=Mosquitto CA, O=Example');
  assert.ok(c.selfIssued);
  assert.is(c.signatureAlgorithm.name, 'sha256WithRSAEncryption');
  assert.is(c.signatureAlgorithm.hash, 'sha256');
  assert.is(c.publicKey.type, 'rsa');
  assert.is(c.publicKey.bits, 2048);
  assert.equal(c.extensions.basicConstraints, { ca: true });
  assert.ok(c.extensions.isCritical('2.5.29.19'));
  assert.equal([...c.extensions.keyUsage!].sort(), ['cRLSign', 'keyCertSign']);
  assert.equal(c.extensions.subjectAltName!.map((g) => g.type), ['dns', 'ip', 'email', 'uri']);
  assert.is(c.extensions.subjectKeyIdentifier!.length, 20);
  assert.is(c.notAfter.getTime() - c.notBefore.getTime(), 3650 * 86400e3);
  assert.equal(c.der, new Uint8Array(ca.der));
  // The TBS is what was signed: the certificate minus its outer header, algorithm and signature.
  assert.ok(c.tbs.length < c.der.length && c.der.subarray(4, 4 + c.tbs.length).every((b, i) => b === c.tbs[i]));
});

test('serial number, as openssl prints it', () => {
  const ca = issue({ name: 'fields-ca', key: 'rsa2048', subject: '/CN=Mosquitto CA/O=Example', ext: EXT.root });
  const printed = runProgram('openssl', ['x509', '-in', ca.certPath, '-noout', '-serial'], { encoding: 'utf8' }).trim().split('=')[1]!;
  const c = parseCertificate(ca.der);
  assert.is(Array.from(c.serialNumber, (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase().replace(/^0+/, ''), printed.replace(/^0+/, ''));
});

test('EC keys P-256/384/521 and ECDSA signature algorithms', () => {
  for (const [key, bits, md, alg] of [['p256', 256, 'sha256', 'ecdsa-with-SHA256'], ['p384', 384, 'sha384', 'ecdsa-with-SHA384'], ['p521', 521, 'sha512', 'ecdsa-with-SHA512']] as const) {
    const ca = issue({ name: `ec-fields-${key}`, key, subject: `/CN=EC ${key}`, ext: EXT.root, md });
    const c = parseCertificates(ca.pem)[0]!;
    assert.is(c.publicKey.type, 'ec');
    assert.is(c.publicKey.bits, bits);
    assert.is(c.signatureAlgorithm.name, alg);
  }
});

test('several certificates in one PEM file, other blocks skipped; DER input', () => {
  const a = issue({ name: 'multi-a', key: 'p256', subject: '/CN=A', ext: EXT.root });
  const b = issue({ name: 'multi-b', key: 'p256', subject: '/CN=B', ext: EXT.root });
  const certs = parseCertificates(`comment line\n${a.pem}${a.keyPem}${b.pem}`, { maxBytes: 8192 });
  assert.equal(certs.map((c) => c.subject.toString()), ['CN=A', 'CN=B']);
  assert.is(parseCertificates(a.der)[0]!.subject.toString(), 'CN=A');
  assert.is(parseCertificates(new TextEncoder().encode(a.pem))[0]!.subject.toString(), 'CN=A');
});

test('size limit: 4096 bytes by default, as the reference device; configurable', () => {
  const big = issue({ name: 'big-4096', key: 'rsa4096', subject: '/CN=Big', ext: EXT.root });
  const bundle = big.pem + big.pem + big.pem;
  assert.ok(bundle.length > 4096);
  assert.is(code(() => parseCertificates(bundle)), 'MBEDTLS_ERR_X509_BAD_INPUT_DATA');
  assert.is(parseCertificates(bundle, { maxBytes: 16384 }).length, 3);
  assert.is(parseCertificates(big.pem + big.pem).length, 2, 'two 4096-bit certificates still fit in 4096 bytes');
  assert.is(code(() => parseCertificates(big.pem, { maxBytes: 100 })), 'MBEDTLS_ERR_X509_BAD_INPUT_DATA');
});

test('garbage and broken PEM', () => {
  assert.is(code(() => parseCertificates('hello, this is not a certificate')), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  assert.is(code(() => parseCertificates(new Uint8Array([1, 2, 3]))), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  assert.is(code(() => parseCertificates('')), 'MBEDTLS_ERR_X509_BAD_INPUT_DATA');
  assert.is(code(() => parseCertificates('-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  assert.is(code(() => parseCertificates('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  const a = issue({ name: 'multi-a', key: 'p256', subject: '/CN=A', ext: EXT.root });
  assert.is(code(() => parseCertificates(a.keyPem)), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  // Truncated and trailing-garbage DER.
  assert.is(code(() => parseCertificate(a.der.subarray(0, a.der.length - 1))), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  assert.is(code(() => parseCertificate(Uint8Array.from([...a.der, 0]))), 'MBEDTLS_ERR_X509_INVALID_FORMAT');
});

test('unknown critical extension: rejected at parse (Mbed TLS); unknown non-critical: kept', () => {
  const crit = issue({ name: 'unknown-critical', key: 'p256', subject: '/CN=U', ext: [...EXT.root, '1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:must understand'] });
  assert.is(code(() => parseCertificates(crit.pem)), 'MBEDTLS_ERR_X509_INVALID_EXTENSIONS');
  const soft = issue({ name: 'unknown-noncritical', key: 'p256', subject: '/CN=U2', ext: [...EXT.root, '1.3.6.1.4.1.55555.1=ASN1:UTF8String:may ignore'] });
  const c = parseCertificates(soft.pem)[0]!;
  assert.ok(c.extensions.all.some((e) => e.oid === '1.3.6.1.4.1.55555.1' && !e.critical));
});

test('duplicate extensions, mismatched signature algorithms, malformed SAN (x509-limbo certificates)', () => {
  assert.is(code(() => parseCertificates(limboCase('rfc5280::duplicate-extensions').peer_certificate)), 'MBEDTLS_ERR_X509_INVALID_EXTENSIONS');
  assert.is(code(() => parseCertificates(limboCase('rfc5280::mismatching-signature-algorithm').peer_certificate)), 'MBEDTLS_ERR_X509_SIG_MISMATCH');
  assert.is(code(() => parseCertificates(limboCase('rfc5280::san::malformed').peer_certificate)), 'MBEDTLS_ERR_X509_INVALID_EXTENSIONS');
  assert.is(code(() => parseCertificates(limboCase('webpki::forbidden-dsa-leaf').peer_certificate)), 'MBEDTLS_ERR_PK_UNKNOWN_PK_ALG');
});

test('RSA-PSS signatures are an unknown signature algorithm; MD5 parses (refused at verify)', () => {
  const pss = issue({ name: 'pss-root', key: 'rsa2048', subject: '/CN=PSS', ext: EXT.root });
  const pssCert = tempFile('pss.pem', '');
  runProgram('openssl', ['x509', '-in', pss.certPath, '-signkey', pss.keyPath, '-sigopt', 'rsa_padding_mode:pss', '-sha256', '-out', pssCert], { stdio: 'ignore' });
  assert.is(code(() => parseCertificates(readFileSync(pssCert, 'utf8'))), 'MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG');
});

test('validity dates: strict UTCTime / GeneralizedTime', () => {
  const ca = issue({ name: 'y2050', key: 'p256', subject: '/CN=Far', ext: EXT.root, days: 30000 });
  const c = parseCertificates(ca.pem)[0]!;
  // Beyond 2049 openssl switches to GeneralizedTime.
  assert.ok(c.notAfter.getUTCFullYear() >= 2050);
  // Patch the UTCTime notBefore into an invalid month 13.
  const der = Uint8Array.from(ca.der);
  const at = findUtcTime(der);
  der[at + 2 + 2] = 0x31; // YYMM -> month "1x"
  der[at + 2 + 3] = 0x33; // -> "13"
  assert.is(code(() => parseCertificate(der)), 'MBEDTLS_ERR_X509_INVALID_DATE');
});

test('validity dates: the calendar (days from civil) agrees with Date for every month end, leap days and years 0001-9999', () => {
  const node = (tag: number, text: string) => decodeDer(Uint8Array.from([tag, text.length, ...Array.from(text, (ch) => ch.charCodeAt(0))]), 'X509_INVALID_DATE', 't');
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  for (const year of [1, 99, 100, 1600, 1900, 1949, 1950, 1969, 1970, 1999, 2000, 2024, 2025, 2038, 2049, 2050, 2100, 2400, 9999]) {
    for (let month = 1; month <= 12; month++) {
      const last = new Date(Date.UTC(2001, month, 0)).getUTCDate() + (month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0);
      for (const day of [1, last]) {
        const expected = new Date(0);
        expected.setUTCFullYear(year, month - 1, day);
        expected.setUTCHours(23, 59, 58, 0);
        const text = `${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}235958Z`;
        assert.is(parseTime(node(0x18, text), 't').getTime(), expected.getTime(), text);
        if (year >= 1950 && year <= 2049) assert.is(parseTime(node(0x17, text.slice(2)), 't').getTime(), expected.getTime(), `UTCTime ${text}`);
      }
    }
  }
  assert.is(code(() => parseTime(node(0x18, '20230229000000Z'), 't')), 'MBEDTLS_ERR_X509_INVALID_DATE');
  assert.is(parseTime(node(0x18, '20240229000000Z'), 't').toISOString(), '2024-02-29T00:00:00.000Z');
});

function headerLength(der: Uint8Array, off: number): number {
  const l = der[off + 1]!;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

function findUtcTime(der: Uint8Array): number {
  for (let i = 0; i < der.length - 15; i++) if (der[i] === 0x17 && der[i + 1] === 13 && der[i + 14] === 0x5a) return i;
  throw new Error('no UTCTime');
}

test('version: v1 certificates parse with no extensions; unknown versions are refused', () => {
  const v1 = tempFile('v1.pem', '');
  const key = issue({ name: 'multi-a', key: 'p256', subject: '/CN=A', ext: EXT.root });
  runProgram('openssl', ['req', '-x509', '-key', key.keyPath, '-subj', '/CN=V1', '-days', '10', '-config', tempFile('empty.cnf', '[req]\ndistinguished_name=dn\n[dn]\n'), '-out', v1], { stdio: 'ignore' });
  const c = parseCertificates(readFileSync(v1, 'utf8'))[0]!;
  assert.is(c.version, 1);
  assert.is(c.extensions.all.length, 0);
  const der = Uint8Array.from(key.der);
  // Certificate header, then TBS header, then A0 03 02 01 02 (version v3).
  const at = headerLength(der, 0) + headerLength(der, headerLength(der, 0));
  assert.equal(Array.from(der.subarray(at, at + 5)), [0xa0, 0x03, 0x02, 0x01, 0x02]);
  der[at + 4] = 0x05;
  assert.is(code(() => parseCertificate(der)), 'MBEDTLS_ERR_X509_UNKNOWN_VERSION');
});

test('names: DER order, escaping, multi-valued RDN, comparison folds case', () => {
  const ca = issue({ name: 'names', key: 'p256', subject: '/C=US/O=Let\'s Encrypt, Inc./OU=A+OU=B/CN=R3', ext: EXT.root });
  const c = parseCertificates(ca.pem)[0]!;
  assert.is(c.subject.toString(), "C=US, O=Let's Encrypt\\, Inc., OU=A + OU=B, CN=R3");
  assert.equal(c.subject.values('2.5.4.3'), ['R3']);
  const upper = issue({ name: 'names-upper', key: 'p256', subject: '/C=US/O=LET\'S ENCRYPT,  INC./OU=B+OU=A/CN=r3', ext: EXT.root });
  assert.is(parseCertificates(upper.pem)[0]!.subject.key, c.subject.key);
});

test.run();
