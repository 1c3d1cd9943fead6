/**
 * The source of the WebAssembly Montgomery kernel (limb-wasm.ts runs it): this file emits
 * the module's bytes from the functions below, a few dozen opcodes through a tiny assembler,
 * so no WebAssembly toolchain is needed. It is not imported at run time:
 * `npm run gen:wasm` writes its output to limb-wasm-bytes.ts, and test/crypto/limb-wasm.test.ts
 * checks that the committed bytes are exactly what this source emits.
 *
 * The arithmetic: limbs of w bits (w = 26..28) held in 32-bit words, n of them (even; the
 * SIMD passes run on to a multiple of 4 over zero limbs), products in i64, no carry inside a
 * row or column: the glue picks w so that a column of 2n products (2^w - 1)^2 plus the carry
 * stays below 2^64. Two modules:
 * - SIMD (what Node runs): operand scanning into 2n 64-bit column sums, two rows a pass over
 *   16-byte-aligned column pairs, i64x2.extmul_{low,high}_i32x4_u doing two 32 x 32 -> 64-bit
 *   products an instruction (mulSimdFn, sqrSimdFn; measured ~0.2-0.3 ns a multiply-add here,
 *   about 1.5x faster than product scanning with a SIMD inner loop, measured at 1024 and
 *   2048 bits).
 * - scalar, for hosts that do not validate SIMD: product scanning ("FIPS"), column k sums
 *   a_i b_(k-i) and q_i m_(k-i) in two accumulators, the second operand and the modulus read
 *   reversed so every inner loop walks forwards (mulFn, sqrFn).
 * Both give the same limbs. R = 2^(wn) >= 4m, so inputs below 2m give an output below 2m
 * without a final subtraction (Walter), and every product runs the same instructions.
 *
 * Constant flow: no branch and no address depends on an operand's value; loop trip counts
 * depend on n only; powSecret's window table is read whole for every digit and the entry
 * kept by an arithmetic mask; conditional subtractions select by mask.
 */
import { DIGITS_BYTE, MEMORY_PAGES, SLOT, SLOT_BYTES, TABLE_ENTRIES, slotByte } from './limb-wasm-layout.js';

type Code = number[];

// ---- encoding -----------------------------------------------------------------------------

function uleb(v: number): Code {
  const out: Code = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): Code {
  const out: Code = [];
  for (;;) {
    const b = v & 0x7f;
    v = Math.floor(v / 128);
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function vec(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: Code): Code {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): Code {
  return vec([...s].map((c) => [c.charCodeAt(0)]));
}

// ---- instructions ---------------------------------------------------------------------------

const I32 = 0x7f;
const I64 = 0x7e;

const seq = (...parts: Code[]): Code => parts.flat();
const get = (l: number): Code => [0x20, ...uleb(l)];
const set = (l: number, v: Code): Code => [...v, 0x21, ...uleb(l)];
const i32 = (v: number): Code => [0x41, ...sleb(v)];
const i64 = (v: number): Code => [0x42, ...sleb(v)];
const op = (code: number) => (a: Code, b: Code): Code => [...a, ...b, code];
const add32 = op(0x6a);
const sub32 = op(0x6b);
const mul32 = op(0x6c);
const and32 = op(0x71);
const or32 = op(0x72);
const eq32 = op(0x46);
const geU32 = op(0x4f);
const add64 = op(0x7c);
const sub64 = op(0x7d);
const mul64 = op(0x7e);
const and64 = op(0x83);
const or64 = op(0x84);
const shrU64 = op(0x88);
const shl32 = op(0x74);
const shrU32 = op(0x76);
const shl64 = op(0x86);
const xor64 = op(0x85);
const extendU = (a: Code): Code => [...a, 0xad];
const wrap = (a: Code): Code => [...a, 0xa7];
/** i64.load32_u / i64.store32 / i32.load8_u with a constant offset. */
const load = (addr: Code, offset = 0): Code => [...addr, 0x35, 2, ...uleb(offset)];
const store = (addr: Code, v: Code, offset = 0): Code => [...addr, ...v, 0x3e, 2, ...uleb(offset)];
const loadByte = (addr: Code): Code => [...addr, 0x2d, 0, 0];
const call = (f: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...uleb(f)];
/** `if (cond) body` (cond must not depend on secret data). */
const when = (cond: Code, body: Code): Code => [...cond, 0x04, 0x40, ...body, 0x0b];

/** for (l = from; l < to; l += step) body, unsigned comparison; to is re-evaluated each time. */
function forUp(l: number, from: Code, to: Code, step: number, body: Code): Code {
  return seq(set(l, from), [0x02, 0x40, 0x03, 0x40], geU32(get(l), to), [0x0d, 1], body, set(l, add32(get(l), i32(step))), [0x0c, 0, 0x0b, 0x0b]);
}

const slot = (s: number): Code => i32(slotByte(s));
/** Address of limb i (an i32 expression) of the number at byte address base. */
const limb = (base: Code, i: Code): Code => add32(base, shl32(i, i32(2)));

// ---- functions ------------------------------------------------------------------------------

interface Fn {
  name: string;
  params: number;
  results: number[];
  locals: number[];
  body: Code;
}

// Function indices, in the order of FUNCTIONS below.
const F = { mul: 0, sqr: 1, csub: 2, addmod: 3, submod: 4, powSecret: 5, reverse: 6 };

const V128 = 0x7b;
const simdOp = (code: number): Code => [0xfd, ...uleb(code)];
const loadV = (addr: Code): Code => [...addr, ...simdOp(0x00), 2, 0];
const extmulLow = (a: Code, b: Code): Code => [...a, ...b, ...simdOp(0xde)]; // i64x2.extmul_low_i32x4_u
const extmulHigh = (a: Code, b: Code): Code => [...a, ...b, ...simdOp(0xdf)]; // i64x2.extmul_high_i32x4_u
const addV = (a: Code, b: Code): Code => [...a, ...b, ...simdOp(0xce)]; // i64x2.add
const zeroV: Code = [...simdOp(0x0c), ...new Array<number>(16).fill(0)];

/**
 * acc0 += sum over o < cnt of X[o] Y[o] (+ U[o] V[o] when u is given): pointers x, y, u, v
 * (locals, advanced), two accumulators for two multiply chains, an odd first term first, then
 * two terms a step; every term summed exactly once, nothing past the arrays read.
 */
function dotLoop(cnt: number, end: number, acc0: number, acc1: number, x: number, y: number, u?: number, v?: number): Code {
  const pairs = u === undefined || v === undefined ? [[x, y]] : [[x, y], [u, v]];
  const term = (off: number): Code => pairs.map(([p, q]) => mul64(load(get(p!), off), load(get(q!), off))).reduce((s, t) => add64(s, t));
  const advance = (by: number): Code => seq(...pairs.flat().map((l) => set(l, add32(get(l), i32(by)))));
  return seq(
    when(and32(get(cnt), i32(1)), seq(set(acc0, add64(get(acc0), term(0))), advance(4))),
    set(end, add32(get(x), shl32(and32(get(cnt), i32(-2)), i32(2)))),
    [0x02, 0x40, 0x03, 0x40], geU32(get(x), get(end)), [0x0d, 1],
    set(acc0, add64(get(acc0), term(0))), set(acc1, add64(get(acc1), term(4))), advance(8),
    [0x0c, 0, 0x0b, 0x0b],
  );
}

/** mul(r, a, b, n, w, minv): r = a b / R mod m, below 2m for a, b below 2m; r may alias a or b. */
function mulFn(): Fn {
  const [r, a, b, n, w, minv] = [0, 1, 2, 3, 4, 5];
  const [k, pa, pb, pq, pm, cnt, end] = [6, 7, 8, 9, 10, 11, 12];
  const [t0, t1, c, mask, q, wl] = [13, 14, 15, 16, 17, 18];
  const n1 = sub32(get(n), i32(1));
  return {
    name: 'mul', params: 6, results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I64, I64, I64, I64, I64, I64],
    body: seq(
      call(F.reverse, slot(SLOT.BR), get(b), get(n)),
      set(wl, extendU(get(w))),
      set(mask, sub64(shl64(i64(1), get(wl)), i64(1))),
      set(c, i64(0)),
      // Columns 0..n-1: the quotient digit of each is found here (Q[k] is 0 while it is summed).
      forUp(k, i32(0), get(n), 1, seq(
        store(limb(slot(SLOT.Q), get(k)), i64(0)),
        set(pa, get(a)), set(pq, slot(SLOT.Q)),
        set(pb, limb(slot(SLOT.BR), sub32(n1, get(k)))),
        set(pm, limb(slot(SLOT.MR), sub32(n1, get(k)))),
        set(cnt, add32(get(k), i32(1))),
        set(t0, get(c)), set(t1, i64(0)),
        dotLoop(cnt, end, t0, t1, pa, pb, pq, pm),
        set(t0, add64(get(t0), get(t1))),
        set(q, and64(mul64(and64(get(t0), get(mask)), extendU(get(minv))), get(mask))),
        store(limb(slot(SLOT.Q), get(k)), get(q)),
        set(t0, add64(get(t0), mul64(get(q), load(slot(SLOT.M))))),
        set(c, shrU64(get(t0), get(wl))),
      )),
      // Columns n..2n-2: one output limb each.
      forUp(k, get(n), sub32(shl32(get(n), i32(1)), i32(1)), 1, seq(
        set(cnt, sub32(sub32(shl32(get(n), i32(1)), i32(1)), get(k))),
        set(pa, limb(get(a), sub32(get(k), n1))),
        set(pq, limb(slot(SLOT.Q), sub32(get(k), n1))),
        set(pb, slot(SLOT.BR)), set(pm, slot(SLOT.MR)),
        set(t0, get(c)), set(t1, i64(0)),
        dotLoop(cnt, end, t0, t1, pa, pb, pq, pm),
        set(t0, add64(get(t0), get(t1))),
        store(limb(get(r), sub32(get(k), get(n))), and64(get(t0), get(mask))),
        set(c, shrU64(get(t0), get(wl))),
      )),
      store(limb(get(r), n1), get(c)),
    ),
  };
}

const splat32 = (a: Code): Code => [...a, ...simdOp(0x11)]; // i32x4.splat
/** 4 * (n rounded up to a multiple of 4): the byte length the SIMD passes run over. */
const roundUp4Bytes = (n: Code): Code => shl32(and32(add32(n, i32(3)), i32(-4)), i32(2));
const storeV = (addr: Code, v: Code, offset = 0): Code => [...addr, ...v, ...simdOp(0x0b), 4, ...uleb(offset)];
const loadV16 = (addr: Code, offset = 0): Code => [...addr, ...simdOp(0x00), 4, ...uleb(offset)];
const load64 = (addr: Code, offset = 0): Code => [...addr, 0x29, 3, ...uleb(offset)];
const store64 = (addr: Code, v: Code, offset = 0): Code => [...addr, ...v, 0x37, 3, ...uleb(offset)];

/**
 * mul(r, a, b, n, w, minv), SIMD (n even): operand scanning into T, two rows a
 * pass. Rows i and i+1 add a_i b_j + q_i m_j to T[i+j] and a_(i+1) b_j + q_(i+1) m_j to
 * T[i+1+j]; one pass over 16-byte-aligned column pairs takes both, reading b and m as they
 * are and shifted by one limb (BS = 0, b_0, ...; MS likewise), so four columns cost four
 * loads, eight i64x2.extmul (two 32 x 32 -> 64-bit products each) and one load and store of
 * T per pair, and every T access meets exactly the 16 bytes an earlier one wrote. q_i and
 * q_(i+1) are found first, from T[i] and T[i+1] as they will be after the pass. No carry
 * inside a pass; the 64-bit bound is product scanning's (at most 2n products a column).
 */
function mulSimdFn(): Fn {
  const [r, a, b, n, w, minv] = [0, 1, 2, 3, 4, 5];
  const [i, j, pt, pj, end, q0, q1, a0, a1] = [6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [t, c, mask, wl, c0] = [15, 16, 17, 18, 19];
  const [sa0, sa1, sq0, sq1, vb, vbs, vm, vms] = [20, 21, 22, 23, 24, 25, 26, 27];
  const T = slot(SLOT.T);
  const BS = slot(SLOT.BR);
  const M = slot(SLOT.M);
  const MS = slot(SLOT.MS);
  const ld = (base: Code, idx: Code): Code => load(limb(base, idx));
  return {
    name: 'mul', params: 6, results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, I64, I64, I64, I64, V128, V128, V128, V128, V128, V128, V128, V128],
    body: seq(
      set(wl, extendU(get(w))),
      set(mask, sub64(shl64(i64(1), get(wl)), i64(1))),
      forUp(j, i32(0), add32(shl32(get(n), i32(1)), i32(4)), 2, storeV(add32(T, shl32(get(j), i32(3))), zeroV)),
      // BS = 0, b_0, ..., b_(n-1), 0, 0, 0 (b may be r: copied before anything is written);
      // b's own limbs n..n+3 set to 0 (n may be 2 mod 4: the passes run to a multiple of 4).
      store(BS, i64(0)),
      forUp(j, i32(0), get(n), 1, store(limb(BS, get(j)), ld(get(b), get(j)), 4)),
      storeV(limb(BS, add32(get(n), i32(1))), zeroV),
      storeV(limb(get(b), get(n)), zeroV),
      forUp(i, i32(0), get(n), 2, seq(
        set(a0, [...limb(get(a), get(i)), 0x28, 2, 0]),
        set(a1, [...limb(get(a), get(i)), 0x28, 2, 4]),
        set(pt, add32(T, shl32(get(i), i32(3)))),
        set(t, add64(load64(get(pt)), mul64(extendU(get(a0)), load(get(b))))),
        set(q0, wrap(and64(mul64(and64(get(t), get(mask)), extendU(get(minv))), get(mask)))),
        set(c0, shrU64(add64(get(t), mul64(extendU(get(q0)), load(M))), get(wl))),
        set(t, add64(add64(add64(add64(load64(get(pt), 8), mul64(extendU(get(a0)), load(get(b), 4))),
          mul64(extendU(get(q0)), load(M, 4))), mul64(extendU(get(a1)), load(get(b)))), get(c0))),
        set(q1, wrap(and64(mul64(and64(get(t), get(mask)), extendU(get(minv))), get(mask)))),
        set(sa0, splat32(get(a0))), set(sa1, splat32(get(a1))),
        set(sq0, splat32(get(q0))), set(sq1, splat32(get(q1))),
        set(pj, i32(0)),
        set(end, roundUp4Bytes(get(n))),
        [0x02, 0x40, 0x03, 0x40], geU32(get(pj), get(end)), [0x0d, 1],
        set(vb, loadV(add32(get(b), get(pj)))), set(vbs, loadV(add32(BS, get(pj)))),
        set(vm, loadV(add32(M, get(pj)))), set(vms, loadV(add32(MS, get(pj)))),
        storeV(get(pt), addV(addV(addV(addV(loadV16(get(pt)),
          extmulLow(get(sa0), get(vb))), extmulLow(get(sq0), get(vm))), extmulLow(get(sa1), get(vbs))), extmulLow(get(sq1), get(vms)))),
        storeV(get(pt), addV(addV(addV(addV(loadV16(get(pt), 16),
          extmulHigh(get(sa0), get(vb))), extmulHigh(get(sq0), get(vm))), extmulHigh(get(sa1), get(vbs))), extmulHigh(get(sq1), get(vms))), 16),
        set(pj, add32(get(pj), i32(16))), set(pt, add32(get(pt), i32(32))),
        [0x0c, 0, 0x0b, 0x0b],
        // Column i+n: row i+1's top terms, unless the pass ran past n and took them; then the two carries.
        when(eq32(and32(get(n), i32(3)), i32(0)), seq(
          set(pt, add32(T, shl32(add32(get(i), get(n)), i32(3)))),
          store64(get(pt), add64(load64(get(pt)), add64(mul64(extendU(get(a1)), ld(get(b), sub32(get(n), i32(1)))),
            mul64(extendU(get(q1)), ld(M, sub32(get(n), i32(1))))))),
        )),
        set(pt, add32(T, shl32(get(i), i32(3)))),
        store64(get(pt), add64(load64(get(pt), 8), shrU64(load64(get(pt)), get(wl))), 8),
        store64(get(pt), add64(load64(get(pt), 16), shrU64(load64(get(pt), 8), get(wl))), 16),
      )),
      set(c, i64(0)),
      forUp(j, i32(0), get(n), 1, seq(
        set(t, add64(load64(add32(T, shl32(add32(get(j), get(n)), i32(3)))), get(c))),
        store(limb(get(r), get(j)), and64(get(t), get(mask))),
        set(c, shrU64(get(t), get(wl))),
      )),
    ),
  };
}

/** sqr(r, a, n, w, minv): r = a a / R mod m, each cross product summed once and doubled. */
function sqrFn(): Fn {
  const [r, a, n, w, minv] = [0, 1, 2, 3, 4];
  const [k, pa, pb, pq, pm, cnt, end, lo] = [5, 6, 7, 8, 9, 10, 11, 12];
  const [t0, t1, c, mask, q, wl, s0, s1] = [13, 14, 15, 16, 17, 18, 19, 20];
  const n1 = sub32(get(n), i32(1));
  // Cross products a_i a_(k-i) for lo <= i < (k+1)/2, doubled, plus a_(k/2)^2 when k is even.
  const square = seq(
    set(pa, limb(get(a), get(lo))),
    set(pb, limb(slot(SLOT.BR), add32(sub32(n1, get(k)), get(lo)))),
    set(cnt, sub32(shrU32(add32(get(k), i32(1)), i32(1)), get(lo))),
    set(s0, i64(0)), set(s1, i64(0)),
    dotLoop(cnt, end, s0, s1, pa, pb),
    set(s0, shl64(add64(get(s0), get(s1)), i64(1))),
    when(eq32(and32(get(k), i32(1)), i32(0)), set(s0, add64(get(s0), mul64(load(limb(get(a), shrU32(get(k), i32(1)))), load(limb(get(a), shrU32(get(k), i32(1)))))))),
  );
  return {
    name: 'sqr', params: 5, results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I64, I64, I64, I64, I64, I64, I64, I64],
    body: seq(
      call(F.reverse, slot(SLOT.BR), get(a), get(n)),
      set(wl, extendU(get(w))),
      set(mask, sub64(shl64(i64(1), get(wl)), i64(1))),
      set(c, i64(0)),
      forUp(k, i32(0), get(n), 1, seq(
        store(limb(slot(SLOT.Q), get(k)), i64(0)),
        set(lo, i32(0)),
        square,
        set(pq, slot(SLOT.Q)),
        set(pm, limb(slot(SLOT.MR), sub32(n1, get(k)))),
        set(cnt, add32(get(k), i32(1))),
        set(t0, add64(get(c), get(s0))), set(t1, i64(0)),
        dotLoop(cnt, end, t0, t1, pq, pm),
        set(t0, add64(get(t0), get(t1))),
        set(q, and64(mul64(and64(get(t0), get(mask)), extendU(get(minv))), get(mask))),
        store(limb(slot(SLOT.Q), get(k)), get(q)),
        set(t0, add64(get(t0), mul64(get(q), load(slot(SLOT.M))))),
        set(c, shrU64(get(t0), get(wl))),
      )),
      forUp(k, get(n), sub32(shl32(get(n), i32(1)), i32(1)), 1, seq(
        set(lo, sub32(get(k), n1)),
        square,
        set(cnt, sub32(sub32(shl32(get(n), i32(1)), i32(1)), get(k))),
        set(pq, limb(slot(SLOT.Q), get(lo))),
        set(pm, slot(SLOT.MR)),
        set(t0, add64(get(c), get(s0))), set(t1, i64(0)),
        dotLoop(cnt, end, t0, t1, pq, pm),
        set(t0, add64(get(t0), get(t1))),
        store(limb(get(r), sub32(get(k), get(n))), and64(get(t0), get(mask))),
        set(c, shrU64(get(t0), get(wl))),
      )),
      store(limb(get(r), n1), get(c)),
    ),
  };
}

/** i32x4.replace_lane: v with lane l set to x. */
const replaceLane = (v: Code, l: number, x: Code): Code => [...v, ...x, ...simdOp(0x1c), l];

/**
 * sqr(r, a, n, w, minv), SIMD: like mul, one pass over aligned column pairs per two rows i,
 * i+1 (i even), the rows' products being the reduction terms q m and the cross products
 * 2 a_i a_j (j > i) plus the square a_i^2, which start at column 2i. The pass is reduction
 * only up to the vector where column 2i falls (cb, 2i rounded down to i + 4k), then reduction
 * and both cross rows together, a read at c - i and, for row i+1, from a copy shifted up one
 * limb (AS), so every load is aligned. The first two vectors there take per-lane multipliers
 * instead of 2 a_i: 0 for the lanes before the row's square, a_i for the square, 2 a_i after
 * (which pattern depends on i mod 4, a public branch). Reads run on past the top limb into
 * eight zeros written there. Column i is complete when its quotient digit is taken: cross
 * products reach it from earlier passes (only pass 0 adds to its own columns 0 and 1, and its
 * digits count those terms in).
 */
function sqrSimdFn(): Fn {
  const [r, a, n, w, minv] = [0, 1, 2, 3, 4];
  const [i, j, pt, pj, end, q0, q1, a0, a1, cb] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [t, c, mask, wl, c0, first] = [15, 16, 17, 18, 19, 20];
  const [sa0, sa1, sq0, sq1, vm, vms, va, vas, p0, p1, p2] = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
  const T = slot(SLOT.T);
  const M = slot(SLOT.M);
  const MS = slot(SLOT.MS);
  const AS = slot(SLOT.BR);
  const loop = (body: Code): Code => seq([0x02, 0x40, 0x03, 0x40], geU32(get(pj), get(end)), [0x0d, 1], body, [0x0c, 0, 0x0b, 0x0b]);
  const col = (k: Code): Code => add32(T, shl32(k, i32(3)));
  const quotient = (q: number): Code => set(q, wrap(and64(mul64(and64(get(t), get(mask)), extendU(get(minv))), get(mask))));
  const reductionStep = seq(
    set(vm, loadV(add32(M, get(pj)))), set(vms, loadV(add32(MS, get(pj)))),
    storeV(get(pt), addV(addV(loadV16(get(pt)), extmulLow(get(sq0), get(vm))), extmulLow(get(sq1), get(vms)))),
    storeV(get(pt), addV(addV(loadV16(get(pt), 16), extmulHigh(get(sq0), get(vm))), extmulHigh(get(sq1), get(vms))), 16),
    set(pj, add32(get(pj), i32(16))), set(pt, add32(get(pt), i32(32))),
  );
  /** One vector of the cross region with multipliers m0 (row i) and m1 (row i+1). */
  const fusedStep = (m0: number, m1: number): Code => seq(
    set(vm, loadV(add32(M, get(pj)))), set(vms, loadV(add32(MS, get(pj)))),
    set(va, loadV(add32(get(a), get(pj)))), set(vas, loadV(add32(AS, get(pj)))),
    storeV(get(pt), addV(addV(addV(addV(loadV16(get(pt)),
      extmulLow(get(sq0), get(vm))), extmulLow(get(sq1), get(vms))), extmulLow(get(m0), get(va))), extmulLow(get(m1), get(vas)))),
    storeV(get(pt), addV(addV(addV(addV(loadV16(get(pt), 16),
      extmulHigh(get(sq0), get(vm))), extmulHigh(get(sq1), get(vms))), extmulHigh(get(m0), get(va))), extmulHigh(get(m1), get(vas))), 16),
    set(pj, add32(get(pj), i32(16))), set(pt, add32(get(pt), i32(32))),
  );
  const a0x = (): Code => get(a0);
  const twice = (l: number): Code => shl32(get(l), i32(1));
  return {
    name: 'sqr', params: 5, results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I64, I64, I64, I64, I64, I64,
      V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128],
    body: seq(
      set(wl, extendU(get(w))),
      set(mask, sub64(shl64(i64(1), get(wl)), i64(1))),
      forUp(j, i32(0), add32(shl32(get(n), i32(1)), i32(8)), 2, storeV(col(get(j)), zeroV)),
      storeV(limb(get(a), get(n)), zeroV),
      storeV(limb(get(a), add32(get(n), i32(4))), zeroV),
      // AS = 0, a_0, ..., a_(n-1), then zeros.
      store(AS, i64(0)),
      forUp(j, i32(0), get(n), 1, store(limb(AS, get(j)), load(limb(get(a), get(j))), 4)),
      storeV(limb(AS, add32(get(n), i32(1))), zeroV),
      storeV(limb(AS, add32(get(n), i32(5))), zeroV),
      forUp(i, i32(0), get(n), 2, seq(
        set(a0, [...limb(get(a), get(i)), 0x28, 2, 0]),
        set(a1, [...limb(get(a), get(i)), 0x28, 2, 4]),
        // Quotient digits; pass 0 also adds a_0^2 to column 0 and 2 a_0 a_1 to column 1.
        set(first, extendU(eq32(get(i), i32(0)))),
        set(pt, col(get(i))),
        set(t, add64(load64(get(pt)), mul64(get(first), mul64(extendU(get(a0)), extendU(get(a0)))))),
        quotient(q0),
        set(c0, shrU64(add64(get(t), mul64(extendU(get(q0)), load(M))), get(wl))),
        set(t, add64(add64(add64(load64(get(pt), 8), mul64(get(first), shl64(mul64(extendU(get(a0)), extendU(get(a1))), i64(1)))),
          mul64(extendU(get(q0)), load(M, 4))), get(c0))),
        quotient(q1),
        set(sq0, splat32(get(q0))), set(sq1, splat32(get(q1))),
        set(sa0, splat32(twice(a0))), set(sa1, splat32(twice(a1))),
        set(cb, sub32(shl32(get(i), i32(1)), and32(get(i), i32(2)))),
        set(pj, i32(0)),
        set(end, shl32(sub32(get(cb), get(i)), i32(2))),
        loop(reductionStep),
        // The first two cross vectors' multipliers: p0, p1 for the first, sa0, p2 for the second.
        [...eq32(and32(get(i), i32(2)), i32(0)), 0x04, 0x40],
        set(p0, replaceLane(get(sa0), 0, a0x())), // row i:   a_i, 2a_i, 2a_i, 2a_i
        set(p1, replaceLane(replaceLane(zeroV, 2, get(a1)), 3, twice(a1))), // row i+1: 0, 0, a_(i+1), 2a_(i+1)
        set(p2, get(sa1)),
        [0x05],
        set(p0, replaceLane(replaceLane(zeroV, 2, a0x()), 3, twice(a0))), // row i:   0, 0, a_i, 2a_i
        set(p1, zeroV), // row i+1 starts in the second vector
        set(p2, replaceLane(get(sa1), 0, get(a1))),
        [0x0b],
        fusedStep(p0, p1),
        fusedStep(sa0, p2),
        set(end, shl32(add32(get(n), i32(1)), i32(2))),
        loop(fusedStep(sa0, sa1)),
        set(pt, col(get(i))),
        store64(get(pt), add64(load64(get(pt), 8), shrU64(load64(get(pt)), get(wl))), 8),
        store64(get(pt), add64(load64(get(pt), 16), shrU64(load64(get(pt), 8), get(wl))), 16),
      )),
      set(c, i64(0)),
      forUp(j, i32(0), get(n), 1, seq(
        set(t, add64(load64(col(add32(get(j), get(n)))), get(c))),
        store(limb(get(r), get(j)), and64(get(t), get(mask))),
        set(c, shrU64(get(t), get(wl))),
      )),
    ),
  };
}

/** reverse(dst, src, n): dst[n-1-i] = src[i]. */
function reverseFn(): Fn {
  const [dst, src, n, i] = [0, 1, 2, 3];
  return {
    name: 'reverse', params: 3, results: [], locals: [I32],
    body: forUp(i, i32(0), get(n), 1, store(limb(get(dst), sub32(sub32(get(n), i32(1)), get(i))), load(limb(get(src), get(i))))),
  };
}

/**
 * r = x - v when x >= v, else x, for n-limb x at byte address xa and v at va (mask select:
 * the same steps either way). TMP holds the difference; returns nothing.
 */
function condSubtract(x: Code, v: Code, r: number, n: number, w: number, i: number, t: number, borrow: number, mask: number, keep: number): Code {
  return seq(
    set(mask, sub64(shl64(i64(1), extendU(get(w))), i64(1))),
    set(borrow, i64(0)),
    forUp(i, i32(0), get(n), 1, seq(
      // t = x_i - v_i - borrow as a 64-bit two's complement value; borrow = its sign bit.
      set(t, sub64(sub64(load(limb(x, get(i))), load(limb(v, get(i)))), get(borrow))),
      store(limb(slot(SLOT.TMP), get(i)), and64(get(t), get(mask))),
      set(borrow, shrU64(get(t), i64(63))),
    )),
    // keep = all ones when x < v (the subtraction borrowed): keep x, else take the difference.
    set(keep, sub64(i64(0), get(borrow))),
    forUp(i, i32(0), get(n), 1, store(limb(get(r), get(i)), or64(
      and64(load(limb(x, get(i))), get(keep)),
      and64(load(limb(slot(SLOT.TMP), get(i))), xor64(get(keep), i64(-1))),
    ))),
  );
}

/** csub(r, a, n, w): r = a - m when a >= m, else a (a < 2m gives r < m). */
function csubFn(): Fn {
  const [r, a, n, w, i] = [0, 1, 2, 3, 4];
  const [t, borrow, mask, keep] = [5, 6, 7, 8];
  return {
    name: 'csub', params: 4, results: [], locals: [I32, I64, I64, I64, I64],
    body: condSubtract(get(a), slot(SLOT.M), r, n, w, i, t, borrow, mask, keep),
  };
}

/** addmod(r, a, b, n, w): r = a + b mod m for a, b < m (r may alias either). */
function addmodFn(): Fn {
  const [r, a, b, n, w, i] = [0, 1, 2, 3, 4, 5];
  const [t, carry, mask] = [6, 7, 8];
  return {
    name: 'addmod', params: 5, results: [], locals: [I32, I64, I64, I64],
    body: seq(
      set(mask, sub64(shl64(i64(1), extendU(get(w))), i64(1))),
      set(carry, i64(0)),
      forUp(i, i32(0), get(n), 1, seq(
        set(t, add64(add64(load(limb(get(a), get(i))), load(limb(get(b), get(i)))), get(carry))),
        store(limb(get(r), get(i)), and64(get(t), get(mask))),
        set(carry, shrU64(get(t), extendU(get(w)))),
      )),
      // a + b < 2m < R: no carry out of the top limb.
      call(F.csub, get(r), get(r), get(n), get(w)),
    ),
  };
}

/** submod(r, a, b, n, w): r = a - b mod m for a, b < m: a - b, plus m when that borrowed (by mask). */
function submodFn(): Fn {
  const [r, a, b, n, w, i] = [0, 1, 2, 3, 4, 5];
  const [t, borrow, mask, addm, carry] = [6, 7, 8, 9, 10];
  return {
    name: 'submod', params: 5, results: [], locals: [I32, I64, I64, I64, I64, I64],
    body: seq(
      set(mask, sub64(shl64(i64(1), extendU(get(w))), i64(1))),
      set(borrow, i64(0)),
      forUp(i, i32(0), get(n), 1, seq(
        set(t, sub64(sub64(load(limb(get(a), get(i))), load(limb(get(b), get(i)))), get(borrow))),
        store(limb(get(r), get(i)), and64(get(t), get(mask))),
        set(borrow, shrU64(get(t), i64(63))),
      )),
      set(addm, sub64(i64(0), get(borrow))),
      set(carry, i64(0)),
      forUp(i, i32(0), get(n), 1, seq(
        set(t, add64(add64(load(limb(get(r), get(i))), and64(load(limb(slot(SLOT.M), get(i))), get(addm))), get(carry))),
        store(limb(get(r), get(i)), and64(get(t), get(mask))),
        set(carry, shrU64(get(t), extendU(get(w)))),
      )),
    ),
  };
}

/**
 * powSecret(r, base, digits, n, w, minv): Montgomery form of base^e, e given as `digits`
 * 4-bit digits (bytes at DIGITS_BYTE, most significant first). Fixed window: four squarings
 * and one multiplication per digit, the multiplier selected from the whole table by mask.
 */
function powSecretFn(simd: boolean): Fn {
  const [r, base, digits, n, w, minv] = [0, 1, 2, 3, 4, 5];
  const [d, e, i, s, digit, mask, prev, sel] = [6, 7, 8, 9, 10, 11, 12, 13];
  const vmask = 14; // v128 (SIMD) or i64
  const entry = (x: Code): Code => add32(slot(SLOT.TABLE), mul32(x, i32(SLOT_BYTES)));
  const copy = (dst: Code, src: Code): Code => forUp(i, i32(0), get(n), 1, store(limb(dst, get(i)), load(limb(src, get(i)))));
  // The selection works on 16 (SIMD) or 8 bytes at a time (n is even; the SIMD one may run two
  // limbs past n, which mul clears in its operand).
  const chunk = simd ? 16 : 8;
  const andC = simd ? (a: Code, b: Code): Code => [...a, ...b, ...simdOp(0x4e)] : and64;
  const orC = simd ? (a: Code, b: Code): Code => [...a, ...b, ...simdOp(0x50)] : or64;
  const loadC = simd ? (addr: Code): Code => loadV16(addr) : (addr: Code): Code => load64(addr);
  const storeC = simd ? (addr: Code, v: Code): Code => storeV(addr, v) : (addr: Code, v: Code): Code => store64(addr, v);
  const zeroC = simd ? zeroV : i64(0);
  const maskC = simd ? (m: Code): Code => splat32(m) : (m: Code): Code => [...m, 0xac]; // i64.extend_i32_s: -1 stays all ones
  return {
    name: 'powSecret', params: 6, results: [], locals: [I32, I32, I32, I32, I32, I32, I32, I32, simd ? V128 : I64],
    body: seq(
      copy(entry(i32(0)), slot(SLOT.ONE)),
      copy(entry(i32(1)), get(base)),
      forUp(e, i32(2), i32(TABLE_ENTRIES), 1, seq(
        set(prev, entry(sub32(get(e), i32(1)))),
        call(F.mul, entry(get(e)), get(prev), get(base), get(n), get(w), get(minv)),
      )),
      copy(get(r), slot(SLOT.ONE)),
      forUp(d, i32(0), get(digits), 1, seq(
        forUp(s, i32(0), i32(4), 1, call(F.sqr, get(r), get(r), get(n), get(w), get(minv))),
        set(digit, loadByte(add32(i32(DIGITS_BYTE), get(d)))),
        forUp(i, i32(0), shl32(get(n), i32(2)), chunk, storeC(add32(slot(SLOT.SEL), get(i)), zeroC)),
        forUp(e, i32(0), i32(TABLE_ENTRIES), 1, seq(
          // mask = all ones for the digit's entry, else 0 (i32.eq gives 0 or 1; no branch).
          set(mask, sub32(i32(0), eq32(get(e), get(digit)))),
          set(vmask, maskC(get(mask))),
          set(prev, entry(get(e))),
          forUp(i, i32(0), shl32(get(n), i32(2)), chunk, seq(
            set(sel, add32(slot(SLOT.SEL), get(i))),
            storeC(get(sel), orC(loadC(get(sel)), andC(loadC(add32(get(prev), get(i))), get(vmask)))),
          )),
        )),
        call(F.mul, get(r), get(r), slot(SLOT.SEL), get(n), get(w), get(minv)),
      )),
    ),
  };
}

function functions(simd: boolean): Fn[] {
  return [simd ? mulSimdFn() : mulFn(), simd ? sqrSimdFn() : sqrFn(), csubFn(), addmodFn(), submodFn(), powSecretFn(simd), reverseFn()];
}

/**
 * The kernel module's bytes: memory "memory" and the functions above, exported by name;
 * `simd` uses 128-bit SIMD (i64x2.extmul) in the products' inner loops.
 */
export function emitMontgomeryWasm(simd: boolean): Uint8Array {
  const FUNCTIONS = functions(simd);
  const types = FUNCTIONS.map((f) => [0x60, ...vec(new Array<Code>(f.params).fill([I32])), ...vec(f.results.map((t) => [t]))]);
  const bodies = FUNCTIONS.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const exports = [
    [...name('memory'), 0x02, 0],
    ...FUNCTIONS.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]),
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(FUNCTIONS.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(MEMORY_PAGES)]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Lines(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[v >> 18]! + B64[(v >> 12) & 63]! + (i + 1 < bytes.length ? B64[(v >> 6) & 63]! : '=') + (i + 2 < bytes.length ? B64[v & 63]! : '=');
  }
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += 76) lines.push(`  '${s.slice(i, i + 76)}'`);
  return lines.join(' +\n');
}

/** The text of limb-wasm-bytes.ts: both variants of the module as base64, 76 characters a line. */
export function limbWasmBytesModule(): string {
  const simd = emitMontgomeryWasm(true);
  const scalar = emitMontgomeryWasm(false);
  return '// Generated by `npm run gen:wasm` from limb-wasm-emit.ts; do not edit.\n' +
    `/** The WebAssembly Montgomery kernel with 128-bit SIMD products (${simd.length} bytes), base64. */\n` +
    `export const LIMB_WASM_SIMD_BASE64: string =\n${base64Lines(simd)};\n` +
    `/** The same kernel without SIMD, for hosts that do not validate the first (${scalar.length} bytes), base64. */\n` +
    `export const LIMB_WASM_BASE64: string =\n${base64Lines(scalar)};\n`;
}
