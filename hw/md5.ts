/**
 * MD5 (RFC 1321) for interpreters, in the style of hw/sha256.ts, on the little-endian side of
 * hw/block-hash.ts. TLS 1.2 itself never needs MD5 with the ten suites; it is here so the XS
 * provider answers every HashName as noble's did (an MD5-signed certificate is then refused by
 * policy, not by a missing hash). Used by the XS provider (src/device/xs-provider.ts).
 */
import { BlockHash } from './block-hash.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/** floor(abs(sin(i + 1)) * 2^32), RFC 1321 3.4. */
const K: readonly number[] = [
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
].map((k) => k | 0);

/** Rotation of each round, four per group of 16. */
const S: readonly number[] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

const X: number[] = new Array<number>(16).fill(0);

function compress(h: number[], b: Uint8Array, off: number): void {
  const x = X;
  for (let i = 0; i < 16; i++) {
    const o = off + i * 4;
    x[i] = b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!;
  for (let i = 0; i < 64; i++) {
    let f: number, g: number;
    if (i < 16) { f = (bb & c) | (~bb & d); g = i; }
    else if (i < 32) { f = (d & bb) | (~d & c); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = bb ^ c ^ d; g = (3 * i + 5) & 15; }
    else { f = c ^ (bb | ~d); g = (7 * i) & 15; }
    const s = S[((i >> 4) << 2) | (i & 3)]!;
    const t = (a + f + K[i]! + x[g]!) | 0;
    a = d; d = c; c = bb;
    bb = (bb + ((t << s) | (t >>> (32 - s)))) | 0;
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + bb) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0;
}

export class Md5 extends BlockHash {
  constructor(state?: Md5) {
    super('MD5', 64, 8, 16, IV, state, true);
  }

  protected compress(h: number[], block: Uint8Array, offset: number): void {
    compress(h, block, offset);
  }

  clone(): Md5 {
    this.assertCloneable();
    return new Md5(this);
  }
}
