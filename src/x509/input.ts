/** Certificates as the verifier accepts them: PEM text (one or more), DER bytes, or already parsed. */
import { MicroTlsError } from '../errors.js';
import { asciiDecode } from '../encoding/bytes.js';
import { decodePem, looksLikePem } from '../encoding/pem.js';
import { parseCertificate, parseCertificates, type Certificate } from './certificate.js';

export type CertificateInput = Certificate | Uint8Array | string;

export function isCertificate(x: CertificateInput): x is Certificate {
  return typeof x === 'object' && !(x instanceof Uint8Array);
}

export function asList(input: CertificateInput | readonly CertificateInput[] | undefined): readonly CertificateInput[] {
  if (input === undefined) return [];
  return Array.isArray(input) ? input : [input as CertificateInput];
}

/** Parses every input; a size limit does not apply here (chains arrive from the wire or from files already checked). */
export function loadCertificates(input: CertificateInput | readonly CertificateInput[] | undefined): Certificate[] {
  return asList(input).flatMap((x) => (isCertificate(x) ? [x] : parseCertificates(x, { maxBytes: Infinity })));
}

/**
 * Like loadCertificates, but a certificate that does not parse is set aside with its
 * error instead of failing the whole list: as mbedtls_x509_crt_parse loads what it can
 * from a CA file, and an unusable certificate can only remove paths, never add one.
 */
export function loadCertificatesLeniently(input: CertificateInput | readonly CertificateInput[] | undefined): { certs: Certificate[]; rejected: MicroTlsError[] } {
  const certs: Certificate[] = [];
  const rejected: MicroTlsError[] = [];
  for (const x of asList(input)) {
    if (isCertificate(x)) {
      certs.push(x);
      continue;
    }
    // One PEM text may hold many certificates: each stands or falls alone.
    let parts: Uint8Array[] | undefined;
    try {
      // A CA file read from disk arrives as bytes, PEM or DER.
      const text = typeof x === 'string' ? x : looksLikePem(x) ? asciiDecode(x) : undefined;
      parts = text !== undefined ? decodePem(text).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der) : [x as Uint8Array];
    } catch (err) {
      if (!(err instanceof MicroTlsError)) throw err;
      rejected.push(err);
      continue;
    }
    for (const der of parts) {
      try {
        certs.push(parseCertificate(der));
      } catch (err) {
        if (!(err instanceof MicroTlsError)) throw err;
        rejected.push(err);
      }
    }
  }
  return { certs, rejected };
}
