/**
 * X.501 Names: parsing, display and comparison.
 *
 * Display order: the DER order of the RDNs, joined with ", " and no spaces around "=",
 * as Mbed TLS's mbedtls_x509_dn_gets() prints them on the reference device. A name made
 * with `-subj "/CN=Mosquitto CA/O=Example"` shows as `CN=Mosquitto CA, O=Example`; one made
 * as `/C=US/O=Let's Encrypt/CN=R3` shows as `C=US, O=Let's Encrypt, CN=R3` (the order
 * `openssl s_client` prints too).
 */
import { MicroTlsError } from '../errors.js';
import { decodeDer, expectConstructed, readOid, Tag, type DerNode } from './der.js';
import { NAME_ATTRIBUTES } from './oids.js';
import { decodeDirectoryString, isStringNode } from './strings.js';

export interface NameAttribute {
  readonly oid: string;
  /** `CN`, `O`, ... or the dotted OID for types without a short name. */
  readonly shortName: string;
  readonly value: string;
  /** ASN.1 tag of the value (UTF8String, PrintableString, ...). */
  readonly tag: number;
  readonly isString: boolean;
}

export interface Name {
  /** Relative distinguished names in DER order; each is a set of one or more attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  readonly der: Uint8Array;
  readonly isEmpty: boolean;
  /** A canonical form for equality (RFC 5280 7.1 simplified: case and white space folded). */
  readonly key: string;
  /** Values of one attribute type, in order (e.g. every CN). */
  values(oid: string): string[];
  toString(): string;
}

export function parseName(node: DerNode | undefined, what: string): Name {
  const code = 'X509_INVALID_NAME';
  const rdnNodes = expectConstructed(node, Tag.SEQUENCE, code, what);
  const rdns: NameAttribute[][] = [];
  for (const rdnNode of rdnNodes) {
    const set = expectConstructed(rdnNode, Tag.SET, code, what);
    if (set.length === 0) throw new MicroTlsError(code, `${what}: empty RDN`);
    const rdn: NameAttribute[] = [];
    for (const atv of set) {
      const parts = expectConstructed(atv, Tag.SEQUENCE, code, what);
      if (parts.length !== 2) throw new MicroTlsError(code, `${what}: AttributeTypeAndValue must have 2 elements`);
      const oid = readOid(parts[0], code, what);
      const valueNode = parts[1]!;
      rdn.push({
        oid,
        shortName: NAME_ATTRIBUTES.get(oid) ?? oid,
        value: decodeDirectoryString(valueNode),
        tag: valueNode.tag,
        isString: isStringNode(valueNode),
      });
    }
    rdns.push(rdn);
  }
  return makeName(rdns, node!.raw);
}

/** Parses a Name from its own DER (directoryName constraints carry one). */
export function parseNameDer(der: Uint8Array, what: string): Name {
  return parseName(decodeDer(der, 'X509_INVALID_NAME', what), what);
}

function makeName(rdns: NameAttribute[][], der: Uint8Array): Name {
  const key = JSON.stringify(rdns.map((rdn) => rdn.map(canonicalAttribute).sort()));
  return {
    rdns,
    der,
    isEmpty: rdns.length === 0,
    key,
    values: (oid) => rdns.flatMap((rdn) => rdn.filter((a) => a.oid === oid).map((a) => a.value)),
    toString: () => rdns.map((rdn) => rdn.map((a) => `${a.shortName}=${escapeValue(a.value)}`).join(' + ')).join(', '),
  };
}

function canonicalAttribute(a: NameAttribute): string {
  return `${a.oid}=${a.isString ? foldString(a.value) : a.value}`;
}

/** Case-insensitive, insignificant white space removed (RFC 4518 in its simplest form). */
export function foldString(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function namesEqual(a: Name, b: Name): boolean {
  return a.key === b.key;
}

/** RFC 4514 escaping, so a CN containing ", O=" cannot pass for another attribute. */
function escapeValue(v: string): string {
  let out = v.replace(/[\\,+"<>;=]/g, (c) => '\\' + c).replace(/[\x00-\x1f\x7f]/g, '?');
  if (out.startsWith('#') || out.startsWith(' ')) out = '\\' + out;
  if (out.endsWith(' ')) out = out.slice(0, -1) + '\\ ';
  return out;
}
