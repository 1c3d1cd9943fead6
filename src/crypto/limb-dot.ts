/**
 * The one seam between the limb arithmetic and the engine: a dot product
 * sum(x[i] * y[i + offset]) over every element of x (offset + x.length <= y.length).
 *
 * On Espruino it is `E.convolve(x, y, offset)`, computed in C with double accumulation
 * (`sum(a[i] * b[(i + offset) % b.length])`; the callers never reach the wrap). Everywhere
 * else it is the plain loop below, so Node and XS run exactly the limb code the device runs.
 * The limb module keeps every sum below 2^53, so both give the same exact integer.
 */
import type { MontContext, Num } from './limb.js';

export type DotProduct = (x: Int32Array, y: Int32Array, offset: number) => number;

/** The product-scanning kernel, installed by limb-scan.ts (absent from the Espruino bundle). */
export type ScanKernel = (ctx: MontContext, out: Num, a: Num, b: Num) => void;

/**
 * The loop for engines without E.convolve. They multiply with limb-scan.ts's kernel instead,
 * so this runs only when chosen (setDot) or on an Espruino build without E.convolve: one sum
 * is enough there (an interpreter gains nothing from partial sums).
 */
export function jsDot(x: Int32Array, y: Int32Array, offset: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i + offset];
  return s;
}

interface EspruinoGlobal {
  E?: { convolve?: DotProduct };
}

/** E.convolve when the engine has it (Espruino), else undefined. */
export function nativeDot(): DotProduct | undefined {
  const g = globalThis as unknown as EspruinoGlobal;
  const e = g.E;
  if (e !== undefined && e !== null && typeof e.convolve === 'function') return e.convolve;
  return undefined;
}

/**
 * The dot product every multiplication reads (one shared holder, so setDot reaches cached
 * contexts). `scan`: no dot product was chosen and the engine has none natively (V8, XS), so
 * limb.ts multiplies with the inline product-scanning kernel of limb-scan.ts instead of
 * calling `dot` per column; Espruino, or any dot set by setDot, keeps the dot-product kernel.
 */
export const selected: { dot: DotProduct; native: boolean; scan: boolean; scanMul: ScanKernel | undefined } = {
  dot: jsDot, native: false, scan: true, scanMul: undefined,
};
const found = nativeDot();
if (found !== undefined) {
  selected.dot = found;
  selected.native = true;
  selected.scan = false;
}

export function currentDot(): DotProduct {
  return selected.dot;
}

/** True when the inline product-scanning kernel (no dot product) is in use. */
export function scanKernelInUse(): boolean {
  return selected.scan && selected.scanMul !== undefined;
}

/** True when the native product path is in use. */
export function dotIsNative(): boolean {
  return selected.native;
}

/**
 * Replaces the dot product and selects the dot-product kernel (tests run the same cases on
 * both paths inside Espruino, and the dot-product kernel on Node); undefined restores the
 * engine's default.
 */
export function setDot(dot: DotProduct | undefined): void {
  if (dot === undefined) {
    const d = nativeDot();
    selected.dot = d === undefined ? jsDot : d;
    selected.native = d !== undefined;
    selected.scan = d === undefined;
  } else {
    selected.dot = dot;
    selected.native = dot !== jsDot && dot === nativeDot();
    selected.scan = false;
  }
}
