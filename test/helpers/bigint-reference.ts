/**
 * Reference arithmetic for the big-integer tests, in plain BigInt square-and-multiply, apart
 * from every backend under test (src/crypto's BigInt, limb and WebAssembly code).
 */
import { toHex } from '../../src/encoding/bytes.js';

/** Big-endian bytes as a bigint (empty is 0). */
export const toBig = (b: Uint8Array): bigint => (b.length ? BigInt('0x' + toHex(b)) : 0n);

/** b^e mod m. */
export function refPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r % m;
}
