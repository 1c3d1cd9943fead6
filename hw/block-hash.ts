import type { HashContext } from './provider.js';

/**
 * The Merkle–Damgård frame SHA-1, SHA-256, SHA-512 and MD5 share (FIPS 180-4 5.1, RFC 1321
 * 3.1-3.2): whole blocks go straight to the compression function, a partial one waits in the
 * buffer, and digest() pads with 0x80, zeros and the bit length. Subclasses give the block size,
 * the length field's size, the byte order (MD5 is little-endian in its length and output) and
 * the compression; the state words are 32-bit numbers in output order.
 */
export abstract class BlockHash implements HashContext {
  protected readonly h: number[];
  private readonly buffer: Uint8Array;
  private buffered = 0;
  /** Bytes hashed so far (exact up to 2^53). */
  private length = 0;
  private done = false;

  protected constructor(
    private readonly name: string,
    private readonly blockBytes: number,
    private readonly lengthBytes: number,
    protected readonly outputBytes: number,
    iv: readonly number[],
    state?: BlockHash,
    private readonly littleEndian = false,
  ) {
    this.buffer = new Uint8Array(blockBytes);
    if (state) {
      this.h = state.h.slice();
      this.buffer.set(state.buffer);
      this.buffered = state.buffered;
      this.length = state.length;
    } else {
      this.h = iv.map((v) => v | 0);
    }
  }

  protected abstract compress(h: number[], block: Uint8Array, offset: number): void;
  abstract clone(): BlockHash;

  update(data: Uint8Array): this {
    if (this.done) throw new Error(`${this.name}: update after digest`);
    const size = this.blockBytes;
    let i = 0;
    const n = data.length;
    this.length += n;
    if (this.buffered > 0) {
      const take = Math.min(size - this.buffered, n);
      this.buffer.set(data.subarray(0, take), this.buffered);
      this.buffered += take;
      i = take;
      if (this.buffered < size) return this;
      this.compress(this.h, this.buffer, 0);
      this.buffered = 0;
    }
    for (; i + size <= n; i += size) this.compress(this.h, data, i);
    if (i < n) {
      this.buffer.set(data.subarray(i), 0);
      this.buffered = n - i;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error(`${this.name}: digest called twice`);
    this.done = true;
    const b = this.buffer;
    const size = this.blockBytes;
    let used = this.buffered;
    b[used++] = 0x80;
    if (used > size - this.lengthBytes) {
      b.fill(0, used);
      this.compress(this.h, b, 0);
      used = 0;
    }
    // The bit length fits in 64 bits; any wider length field is zero above them.
    b.fill(0, used, size - 8);
    const hi = Math.floor(this.length / 0x20000000);
    const lo = (this.length * 8) >>> 0;
    const le = this.littleEndian;
    putWord(b, size - 8, le ? lo : hi, le);
    putWord(b, size - 4, le ? hi : lo, le);
    this.compress(this.h, b, 0);
    const out = new Uint8Array(this.outputBytes);
    for (let i = 0; i < this.outputBytes / 4; i++) putWord(out, i * 4, this.h[i]!, le);
    return out;
  }

  protected assertCloneable(): void {
    if (this.done) throw new Error(`${this.name}: clone after digest`);
  }
}

function putWord(b: Uint8Array, at: number, v: number, littleEndian: boolean): void {
  if (littleEndian) {
    b[at] = v; b[at + 1] = v >>> 8; b[at + 2] = v >>> 16; b[at + 3] = v >>> 24;
  } else {
    b[at] = v >>> 24; b[at + 1] = v >>> 16; b[at + 2] = v >>> 8; b[at + 3] = v;
  }
}
