import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { concatBytes, fromHex, toHex } from '../../src/encoding/bytes.js';
import {
  encodeExtension, encodeOfferedExtensions, MAX_FRAGMENT_LENGTH_CODES, maxFragmentLengthCode,
  maxFragmentLengthFromCode, negotiateExtensions, parseExtensionBlock, type Extension, type ExtensionOffer,
} from '../../src/session/extensions.js';
import { ExtensionType } from '../../src/handshake/constants.js';

const FULL_OFFER: ExtensionOffer = { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: true, maxFragmentLength: 2048 };
const NOTHING: ExtensionOffer = { sessionTicket: false, extendedMasterSecret: false, encryptThenMac: false };

function expectHelloError(fn: () => unknown, alert: number, text: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MicroTlsError);
    const err = e as MicroTlsError;
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
    assert.is(err.info.alert, alert);
    assert.match(err.message, text);
    return;
  }
  assert.unreachable('expected BAD_HS_SERVER_HELLO');
}

const ext = (type: number, body: number[] = []): Extension => ({ type, body: Uint8Array.from(body) });

test('type codes are the IANA ones', () => {
  assert.equal([ExtensionType.max_fragment_length, ExtensionType.encrypt_then_mac, ExtensionType.extended_master_secret, ExtensionType.session_ticket], [1, 0x16, 0x17, 0x23]);
});

test('encodeExtension writes type, length and body', () => {
  assert.is(toHex(encodeExtension(0x0017)), '00170000');
  assert.is(toHex(encodeExtension(0x0023, Uint8Array.of(1, 2, 3))), '0023000301' + '0203');
});

test('offer encodes each extension exactly (wire bytes)', () => {
  assert.equal(encodeOfferedExtensions(NOTHING), []);
  const all = encodeOfferedExtensions(FULL_OFFER).map(toHex);
  assert.equal(all, ['0001000103', '00160000', '00170000', '00230000']);
  const ticket = fromHex('a1b2c3');
  assert.equal(encodeOfferedExtensions({ ...NOTHING, sessionTicket: ticket }).map(toHex), ['00230003a1b2c3']);
  for (const [code, len] of MAX_FRAGMENT_LENGTH_CODES) {
    assert.equal(encodeOfferedExtensions({ ...NOTHING, maxFragmentLength: len }).map(toHex), [`00010001${toHex(Uint8Array.of(code))}`]);
  }
});

test('max fragment length code table', () => {
  assert.equal([512, 1024, 2048, 4096].map(maxFragmentLengthCode), [1, 2, 3, 4]);
  assert.equal([0, 1, 2, 3, 4, 5, 255].map(maxFragmentLengthFromCode), [undefined, 512, 1024, 2048, 4096, undefined, undefined]);
  for (const bad of [0, 256, 8192, 16384, 1000]) {
    assert.throws(() => maxFragmentLengthCode(bad), (e: unknown) => e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_SSL_BAD_CONFIG');
  }
});

test('a ClientHello-style block round-trips through parseExtensionBlock', () => {
  const block = concatBytes(...encodeOfferedExtensions({ ...FULL_OFFER, sessionTicket: fromHex('0102') }));
  const parsed = parseExtensionBlock(block);
  assert.equal(parsed.map((e) => [e.type, toHex(e.body)]), [[1, '03'], [0x16, ''], [0x17, ''], [0x23, '0102']]);
});

test('parseExtensionBlock: truncation anywhere and duplicates are decode errors', () => {
  const block = concatBytes(encodeExtension(0x17), encodeExtension(0x23, Uint8Array.of(9, 9)), encodeExtension(0xff01, Uint8Array.of(0)));
  for (let cut = 1; cut < block.length; cut++) {
    const part = block.subarray(0, cut);
    const boundary = [4, 10].includes(cut);
    if (boundary) {
      assert.ok(parseExtensionBlock(part).length > 0);
      continue;
    }
    expectHelloError(() => parseExtensionBlock(part), 50, /malformed/);
  }
  expectHelloError(() => parseExtensionBlock(concatBytes(encodeExtension(0x17), encodeExtension(0x17))), 50, /appears twice/);
});

test('server agreeing to everything offered', () => {
  const n = negotiateExtensions([ext(0x17), ext(0x16), ext(0x23), ext(0x01, [3]), ext(0xff01, [0])], FULL_OFFER, true);
  assert.equal(n, { sessionTicket: true, extendedMasterSecret: true, encryptThenMac: true, maxFragmentLength: 2048 });
});

test('server declining everything', () => {
  assert.equal(negotiateExtensions([], FULL_OFFER, true), { sessionTicket: false, extendedMasterSecret: false, encryptThenMac: false });
});

test('ETM acknowledged with an AEAD suite is ignored', () => {
  assert.is(negotiateExtensions([ext(0x16)], FULL_OFFER, false).encryptThenMac, false);
  assert.is(negotiateExtensions([ext(0x16)], FULL_OFFER, true).encryptThenMac, true);
});

test('extensions the client did not offer are unsupported_extension', () => {
  for (const e of [ext(0x17), ext(0x16), ext(0x23), ext(0x01, [1])]) {
    expectHelloError(() => negotiateExtensions([e], NOTHING, true), 110, /not offered/);
  }
  expectHelloError(() => negotiateExtensions([ext(0x17)], { ...FULL_OFFER, extendedMasterSecret: false }, true), 110, /0x0017 was not offered/);
});

test('non-empty bodies for EMS, ETM and session_ticket are decode errors', () => {
  for (const type of [0x17, 0x16, 0x23]) {
    expectHelloError(() => negotiateExtensions([ext(type, [0])], FULL_OFFER, true), 50, /must be empty/);
    expectHelloError(() => negotiateExtensions([ext(type, [0, 0])], FULL_OFFER, true), 50, /must be empty/);
  }
});

test('max_fragment_length answers: wrong size or a code not offered', () => {
  expectHelloError(() => negotiateExtensions([ext(0x01, [])], FULL_OFFER, true), 50, /must be 1 byte/);
  expectHelloError(() => negotiateExtensions([ext(0x01, [3, 3])], FULL_OFFER, true), 50, /must be 1 byte/);
  for (const code of [0, 1, 2, 4, 5, 255]) {
    expectHelloError(() => negotiateExtensions([ext(0x01, [code])], FULL_OFFER, true), 47, /differs from the offered 3/);
  }
  for (const [code, len] of MAX_FRAGMENT_LENGTH_CODES) {
    assert.is(negotiateExtensions([ext(0x01, [code])], { ...NOTHING, maxFragmentLength: len }, true).maxFragmentLength, len);
  }
});

test('a duplicated answer is refused even when passed pre-split', () => {
  expectHelloError(() => negotiateExtensions([ext(0x17), ext(0x17)], FULL_OFFER, true), 50, /appears twice/);
});

test.run();
