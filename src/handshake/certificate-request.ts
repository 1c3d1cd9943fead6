import { ByteReader } from '../encoding/reader.js';

export interface CertificateRequest {
  /** ClientCertificateType values (1 = rsa_sign, 64 = ecdsa_sign). */
  readonly certificateTypes: readonly number[];
  /** SignatureAndHashAlgorithm pairs as 16-bit values, in the server's order. */
  readonly signatureAlgorithms: readonly number[];
  /** DER-encoded DistinguishedNames of acceptable CAs. */
  readonly certificateAuthorities: readonly Uint8Array[];
}

export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, 'SSL_BAD_HS_CERTIFICATE_REQUEST', 'CertificateRequest');
  const types = r.vec8('certificate_types', 1);
  const algs = r.sub16('supported_signature_algorithms', 2, 0xfffe);
  const signatureAlgorithms: number[] = [];
  if (algs.remaining % 2 !== 0) algs.fail('odd signature algorithm list length');
  while (!algs.done) signatureAlgorithms.push(algs.u16('SignatureAndHashAlgorithm'));
  const cas = r.sub16('certificate_authorities');
  const certificateAuthorities: Uint8Array[] = [];
  while (!cas.done) certificateAuthorities.push(cas.vec16('DistinguishedName', 1));
  r.end();
  return { certificateTypes: [...types], signatureAlgorithms, certificateAuthorities };
}
