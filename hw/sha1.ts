/**
 * SHA-1 (FIPS 180-4 6.1) for interpreters, in the style of hw/sha256.ts: the 80 rounds in four
 * loops with the round function inline, the schedule in a plain array, words read from bytes
 * without a DataView. TLS 1.2 needs it for HMAC-SHA1 (the *_CBC_SHA suites) and for SHA-1
 * certificate and CertificateVerify signatures. Used by the XS provider (src/device/xs-provider.ts).
 */
import { BlockHash } from './block-hash.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** The schedule is scratch: compress() runs to completion before anyone else can use it. */
const W: number[] = new Array<number>(80).fill(0);

function compress(h: number[], b: Uint8Array, off: number): void {
  const w = W;
  for (let i = 0; i < 16; i++) {
    const o = off + i * 4;
    w[i] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!;
  let i = 0;
  for (; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((bb & c) | (~bb & d)) + e + w[i]! + 0x5a827999) | 0;
    e = d; d = c; c = (bb << 30) | (bb >>> 2); bb = a; a = t;
  }
  for (; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + w[i]! + 0x6ed9eba1) | 0;
    e = d; d = c; c = (bb << 30) | (bb >>> 2); bb = a; a = t;
  }
  for (; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((bb & c) | (bb & d) | (c & d)) + e + w[i]! + 0x8f1bbcdc) | 0;
    e = d; d = c; c = (bb << 30) | (bb >>> 2); bb = a; a = t;
  }
  for (; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + w[i]! + 0xca62c1d6) | 0;
    e = d; d = c; c = (bb << 30) | (bb >>> 2); bb = a; a = t;
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + bb) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0; h[4] = (h[4]! + e) | 0;
}

export class Sha1 extends BlockHash {
  constructor(state?: Sha1) {
    super('SHA-1', 64, 8, 20, IV, state);
  }

  protected compress(h: number[], block: Uint8Array, offset: number): void {
    compress(h, block, offset);
  }

  clone(): Sha1 {
    this.assertCloneable();
    return new Sha1(this);
  }
}
