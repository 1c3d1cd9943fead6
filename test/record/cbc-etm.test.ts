/**
 * Encrypt-then-MAC records (RFC 7366) in isolation: the layout on the wire, and that every
 * alteration (MAC, ciphertext, IV, length, authentic-but-bad padding) is bad_record_mac.
 * Interop with OpenSSL is in ems-etm-mfl.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultProvider } from '../../hw/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { EtmCbcProtection } from '../../src/record/cbc-etm.js';
import { recordAad } from '../../src/record/protection.js';

const provider = getDefaultProvider();
const KEY = new Uint8Array(16).fill(1);
const SEQ = new Uint8Array(8);

function etm(hash: 'sha1' | 'sha256', macKey = new Uint8Array(hash === 'sha1' ? 20 : 32).fill(2)): EtmCbcProtection {
  return new EtmCbcProtection('t', provider, provider.aesCbc(KEY), hash, macKey, (n) => new Uint8Array(n).fill(3));
}

function expectBadMac(f: () => unknown, what: string): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, MicroTlsError, what);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC', what);
    assert.is((e as MicroTlsError).info['alert'], 20, `${what}: bad_record_mac`);
    return;
  }
  assert.unreachable(`${what} was accepted`);
}

test('layout: IV || CBC(data || padding) || HMAC(header || IV || ciphertext); round trip for every length class', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    const p = etm(hash);
    const macLen = hash === 'sha1' ? 20 : 32;
    for (const n of [0, 1, 15, 16, 17, 1000]) {
      const data = new Uint8Array(n).map((_, i) => i);
      const rec = p.seal(23, SEQ, data);
      const encLen = rec.length - macLen;
      assert.is(encLen % 16, 0);
      assert.is(encLen, 16 + (Math.floor(n / 16) + 1) * 16, `padding for ${n}`);
      const expectedMac = provider.hmac(hash, new Uint8Array(macLen).fill(2)).update(recordAad(SEQ, 23, encLen)).update(rec.subarray(0, encLen)).digest();
      assert.equal(rec.subarray(encLen), expectedMac, 'the MAC covers the ciphertext');
      assert.equal(p.open(23, SEQ, rec), data);
    }
  }
});

test('any alteration is bad_record_mac; no padding oracle before the MAC', () => {
  const p = etm('sha256');
  const rec = p.seal(23, SEQ, new Uint8Array(40).fill(9));
  for (const i of [0, 20, rec.length - 33, rec.length - 1]) {
    const t = rec.slice();
    t[i]! ^= 1;
    expectBadMac(() => p.open(23, SEQ, t), `byte ${i} flipped`);
  }
  expectBadMac(() => p.open(22, SEQ, rec), 'other content type');
  expectBadMac(() => p.open(23, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), rec), 'other sequence number');
  expectBadMac(() => p.open(23, SEQ, rec.subarray(0, rec.length - 16)), 'truncated');
  expectBadMac(() => p.open(23, SEQ, new Uint8Array(40)), 'too short');
});

test('authentic record with bad padding (a broken peer) is still bad_record_mac', () => {
  const macKey = new Uint8Array(32).fill(2);
  const p = etm('sha256', macKey);
  // Encrypt a block whose last byte claims 5 bytes of padding that are not there, then MAC it properly.
  const plain = new Uint8Array(32).fill(7);
  plain[31] = 5;
  const iv = new Uint8Array(16).fill(4);
  const body = new Uint8Array([...iv, ...provider.aesCbc(KEY).encrypt(iv, plain)]);
  const mac = provider.hmac('sha256', macKey).update(recordAad(SEQ, 23, body.length)).update(body).digest();
  expectBadMac(() => p.open(23, SEQ, new Uint8Array([...body, ...mac])), 'bad padding');
});

test.run();
