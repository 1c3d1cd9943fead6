/**
 * Byte-level mutations in the style of libFuzzer's: bit flips, boundary values (which hit
 * length fields and tag bits), inserted, deleted, duplicated and spliced ranges. A few are
 * stacked per input. Structure comes from the seeds, not from the mutator.
 */
import type { Prng } from './prng.js';

const INTERESTING_8 = [0x00, 0x01, 0x02, 0x03, 0x0f, 0x1f, 0x20, 0x30, 0x7f, 0x80, 0x81, 0x82, 0xa0, 0xff];
const INTERESTING_16 = [0x0000, 0x0001, 0x007f, 0x0080, 0x00ff, 0x0100, 0x01ff, 0x3fff, 0x4000, 0x4001, 0x47ff, 0x4800, 0x7fff, 0x8000, 0xffff];

type Mutation = (r: Prng, b: Uint8Array, others: readonly Uint8Array[]) => Uint8Array;

const pos = (r: Prng, b: Uint8Array) => r.below(b.length);
const span = (r: Prng, max: number) => 1 + r.below(max);
const splice = (b: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array => {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
};

const MUTATIONS: readonly Mutation[] = [
  (r, b) => { if (b.length) b[pos(r, b)]! ^= 1 << r.below(8); return b; },
  (r, b) => { if (b.length) b[pos(r, b)] = r.u32() & 0xff; return b; },
  (r, b) => { if (b.length) b[pos(r, b)] = r.pick(INTERESTING_8); return b; },
  (r, b) => { if (b.length) { const i = pos(r, b); b[i] = (b[i]! + r.pick([1, -1, 2, -2, 0x20, -0x20])) & 0xff; } return b; },
  (r, b) => {
    if (b.length < 2) return b;
    const i = r.below(b.length - 1);
    const v = r.below(4) === 0 ? (((b[i]! << 8) | b[i + 1]!) + r.pick([1, -1, 16, -16])) & 0xffff : r.pick(INTERESTING_16);
    b[i] = v >> 8;
    b[i + 1] = v & 0xff;
    return b;
  },
  (r, b) => { if (!b.length) return b; const i = pos(r, b); return splice(b, i, Math.min(span(r, 32), b.length - i), new Uint8Array(0)); },
  (r, b) => splice(b, r.below(b.length + 1), 0, r.bytes(span(r, 16))),
  (r, b) => splice(b, r.below(b.length + 1), 0, new Uint8Array(span(r, 64)).fill(r.pick(INTERESTING_8))),
  (r, b) => {
    if (!b.length) return b;
    const i = pos(r, b);
    const n = Math.min(span(r, 64), b.length - i);
    return splice(b, r.below(b.length + 1), 0, b.slice(i, i + n));
  },
  (r, b) => {
    if (b.length < 2) return b;
    const from = pos(r, b), to = pos(r, b);
    const n = Math.min(span(r, 32), b.length - from, b.length - to);
    b.copyWithin(to, from, from + n);
    return b;
  },
  (r, b) => b.subarray(0, r.below(b.length + 1)).slice(),
  (r, b, others) => {
    const o = others.length ? r.pick(others) : b;
    if (!o.length) return b;
    const i = r.below(o.length);
    const n = Math.min(span(r, 256), o.length - i);
    const at = r.below(b.length + 1);
    return splice(b, at, r.below(2) ? Math.min(n, b.length - at) : 0, o.subarray(i, i + n));
  },
];

/** 1 to 8 stacked mutations of `seed` (which is left unchanged). */
export function mutate(r: Prng, seed: Uint8Array, others: readonly Uint8Array[] = []): Uint8Array {
  let b: Uint8Array = seed.slice();
  const n = 1 << r.below(4);
  for (let k = 0; k < n; k++) b = r.pick(MUTATIONS)(r, b, others);
  return b;
}
