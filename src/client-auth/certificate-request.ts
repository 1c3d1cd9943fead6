/**
 * CertificateRequest (RFC 5246 7.4.4) and the client's answer to it: send the chain or an
 * empty Certificate, and which signature algorithm CertificateVerify uses.
 *
 * Hash choice: rsa_pkcs1_sha256 whenever the server lists it, otherwise the first RSA entry
 * of the manual's list (SHA-512, SHA-384, SHA-224, SHA-1) that the server lists. The requirement asks
 * for "the first of the manual's signature algorithms that the server listed, so SHA-256 wins
 * where allowed"; the manual's list starts with SHA-512, so read literally the two halves
 * disagree whenever a server lists both. SHA-256 first is what the reference device does
 * (Mbed TLS signs CertificateVerify with the suite's PRF hash, SHA-256 for 9 of the 10
 * suites), it is what OpenSSL and Node servers list first among RSA schemes anyway, and the
 * RSA private operation dominates the cost whatever the hash.
 */
import type { HashName } from '../../hw/provider.js';
import { signatureSchemeByCode, type SignatureScheme } from '../crypto/signature-schemes.js';
import { DerReader, TAG } from '../encoding/der.js';
import { ByteReader } from '../encoding/reader.js';
import { tlsError } from '../record/alerts.js';
import type { ClientCredentials } from './credentials.js';

/** RFC 5246 7.4.4 / RFC 4492 5.5 ClientCertificateType values. */
export const CLIENT_CERTIFICATE_TYPE = {
  rsa_sign: 1,
  dss_sign: 2,
  rsa_fixed_dh: 3,
  dss_fixed_dh: 4,
  ecdsa_sign: 64,
  rsa_fixed_ecdh: 65,
  ecdsa_fixed_ecdh: 66,
} as const;

/** Candidate CertificateVerify schemes, most preferred first (see the module comment). */
export const CLIENT_SIGNATURE_PREFERENCE: readonly number[] = [0x0401, 0x0601, 0x0501, 0x0301, 0x0201];

export interface CertificateRequest {
  readonly certificateTypes: readonly number[];
  /** SignatureAndHashAlgorithm codes in the server's order. */
  readonly signatureAlgorithms: readonly number[];
  /** DER DistinguishedNames of the CAs the server accepts (may be empty: any CA). */
  readonly certificateAuthorities: readonly Uint8Array[];
}

/** True when `dn` is exactly one DER SEQUENCE (tag, minimal length, contents) and nothing else. */
function isDerSequence(dn: Uint8Array): boolean {
  const r = new DerReader(dn, 'SSL_BAD_HS_CERTIFICATE_REQUEST');
  try {
    r.read(TAG.SEQUENCE);
  } catch {
    return false;
  }
  return r.remaining === 0;
}

export function parseCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, 'SSL_BAD_HS_CERTIFICATE_REQUEST', 'CertificateRequest');
  const certificateTypes = Array.from(r.vec8('certificate_types', 1));
  const algs = r.sub16('supported_signature_algorithms', 2, 0xfffe);
  if (algs.remaining % 2 !== 0) algs.fail('supported_signature_algorithms has an odd length');
  const signatureAlgorithms: number[] = [];
  while (!algs.done) signatureAlgorithms.push(algs.u16('SignatureAndHashAlgorithm'));
  const cas = r.sub16('certificate_authorities');
  const certificateAuthorities: Uint8Array[] = [];
  while (!cas.done) {
    const dn = cas.vec16('DistinguishedName', 1);
    if (!isDerSequence(dn)) cas.fail('a DistinguishedName is not a DER SEQUENCE');
    certificateAuthorities.push(dn);
  }
  r.end();
  return { certificateTypes, signatureAlgorithms, certificateAuthorities };
}

/** rsa_sign (1) is the only type an RSA signing key can answer. */
export function serverAcceptsRsa(certificateTypes: readonly number[]): boolean {
  return certificateTypes.includes(CLIENT_CERTIFICATE_TYPE.rsa_sign);
}

export interface SchemeChoiceOptions {
  /**
   * Hashes the caller can compute over the transcript (an engine that keeps only running
   * hashes, not the messages, cannot hash with an algorithm it did not start with).
   */
  readonly hashes?: readonly HashName[];
}

/** The RSA PKCS#1 v1.5 scheme for CertificateVerify, or undefined when the server lists none. */
export function chooseClientSignatureScheme(serverSchemes: readonly number[], opts: SchemeChoiceOptions = {}): SignatureScheme | undefined {
  for (const code of CLIENT_SIGNATURE_PREFERENCE) {
    if (!serverSchemes.includes(code)) continue;
    const scheme = signatureSchemeByCode(code)!;
    if (opts.hashes && !opts.hashes.includes(scheme.hash)) continue;
    return scheme;
  }
  return undefined;
}

export type ClientCertificatePlan =
  | { readonly send: 'chain'; readonly chain: readonly Uint8Array[]; readonly scheme: SignatureScheme }
  | { readonly send: 'empty'; readonly reason: string };

/**
 * What to answer a CertificateRequest with. An empty Certificate (and no CertificateVerify)
 * lets the server decide: it may continue without client authentication or abort, which
 * is its policy to apply, not the client's.
 */
export function planClientCertificate(request: CertificateRequest, credentials: ClientCredentials | undefined, opts: SchemeChoiceOptions = {}): ClientCertificatePlan {
  if (credentials === undefined) return { send: 'empty', reason: 'no client certificate is configured' };
  if (!serverAcceptsRsa(request.certificateTypes)) {
    return { send: 'empty', reason: `server accepts certificate types [${request.certificateTypes.join(', ')}], not rsa_sign (1)` };
  }
  const scheme = chooseClientSignatureScheme(request.signatureAlgorithms, opts);
  if (scheme === undefined) {
    return { send: 'empty', reason: 'server lists no RSA PKCS#1 v1.5 signature algorithm' };
  }
  return { send: 'chain', chain: credentials.chain, scheme };
}

/** For callers that must fail instead (a client that requires mutual authentication). */
export function requireChainPlan(plan: ClientCertificatePlan): Extract<ClientCertificatePlan, { send: 'chain' }> {
  if (plan.send === 'chain') return plan;
  throw tlsError('SSL_NO_CLIENT_CERTIFICATE', 'handshake_failure', `cannot answer the CertificateRequest: ${plan.reason}`);
}
