import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';
import { AlertDescription } from '../record/alerts.js';

/**
 * A strict cursor over untrusted bytes. Every read is checked against what remains, so a
 * length field can never make a parser read past its message; a failure is a typed
 * MicroTlsError whose code is chosen by the caller (a truncated ServerHello is
 * BAD_HS_SERVER_HELLO, a truncated record header INVALID_RECORD), because the same
 * "ran out of bytes" means different things to the peer depending on where it happened.
 *
 * Slices are views (subarray), not copies: parsers hand out parts of a message that the
 * caller owns, and the engine never mutates received buffers.
 */
export class ByteReader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** Mbed TLS error name used when the input is malformed. */
    readonly errorName: ErrorName = 'SSL_BAD_INPUT_DATA',
    /** What is being parsed, for error messages ("ServerHello"). */
    readonly what: string = 'message',
    /** Extra details attached to every error (e.g. the TLS alert to send). */
    private readonly errorDetails: Record<string, unknown> = { alert: AlertDescription.decode_error },
  ) {}

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }

  fail(reason: string): never {
    throw new MicroTlsError(this.errorName, `malformed ${this.what}: ${reason}`, { ...this.errorDetails, offset: this.pos });
  }

  private need(n: number, field: string): void {
    if (n > this.remaining) this.fail(`${field} needs ${n} bytes but only ${this.remaining} remain`);
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field = 'u16'): number {
    this.need(2, field);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(field = 'u24'): number {
    this.need(3, field);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(field = 'u32'): number {
    this.need(4, field);
    const v = this.buf[this.pos]! * 0x1000000 + ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  bytes(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A vector with a 1-byte length prefix; `min`/`max` are the spec's bounds on its length. */
  vec8(field = 'vector', min = 0, max = 0xff): Uint8Array {
    return this.vec(this.u8(`${field} length`), field, min, max);
  }

  vec16(field = 'vector', min = 0, max = 0xffff): Uint8Array {
    return this.vec(this.u16(`${field} length`), field, min, max);
  }

  vec24(field = 'vector', min = 0, max = 0xffffff): Uint8Array {
    return this.vec(this.u24(`${field} length`), field, min, max);
  }

  private vec(len: number, field: string, min: number, max: number): Uint8Array {
    if (len < min || len > max) this.fail(`${field} length ${len} outside ${min}..${max}`);
    return this.bytes(len, field);
  }

  /** A sub-reader over a length-prefixed vector, with the same error context. */
  sub16(field = 'vector', min = 0, max = 0xffff): ByteReader {
    return new ByteReader(this.vec16(field, min, max), this.errorName, this.what, this.errorDetails);
  }

  sub24(field = 'vector', min = 0, max = 0xffffff): ByteReader {
    return new ByteReader(this.vec24(field, min, max), this.errorName, this.what, this.errorDetails);
  }

  /** Trailing bytes are an error: a message must be exactly as long as it says. */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected trailing bytes`);
  }
}
