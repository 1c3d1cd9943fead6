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
    const h = readHeader(b, start, b.length);
    if (typeof h === 'string') this.fail(h);
    if (tag !== undefined && b[start] !== tag) this.fail(`expected tag 0x${tag.toString(16)}, found 0x${b[start]!.toString(16)}`);
    const end = h.valueStart + h.length;
    this.pos = end;
    return { tag: b[start]!, value: b.subarray(h.valueStart, end), raw: b.subarray(start, end) };
  }

  /** Reads a constructed element and returns a reader over its contents. */
  sequence(tag: number = TAG.SEQUENCE): DerReader {
    return new DerReader(this.read(tag).value, this.errorName, this.what);
  }

  /** A non-negative INTEGER as big-endian magnitude without leading zeros (zero -> [0]). */
  unsignedInteger(): Uint8Array {
    const v = this.read(TAG.INTEGER).value;
    if (!isMinimalInteger(v)) this.fail('INTEGER not minimally encoded');
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
    return oidText(this.read(TAG.OID).value) ?? this.fail('malformed OBJECT IDENTIFIER');
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

/** Where one element's content starts and how long it is, or why its header is not DER. */
export function readHeader(b: Uint8Array, start: number, end: number): { valueStart: number; length: number } | string {
  if (start + 2 > end) return 'truncated element';
  if ((b[start]! & 0x1f) === 0x1f) return 'multi-byte tag';
  let len = b[start + 1]!;
  let pos = start + 2;
  if (len >= 0x80) {
    const n = len & 0x7f;
    // Indefinite (n = 0), over 16 MB, or with a leading zero octet: not DER or not for us.
    if (n === 0 || n > 3 || pos + n > end || b[pos] === 0) return 'length not DER';
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[pos + k]!;
    pos += n;
    if (len < 0x80) return 'long-form length under 128';
  }
  return len > end - pos ? `length ${len} beyond the ${end - pos} bytes left` : { valueStart: pos, length: len };
}

/** INTEGER contents: not empty, and no redundant leading 0x00 or 0xff octet (X.690 8.3.2). */
export function isMinimalInteger(v: Uint8Array): boolean {
  return v.length > 0 && !(v.length > 1 && ((v[0] === 0 && v[1]! < 0x80) || (v[0] === 0xff && v[1]! >= 0x80)));
}

/** Dotted text of OBJECT IDENTIFIER contents, or undefined when they are not minimal DER. */
export function oidText(v: Uint8Array): string | undefined {
  if (v.length === 0 || (v[v.length - 1]! & 0x80) !== 0) return undefined;
  const arcs: number[] = [];
  let acc = 0;
  let startOfArc = true;
  for (const byte of v) {
    // 0x80 as the first octet of an arc is a non-minimal encoding (X.690 8.19.2).
    if (startOfArc && byte === 0x80) return undefined;
    acc = acc * 128 + (byte & 0x7f);
    startOfArc = (byte & 0x80) === 0;
    if (startOfArc) {
      if (arcs.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        arcs.push(first, acc - first * 40);
      } else arcs.push(acc);
      acc = 0;
    }
  }
  return arcs.join('.');
}
