/**
 * Where the WebAssembly Montgomery kernel keeps its numbers: one memory of fixed slots, the
 * same constants for the emitter (limb-wasm-emit.ts) and the glue (limb-wasm.ts). A slot holds
 * one residue as MAX_LIMBS little-endian 32-bit words, each a limb below 2^w (w = 26..28).
 */
export const MAX_LIMBS = 328;
export const SLOT_BYTES = MAX_LIMBS * 4;

/** Slot numbers. M/MR/ONE/R2 belong to the active modulus (the glue copies them in). */
export const SLOT = {
  /** The modulus, forward and reversed (MR[i] = m[n-1-i]). */
  M: 0,
  MR: 1,
  /** Quotient digits of the running product. */
  Q: 2,
  /** The second operand, reversed (scalar product) or shifted up one limb (SIMD product).*/
  BR: 3,
  /** Montgomery 1 (R mod m) and R^2 mod m. */
  ONE: 4,
  R2: 5,
  /** Plain 1 (multiplying by it leaves Montgomery form). */
  PONE: 6,
  /** Scratch of the subtraction helpers and of the window selection. */
  TMP: 7,
  SEL: 8,
  /** Free for the glue: operands and results. */
  A: 9,
  B: 10,
  C: 11,
  D: 12,
  /** 0, m_0, m_1, ...: the modulus shifted up one limb (the SIMD product's second row). */
  MS: 13,
  /** The 16-entry window table of powSecret. */
  TABLE: 16,
  /** The SIMD product's 2n 64-bit column accumulators (four slots). */
  T: 32,
} as const;

export const TABLE_ENTRIES = 16;
/** Window digits of a secret exponent, one byte each, most significant first. */
export const DIGITS_BYTE = (SLOT.T + 4) * SLOT_BYTES;
export const MAX_DIGITS = 4096;
export const MEMORY_PAGES = Math.ceil((DIGITS_BYTE + MAX_DIGITS) / 65536);

export function slotByte(slot: number): number {
  return slot * SLOT_BYTES;
}
