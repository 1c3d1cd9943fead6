import type { HashContext } from './provider.js';

/**
 * The Merkle–Damgård frame SHA-256 and SHA-512 share (FIPS 180-4 5.1): whole blocks go
 * straight to the compression function, a partial one waits in the buffer, and digest() pads
 * with 0x80, zeros and the bit length. Subclasses give the block size, the length field's size
 * and the compression; the state words are 32-bit numbers in output order.
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
    b[size - 8] = hi >>> 24; b[size - 7] = hi >>> 16; b[size - 6] = hi >>> 8; b[size - 5] = hi;
    b[size - 4] = lo >>> 24; b[size - 3] = lo >>> 16; b[size - 2] = lo >>> 8; b[size - 1] = lo;
    this.compress(this.h, b, 0);
    const out = new Uint8Array(this.outputBytes);
    for (let i = 0; i < this.outputBytes / 4; i++) {
      const v = this.h[i]!;
      out[i * 4] = v >>> 24; out[i * 4 + 1] = v >>> 16; out[i * 4 + 2] = v >>> 8; out[i * 4 + 3] = v;
    }
    return out;
  }

  protected assertCloneable(): void {
    if (this.done) throw new Error(`${this.name}: clone after digest`);
  }
}
