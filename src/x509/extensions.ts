/**
 * Certificate extensions. Each understood extension has a parser in EXTENSION_PARSERS;
 * an extension that is not in that table and is marked critical makes the certificate
 * unparseable (MBEDTLS_ERR_X509_INVALID_EXTENSIONS), as in Mbed TLS: a certificate whose
 * critical meaning we cannot honour must never be used. Duplicates are refused for the
 * same reason (RFC 5280 4.2: "MUST NOT include more than one instance").
 */
import { MicroTlsError } from '../errors.js';
import {
  decodeDer, expectConstructed, expectPrimitive, isContext, isUniversal, readBitString, readBoolean,
  readOid, readSmallInteger, Tag, type DerNode,
} from './der.js';
import { parseGeneralName, type GeneralName } from './general-name.js';
import { KEY_USAGE_BITS, OID, type KeyUsageName } from './oids.js';
import { parseNameConstraints } from './name-constraints.js';

export interface BasicConstraints { readonly ca: boolean; readonly pathLen?: number }

export interface GeneralSubtree { readonly base: GeneralName }
export interface NameConstraints { readonly permitted: readonly GeneralSubtree[]; readonly excluded: readonly GeneralSubtree[] }

export interface AuthorityKeyIdentifier {
  readonly keyIdentifier?: Uint8Array;
  readonly authorityCertIssuer?: readonly GeneralName[];
  readonly authorityCertSerialNumber?: Uint8Array;
}

export interface RawExtension { readonly oid: string; readonly critical: boolean; readonly value: Uint8Array }

export interface Extensions {
  /** Every extension in certificate order, understood or not. */
  readonly all: readonly RawExtension[];
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  /** Purpose OIDs (EKU in oids.ts names those checked). */
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltName?: readonly GeneralName[];
  readonly nameConstraints?: NameConstraints;
  readonly authorityKeyIdentifier?: AuthorityKeyIdentifier;
  readonly subjectKeyIdentifier?: Uint8Array;
  readonly certificatePolicies?: readonly string[];
  /** True when extension `oid` is present and critical. */
  isCritical(oid: string): boolean;
}

const CODE = 'X509_INVALID_EXTENSIONS';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Parsed = Mutable<Omit<Extensions, 'all' | 'isCritical'>>;

/** What may be critical: RFC 5280 forbids criticality for AKI, SKI and AIA. */
interface ExtensionSpec {
  readonly mayBeCritical: boolean;
  parse(value: DerNode, into: Parsed, critical: boolean): void;
}

const EXTENSION_PARSERS: ReadonlyMap<string, ExtensionSpec> = new Map<string, ExtensionSpec>([
  [OID.basicConstraints, { mayBeCritical: true, parse: (v, into) => { into.basicConstraints = parseBasicConstraints(v); } }],
  [OID.keyUsage, { mayBeCritical: true, parse: (v, into) => { into.keyUsage = parseKeyUsage(v); } }],
  [OID.extKeyUsage, { mayBeCritical: true, parse: (v, into) => { into.extKeyUsage = nonEmpty(v, 'extKeyUsage').map((n) => readOid(n, CODE, 'extKeyUsage')); } }],
  [OID.subjectAltName, { mayBeCritical: true, parse: (v, into) => { into.subjectAltName = nonEmpty(v, 'subjectAltName').map((n) => parseGeneralName(n, 'subjectAltName')); } }],
  [OID.nameConstraints, { mayBeCritical: true, parse: (v, into, critical) => { into.nameConstraints = parseNameConstraints(v, critical); } }],
  [OID.authorityKeyIdentifier, { mayBeCritical: false, parse: (v, into) => { into.authorityKeyIdentifier = parseAki(v); } }],
  [OID.subjectKeyIdentifier, { mayBeCritical: false, parse: (v, into) => { into.subjectKeyIdentifier = expectPrimitive(v, Tag.OCTET_STRING, CODE, 'subjectKeyIdentifier'); } }],
  [OID.certificatePolicies, { mayBeCritical: true, parse: (v, into, critical) => { into.certificatePolicies = parsePolicies(v, critical); } }],
  [OID.authorityInfoAccess, { mayBeCritical: false, parse: (v) => parseAccessDescriptions(v, 'authorityInfoAccess') }],
  [OID.subjectInfoAccess, { mayBeCritical: false, parse: (v) => parseAccessDescriptions(v, 'subjectInfoAccess') }],
]);

/** Parses the [3] EXPLICIT Extensions of a TBSCertificate. */
export function parseExtensions(node: DerNode | undefined): Extensions {
  const all: RawExtension[] = [];
  const parsed: Parsed = {};
  if (node !== undefined) {
    if (!node.constructed || node.children.length !== 1) throw new MicroTlsError(CODE, 'extensions: malformed [3] wrapper');
    const list = expectConstructed(node.children[0], Tag.SEQUENCE, CODE, 'extensions');
    if (list.length === 0) throw new MicroTlsError(CODE, 'extensions: empty list');
    const seen = new Set<string>();
    for (const extNode of list) {
      const ext = parseExtension(extNode);
      if (seen.has(ext.oid)) throw new MicroTlsError(CODE, `extension ${ext.oid} appears twice`);
      seen.add(ext.oid);
      all.push(ext);
      const spec = EXTENSION_PARSERS.get(ext.oid);
      if (!spec) {
        if (ext.critical) throw new MicroTlsError(CODE, `unknown critical extension ${ext.oid}`, { oid: ext.oid });
        continue;
      }
      if (ext.critical && !spec.mayBeCritical) throw new MicroTlsError(CODE, `extension ${ext.oid} must not be critical`, { oid: ext.oid });
      spec.parse(decodeDer(ext.value, CODE, `extension ${ext.oid}`), parsed, ext.critical);
    }
  }
  const critical = new Set(all.filter((e) => e.critical).map((e) => e.oid));
  return Object.assign(parsed, { all, isCritical: (oid: string) => critical.has(oid) });
}

function parseExtension(n: DerNode): RawExtension {
  const parts = expectConstructed(n, Tag.SEQUENCE, CODE, 'extension');
  if (parts.length < 2 || parts.length > 3) throw new MicroTlsError(CODE, 'extension: wrong number of fields');
  const oid = readOid(parts[0], CODE, 'extension id');
  let critical = false;
  if (parts.length === 3) critical = readBoolean(parts[1], CODE, `extension ${oid} critical flag`);
  const value = expectPrimitive(parts[parts.length - 1], Tag.OCTET_STRING, CODE, `extension ${oid} value`);
  return { oid, critical, value };
}

function nonEmpty(v: DerNode, what: string): readonly DerNode[] {
  const items = expectConstructed(v, Tag.SEQUENCE, CODE, what);
  if (items.length === 0) throw new MicroTlsError(CODE, `${what}: empty SEQUENCE`);
  return items;
}

function parseBasicConstraints(v: DerNode): BasicConstraints {
  const items = expectConstructed(v, Tag.SEQUENCE, CODE, 'basicConstraints');
  let i = 0;
  let ca = false;
  if (isUniversal(items[i], Tag.BOOLEAN)) ca = readBoolean(items[i++], CODE, 'basicConstraints cA');
  let pathLen: number | undefined;
  if (isUniversal(items[i], Tag.INTEGER)) pathLen = readSmallInteger(items[i++], CODE, 'basicConstraints pathLenConstraint');
  if (i !== items.length) throw new MicroTlsError(CODE, 'basicConstraints: unexpected field');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function parseKeyUsage(v: DerNode): ReadonlySet<KeyUsageName> {
  const { bytes } = readBitString(v, CODE, 'keyUsage');
  const out = new Set<KeyUsageName>();
  KEY_USAGE_BITS.forEach((name, bit) => {
    const byte = bytes[bit >> 3];
    if (byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0) out.add(name);
  });
  // RFC 5280 4.2.1.3: "at least one of the bits MUST be set to 1".
  if (out.size === 0) throw new MicroTlsError(CODE, 'keyUsage: no bit set');
  return out;
}

function parseAki(v: DerNode): AuthorityKeyIdentifier {
  const items = expectConstructed(v, Tag.SEQUENCE, CODE, 'authorityKeyIdentifier');
  const out: Mutable<AuthorityKeyIdentifier> = {};
  let i = 0;
  if (isContext(items[i], 0) && !items[i]!.constructed) out.keyIdentifier = items[i++]!.value;
  if (isContext(items[i], 1) && items[i]!.constructed) {
    out.authorityCertIssuer = items[i++]!.children.map((g) => parseGeneralName(g, 'authorityCertIssuer'));
  }
  if (isContext(items[i], 2) && !items[i]!.constructed) out.authorityCertSerialNumber = items[i++]!.value;
  if (i !== items.length) throw new MicroTlsError(CODE, 'authorityKeyIdentifier: unexpected field');
  // RFC 5280 4.2.1.1: issuer and serial come together or not at all.
  if ((out.authorityCertIssuer === undefined) !== (out.authorityCertSerialNumber === undefined)) {
    throw new MicroTlsError(CODE, 'authorityKeyIdentifier: issuer and serial must come together');
  }
  return out;
}

const ANY_POLICY = '2.5.29.32.0';

function parsePolicies(v: DerNode, critical: boolean): string[] {
  const oids = nonEmpty(v, 'certificatePolicies').map((info) => {
    const parts = expectConstructed(info, Tag.SEQUENCE, CODE, 'certificatePolicies');
    if (parts.length < 1 || parts.length > 2) throw new MicroTlsError(CODE, 'certificatePolicies: malformed');
    if (parts.length === 2) expectConstructed(parts[1], Tag.SEQUENCE, CODE, 'policyQualifiers');
    return readOid(parts[0], CODE, 'certificatePolicies');
  });
  // Policy processing is not implemented; as Mbed TLS, accept a critical extension only when it asks nothing of us.
  if (critical && oids.some((o) => o !== ANY_POLICY)) {
    throw new MicroTlsError('X509_FEATURE_UNAVAILABLE', 'critical certificatePolicies naming policies');
  }
  return oids;
}

function parseAccessDescriptions(v: DerNode, what: string): void {
  for (const ad of nonEmpty(v, what)) {
    const parts = expectConstructed(ad, Tag.SEQUENCE, CODE, what);
    if (parts.length !== 2) throw new MicroTlsError(CODE, `${what}: malformed AccessDescription`);
    readOid(parts[0], CODE, what);
    parseGeneralName(parts[1]!, what);
  }
}
