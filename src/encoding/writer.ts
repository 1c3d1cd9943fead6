/**
 * A growable byte writer for building handshake messages. Length prefixes are reserved
 * first and back-filled when the body is complete, so builders write fields in wire order
 * without computing sizes up front (the usual source of off-by-one bugs in TLS encoders).
 */
export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    if (v < 0 || v > 0xffff) throw new RangeError(`u16 out of range: ${v}`);
    this.ensure(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    if (v < 0 || v > 0xffffff) throw new RangeError(`u24 out of range: ${v}`);
    this.ensure(3);
    this.buf[this.len++] = v >>> 16;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /**
   * Writes a `size`-byte length prefix, runs `body`, then back-fills the prefix with the
   * number of bytes `body` wrote. Throws RangeError when the body is too long for the prefix
   * (a programming error, not peer input).
   */
  prefixed(size: 1 | 2 | 3, body: (w: this) => void): this {
    this.ensure(size);
    const at = this.len;
    this.len += size;
    body(this);
    const n = this.len - at - size;
    if (n >= 2 ** (8 * size)) throw new RangeError(`vector of ${n} bytes does not fit a ${size}-byte length`);
    for (let i = size - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) this.buf[at + i] = v & 0xff;
    return this;
  }

  vec8(data: Uint8Array): this {
    return this.prefixed(1, (w) => w.bytes(data));
  }

  vec16(data: Uint8Array): this {
    return this.prefixed(2, (w) => w.bytes(data));
  }

  vec24(data: Uint8Array): this {
    return this.prefixed(3, (w) => w.bytes(data));
  }

  /** A copy of the written bytes (the writer may be reused or grow afterwards). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
