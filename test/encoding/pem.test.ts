import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { base64Decode, base64Encode } from '../../src/encoding/base64.js';
import { decodePem, encodePem, looksLikePem } from '../../src/encoding/pem.js';
import { asciiEncode, toHex } from '../../src/encoding/bytes.js';
import { thrownCodeName as code } from '../helpers/thrown.js';


test('base64 round trips against Buffer for every length 0..70', () => {
  for (let n = 0; n <= 70; n++) {
    const b = new Uint8Array(crypto.randomBytes(n));
    const enc = base64Encode(b);
    assert.is(enc, Buffer.from(b).toString('base64'));
    assert.is(toHex(base64Decode(enc)), toHex(b));
  }
});

test('base64 decoding is strict', () => {
  for (const bad of ['A', 'AB', 'ABC', 'AB=C', 'A===', '====', 'AB==AB==', 'AB$=', 'ABC-', 'AB_C', 'AB C', 'AB\nC', 'QR==', 'QUJ=', '\u00e9AAA']) {
    assert.is(code(() => base64Decode(bad)), 'MBEDTLS_ERR_BASE64_INVALID_CHARACTER', bad);
  }
  assert.is(toHex(base64Decode('')), '');
  assert.is(toHex(base64Decode('QQ==')), '41');
  assert.is(toHex(base64Decode('QUI=')), '4142');
});

const DER = new Uint8Array(crypto.randomBytes(200));
DER[0] = 0x30;

test('encodePem writes 64-column lines and decodePem reads it back', () => {
  const pem = encodePem('CERTIFICATE', DER);
  const lines = pem.trimEnd().split('\n');
  assert.is(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.is(lines.at(-1), '-----END CERTIFICATE-----');
  assert.ok(lines.slice(1, -2).every((l) => l.length === 64));
  const [block] = decodePem(pem);
  assert.is(block!.label, 'CERTIFICATE');
  assert.is(toHex(block!.der), toHex(DER));
  assert.equal(block!.headers, {});
});

test('multiple blocks, CRLF, indentation, surrounding text, odd line lengths', () => {
  const b64 = Buffer.from(DER).toString('base64');
  const text =
    'Bag Attributes\r\n    localKeyID: 01\r\nsubject=CN = x\r\n' +
    '  -----BEGIN CERTIFICATE-----  \r\n' +
    b64.slice(0, 10) + '\r\n\t' + b64.slice(10, 77) + '  \r\n\r\n' + b64.slice(77) + '\r\n' +
    '-----END CERTIFICATE-----\r\n' +
    'between\n-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----';
  const blocks = decodePem(text);
  assert.equal(blocks.map((b) => b.label), ['CERTIFICATE', 'PRIVATE KEY']);
  assert.is(toHex(blocks[0]!.der), toHex(DER));
  assert.is(toHex(blocks[1]!.der), '3000');
});

test('a UTF-8 byte-order mark before the first block is ignored', () => {
  const pem = encodePem('CERTIFICATE', DER);
  assert.is(toHex(decodePem('\ufeff' + pem)[0]!.der), toHex(DER));
  assert.is(toHex(decodePem('\xef\xbb\xbf' + pem)[0]!.der), toHex(DER));
});

test('RFC 1421 headers are returned', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,\n  00112233\n\nMAA=\n-----END RSA PRIVATE KEY-----\n';
  const [b] = decodePem(pem);
  assert.is(b!.headers['Proc-Type'], '4,ENCRYPTED');
  assert.is(b!.headers['DEK-Info'], 'AES-256-CBC, 00112233');
  assert.is(toHex(b!.der), '3000');
});

test('broken PEM gives the Mbed TLS PEM codes', () => {
  assert.is(code(() => decodePem('')), 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT');
  assert.is(code(() => decodePem('just text\nMIIB\n')), 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT');
  assert.is(code(() => decodePem('-----BEGIN CERTIFICATE-----\nMAA=\n')), 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT');
  assert.is(code(() => decodePem('-----BEGIN CERTIFICATE-----\nMAA=\n-----END PRIVATE KEY-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  assert.is(code(() => decodePem('-----BEGIN CERTIFICATE-----\nMA*=\n-----END CERTIFICATE-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  assert.is(code(() => decodePem('-----BEGIN CERTIFICATE-----\nMAA\n-----END CERTIFICATE-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  assert.is(code(() => decodePem('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  assert.is(code(() => decodePem('-----BEGIN A-----\nMAA=\n-----BEGIN B-----\nMAA=\n-----END B-----\n')), 'MBEDTLS_ERR_PEM_INVALID_DATA');
  // A good block followed by a broken one still fails: a truncated chain must not load silently.
  assert.is(code(() => decodePem(encodePem('CERTIFICATE', DER) + '-----BEGIN CERTIFICATE-----\nMAA=\n')), 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT');
});

test('looksLikePem tells PEM from DER', () => {
  assert.ok(looksLikePem(encodePem('CERTIFICATE', DER)));
  assert.ok(looksLikePem(asciiEncode('text\n' + encodePem('X', DER))));
  assert.not.ok(looksLikePem('MIIB'));
  assert.not.ok(looksLikePem(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)));
  // A DER SEQUENCE that happens to contain a BEGIN line stays DER.
  const inner = asciiEncode('-----BEGIN X-----');
  const der = Uint8Array.from([0x30, inner.length, ...inner]);
  assert.not.ok(looksLikePem(der));
});

test.run();
