/**
 * A small strict DER reader for keys and signatures. Strict because every BER leniency
 * (long-form lengths that fit the short form, leading zero bytes in INTEGERs, indefinite
 * lengths, trailing data) is a way to make two encodings of one value, which is what
 * signature-malleability attacks feed on. Every length is checked against what remains
 * before anything is read.
 *
 * Errors carry the caller's Mbed TLS code (a key parser reports PK_KEY_INVALID_FORMAT,
 * not an ASN.1 code), so the reader is built with the code to use.
 */
import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** Context-specific constructed tag [n] (EXPLICIT), e.g. [0] in PKCS#8 v2 and SEC1 keys. */
export function contextTag(n: number): number {
  return 0xa0 | n;
}

export interface DerElement {
  readonly tag: number;
  /** The content octets (a view into the input, not a copy). */
  readonly value: Uint8Array;
  /** The whole TLV (header and content). */
  readonly raw: Uint8Array;
}

export class DerReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly errorName: ErrorName,
    private readonly what = 'DER',
  ) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(message: string): never {
    throw new MicroTlsError(this.errorName, `${this.what}: ${message}`, { offset: this.pos });
  }

  peekTag(): number | undefined {
    return this.pos < this.bytes.length ? this.bytes[this.pos] : undefined;
  }

  /** Reads one element; expects `tag` when given. */
  read(tag?: number): DerElement {
    const b = this.bytes;
    const start = this.pos;
    if (start >= b.length) this.fail(tag === undefined ? 'unexpected end of data' : `expected tag 0x${tag.toString(16)}, found end of data`);
    const t = b[start]!;
    if ((t & 0x1f) === 0x1f) this.fail('multi-byte tags are not used in keys or signatures');
    if (tag !== undefined && t !== tag) this.fail(`expected tag 0x${tag.toString(16)}, found 0x${t.toString(16)}`);
    if (start + 1 >= b.length) this.fail('truncated length');
    const first = b[start + 1]!;
    let len: number;
    let header: number;
    if (first < 0x80) {
      len = first;
      header = 2;
    } else {
      const n = first & 0x7f;
      if (n === 0) this.fail('indefinite length (BER, not DER)');
      if (n > 3) this.fail('length field longer than 3 bytes');
      if (start + 2 + n > b.length) this.fail('truncated length');
      if (b[start + 2] === 0) this.fail('length with a leading zero byte (not minimal)');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[start + 2 + i]!;
      if (len < 0x80) this.fail('long-form length for a value under 128 bytes (not minimal)');
      header = 2 + n;
    }
    if (len > b.length - start - header) this.fail(`length ${len} exceeds the ${b.length - start - header} bytes that remain`);
    const end = start + header + len;
    this.pos = end;
    return { tag: t, value: b.subarray(start + header, end), raw: b.subarray(start, end) };
  }

  /** Reads a constructed element and returns a reader over its contents. */
  sequence(tag: number = TAG.SEQUENCE): DerReader {
    return new DerReader(this.read(tag).value, this.errorName, this.what);
  }

  /** A non-negative INTEGER as big-endian magnitude without leading zeros (zero -> [0]). */
  unsignedInteger(): Uint8Array {
    const v = this.read(TAG.INTEGER).value;
    if (v.length === 0) this.fail('empty INTEGER');
    if (v.length > 1 && v[0] === 0 && v[1]! < 0x80) this.fail('INTEGER with a redundant leading zero byte');
    if (v.length > 1 && v[0] === 0xff && v[1]! >= 0x80) this.fail('INTEGER with a redundant leading 0xff byte');
    if (v[0]! >= 0x80) this.fail('negative INTEGER');
    return v.length > 1 && v[0] === 0 ? v.subarray(1) : v;
  }

  /** A small non-negative INTEGER (versions). */
  smallInteger(): number {
    const v = this.unsignedInteger();
    if (v.length > 4) this.fail('INTEGER too large');
    let n = 0;
    for (const x of v) n = n * 256 + x;
    return n;
  }

  /** OBJECT IDENTIFIER in dotted form. */
  oid(): string {
    const v = this.read(TAG.OID).value;
    if (v.length === 0) this.fail('empty OBJECT IDENTIFIER');
    if ((v[v.length - 1]! & 0x80) !== 0) this.fail('truncated OBJECT IDENTIFIER');
    const arcs: number[] = [];
    let acc = 0;
    let startOfArc = true;
    for (const byte of v) {
      if (startOfArc && byte === 0x80) this.fail('OBJECT IDENTIFIER arc with a leading 0x80 byte');
      if (acc > 0x1ffffff) this.fail('OBJECT IDENTIFIER arc too large');
      acc = acc * 128 + (byte & 0x7f);
      startOfArc = (byte & 0x80) === 0;
      if (startOfArc) {
        arcs.push(acc);
        acc = 0;
      }
    }
    const first = arcs[0]!;
    const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
    return head.concat(arcs.slice(1)).join('.');
  }

  null(): void {
    if (this.read(TAG.NULL).value.length !== 0) this.fail('NULL with content');
  }

  /** BIT STRING contents; keys and signatures never have unused bits. */
  bitStringBytes(): Uint8Array {
    const v = this.read(TAG.BIT_STRING).value;
    if (v.length === 0) this.fail('empty BIT STRING');
    if (v[0] !== 0) this.fail('BIT STRING with unused bits');
    return v.subarray(1);
  }

  octetString(): Uint8Array {
    return this.read(TAG.OCTET_STRING).value;
  }

  /** Asserts that nothing follows (trailing bytes are a malleability vector). */
  end(): void {
    if (this.pos !== this.bytes.length) this.fail(`${this.bytes.length - this.pos} unexpected trailing byte(s)`);
  }
}
