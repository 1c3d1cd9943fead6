/** Object identifiers of the key algorithms and curves microtls understands, as data. */
import type { EcCurveName } from './key-types.js';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

export interface CurveInfo {
  readonly name: EcCurveName;
  readonly oid: string;
  readonly bits: number;
  /** Bytes of one coordinate (field element). */
  readonly fieldBytes: number;
}

export const CURVES: readonly CurveInfo[] = [
  { name: 'P-256', oid: '1.2.840.10045.3.1.7', bits: 256, fieldBytes: 32 },
  { name: 'P-384', oid: '1.3.132.0.34', bits: 384, fieldBytes: 48 },
  { name: 'P-521', oid: '1.3.132.0.35', bits: 521, fieldBytes: 66 },
];

export function curveByOid(oid: string): CurveInfo | undefined {
  return CURVES.find((c) => c.oid === oid);
}

export function curveByName(name: EcCurveName): CurveInfo {
  return CURVES.find((c) => c.name === name)!;
}

/** Algorithms we recognise but do not support, so the error can name them. */
export const KNOWN_UNSUPPORTED_KEY_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.7': 'RSAES-OAEP',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'Diffie-Hellman',
  '1.3.132.1.12': 'ECDH',
};

/** Named curves we recognise but do not support. */
export const KNOWN_UNSUPPORTED_CURVES: Readonly<Record<string, string>> = {
  '1.3.132.0.10': 'secp256k1',
  '1.3.132.0.33': 'P-224 (secp224r1)',
  '1.2.840.10045.3.1.1': 'P-192 (secp192r1)',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.36.3.3.2.8.1.1.11': 'brainpoolP384r1',
  '1.3.36.3.3.2.8.1.1.13': 'brainpoolP512r1',
};
