/**
 * A strict DER view over asn1js. asn1js decodes BER (indefinite lengths, non-minimal
 * lengths, constructed strings); certificates are DER, and accepting BER variants would
 * let two encodings of one certificate hash differently from what the issuer signed.
 * So every node is checked here and turned into a small plain tree the x509 code walks.
 * Every failure becomes a MicroTlsError with the code the caller names.
 */
import * as asn1js from 'asn1js';
import { MicroTlsError } from '../errors.js';

export const TagClass = { Universal: 0, Application: 1, Context: 2, Private: 3 } as const;
export type TagClass = (typeof TagClass)[keyof typeof TagClass];

export interface DerNode {
  readonly cls: TagClass;
  readonly tag: number;
  readonly constructed: boolean;
  /** The whole TLV, as the signer hashed it. */
  readonly raw: Uint8Array;
  /** Contents octets (also set for constructed nodes). */
  readonly value: Uint8Array;
  readonly children: readonly DerNode[];
}

/** Universal tag numbers x509 uses. */
export const Tag = {
  BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, NULL: 5, OID: 6, UTF8_STRING: 12,
  SEQUENCE: 16, SET: 17, PRINTABLE_STRING: 19, T61_STRING: 20, IA5_STRING: 22, UTC_TIME: 23,
  GENERALIZED_TIME: 24, UNIVERSAL_STRING: 28, BMP_STRING: 30, NUMERIC_STRING: 18, VISIBLE_STRING: 26,
} as const;

// Bounds for untrusted input: a 4 KiB certificate never needs more.
const LIMITS = { maxDepth: 32, maxNodes: 4096, parseEmbedded: false, copyInput: false } as const;

/** Decodes exactly one DER element filling `bytes`; anything else throws `code`. */
export function decodeDer(bytes: Uint8Array, code: string, what: string): DerNode {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, LIMITS);
  } catch (err) {
    throw new MicroTlsError(code, `${what}: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw new MicroTlsError(code, `${what}: ${parsed.result.error || 'not DER'}`);
  }
  if (parsed.offset !== bytes.length) throw new MicroTlsError(code, `${what}: ${bytes.length - parsed.offset} bytes after the DER element`);
  return convert(parsed.result as asn1js.BaseBlock, code, what);
}

function convert(block: asn1js.BaseBlock, code: string, what: string): DerNode {
  const id = block.idBlock;
  const len = block.lenBlock;
  if (len.isIndefiniteForm) throw new MicroTlsError(code, `${what}: indefinite length (BER, not DER)`);
  if (len.longFormUsed && (len.length < 128 || len.blockLength - 1 > minimalLengthOctets(len.length))) {
    throw new MicroTlsError(code, `${what}: non-minimal length encoding`);
  }
  const raw = block.valueBeforeDecodeView;
  const headerLength = id.blockLength + len.blockLength;
  const value = raw.subarray(headerLength);
  if (value.length !== len.length) throw new MicroTlsError(code, `${what}: length mismatch`);
  const children: DerNode[] = [];
  if (id.isConstructed) {
    const inner = (block.valueBlock as unknown as { value?: asn1js.BaseBlock[] }).value ?? [];
    for (const c of inner) children.push(convert(c, code, what));
  }
  return { cls: id.tagClass - 1 as TagClass, tag: id.tagNumber, constructed: id.isConstructed, raw, value, children };
}

function minimalLengthOctets(n: number): number {
  let octets = 0;
  while (n > 0) { octets++; n = Math.floor(n / 256); }
  return octets;
}

export function isUniversal(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.cls === TagClass.Universal && n.tag === tag;
}

export function isContext(n: DerNode | undefined, tag: number): n is DerNode {
  return n !== undefined && n.cls === TagClass.Context && n.tag === tag;
}

/** Children of a SEQUENCE (or SET), or throws `code`. */
export function expectConstructed(n: DerNode | undefined, tag: number, code: string, what: string): readonly DerNode[] {
  if (!isUniversal(n, tag) || !n.constructed) throw new MicroTlsError(code, `${what}: expected ${tag === Tag.SET ? 'SET' : 'SEQUENCE'}`);
  return n.children;
}

export function expectPrimitive(n: DerNode | undefined, tag: number, code: string, what: string): Uint8Array {
  if (!isUniversal(n, tag) || n.constructed) throw new MicroTlsError(code, `${what}: unexpected tag`);
  return n.value;
}

/** Dotted OID text from an OBJECT IDENTIFIER node. */
export function readOid(n: DerNode | undefined, code: string, what: string): string {
  const v = expectPrimitive(n, Tag.OID, code, what);
  if (v.length === 0 || (v[v.length - 1]! & 0x80) !== 0) throw new MicroTlsError(code, `${what}: malformed OID`);
  const arcs: number[] = [];
  let acc = 0;
  let started = false;
  for (const b of v) {
    // 0x80 as the first octet of an arc is a non-minimal encoding (X.690 8.19.2).
    if (!started && b === 0x80) throw new MicroTlsError(code, `${what}: malformed OID`);
    acc = acc * 128 + (b & 0x7f);
    started = true;
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        arcs.push(first, acc - first * 40);
      } else arcs.push(acc);
      acc = 0;
      started = false;
    }
  }
  return arcs.join('.');
}

/** DER BOOLEAN: only 0x00 and 0xFF are DER. */
export function readBoolean(n: DerNode | undefined, code: string, what: string): boolean {
  const v = expectPrimitive(n, Tag.BOOLEAN, code, what);
  if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) throw new MicroTlsError(code, `${what}: BOOLEAN is not DER`);
  return v[0] === 0xff;
}

/** Contents of a DER INTEGER, checked for minimal encoding. */
export function readIntegerBytes(n: DerNode | undefined, code: string, what: string): Uint8Array {
  const v = expectPrimitive(n, Tag.INTEGER, code, what);
  if (v.length === 0) throw new MicroTlsError(code, `${what}: empty INTEGER`);
  if (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    throw new MicroTlsError(code, `${what}: INTEGER not minimally encoded`);
  }
  return v;
}

/** A small non-negative INTEGER as a number (versions, path lengths). */
export function readSmallInteger(n: DerNode | undefined, code: string, what: string): number {
  const v = readIntegerBytes(n, code, what);
  if ((v[0]! & 0x80) !== 0 || v.length > 4) throw new MicroTlsError(code, `${what}: INTEGER out of range`);
  let x = 0;
  for (const b of v) x = x * 256 + b;
  return x;
}

/** BIT STRING: returns the bytes and the number of unused bits in the last one. */
export function readBitString(n: DerNode | undefined, code: string, what: string): { bytes: Uint8Array; unusedBits: number } {
  const v = expectPrimitive(n, Tag.BIT_STRING, code, what);
  if (v.length === 0) throw new MicroTlsError(code, `${what}: empty BIT STRING`);
  const unusedBits = v[0]!;
  if (unusedBits > 7 || (v.length === 1 && unusedBits !== 0)) throw new MicroTlsError(code, `${what}: bad unused-bit count`);
  const bytes = v.subarray(1);
  // DER: the unused bits are zero.
  if (bytes.length > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) {
    throw new MicroTlsError(code, `${what}: unused bits not zero`);
  }
  return { bytes, unusedBits };
}
