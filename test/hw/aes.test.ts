/**
 * hw/aes.ts and hw/aes-gcm.ts (the XS provider's own AES) directly: the FIPS 197 Appendix C
 * examples for the three key sizes, then ECB, CBC both ways and GCM against node:crypto for
 * random keys and every length a record can end on (0..80 bytes and a 16 KiB record). The
 * Wycheproof AEAD and CBC suites run them through the XS provider (test/hw/wycheproof-*).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { aesBlock, aesCbc, decryptWords, expandDecryptionKey, expandKey } from '../../hw/aes.js';
import { aesGcm } from '../../hw/aes-gcm.js';
import { prng } from '../helpers/prng.js';
import { thrownCodeName } from '../helpers/thrown.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const next = prng(197);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));

test('FIPS 197 Appendix C: AES-128, -192 and -256 encrypt and decrypt', () => {
  const plain = unhex('00112233445566778899aabbccddeeff');
  const cases: [string, string][] = [
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ];
  for (const [key, ct] of cases) {
    assert.is(hex(aesBlock(unhex(key)).encryptBlock(plain)), ct, `encrypt, ${key.length * 4}-bit key`);
    const s = new Int32Array([0, 4, 8, 12].map((i) => new DataView(unhex(ct).buffer).getInt32(i)));
    decryptWords(expandDecryptionKey(expandKey(unhex(key))), s);
    const out = new Uint8Array(16);
    s.forEach((w, i) => new DataView(out.buffer).setInt32(4 * i, w));
    assert.is(hex(out), hex(plain), `decrypt, ${key.length * 4}-bit key`);
  }
});

test('ECB, CBC and GCM equal node:crypto for random keys and lengths', () => {
  for (const size of [16, 24, 32]) {
    for (const n of [...Array.from({ length: 81 }, (_, i) => i), 16384]) {
      const key = bytes(size);
      const data = bytes(n);
      const whole = data.subarray(0, n - (n % 16));
      const iv = bytes(16);
      const ecb = createCipheriv(`aes-${size * 8}-ecb`, key, null).setAutoPadding(false);
      assert.is(hex(aesBlock(key).encryptBlocks!(whole)), hex(Buffer.concat([ecb.update(whole), ecb.final()])), `ECB ${size} ${n}`);
      const cbc = createCipheriv(`aes-${size * 8}-cbc`, key, iv).setAutoPadding(false);
      const ct = new Uint8Array(Buffer.concat([cbc.update(whole), cbc.final()]));
      assert.is(hex(aesCbc(key).encrypt(iv, whole)), hex(ct), `CBC encrypt ${size} ${n}`);
      assert.is(hex(aesCbc(key).decrypt(iv, ct)), hex(whole), `CBC decrypt ${size} ${n}`);
      const nonce = bytes(12);
      const aad = bytes(n % 29);
      const gcm = createCipheriv(`aes-${size * 8}-gcm` as 'aes-128-gcm', key, nonce).setAAD(aad);
      const sealed = Buffer.concat([gcm.update(data), gcm.final(), gcm.getAuthTag()]);
      const ours = aesGcm(key);
      assert.is(hex(ours.seal(nonce, data, aad)), hex(sealed), `GCM seal ${size} ${n}`);
      assert.is(hex(ours.open(nonce, sealed, aad)!), hex(data), `GCM open ${size} ${n}`);
      sealed[n % sealed.length]! ^= 0x40;
      assert.is(ours.open(nonce, sealed, aad), null, `GCM open, flipped bit ${size} ${n}`);
      if (n === 16384) {
        const d = createDecipheriv(`aes-${size * 8}-cbc`, key, iv).setAutoPadding(false);
        assert.is(hex(Buffer.concat([d.update(ct), d.final()])), hex(whole));
      }
    }
  }
});

test('bad key, block, IV and nonce sizes are typed errors', () => {
  assert.is(thrownCodeName(() => aesBlock(new Uint8Array(15))), 'MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => aesBlock(new Uint8Array(16)).encryptBlock(new Uint8Array(15))), 'MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => aesCbc(new Uint8Array(16)).encrypt(new Uint8Array(16), new Uint8Array(17))), 'MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED');
  assert.is(thrownCodeName(() => aesCbc(new Uint8Array(16)).decrypt(new Uint8Array(8), new Uint8Array(16))), 'MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => aesGcm(new Uint8Array(20))), 'MBEDTLS_ERR_GCM_BAD_INPUT');
  assert.is(thrownCodeName(() => aesGcm(new Uint8Array(16)).seal(new Uint8Array(8), new Uint8Array(1), new Uint8Array(0))), 'MBEDTLS_ERR_GCM_BAD_INPUT');
  assert.is(aesGcm(new Uint8Array(16)).open(new Uint8Array(12), new Uint8Array(15), new Uint8Array(0)), null);
});

test.run();
