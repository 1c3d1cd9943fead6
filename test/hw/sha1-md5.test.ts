/**
 * hw/sha1.ts and hw/md5.ts (the XS provider's own SHA-1 and MD5, on hw/block-hash.ts) against
 * node:crypto: the FIPS 180-4 / RFC 3174 and RFC 1321 examples, every length 0..200 (and past
 * 1000) in random pieces, clones mid-stream, and the frame's misuse errors.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Md5 } from '../../hw/md5.js';
import { Sha1 } from '../../hw/sha1.js';
import { prng } from '../helpers/prng.js';
import { checkInPieces } from '../helpers/hash-pieces.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const HASHES = [['sha1', () => new Sha1()], ['md5', () => new Md5()]] as const;

test('SHA-1 examples (FIPS 180-4, RFC 3174)', () => {
  assert.is(hex(new Sha1().digest()), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.is(hex(new Sha1().update(ascii('abc')).digest()), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.is(hex(new Sha1().update(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).digest()),
    '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  const million = new Sha1();
  const chunk = ascii('a'.repeat(1000));
  for (let i = 0; i < 1000; i++) million.update(chunk);
  assert.is(hex(million.digest()), '34aa973cd4c4daa4f61eeb2bdbad27316534016f');
});

test('MD5 examples (RFC 1321 A.5)', () => {
  const cases: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ];
  for (const [msg, want] of cases) assert.is(hex(new Md5().update(ascii(msg)).digest()), want, JSON.stringify(msg));
});

test('every length 0..200 (and past 1000) in random pieces equals node:crypto; clones are independent', () => {
  const next = prng(160);
  for (let n = 0; n <= 200; n++) {
    const msg = Uint8Array.from({ length: n + (n > 150 ? 900 : 0) }, () => Math.floor(next() * 256));
    for (const [alg, make] of HASHES) {
      checkInPieces(alg, make(), msg, next, 70);
    }
  }
});

test('update or clone after digest, and a second digest, throw', () => {
  for (const [alg, make] of HASHES) {
    const h = make().update(ascii('x'));
    h.digest();
    assert.throws(() => h.digest(), /digest called twice/, alg);
    assert.throws(() => h.update(ascii('y')), /update after digest/, alg);
    assert.throws(() => h.clone(), /clone after digest/, alg);
  }
});

test.run();
