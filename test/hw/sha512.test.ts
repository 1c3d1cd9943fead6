/**
 * hw/sha512.ts (the interpreter-friendly SHA-512/384) against node:crypto: FIPS 180-4
 * examples, every length around the 128-byte block and its padding boundary in random
 * pieces, and clones mid-stream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Sha512 } from '../../hw/sha512.js';
import { prng } from '../helpers/prng.js';
import { checkInPieces } from '../helpers/hash-pieces.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('FIPS 180-4 examples: "abc" and the 896-bit message, SHA-512 and SHA-384', () => {
  assert.is(hex(new Sha512().update(ascii('abc')).digest()),
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assert.is(hex(new Sha512(48).update(ascii('abc')).digest()),
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
  const long = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
  assert.is(hex(new Sha512().update(ascii(long)).digest()), createHash('sha512').update(long).digest('hex'));
  assert.is(hex(new Sha512(48).digest()), createHash('sha384').digest('hex'));
});

test('every length 0..300 in random pieces, and a clone at the middle, equal node:crypto', () => {
  const next = prng(512);
  for (let n = 0; n <= 300; n++) {
    const msg = Uint8Array.from({ length: n + (n > 260 ? 2000 : 0) }, () => Math.floor(next() * 256));
    for (const [bytes, alg] of [[64, 'sha512'], [48, 'sha384']] as const) {
      checkInPieces(alg, new Sha512(bytes), msg, next, 150);
    }
  }
});

test('digest twice, or update after digest, throws', () => {
  const h = new Sha512(48);
  h.digest();
  assert.throws(() => h.digest());
  assert.throws(() => h.update(new Uint8Array(1)));
});

test.run();
