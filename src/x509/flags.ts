/**
 * Mbed TLS certificate verification flags (x509.h MBEDTLS_X509_BADCERT_*), values
 * unchanged so they read the same in microtls output, Mbed TLS logs and the reference
 * device. Several can be set at once: an expired certificate for the wrong host is
 * EXPIRED | CN_MISMATCH.
 */
import type { AlertName } from '../record/alerts.js';

export const VERIFY_FLAGS = {
  BADCERT_EXPIRED: 0x01,
  BADCERT_REVOKED: 0x02,
  BADCERT_CN_MISMATCH: 0x04,
  BADCERT_NOT_TRUSTED: 0x08,
  BADCERT_MISSING: 0x40,
  BADCERT_SKIP_VERIFY: 0x80,
  BADCERT_OTHER: 0x0100,
  BADCERT_FUTURE: 0x0200,
  BADCERT_KEY_USAGE: 0x0800,
  BADCERT_EXT_KEY_USAGE: 0x1000,
  BADCERT_NS_CERT_TYPE: 0x2000,
  BADCERT_BAD_MD: 0x4000,
  BADCERT_BAD_PK: 0x8000,
  BADCERT_BAD_KEY: 0x010000,
} as const;

export type VerifyFlagName = keyof typeof VERIFY_FLAGS;

/** What each flag means, in the words of Mbed TLS's x509_crt_verify_info. */
export const VERIFY_FLAG_MEANINGS: Readonly<Record<VerifyFlagName, string>> = {
  BADCERT_EXPIRED: 'The certificate validity has expired',
  BADCERT_REVOKED: 'The certificate has been revoked (is on a CRL)',
  BADCERT_CN_MISMATCH: 'The certificate Common Name (CN) does not match with the expected CN',
  BADCERT_NOT_TRUSTED: 'The certificate is not correctly signed by the trusted CA',
  BADCERT_MISSING: 'Certificate was missing',
  BADCERT_SKIP_VERIFY: 'Certificate verification was skipped',
  BADCERT_OTHER: 'Other reason (can be used by verify callback)',
  BADCERT_FUTURE: 'The certificate validity starts in the future',
  BADCERT_KEY_USAGE: 'Usage does not match the keyUsage extension',
  BADCERT_EXT_KEY_USAGE: 'Usage does not match the extendedKeyUsage extension',
  BADCERT_NS_CERT_TYPE: 'Usage does not match the nsCertType extension',
  BADCERT_BAD_MD: 'The certificate is signed with an unacceptable hash.',
  BADCERT_BAD_PK: 'The certificate is signed with an unacceptable PK alg (eg RSA vs ECDSA).',
  BADCERT_BAD_KEY: 'The certificate is signed with an unacceptable key (eg bad curve, RSA too short).',
};

/** Names of the bits set in `flags`, lowest bit first; unknown bits as hex. */
export function flagNames(flags: number): string[] {
  const out: string[] = [];
  let rest = flags;
  for (const name of Object.keys(VERIFY_FLAGS) as VerifyFlagName[]) {
    const bit = VERIFY_FLAGS[name];
    if ((flags & bit) !== 0) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) out.push('0x' + rest.toString(16));
  return out;
}

/**
 * The alert a client sends for a failed verification, first matching row wins: Mbed TLS's
 * order in mbedtls_ssl_parse_certificate (ssl_tls.c), so the server sees what it would see
 * from the reference device.
 */
export const VERIFY_FLAG_ALERTS: ReadonlyArray<readonly [number, AlertName]> = [
  [VERIFY_FLAGS.BADCERT_OTHER, 'access_denied'],
  [VERIFY_FLAGS.BADCERT_CN_MISMATCH, 'bad_certificate'],
  [VERIFY_FLAGS.BADCERT_KEY_USAGE, 'unsupported_certificate'],
  [VERIFY_FLAGS.BADCERT_EXT_KEY_USAGE, 'unsupported_certificate'],
  [VERIFY_FLAGS.BADCERT_NS_CERT_TYPE, 'unsupported_certificate'],
  [VERIFY_FLAGS.BADCERT_BAD_PK, 'unsupported_certificate'],
  [VERIFY_FLAGS.BADCERT_BAD_KEY, 'unsupported_certificate'],
  [VERIFY_FLAGS.BADCERT_EXPIRED, 'certificate_expired'],
  [VERIFY_FLAGS.BADCERT_REVOKED, 'certificate_revoked'],
  [VERIFY_FLAGS.BADCERT_NOT_TRUSTED, 'unknown_ca'],
];

/** Alert for a set of verify flags; certificate_unknown when none matches. */
export function alertForFlags(flags: number): AlertName {
  return VERIFY_FLAG_ALERTS.find(([bit]) => (flags & bit) !== 0)?.[1] ?? 'certificate_unknown';
}
