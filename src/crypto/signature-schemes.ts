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

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = [
  { code: 0x0603, name: 'ecdsa_secp521r1_sha512', hash: 'sha512', key: 'ec', curve: 'P-521' },
  { code: 0x0601, name: 'rsa_pkcs1_sha512', hash: 'sha512', key: 'rsa' },
  { code: 0x0503, name: 'ecdsa_secp384r1_sha384', hash: 'sha384', key: 'ec', curve: 'P-384' },
  { code: 0x0501, name: 'rsa_pkcs1_sha384', hash: 'sha384', key: 'rsa' },
  { code: 0x0403, name: 'ecdsa_secp256r1_sha256', hash: 'sha256', key: 'ec', curve: 'P-256' },
  { code: 0x0401, name: 'rsa_pkcs1_sha256', hash: 'sha256', key: 'rsa' },
  { code: 0x0303, name: 'ecdsa_sha224', hash: 'sha224', key: 'ec' },
  { code: 0x0301, name: 'rsa_pkcs1_sha224', hash: 'sha224', key: 'rsa' },
  { code: 0x0203, name: 'ecdsa_sha1', hash: 'sha1', key: 'ec' },
  { code: 0x0201, name: 'rsa_pkcs1_sha1', hash: 'sha1', key: 'rsa' },
];

export function signatureSchemeByCode(code: number): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((s) => s.code === code);
}
