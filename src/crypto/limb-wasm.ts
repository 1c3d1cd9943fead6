/**
 * The WebAssembly Montgomery kernel (source: limb-wasm-emit.ts, bytes: limb-wasm-bytes.ts)
 * and the residue operations over it that bigint-wasm.ts builds RSA from. Only for hosts
 * with WebAssembly (Node): `wasmKernel()` is undefined elsewhere (Espruino, XS, `node
 * --jitless`), `wasmContext()` for a modulus the kernel does not take (even, 1, or above
 * 8,584 bits), and the callers fall back then.
 *
 * Residues live in JS as Uint32Array limbs (w bits each, little-endian, n of them) and are
 * copied into the module's memory slots (limb-wasm-layout.ts) around each call; a context's
 * modulus (as is, reversed and shifted), R mod m and R^2 mod m are copied in when it becomes
 * the active one. A product is one call (2n^2 i64 multiply-adds, n = 38 for a 1024-bit prime,
 * 74 for a 2048-bit modulus), a whole fixed-window exponentiation one call.
 */
import { MicroTlsError } from '../errors.js';
import { bytesToLimbs, limbsToBytes } from './limb.js';
import { LIMB_WASM_BASE64, LIMB_WASM_SIMD_BASE64 } from './limb-wasm-bytes.js';
import { DIGITS_BYTE, MAX_DIGITS, MAX_LIMBS, SLOT, slotByte } from './limb-wasm-layout.js';
import { base64Decode } from '../encoding/base64.js';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  mul(r: number, a: number, b: number, n: number, w: number, minv: number): void;
  sqr(r: number, a: number, n: number, w: number, minv: number): void;
  csub(r: number, a: number, n: number, w: number): void;
  addmod(r: number, a: number, b: number, n: number, w: number): void;
  submod(r: number, a: number, b: number, n: number, w: number): void;
  powSecret(r: number, base: number, digits: number, n: number, w: number, minv: number): void;
}

/** The part of the WebAssembly global this file uses (the core's types have no DOM or Node lib). */
interface WasmGlobal {
  WebAssembly?: {
    Module: new (bytes: Uint8Array) => object;
    validate(bytes: Uint8Array): boolean;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}

export interface Kernel {
  fn: KernelExports;
  /** The memory as 32-bit words and as bytes (the memory never grows, so the views stay valid). */
  u32: Uint32Array;
  u8: Uint8Array;
  active: WasmContext | undefined;
  /** The SIMD variant is running. */
  simd: boolean;
}

export interface WasmContext {
  kernel: Kernel;
  bits: number;
  w: number;
  n: number;
  minv: number;
  m: Uint32Array;
  mr: Uint32Array;
  one: Uint32Array;
  r2: Uint32Array;
}

const state: { kernel: Kernel | undefined; tried: boolean; disabled: boolean; scalarOnly: boolean } = { kernel: undefined, tried: false, disabled: false, scalarOnly: false };

/** The instantiated kernel, or undefined when the host has no WebAssembly (or setWasmEnabled(false)). */
export function wasmKernel(): Kernel | undefined {
  if (state.disabled) return undefined;
  if (!state.tried) {
    state.tried = true;
    const wa = (globalThis as unknown as WasmGlobal).WebAssembly;
    if (wa !== undefined) {
      try {
        const simd = base64Decode(LIMB_WASM_SIMD_BASE64);
        const bytes = wa.validate(simd) && !state.scalarOnly ? simd : base64Decode(LIMB_WASM_BASE64);
        const fn = new wa.Instance(new wa.Module(bytes), {}).exports as KernelExports;
        state.kernel = { fn: fn, u32: new Uint32Array(fn.memory.buffer), u8: new Uint8Array(fn.memory.buffer), active: undefined, simd: bytes === simd };
      } catch {
        state.kernel = undefined; // a host that refuses to compile it keeps the JS kernel
      }
    }
  }
  return state.kernel;
}

/**
 * Which kernel runs: 'auto' (the SIMD module where the host validates it, else the scalar
 * one), 'scalar' (the module without SIMD, as on a host without it) or 'off' (no kernel: the
 * callers fall back as on a host without WebAssembly). For tests and the benchmark.
 */
export function setWasmVariant(variant: 'auto' | 'scalar' | 'off'): void {
  state.disabled = variant === 'off';
  const scalarOnly = variant === 'scalar';
  if (scalarOnly !== state.scalarOnly) {
    state.scalarOnly = scalarOnly;
    state.tried = false;
    state.kernel = undefined;
  }
}

// ---- contexts -------------------------------------------------------------------------------

/**
 * Largest w (28, 27, 26) whose column sums 2n 2^(2w) stay within 64 bits, and n, the limbs
 * for R >= 4m rounded up to an even count (the SIMD product takes two rows a pass).
 */
function widthFor(bits: number): { w: number; n: number } {
  for (let w = 28; w >= 26; w--) {
    const n = 2 * Math.ceil((bits + 2) / (2 * w));
    if (2 * n <= Math.pow(2, 64 - 2 * w)) return { w: w, n: n };
  }
  return { w: 26, n: 2 * Math.ceil((bits + 2) / (2 * 26)) };
}

/** -m0^-1 mod 2^w (Newton's iteration on 32-bit words). */
function negInverse(m0: number, w: number): number {
  let x = m0; // correct to 3 bits for odd m0
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(m0, x));
  return (-x >>> 0) % Math.pow(2, w);
}

function activate(ctx: WasmContext): void {
  const k = ctx.kernel;
  if (k.active === ctx) return;
  const u32 = k.u32;
  // m, and m shifted up one limb, each followed by zero limbs (the SIMD passes run on to a multiple of 4).
  const m = slotByte(SLOT.M) >> 2;
  u32.set(ctx.m, m);
  u32.fill(0, m + ctx.n, m + ctx.n + 8);
  const ms = slotByte(SLOT.MS) >> 2;
  u32[ms] = 0;
  u32.set(ctx.m, ms + 1);
  u32.fill(0, ms + 1 + ctx.n, ms + 9 + ctx.n);
  u32.set(ctx.mr, slotByte(SLOT.MR) >> 2);
  u32.set(ctx.one, slotByte(SLOT.ONE) >> 2);
  u32.set(ctx.r2, slotByte(SLOT.R2) >> 2);
  const pone = slotByte(SLOT.PONE) >> 2;
  u32.fill(0, pone, pone + ctx.n);
  u32[pone] = 1;
  k.active = ctx;
}

function put(ctx: WasmContext, slot: number, v: Uint32Array): number {
  ctx.kernel.u32.set(v, slotByte(slot) >> 2);
  return slotByte(slot);
}

function take(ctx: WasmContext, slot: number): Uint32Array {
  const at = slotByte(slot) >> 2;
  return ctx.kernel.u32.slice(at, at + ctx.n);
}

/**
 * A context for an odd modulus (big-endian bytes, > 1), or undefined when there is no
 * kernel or the kernel does not take this modulus.
 */
export function wasmContext(modulus: Uint8Array): WasmContext | undefined {
  const kernel = wasmKernel();
  if (kernel === undefined) return undefined;
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  const mod = modulus.subarray(start);
  if (mod.length === 0 || (mod[mod.length - 1]! & 1) === 0 || (mod.length === 1 && mod[0] === 1)) return undefined;
  let bits = (mod.length - 1) * 8;
  for (let top = mod[0]!; top > 0; top = top >> 1) bits++;
  const size = widthFor(bits);
  if (size.n > MAX_LIMBS - 9) return undefined; // the SIMD square reads zero limbs past the top
  const w = size.w;
  const n = size.n;
  const m = new Uint32Array(bytesToLimbs(mod, w, n) as Int32Array);
  const mr = new Uint32Array(n);
  for (let i = 0; i < n; i++) mr[n - 1 - i] = m[i]!;
  const ctx: WasmContext = {
    kernel: kernel, bits: bits, w: w, n: n, minv: negInverse(m[0]!, w), m: m, mr: mr,
    one: new Uint32Array(n), r2: new Uint32Array(n),
  };
  const f = kernel.fn;
  kernel.active = undefined;
  activate(ctx);
  // R mod m: 2^(bits-1) (below m, as m is odd and has `bits` bits), doubled up to 2^(wn).
  const x = new Uint32Array(n);
  x[Math.floor((bits - 1) / w)] = Math.pow(2, (bits - 1) % w);
  const a = put(ctx, SLOT.A, x);
  for (let i = bits - 1; i < w * n; i++) f.addmod(a, a, a, n, w);
  ctx.one = take(ctx, SLOT.A);
  // R^2 mod m = Montgomery form of 2^(wn): square-and-double over the bits of wn, from Montgomery 2.
  const e = w * n;
  let top = 0;
  while (Math.pow(2, top + 1) <= e) top++;
  f.addmod(a, a, a, n, w);
  for (let b = top - 1; b >= 0; b--) {
    f.sqr(a, a, n, w, ctx.minv);
    f.csub(a, a, n, w);
    if (Math.floor(e / Math.pow(2, b)) % 2 === 1) f.addmod(a, a, a, n, w);
  }
  ctx.r2 = take(ctx, SLOT.A);
  kernel.active = undefined;
  activate(ctx);
  return ctx;
}

// ---- residues (Uint32Array limbs, n of them) -------------------------------------------------

/** Montgomery form (< m) of a big-endian value of any length, one R-sized chunk at a time. */
export function wToMont(ctx: WasmContext, bytes: Uint8Array): Uint32Array {
  activate(ctx);
  const n = ctx.n;
  const w = ctx.w;
  const f = ctx.kernel.fn;
  const chunks = Math.max(1, Math.ceil((bytes.length * 8) / (w * n)));
  const limbs = bytesToLimbs(bytes, w, chunks * n) as Int32Array;
  const acc = slotByte(SLOT.C);
  const chunk = slotByte(SLOT.D);
  const r2 = slotByte(SLOT.R2);
  for (let j = chunks - 1; j >= 0; j--) {
    put(ctx, SLOT.D, new Uint32Array(limbs.subarray(j * n, j * n + n)));
    f.mul(chunk, chunk, r2, n, w, ctx.minv); // chunk R mod m (chunk < R, R^2 mod m < m)
    f.csub(chunk, chunk, n, w);
    if (j === chunks - 1) put(ctx, SLOT.C, take(ctx, SLOT.D));
    else {
      f.mul(acc, acc, r2, n, w, ctx.minv); // acc R: one chunk up
      f.csub(acc, acc, n, w);
      f.addmod(acc, acc, chunk, n, w);
    }
  }
  return take(ctx, SLOT.C);
}

/** Plain residue (< m) of a Montgomery form. */
export function wFromMont(ctx: WasmContext, a: Uint32Array): Uint32Array {
  activate(ctx);
  const r = put(ctx, SLOT.A, a);
  ctx.kernel.fn.mul(r, r, slotByte(SLOT.PONE), ctx.n, ctx.w, ctx.minv);
  ctx.kernel.fn.csub(r, r, ctx.n, ctx.w);
  return take(ctx, SLOT.A);
}

/** a b / R mod m, fully reduced (inputs below 2m). */
export function wMul(ctx: WasmContext, a: Uint32Array, b: Uint32Array): Uint32Array {
  activate(ctx);
  const pa = put(ctx, SLOT.A, a);
  const pb = put(ctx, SLOT.B, b);
  ctx.kernel.fn.mul(pa, pa, pb, ctx.n, ctx.w, ctx.minv);
  ctx.kernel.fn.csub(pa, pa, ctx.n, ctx.w);
  return take(ctx, SLOT.A);
}

/** a + b mod m and a - b mod m, for a, b < m. */
export function wAdd(ctx: WasmContext, a: Uint32Array, b: Uint32Array): Uint32Array {
  activate(ctx);
  ctx.kernel.fn.addmod(put(ctx, SLOT.A, a), slotByte(SLOT.A), put(ctx, SLOT.B, b), ctx.n, ctx.w);
  return take(ctx, SLOT.A);
}

export function wSub(ctx: WasmContext, a: Uint32Array, b: Uint32Array): Uint32Array {
  activate(ctx);
  ctx.kernel.fn.submod(put(ctx, SLOT.A, a), slotByte(SLOT.A), put(ctx, SLOT.B, b), ctx.n, ctx.w);
  return take(ctx, SLOT.A);
}

/** Plain limbs of a value below R (not reduced, not converted); undefined when it needs more than n limbs. */
export function wFromBytes(ctx: WasmContext, bytes: Uint8Array): Uint32Array | undefined {
  const limbs = bytesToLimbs(bytes, ctx.w, ctx.n);
  return limbs === undefined ? undefined : new Uint32Array(limbs);
}

/** Big-endian bytes (len of them) of a fully reduced residue. */
export function wToBytes(ctx: WasmContext, a: Uint32Array, len: number): Uint8Array {
  const out = limbsToBytes(new Int32Array(a.buffer, a.byteOffset, a.length), ctx.w, len);
  if (out === undefined) throw new MicroTlsError('MPI_BAD_INPUT_DATA', `value does not fit in ${len} bytes`);
  return out;
}

export function wEqual(a: Uint32Array, b: Uint32Array): boolean {
  // Every word is read: the blinding check compares secret values.
  let d = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

// ---- exponentiation -----------------------------------------------------------------------

/** Montgomery form (< m) of base^exp, square-and-multiply over the exponent's bits (public exponents). */
export function wPowPublic(ctx: WasmContext, base: Uint32Array, exp: Uint8Array): Uint32Array {
  activate(ctx);
  const f = ctx.kernel.fn;
  const n = ctx.n;
  const w = ctx.w;
  const r = put(ctx, SLOT.A, ctx.one);
  const b = put(ctx, SLOT.B, base);
  let started = false;
  for (let i = 0; i < exp.length; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      if (started) f.sqr(r, r, n, w, ctx.minv);
      if ((exp[i]! >> bit) & 1) {
        if (started) f.mul(r, r, b, n, w, ctx.minv);
        else put(ctx, SLOT.A, base);
        started = true;
      }
    }
  }
  f.csub(r, r, n, w);
  return take(ctx, SLOT.A);
}

/**
 * Montgomery form (< m) of base^exp with the kernel's fixed 4-bit window over `digits`
 * digits (a count fixed by the key, not by the exponent): one call into the kernel.
 */
export function wPowSecret(ctx: WasmContext, base: Uint32Array, exp: Uint8Array, digits: number): Uint32Array {
  if (digits > MAX_DIGITS) throw new MicroTlsError('MPI_BAD_INPUT_DATA', 'exponent too long for the wasm kernel');
  activate(ctx);
  const u8 = ctx.kernel.u8;
  const len = exp.length;
  for (let d = 0; d < digits; d++) {
    // digit d counted from the most significant; digit index from the least is digits-1-d
    const di = digits - 1 - d;
    const byteIndex = len - 1 - (di >> 1);
    const byte = byteIndex >= 0 ? exp[byteIndex]! : 0;
    u8[DIGITS_BYTE + d] = (di & 1) === 1 ? byte >> 4 : byte & 15;
  }
  const r = slotByte(SLOT.A);
  ctx.kernel.fn.powSecret(r, put(ctx, SLOT.B, base), digits, ctx.n, ctx.w, ctx.minv);
  ctx.kernel.fn.csub(r, r, ctx.n, ctx.w);
  return take(ctx, SLOT.A);
}
