/**
 * Espruino side of the limb shadow's cache check (test/bench/limb-counter.test.ts): the limb
 * backend's own products for x^65537 over the moduli the host
 * lists, each handed in as a fresh array parsed from its hex, in the host's order (a repeated
 * hex is the same certificate's modulus parsed again, as on a reconnection); and what the
 * engine's `===` says of two equal typed arrays. Prints `MICROTLS-LIMB-CACHE {json}`.
 * Products counted as Espruino computes them: each is 2n - 1 column dot products (E.convolve,
 * through the one holder limb.ts reads, limb-dot.ts), n the modulus's limb count.
 */
import { modExp } from '../../src/crypto/bigint-limb.js';
import { fromHex as hex } from '../../src/encoding/bytes.js';
import { selected } from '../../src/crypto/limb-dot.js';
import { montContext } from '../../src/crypto/limb.js';

declare const LIMB_CACHE: { moduli: string[]; x: string };
declare function print(s: string): void;


const e = new Uint8Array([1, 0, 1]);
const x = hex(LIMB_CACHE.x);
const native = selected.dot;
let dots = 0;
const counts: number[] = [];
for (let i = 0; i < LIMB_CACHE.moduli.length; i++) {
  const columns = 2 * montContext(hex(LIMB_CACHE.moduli[i]!)).n - 1;
  dots = 0;
  selected.dot = function (a, b, offset) { dots++; return native(a, b, offset); };
  modExp(x, e, hex(LIMB_CACHE.moduli[i]!));
  selected.dot = native;
  counts.push(dots / columns);
}
const a = hex(LIMB_CACHE.x);
const b = hex(LIMB_CACHE.x);
print('MICROTLS-LIMB-CACHE ' + JSON.stringify({ counts: counts, equalArraysIdentical: a === b, nativeDot: selected.native }));
