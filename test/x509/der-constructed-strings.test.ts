/**
 * BER constructed strings (X.690 8.23.6; forbidden in DER by 10.2) must be refused by the
 * DER decoder with a typed error, so every caller sees X509_INVALID_FORMAT (or its own
 * code) instead of an exception from inside the asn1js conversion.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { concatBytes, fromHex } from '../../src/encoding/bytes.js';
import { MicroTlsError } from '../../src/errors.js';
import { decodeDer, decodeDerAsn1js } from '../../src/x509/der.js';
import { parseCertificate, parseCertificates } from '../../src/x509/certificate.js';
import { describeCertificate } from '../../src/x509/describe.js';
import { verifyChain } from '../../src/x509/verify.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { decodePem } from '../../src/encoding/pem.js';
import { constructedForm, constructedStringPki, STRING_TAGS } from '../helpers/constructed-strings.js';
import { thrownCodeName } from '../helpers/thrown.js';

const CODE = 'X509_INVALID_FORMAT';
const NAME = 'MBEDTLS_ERR_X509_INVALID_FORMAT';

function inputs(): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [{ label: 'the reported input', der: fromHex('3303130141') }];
  for (const tag of STRING_TAGS) {
    const prim = Uint8Array.of(tag, 2, tag === 3 ? 0 : 0x41, 0x42);
    const cons = constructedForm(prim);
    out.push({ label: `constructed tag ${tag}`, der: cons });
    out.push({ label: `constructed tag ${tag}, empty`, der: Uint8Array.of(tag | 0x20, 0) });
    out.push({ label: `constructed tag ${tag}, nested`, der: constructedForm(cons) });
    out.push({ label: `constructed tag ${tag}, two segments`, der: concatBytes(Uint8Array.of(tag | 0x20, prim.length * 2), prim, prim) });
    out.push({ label: `constructed tag ${tag} inside a SEQUENCE`, der: concatBytes(Uint8Array.of(0x30, cons.length + 3), Uint8Array.of(2, 1, 1), cons) });
    out.push({ label: `constructed tag ${tag} inside [0]`, der: concatBytes(Uint8Array.of(0xa0, cons.length), cons) });
  }
  return out;
}

test('the DER decoder refuses every constructed string type with the caller\'s code (both paths)', () => {
  for (const { label, der } of inputs()) {
    assert.is(thrownCodeName(() => decodeDer(der, CODE, 'certificate')), NAME, label);
    assert.is(thrownCodeName(() => decodeDerAsn1js(der, 'PK_KEY_INVALID_FORMAT', 'key')), 'MBEDTLS_ERR_PK_KEY_INVALID_FORMAT', label);
  }
});

test('the refusal names the constructed string', () => {
  try {
    decodeDer(fromHex('3303130141'), CODE, 'certificate');
    assert.unreachable('must throw');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.match((e as Error).message, /constructed/);
  }
});

const pki = constructedStringPki();
const der = (pem: string) => decodePem(pem)[0]!.der;

test('a certificate with a constructed string in its subject: INVALID_FORMAT from the parser and the description', () => {
  assert.is(thrownCodeName(() => parseCertificate(der(pki.badLeafPem))), NAME);
  assert.is(thrownCodeName(() => parseCertificates(pki.badCaPem)), NAME);
  assert.is(describeCertificate(pki.badCaPem), '-0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT');
  // The unmodified certificate parses: only the encoding is wrong.
  assert.is(parseCertificate(pki.leaf.certDer).subject.toString(), 'CN=localhost');
});

test('verifyChain sets such a certificate in the CA file aside and verifies with the others', () => {
  const r = verifyChain({ peer: pki.leaf.certPem, trusted: [pki.badCaPem + pki.ca.certPem], serverName: 'localhost' });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.is(r.ignored.length, 1);
  assert.is(r.ignored[0]!.codeName, NAME);
  const bytes = new TextEncoder().encode(pki.ca.certPem + pki.badCaPem);
  const verify = createChainVerifier({ trusted: [bytes] });
  const outcome = verify({ chain: [pki.leaf.certDer], serverName: 'localhost' });
  assert.ok(outcome.ok, JSON.stringify(outcome));
});

test('verifyChain with such a peer certificate: a typed error', () => {
  assert.is(thrownCodeName(() => verifyChain({ peer: pki.badLeafPem, trusted: pki.ca.certPem, serverName: 'localhost' })), NAME);
});

test.run();
