/**
 * hw/sha256.ts (the interpreter-friendly SHA-256/224) against node:crypto: FIPS 180-4
 * examples, random messages fed in random pieces, clones mid-stream, and lengths around
 * the padding boundary.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { Sha256 } from '../../hw/sha256.js';
import { prng } from '../helpers/prng.js';
import { checkInPieces } from '../helpers/hash-pieces.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('FIPS 180-4 examples: "abc" and the 448-bit message, SHA-256 and SHA-224', () => {
  assert.is(hex(new Sha256().update(ascii('abc')).digest()), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(hex(new Sha256().update(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).digest()),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  assert.is(hex(new Sha256(28).update(ascii('abc')).digest()), '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7');
  assert.is(hex(new Sha256().digest()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('every length 0..200 and random chunking equal node:crypto; clones are independent', () => {
  const next = prng(256);
  for (let n = 0; n <= 200; n++) {
    const msg = Uint8Array.from({ length: n + (n > 150 ? 900 : 0) }, () => Math.floor(next() * 256));
    for (const [bytes, alg] of [[32, 'sha256'], [28, 'sha224']] as const) {
      checkInPieces(alg, new Sha256(bytes), msg, next, 70);
    }
  }
});

test('a clone continues from the same state', () => {
  const a = new Sha256().update(ascii('transcript so far'));
  const b = a.clone();
  assert.is(hex(a.update(ascii(' + Finished')).digest()), createHash('sha256').update('transcript so far + Finished').digest('hex'));
  assert.is(hex(b.digest()), createHash('sha256').update('transcript so far').digest('hex'));
});

test('digest twice, or update after digest, throws', () => {
  const h = new Sha256();
  h.digest();
  assert.throws(() => h.digest());
  assert.throws(() => h.update(new Uint8Array(1)));
});

test.run();
