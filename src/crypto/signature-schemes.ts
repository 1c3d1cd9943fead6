/**
 * TLS 1.2 SignatureAndHashAlgorithm codes (RFC 5246 section 7.4.1.4.1; names from RFC 8446
 * where they exist) that the reference device offers, in its order (manual, section 2.4).
 * In TLS 1.2 an ECDSA code does not bind the curve (0x0403 is "ECDSA with SHA-256" on any
 * curve); `curve` records the TLS 1.3 pairing for display and for a preference order.
 */
import type { HashName } from '../../hw/provider.js';
import type { EcCurveName } from './key-types.js';

export interface SignatureScheme {
  readonly code: number;
  readonly name: string;
  readonly hash: HashName;
  readonly key: 'rsa' | 'ec';
  readonly curve?: EcCurveName;
}

/** Both schemes of one hash: SignatureAndHashAlgorithm is the hash byte, then 3 (ECDSA) or 1 (RSA). */
function pair(hashByte: number, hash: HashName, curve?: EcCurveName): SignatureScheme[] {
  const ec: { -readonly [K in keyof SignatureScheme]: SignatureScheme[K] } = {
    code: (hashByte << 8) | 3, name: `ecdsa_${curve ? `secp${curve.slice(2)}r1_` : ''}${hash}`, hash, key: 'ec',
  };
  if (curve) ec.curve = curve;
  return [ec, { code: (hashByte << 8) | 1, name: `rsa_pkcs1_${hash}`, hash, key: 'rsa' }];
}

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = pair(6, 'sha512', 'P-521').concat(
  pair(5, 'sha384', 'P-384'), pair(4, 'sha256', 'P-256'), pair(3, 'sha224'), pair(2, 'sha1'));

export function signatureSchemeByCode(code: number): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((s) => s.code === code);
}
