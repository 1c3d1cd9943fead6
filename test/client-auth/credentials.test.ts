import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync } from 'node:crypto';
import { issueCertificate, rsaKeyPkcs1Pem, type Issued } from '../../src/node/pki.js';
import { MicroTlsError } from '../../src/errors.js';
import { toHex } from '../../src/encoding/bytes.js';
import { loadClientCredentials, MAX_CERTIFICATE_MESSAGE_BYTES } from '../../src/client-auth/credentials.js';
import { expectThrown } from '../helpers/thrown.js';

const ca = issueCertificate({ subject: [['CN', 'Test CA']], ca: true, key: { type: 'rsa', bits: 2048 } });
const clients = new Map<number, Issued>(
  [1024, 2048, 4096].map((bits) => [bits, issueCertificate({
    subject: [['CN', `client-${bits}`]], issuer: ca, key: { type: 'rsa', bits }, extKeyUsage: ['clientAuth'], keyUsage: ['digitalSignature'],
  })]),
);
const client = (bits: number) => clients.get(bits)!;


for (const bits of [1024, 2048, 4096]) {
  test(`RSA-${bits}: matching certificate and key are accepted (PKCS#8, PKCS#1, DER)`, () => {
    const c = client(bits);
    const der = new Uint8Array(c.key.export({ type: 'pkcs8', format: 'der' }));
    for (const key of [c.keyPem, rsaKeyPkcs1Pem(c.key), der]) {
      const creds = loadClientCredentials({ cert: c.certPem, key });
      assert.is(creds.bits, bits);
      assert.is(creds.key.bits, bits);
      assert.is(creds.chain.length, 1);
      assert.is(toHex(creds.chain[0]!), toHex(c.certDer));
      assert.is(creds.leaf.subject.toString(), `CN=client-${bits}`);
    }
  });
}

test('a chain is kept leaf first, from one PEM text or a list of files', () => {
  const c = client(1024);
  const one = loadClientCredentials({ cert: c.certPem + ca.certPem, key: c.keyPem });
  assert.equal(one.chain.map(toHex), [toHex(c.certDer), toHex(ca.certDer)]);
  const list = loadClientCredentials({ cert: [c.certPem, ca.certDer], key: c.keyPem });
  assert.equal(list.chain.map(toHex), [toHex(c.certDer), toHex(ca.certDer)]);
});

test('a key that is not the certificate\'s is refused at configuration time', () => {
  expectThrown(() => loadClientCredentials({ cert: client(2048).certPem, key: client(1024).keyPem }), 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED', /does not belong to the certificate/);
  // The key must match the leaf, not any certificate of the chain.
  expectThrown(() => loadClientCredentials({ cert: client(1024).certPem + ca.certPem, key: ca.keyPem }), 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED');
  // Same modulus size, different key.
  const other = issueCertificate({ subject: [['CN', 'other']], key: { type: 'rsa', bits: 1024 } });
  expectThrown(() => loadClientCredentials({ cert: other.certPem, key: client(1024).keyPem }), 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED');
});

test('an encrypted key is refused: the key must be without a password', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' },
  });
  const err = expectThrown(() => loadClientCredentials({ cert: client(1024).certPem, key: privateKey }), 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED', /the key must be without a password/);
  assert.is(err.code, -0x3c00);
  // Legacy OpenSSL encryption (Proc-Type header) too.
  const legacy = generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'x' },
  }).privateKey;
  assert.match(legacy, /Proc-Type: 4,ENCRYPTED/);
  expectThrown(() => loadClientCredentials({ cert: client(1024).certPem, key: legacy }), 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED', /without a password/);
});

test('EC keys and EC certificates are refused clearly', () => {
  const ec = issueCertificate({ subject: [['CN', 'ec-client']], key: { type: 'ec', curve: 'P-256' } });
  expectThrown(() => loadClientCredentials({ cert: ec.certPem, key: ec.keyPem }), 'MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE', /only RSA client keys/);
  const sec1 = ec.key.export({ type: 'sec1', format: 'pem' }).toString();
  expectThrown(() => loadClientCredentials({ cert: ec.certPem, key: sec1 }), 'MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE', /only RSA/);
  expectThrown(() => loadClientCredentials({ cert: ec.certPem, key: client(1024).keyPem }), 'MBEDTLS_ERR_PK_TYPE_MISMATCH', /EC key/);
});

test('missing halves name what is missing', () => {
  expectThrown(() => loadClientCredentials({ cert: '', key: client(1024).keyPem }), 'MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED');
  expectThrown(() => loadClientCredentials({ cert: [], key: client(1024).keyPem }), 'MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED');
  expectThrown(() => loadClientCredentials({ cert: client(1024).certPem, key: '' }), 'MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED');
});

function expectFamily(fn: () => unknown, family: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.match((e as MicroTlsError).codeName, family);
    return;
  }
  assert.unreachable(`expected ${family}`);
}

test('garbage files get the parsers\' X509 / PEM / PK codes', () => {
  // The exact code is the x509 and key parsers' choice; what matters here is a typed error.
  expectFamily(() => loadClientCredentials({ cert: 'hello', key: client(1024).keyPem }), /^MBEDTLS_ERR_X509_/);
  expectFamily(() => loadClientCredentials({ cert: client(1024).certPem, key: 'hello' }), /^MBEDTLS_ERR_(PEM|PK)_/);
  expectFamily(() => loadClientCredentials({ cert: client(1024).keyPem, key: client(1024).keyPem }), /^MBEDTLS_ERR_X509_/);
  expectFamily(() => loadClientCredentials({ cert: client(1024).certPem, key: client(1024).certPem }), /^MBEDTLS_ERR_PK_/);
});

test('files above 4096 bytes are refused unless the limit is raised', () => {
  const c = client(1024);
  const bigKey = '#'.repeat(4096) + '\n' + c.keyPem;
  expectThrown(() => loadClientCredentials({ cert: c.certPem, key: bigKey }), 'MBEDTLS_ERR_PK_BAD_INPUT_DATA', /4096-byte limit/);
  assert.is(loadClientCredentials({ cert: c.certPem, key: bigKey, maxFileBytes: 8192 }).bits, 1024);
  const bigCert = '#'.repeat(4096) + '\n' + c.certPem;
  expectThrown(() => loadClientCredentials({ cert: bigCert, key: c.keyPem }), 'MBEDTLS_ERR_X509_BAD_INPUT_DATA');
});

test('the Certificate message limit is exact: 16384 bytes pass, 16385 do not', () => {
  const leaf = client(1024);
  const fillerKey = ca.key;
  const filler = (pad: number) => issueCertificate({ subject: [['CN', 'filler']], extraExtensions: [['1.3.6.1.4.1.99999.1', false, new Uint8Array(pad)]] }, fillerKey);
  const size = (f: Issued) => 4 + 3 + (3 + leaf.certDer.length) + (3 + f.certDer.length);
  const probe = filler(12000);
  const exact = filler(12000 + MAX_CERTIFICATE_MESSAGE_BYTES - size(probe));
  assert.is(size(exact), MAX_CERTIFICATE_MESSAGE_BYTES);
  const opts = { key: leaf.keyPem, maxFileBytes: 32768 };
  assert.is(loadClientCredentials({ ...opts, cert: [leaf.certPem, exact.certPem] }).chain.length, 2);
  const over = filler(12000 + MAX_CERTIFICATE_MESSAGE_BYTES - size(probe) + 1);
  assert.is(size(over), MAX_CERTIFICATE_MESSAGE_BYTES + 1);
  expectThrown(() => loadClientCredentials({ ...opts, cert: [leaf.certPem, over.certPem] }), 'MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE', /16385-byte/);
});

test('a chain too large for one Certificate message is refused', () => {
  const c = client(4096);
  const n = Math.ceil(MAX_CERTIFICATE_MESSAGE_BYTES / c.certDer.length);
  expectThrown(() => loadClientCredentials({ cert: Array(n).fill(c.certPem), key: c.keyPem }), 'MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE');
  const fits = Math.floor((MAX_CERTIFICATE_MESSAGE_BYTES - 7) / (c.certDer.length + 3));
  assert.is(loadClientCredentials({ cert: Array(fits).fill(c.certPem), key: c.keyPem }).chain.length, fits);
});

test.run();
