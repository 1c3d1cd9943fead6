/**
 * GHASH (NIST SP 800-38D) with Shoup's 4-bit tables, as Mbed TLS computes it: per key 16
 * multiples of H (256 bytes in one Uint32Array), and one 16-entry reduction table shared by
 * every key. noble's GHASH keeps 512 small objects per key (33.6 KB on V8), and a TLS
 * connection holds two keys; this keeps an idle connection small at some cost in speed
 * (bench:crypto measures it).
 *
 * Words are big-endian 32-bit quarters of the 128-bit value, most significant first.
 *
 * Timing: as in Mbed TLS's table method, the lookups are indexed by nibbles of H and of the
 * running GHASH state, so a CPU with a data cache can leak through timing what a constant-time
 * carry-less multiply would not. Engines without such a multiply (all of the targets) pay that
 * or ~8x the work of a bitwise loop; the tag comparison itself is constant-flow.
 */

/** x^4 * r mod the GCM polynomial for the 4 bits shifted out, placed in the top 16 bits. */
const LAST4 = new Uint32Array([
  0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
  0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
].map((v) => (v << 16) >>> 0));

function readWord(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

export class Ghash {
  /** M[n] = n * H for every 4-bit n, 4 words each. */
  private readonly table = new Uint32Array(64);
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(h: Uint8Array) {
    if (h.length !== 16) throw new RangeError('GHASH key must be 16 bytes');
    const t = this.table;
    let v0 = readWord(h, 0), v1 = readWord(h, 4), v2 = readWord(h, 8), v3 = readWord(h, 12);
    t[32] = v0; t[33] = v1; t[34] = v2; t[35] = v3;
    // H, H*x, H*x^2, H*x^3 land at 8, 4, 2, 1 (GCM's reflected bit order).
    for (let i = 4; i > 0; i >>= 1) {
      const r = (v3 & 1) ? 0xe1000000 : 0;
      v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
      v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
      v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
      v0 = ((v0 >>> 1) ^ r) >>> 0;
      t[i * 4] = v0; t[i * 4 + 1] = v1; t[i * 4 + 2] = v2; t[i * 4 + 3] = v3;
    }
    for (let i = 2; i <= 8; i *= 2) {
      for (let j = 1; j < i; j++) {
        for (let k = 0; k < 4; k++) t[(i + j) * 4 + k] = (t[i * 4 + k]! ^ t[j * 4 + k]!) >>> 0;
      }
    }
  }

  reset(): this {
    this.s0 = this.s1 = this.s2 = this.s3 = 0;
    return this;
  }

  /** Absorbs data, zero-padded to a whole block (GCM pads AAD and ciphertext separately). */
  update(data: Uint8Array): this {
    const full = data.length - (data.length % 16);
    for (let i = 0; i < full; i += 16) {
      this.block(readWord(data, i), readWord(data, i + 4), readWord(data, i + 8), readWord(data, i + 12));
    }
    if (full < data.length) {
      const last = new Uint8Array(16);
      last.set(data.subarray(full));
      this.block(readWord(last, 0), readWord(last, 4), readWord(last, 8), readWord(last, 12));
    }
    return this;
  }

  digestInto(out: Uint8Array): void {
    const s = [this.s0, this.s1, this.s2, this.s3];
    for (let i = 0; i < 4; i++) {
      out[i * 4] = s[i]! >>> 24; out[i * 4 + 1] = (s[i]! >>> 16) & 0xff; out[i * 4 + 2] = (s[i]! >>> 8) & 0xff; out[i * 4 + 3] = s[i]! & 0xff;
    }
  }

  /**
   * state = (state ^ x) * H, one nibble at a time from the last byte to the first: shift the
   * accumulator right by 4 (reducing what falls off with LAST4), then add M[nibble]. The
   * first shift is of zero, so it needs no special case.
   */
  private block(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.table;
    let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
    for (let k = 3; k >= 0; k--) {
      const w = k === 3 ? this.s3 ^ x3 : k === 2 ? this.s2 ^ x2 : k === 1 ? this.s1 ^ x1 : this.s0 ^ x0;
      for (let shift = 0; shift < 32; shift += 4) {
        const rem = z3 & 0xf;
        z3 = (z3 >>> 4) | (z2 << 28);
        z2 = (z2 >>> 4) | (z1 << 28);
        z1 = (z1 >>> 4) | (z0 << 28);
        z0 = (z0 >>> 4) ^ LAST4[rem]!;
        const m = ((w >>> shift) & 0xf) << 2;
        z0 ^= t[m]!; z1 ^= t[m + 1]!; z2 ^= t[m + 2]!; z3 ^= t[m + 3]!;
      }
    }
    this.s0 = z0 >>> 0; this.s1 = z1 >>> 0; this.s2 = z2 >>> 0; this.s3 = z3 >>> 0;
  }
}
