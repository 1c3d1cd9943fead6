/**
 * Strict DER, as a small plain tree the x509 code walks. Certificates are DER, and accepting
 * BER variants (indefinite lengths, non-minimal lengths, constructed strings) would let two
 * encodings of one certificate hash differently from what the issuer signed, so every node is
 * checked, on the fast path here and on the asn1js path (der-ber.ts) alike. Every failure
 * becomes a MicroTlsError with the code the caller names.
 */
import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';
import { decodeDerAsn1js } from './der-ber.js';
import { isMinimalInteger, oidText, readHeader } from '../encoding/der.js';

export { decodeDerAsn1js };

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

/**
 * Decodes exactly one DER element filling `bytes`; anything else throws `code`.
 *
 * Two paths, one result. asn1js builds a class instance per node and is most of the cost
 * of parsing a certificate (~0.25 ms of ~0.3 ms on a desktop, much more on a device), so a
 * small strict decoder handles the DER subset certificates are made of: one-byte tags,
 * minimal definite lengths, primitive strings, INTEGER, OID, times in the RFC 5280 forms,
 * constructed SEQUENCE / SET and context-class nodes. It accepts an input only when asn1js
 * would accept it too and the tree would be the same (test/x509/der-fast.test.ts compares
 * the two on mutated certificates). Anything else, malformed input included, goes through
 * asn1js exactly as before, so every error and error code stays what it was. The device
 * bundles leave the asn1js path (der-ber.ts) out: there such an input is refused with `code`.
 */
export function decodeDer(bytes: Uint8Array, code: ErrorName, what: string): DerNode {
  const fast = decodeDerFast(bytes);
  if (fast !== undefined) return fast;
  return decodeDerAsn1js(bytes, code, what);
}

// Conservative bounds for the fast path (asn1js's own are 32 levels and 4096 nodes; deeper
// or larger inputs take the asn1js path and its limits).
const FAST_MAX_DEPTH = 24;
const FAST_MAX_NODES = 2048;

/** Result of the fast path: the tree, or undefined for "let asn1js decide". */
export function decodeDerFast(bytes: Uint8Array): DerNode | undefined {
  const state = { nodes: 0 };
  const r = fastNode(bytes, 0, bytes.length, 0, state);
  return r !== undefined && r.raw.length === bytes.length ? r : undefined;
}

function fastNode(b: Uint8Array, start: number, end: number, depth: number, state: { nodes: number }): DerNode | undefined {
  if (depth > FAST_MAX_DEPTH || ++state.nodes > FAST_MAX_NODES) return undefined;
  const h = readHeader(b, start, end);
  if (typeof h === 'string') return undefined; // high tag numbers, BER lengths, truncation: asn1js
  const t = b[start]!;
  const tag = t & 0x1f;
  const cls = (t >> 6) as TagClass;
  const constructed = (t & 0x20) !== 0;
  const pos = h.valueStart;
  const len = h.length;
  const valueEnd = pos + len;
  const raw = b.subarray(start, valueEnd);
  const value = b.subarray(pos, valueEnd);
  if (cls === TagClass.Universal && !universalOk(tag, constructed, value)) return undefined;
  const children: DerNode[] = [];
  if (constructed) {
    let p = pos;
    while (p < valueEnd) {
      const c = fastNode(b, p, valueEnd, depth + 1, state);
      if (c === undefined) return undefined;
      children.push(c);
      p += c.raw.length;
    }
  }
  return { cls, tag, constructed, raw, value, children };
}

/** Universal types the fast path knows asn1js decodes without error or special handling. */
function universalOk(tag: number, constructed: boolean, v: Uint8Array): boolean {
  if (tag === Tag.SEQUENCE || tag === Tag.SET) return constructed;
  if (constructed) return false; // constructed strings and the like: asn1js
  switch (tag) {
    case Tag.NULL:
      return v.length === 0;
    case Tag.BOOLEAN:
    case Tag.INTEGER:
    case Tag.OCTET_STRING:
    case Tag.UTF8_STRING:
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
      return v.length > 0;
    case Tag.BIT_STRING:
      return v.length > 0 && v[0]! <= 7;
    case Tag.OID:
      return v.length > 0 && (v[v.length - 1]! & 0x80) === 0;
    case Tag.UTC_TIME:
      return v.length === 13 && digits(v, 12) && v[12] === 0x5a;
    case Tag.GENERALIZED_TIME:
      return v.length === 15 && digits(v, 14) && v[14] === 0x5a;
    default:
      return false;
  }
}

function digits(v: Uint8Array, n: number): boolean {
  for (let k = 0; k < n; k++) if (v[k]! < 0x30 || v[k]! > 0x39) return false;
  return true;
}

export function minimalLengthOctets(n: number): number {
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
export function expectConstructed(n: DerNode | undefined, tag: number, code: ErrorName, what: string): readonly DerNode[] {
  if (!isUniversal(n, tag) || !n.constructed) throw new MicroTlsError(code, `${what}: expected ${tag === Tag.SET ? 'SET' : 'SEQUENCE'}`);
  return n.children;
}

export function expectPrimitive(n: DerNode | undefined, tag: number, code: ErrorName, what: string): Uint8Array {
  if (!isUniversal(n, tag) || n.constructed) throw new MicroTlsError(code, `${what}: unexpected tag`);
  return n.value;
}

/** Dotted OID text from an OBJECT IDENTIFIER node. */
export function readOid(n: DerNode | undefined, code: ErrorName, what: string): string {
  const text = oidText(expectPrimitive(n, Tag.OID, code, what));
  if (text === undefined) throw new MicroTlsError(code, `${what}: malformed OID`);
  return text;
}

/** DER BOOLEAN: only 0x00 and 0xFF are DER. */
export function readBoolean(n: DerNode | undefined, code: ErrorName, what: string): boolean {
  const v = expectPrimitive(n, Tag.BOOLEAN, code, what);
  if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) throw new MicroTlsError(code, `${what}: BOOLEAN is not DER`);
  return v[0] === 0xff;
}

/** Contents of a DER INTEGER, checked for minimal encoding. */
export function readIntegerBytes(n: DerNode | undefined, code: ErrorName, what: string): Uint8Array {
  const v = expectPrimitive(n, Tag.INTEGER, code, what);
  if (!isMinimalInteger(v)) throw new MicroTlsError(code, `${what}: INTEGER not minimally encoded`);
  return v;
}

/** A small non-negative INTEGER as a number (versions, path lengths). */
export function readSmallInteger(n: DerNode | undefined, code: ErrorName, what: string): number {
  const v = readIntegerBytes(n, code, what);
  if ((v[0]! & 0x80) !== 0 || v.length > 4) throw new MicroTlsError(code, `${what}: INTEGER out of range`);
  let x = 0;
  for (const b of v) x = x * 256 + b;
  return x;
}

/** BIT STRING: returns the bytes and the number of unused bits in the last one. */
export function readBitString(n: DerNode | undefined, code: ErrorName, what: string): { bytes: Uint8Array; unusedBits: number } {
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
