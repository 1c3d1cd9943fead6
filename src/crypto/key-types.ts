/**
 * Key shapes shared by the crypto, x509 and handshake code. Numbers are big-endian bytes
 * (no leading zero bytes), not bigints, so that the arithmetic backend in bigint.ts can be
 * swapped for one that works on engines without BigInt.
 */
export type EcCurveName = 'P-256' | 'P-384' | 'P-521';

export interface RsaPublicKey {
  type: 'rsa';
  modulus: Uint8Array;
  publicExponent: Uint8Array;
  bits: number;
}

export interface EcPublicKey {
  type: 'ec';
  curve: EcCurveName;
  /** Uncompressed SEC1 point: 04 || X || Y. */
  point: Uint8Array;
  bits: number;
}

export type PublicKey = RsaPublicKey | EcPublicKey;

export interface RsaPrivateKey {
  type: 'rsa-private';
  modulus: Uint8Array;
  publicExponent: Uint8Array;
  privateExponent: Uint8Array;
  prime1: Uint8Array;
  prime2: Uint8Array;
  exponent1: Uint8Array;
  exponent2: Uint8Array;
  coefficient: Uint8Array;
  bits: number;
}
