import { tlsError } from './alerts.js';

/**
 * A 64-bit record sequence number kept as two 32-bit halves (JS numbers are exact only to
 * 2^53). TLS forbids wrapping: a wrapped counter would reuse AEAD nonces and MAC inputs,
 * so the connection fails with COUNTER_WRAPPING before the last value could be reused.
 */
export class SequenceNumber {
  private hi = 0;
  private lo = 0;

  /** For tests and resumption of saved state: start at hi * 2^32 + lo. */
  static at(hi: number, lo: number): SequenceNumber {
    const s = new SequenceNumber();
    s.hi = hi >>> 0;
    s.lo = lo >>> 0;
    return s;
  }

  /** The current value as 8 big-endian bytes, then advances. */
  next(): Uint8Array {
    if (this.hi === 0xffffffff && this.lo === 0xffffffff) {
      throw tlsError('SSL_COUNTER_WRAPPING', 'internal_error', 'record sequence number exhausted (2^64 records): reconnect');
    }
    const out = new Uint8Array(8);
    out[0] = this.hi >>> 24; out[1] = (this.hi >>> 16) & 0xff; out[2] = (this.hi >>> 8) & 0xff; out[3] = this.hi & 0xff;
    out[4] = this.lo >>> 24; out[5] = (this.lo >>> 16) & 0xff; out[6] = (this.lo >>> 8) & 0xff; out[7] = this.lo & 0xff;
    if (this.lo === 0xffffffff) {
      this.lo = 0;
      this.hi = (this.hi + 1) >>> 0;
    } else {
      this.lo++;
    }
    return out;
  }
}
