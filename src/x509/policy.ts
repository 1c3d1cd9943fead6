/**
 * What verification accepts beyond RFC 5280 path validation. The default is the
 * reference device (Mbed TLS default profile + the manual's 2048-bit rule); WEBPKI_POLICY
 * adds the CA/Browser Forum rules that x509-limbo's webpki cases expect (and that a
 * public-Internet client may want); see webpki.ts.
 */
import type { HashName } from '../../hw/provider.js';

export interface VerifyPolicy {
  /** RSA keys anywhere in the chain shorter than this are BADCERT_BAD_KEY (manual, section 1: 2048). */
  readonly minRsaBits: number;
  /** Hashes accepted in certificate signatures; others are BADCERT_BAD_MD. */
  readonly allowedHashes: readonly HashName[];
  /** Match the host name against the CN when the certificate has no subjectAltName (manual, section 3). */
  readonly allowCnFallback: boolean;
  /** Accept anyExtendedKeyUsage in place of serverAuth/clientAuth (Mbed TLS does). */
  readonly acceptAnyEku: boolean;
  /** Apply the CA/Browser Forum profile rules of webpki.ts. */
  readonly webPki: boolean;
}

/**
 * Hashes as Mbed TLS 2.x's default profile (mbedtls_x509_crt_profile_default, the
 * reference device's generation): SHA-224 to SHA-512; SHA-1 and MD5 are BADCERT_BAD_MD
 * (allow SHA-1 with `allowedHashes` for old private PKIs). Trust anchors' own signatures
 * are never checked, so an old SHA-1 self-signed root still works.
 */
export const DEFAULT_POLICY: VerifyPolicy = {
  minRsaBits: 2048,
  allowedHashes: ['sha224', 'sha256', 'sha384', 'sha512'],
  allowCnFallback: true,
  acceptAnyEku: true,
  webPki: false,
};

export const WEBPKI_POLICY: VerifyPolicy = {
  ...DEFAULT_POLICY,
  allowedHashes: ['sha256', 'sha384', 'sha512'],
  allowCnFallback: false,
  acceptAnyEku: false,
  webPki: true,
};

export function resolvePolicy(p: Partial<VerifyPolicy> | undefined): VerifyPolicy {
  return { ...DEFAULT_POLICY, ...p };
}
