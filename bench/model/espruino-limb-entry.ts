/**
 * Espruino side of the cost model's modular-multiplication probe: times src/crypto's limb
 * backend (the one the Espruino bundle runs, with E.convolve as its dot product) doing
 * x^65537 mod n -- 17 products -- at 1024 and 2048 bits, over moduli the host prepared, and
 * prints `MICROTLS-LIMB {json}` (microseconds per product). Written in the syntax Espruino runs.
 */
import { modExp } from '../../src/crypto/bigint-limb.js';
import { fromHex as hex } from '../../src/encoding/bytes.js';

declare const LIMB: { moduli: { bits: number; n: string; x: string }[] };
declare function print(s: string): void;


const e = new Uint8Array([1, 0, 1]);
const out: { [bits: string]: number } = {};
for (let i = 0; i < LIMB.moduli.length; i++) {
  const m = LIMB.moduli[i]!;
  const n = hex(m.n);
  const x = hex(m.x);
  modExp(x, e, n);
  const w: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = Date.now();
    modExp(x, e, n);
    w.push((Date.now() - t0) * 1000 / 17);
  }
  w.sort((a, b) => a - b);
  out[String(m.bits)] = w[1]!;
}
print('MICROTLS-LIMB ' + JSON.stringify(out));
