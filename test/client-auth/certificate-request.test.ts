import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { ByteWriter } from '../../src/encoding/writer.js';
import {
  chooseClientSignatureScheme, CLIENT_SIGNATURE_PREFERENCE, parseCertificateRequest, planClientCertificate, requireChainPlan,
  serverAcceptsRsa, type CertificateRequest,
} from '../../src/client-auth/certificate-request.js';
import type { ClientCredentials } from '../../src/client-auth/credentials.js';
import { signatureSchemeByCode, SIGNATURE_SCHEMES } from '../../src/crypto/signature-schemes.js';

// supported_signature_algorithms as OpenSSL 3 sends them in a TLS 1.2 CertificateRequest.
const OPENSSL_SIGALGS = [
  0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081a, 0x081b, 0x081c, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805, 0x0806,
  0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
];
const DN_A = Uint8Array.from([0x30, 0x0e, 0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 0x43, 0x41, 0x31]);
const DN_EMPTY = Uint8Array.from([0x30, 0x00]);

function body(types: number[], algs: number[], dns: Uint8Array[]): Uint8Array {
  return new ByteWriter()
    .vec8(Uint8Array.from(types))
    .prefixed(2, (w) => { for (const a of algs) w.u16(a); })
    .prefixed(2, (w) => { for (const dn of dns) w.vec16(dn); })
    .finish();
}

function expectBad(b: Uint8Array, label: string, text?: RegExp): void {
  try {
    parseCertificateRequest(b);
  } catch (e) {
    assert.instance(e, MicroTlsError, label);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST', label);
    assert.is((e as MicroTlsError).info.alert, 50, label);
    if (text) assert.match((e as MicroTlsError).message, text, label);
    return;
  }
  assert.unreachable(`accepted ${label}`);
}

const GOOD = body([1, 64], OPENSSL_SIGALGS, [DN_A, DN_EMPTY]);

test('parses an OpenSSL-shaped request', () => {
  const req = parseCertificateRequest(GOOD);
  assert.equal(req.certificateTypes, [1, 64]);
  assert.equal(req.signatureAlgorithms, OPENSSL_SIGALGS);
  assert.equal(req.certificateAuthorities.map((d) => [...d]), [[...DN_A], [...DN_EMPTY]]);
});

test('empty certificate_authorities is legal (any CA)', () => {
  assert.equal(parseCertificateRequest(body([1], [0x0401], [])).certificateAuthorities, []);
});

test('truncation at every byte is refused', () => {
  for (let cut = 0; cut < GOOD.length; cut++) expectBad(GOOD.subarray(0, cut), `cut at ${cut}`);
});

test('structural violations are refused', () => {
  expectBad(new Uint8Array([...GOOD, 0]), 'trailing byte', /trailing/);
  expectBad(body([], [0x0401], []), 'no certificate types', /certificate_types length 0/);
  expectBad(body([1], [], []), 'no signature algorithms', /supported_signature_algorithms length 0/);
  const odd = new ByteWriter().vec8(Uint8Array.of(1)).vec16(Uint8Array.of(4, 1, 5)).vec16(new Uint8Array(0)).finish();
  expectBad(odd, 'odd algorithm list', /odd length/);
  const emptyDn = new ByteWriter().vec8(Uint8Array.of(1)).vec16(Uint8Array.of(4, 1)).vec16(Uint8Array.of(0, 0)).finish();
  expectBad(emptyDn, 'zero-length DN', /DistinguishedName length 0/);
});

test('DistinguishedNames must be one DER SEQUENCE', () => {
  const bad: Array<[string, number[]]> = [
    ['SET instead of SEQUENCE', [0x31, 0x00]],
    ['short length too long', [0x30, 0x03, 0x00, 0x00]],
    ['trailing byte after SEQUENCE', [0x30, 0x00, 0x00]],
    ['indefinite length', [0x30, 0x80, 0x00, 0x00]],
    ['non-minimal long form', [0x30, 0x81, 0x02, 0x05, 0x00]],
    ['leading zero length octet', [0x30, 0x82, 0x00, 0x02, 0x05, 0x00]],
    ['lone tag', [0x30]],
  ];
  for (const [label, dn] of bad) expectBad(body([1], [0x0401], [Uint8Array.from(dn)]), label, /DER SEQUENCE/);
  // 0x30 0x82 0x00 0xc8: a two-octet length whose value (200) fits in one octet.
  const nonMinimal = new Uint8Array(4 + 200);
  nonMinimal.set([0x30, 0x82, 0x00, 200]);
  expectBad(body([1], [0x0401], [nonMinimal]), 'two length octets for 200', /DER SEQUENCE/);
  const long = new Uint8Array(3 + 200);
  long.set([0x30, 0x81, 200]);
  assert.is(parseCertificateRequest(body([1], [0x0401], [long])).certificateAuthorities[0]!.length, 203);
});

test('serverAcceptsRsa looks for rsa_sign (1)', () => {
  assert.ok(serverAcceptsRsa([1]));
  assert.ok(serverAcceptsRsa([64, 1]));
  assert.not.ok(serverAcceptsRsa([64]));
  assert.not.ok(serverAcceptsRsa([2, 3, 4, 65, 66]));
  assert.not.ok(serverAcceptsRsa([]));
});

test('SHA-256 wins wherever the server allows it', () => {
  assert.is(chooseClientSignatureScheme(OPENSSL_SIGALGS)!.code, 0x0401);
  assert.is(chooseClientSignatureScheme([0x0601, 0x0501, 0x0401])!.code, 0x0401);
  assert.is(chooseClientSignatureScheme([0x0201, 0x0401, 0x0601])!.name, 'rsa_pkcs1_sha256');
});

test('without SHA-256, the manual\'s order decides among RSA schemes', () => {
  assert.is(chooseClientSignatureScheme([0x0201, 0x0301, 0x0501, 0x0601])!.code, 0x0601);
  assert.is(chooseClientSignatureScheme([0x0201, 0x0301, 0x0501])!.code, 0x0501);
  assert.is(chooseClientSignatureScheme([0x0201, 0x0301])!.code, 0x0301);
  assert.is(chooseClientSignatureScheme([0x0201])!.hash, 'sha1');
  assert.equal(CLIENT_SIGNATURE_PREFERENCE, [0x0401, 0x0601, 0x0501, 0x0301, 0x0201]);
});

test('the preference table holds exactly the manual\'s RSA PKCS#1 schemes', () => {
  const rsa = SIGNATURE_SCHEMES.filter((s) => s.key === 'rsa').map((s) => s.code);
  assert.equal([...CLIENT_SIGNATURE_PREFERENCE].sort(), [...rsa].sort());
  for (const code of CLIENT_SIGNATURE_PREFERENCE) assert.is(signatureSchemeByCode(code)?.key, 'rsa', code.toString(16));
});

test('no RSA PKCS#1 scheme: undefined (ECDSA, PSS, MD5 and unknown codes never chosen)', () => {
  assert.is(chooseClientSignatureScheme([0x0403, 0x0503, 0x0603, 0x0303, 0x0203]), undefined);
  assert.is(chooseClientSignatureScheme([0x0804, 0x0805, 0x0806, 0x0809]), undefined);
  assert.is(chooseClientSignatureScheme([0x0101, 0x0102, 0x0701, 0xffff]), undefined);
  assert.is(chooseClientSignatureScheme([]), undefined);
});

test('the hashes option restricts the choice to what the transcript can provide', () => {
  assert.is(chooseClientSignatureScheme(OPENSSL_SIGALGS, { hashes: ['sha384'] })!.code, 0x0501);
  assert.is(chooseClientSignatureScheme([0x0401, 0x0601], { hashes: ['sha384'] }), undefined);
  assert.is(chooseClientSignatureScheme([0x0401, 0x0601], { hashes: ['sha256', 'sha384'] })!.code, 0x0401);
});

const CREDS = { chain: [Uint8Array.of(0x30, 0x00)] } as unknown as ClientCredentials;
const REQ: CertificateRequest = { certificateTypes: [1], signatureAlgorithms: [0x0601, 0x0401], certificateAuthorities: [] };

test('planClientCertificate: chain only when there is something the server can accept', () => {
  const plan = planClientCertificate(REQ, CREDS);
  assert.is(plan.send, 'chain');
  assert.is(requireChainPlan(plan).scheme.code, 0x0401);
  assert.is(requireChainPlan(plan).chain, CREDS.chain);
  const none = planClientCertificate(REQ, undefined);
  assert.equal(none, { send: 'empty', reason: 'no client certificate is configured' });
  const ecOnly = planClientCertificate({ ...REQ, certificateTypes: [64] }, CREDS);
  assert.is(ecOnly.send, 'empty');
  assert.match((ecOnly as { reason: string }).reason, /not rsa_sign/);
  const noRsaAlg = planClientCertificate({ ...REQ, signatureAlgorithms: [0x0403] }, CREDS);
  assert.is(noRsaAlg.send, 'empty');
  try {
    requireChainPlan(noRsaAlg);
    assert.unreachable('requireChainPlan accepted an empty plan');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE');
    assert.is((e as MicroTlsError).info.alert, 40);
  }
});

test.run();
