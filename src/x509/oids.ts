/**
 * Object identifiers x509 understands, as data. Adding an algorithm or attribute is a
 * row here, not a branch in the parser.
 */
import type { HashName } from '../../hw/provider.js';

export interface SignatureAlgorithmInfo {
  readonly name: string;
  readonly key: 'rsa' | 'ec';
  readonly hash: HashName;
}

/**
 * Signature algorithms Mbed TLS parses, as OID and hash; the names are the usual ones
 * (sha256WithRSAEncryption, ecdsa-with-SHA256). RSASSA-PSS (1.2.840.113549.1.1.10) is absent
 * on purpose: UNKNOWN_SIG_ALG.
 */
export const SIGNATURE_ALGORITHMS: ReadonlyMap<string, SignatureAlgorithmInfo> = new Map(([
  ['1.2.840.113549.1.1.4', 'md5'],
  ['1.2.840.113549.1.1.5', 'sha1'],
  ['1.3.14.3.2.29', 'sha1', ' (OIW)'],
  ['1.2.840.113549.1.1.14', 'sha224'],
  ['1.2.840.113549.1.1.11', 'sha256'],
  ['1.2.840.113549.1.1.12', 'sha384'],
  ['1.2.840.113549.1.1.13', 'sha512'],
  ['1.2.840.10045.4.1', 'sha1'],
  ['1.2.840.10045.4.3.1', 'sha224'],
  ['1.2.840.10045.4.3.2', 'sha256'],
  ['1.2.840.10045.4.3.3', 'sha384'],
  ['1.2.840.10045.4.3.4', 'sha512'],
] as const).map(([oid, hash, suffix]: readonly [string, HashName, string?]) => {
  const ec = oid.startsWith('1.2.840.10045.');
  const name = ec ? `ecdsa-with-${hash.toUpperCase()}` : `${hash}WithRSAEncryption${suffix ?? ''}`;
  return [oid, { name, key: ec ? 'ec' : 'rsa', hash }] as const;
}));

/** Short names of name attributes, as openssl prints them. Unknown types print as their dotted OID. */
export const NAME_ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'], ['2.5.4.4', 'SN'], ['2.5.4.5', 'serialNumber'], ['2.5.4.6', 'C'], ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'], ['2.5.4.9', 'street'], ['2.5.4.10', 'O'], ['2.5.4.11', 'OU'], ['2.5.4.12', 'title'],
  ['2.5.4.42', 'GN'], ['2.5.4.43', 'initials'], ['2.5.4.44', 'generationQualifier'], ['2.5.4.46', 'dnQualifier'],
  ['2.5.4.65', 'pseudonym'], ['2.5.4.97', 'organizationIdentifier'], ['1.2.840.113549.1.9.1', 'emailAddress'],
  ['0.9.2342.19200300.100.1.25', 'DC'], ['0.9.2342.19200300.100.1.1', 'UID'],
]);

export const OID = {
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

export const EKU = { any: '2.5.29.37.0', serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;

/** keyUsage bit positions (RFC 5280 4.2.1.3), bit 0 is the most significant bit of the first byte. */
export const KEY_USAGE_BITS = [
  'digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];
