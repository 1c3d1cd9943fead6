/**
 * Domain parameters of the NIST prime curves (SEC 2 / FIPS 186-4), all with a = -3: the
 * limb backend's curve data (the default backend has @noble/curves'). Stored as n | b | gx | gy
 * in base64, which is a third smaller than hex in the device bundle, and handed out as hex;
 * p is written out (it is mostly runs of f and 0, which compress to a few bytes).
 */
import { toHex } from '../encoding/bytes.js';
import { base64Decode } from '../encoding/base64.js';
import type { EcCurveName } from './key-types.js';

export interface EcParams {
  readonly p: string;
  readonly n: string;
  readonly b: string;
  readonly gx: string;
  readonly gy: string;
  /** Bytes of a field element (and of r, s in a compact signature). */
  readonly size: number;
}

const DATA: { readonly [name: string]: readonly [p: string, nbg: string] } = {
  'P-256': ['ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    '/////wAAAAD//////////7zm+q2nF56E87nKwvxjJVFaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgS2sX0fLhLEJH+Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT+NC4v4af5uO5+tKfA+eFivOM1drMV7Oy7ZAaDe/UfU='],
  'P-384': ['fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    '////////////////////////////////x2NNgfQ3Ld9YGg2ySLCneuzsGWrMxSlzszEvp+I+5+SYjgVr4/gtGRgdnG7+gUESAxQIj1ATh1rGVjmNii7RnSqFyO3T7CrvqofKIr6LBTeOscce8yCtdG4dO2KLp5uYWfdB4IJUKjhVAvJdv1UpbDpUXjhydgq3NhfeSpYmLG9dnpi/kpLcKfj0Hb0omhR86doxE7XwuMAKYLHOHX6BnXpDHXyQ6g5f'],
  'P-521': ['01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'Af//////////////////////////////////////////+lGGh4O/L5Zrf8wBSPcJpdA7tcm4iZxHrrtvtx6ROGQJAFGVPrlhjhyaH5KaIaC2hUDuotpyW5mzFfO4tImRjvEJ4VYZOVHsfpN7FlLAvTuxvwc1c9+IPSw08e9FH9RrUD8AAMaFjga3BATpzZ4+y2YjlbRCnGSBOQU/tSH4KK9ga009uqFLXnfv51ko/h3BJ6L/qN4zSLPBhWpCm/l+fjHC5b1mARg5KWp4mjvABFyKX7QsfRvZmPVESVebRGgXr70XJz5mLJfucple9CZAxVC5AT+tB2E1PHCGonLCQIi+lHaf0WZQ'],
};

export function ecParams(name: EcCurveName): EcParams {
  const d = DATA[name]!;
  const p = d[0];
  const h = toHex(base64Decode(d[1]));
  const w = p.length;
  return { p, n: h.slice(0, w), b: h.slice(w, 2 * w), gx: h.slice(2 * w, 3 * w), gy: h.slice(3 * w), size: w / 2 };
}
