import type { FullCryptoProvider } from '../../hw/provider.js';
import type { PublicKey } from '../crypto/key-types.js';
import { MicroTlsError } from '../errors.js';
import type { AlertName } from '../record/alerts.js';
import { CIPHER_SUITES, findSuite, type CipherSuite } from './cipher-suites.js';

/** What a certificate verifier is given: the chain as the server presented it (leaf first, DER). */
export interface VerifyContext {
  readonly chain: readonly Uint8Array[];
  readonly serverName: string | undefined;
}

export type VerifyOutcome =
  | {
    readonly ok: true;
    /**
     * The verified path as the verifier parsed it, leaf first. When present the engine
     * takes the server key from chain[0], so the key used is the one that was verified.
     */
    readonly chain?: readonly { readonly publicKey: PublicKey }[];
  }
  | {
    readonly ok: false;
    /** Mbed TLS code or name; default X509_CERT_VERIFY_FAILED. */
    readonly code?: number | string;
    /** Mbed TLS verify flags (BADCERT_*). */
    readonly flags?: number;
    readonly reason: string;
    /** Alert to send; default bad_certificate. */
    readonly alert?: AlertName;
  };

/**
 * The certificate verification hook. The engine calls it after the server's Certificate
 * and waits for it (it may be async: a device may fetch the time or a CA first).
 */
export type CertificateVerifier = (ctx: VerifyContext) => VerifyOutcome | Promise<VerifyOutcome>;

export interface TlsClientOptions {
  /** Host name for SNI (omitted for IP literals) and, once verification exists, for the name check. */
  readonly serverName?: string;
  /**
   * Certificate verification. Required so nobody gets an unverified connection by
   * omission: `false` skips it, a function verifies. `true` (built-in chain verification)
   * is not available yet and fails before any byte is sent.
   */
  readonly verify: boolean | CertificateVerifier;
  readonly provider?: FullCryptoProvider;
  /** Random source (client random, premaster, CBC IVs, RSA padding); default provider.randomBytes. */
  readonly random?: (n: number) => Uint8Array;
  /** Milliseconds clock for timings; default Date.now. */
  readonly now?: () => number;
  /** Narrows the offer: IANA or OpenSSL names or codes. The manual's order is kept. */
  readonly cipherSuites?: readonly (string | number)[];
  /** Largest handshake message accepted (certificate chains). Default 64 KiB. */
  readonly maxHandshakeMessageSize?: number;
  /** Offer the (empty) session_ticket extension; default true like the reference device. */
  readonly sessionTickets?: boolean;
  /**
   * Refuse servers that do not support secure renegotiation (RFC 5746). Default false:
   * microtls never renegotiates, so a legacy server cannot splice a renegotiation into our
   * connection; this matches Mbed TLS's default (MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION).
   */
  readonly requireSecureRenegotiation?: boolean;
}

/** Suites to offer, in table order, validated; throws BAD_CONFIG for unknown names. */
export function resolveSuites(ids: readonly (string | number)[] | undefined): CipherSuite[] {
  if (ids === undefined) return [...CIPHER_SUITES];
  const wanted = new Set<number>();
  for (const id of ids) {
    const s = findSuite(id);
    if (!s) {
      throw new MicroTlsError('SSL_BAD_CONFIG', `unknown cipher suite '${String(id)}'; supported: ${CIPHER_SUITES.map((c) => c.name).join(', ')}`);
    }
    wanted.add(s.code);
  }
  if (wanted.size === 0) throw new MicroTlsError('SSL_BAD_CONFIG', 'cipherSuites is empty');
  return CIPHER_SUITES.filter((s) => wanted.has(s.code));
}

export function resolveVerifier(verify: TlsClientOptions['verify'] | undefined): CertificateVerifier | undefined {
  if (verify === false) return undefined;
  if (typeof verify === 'function') return verify;
  if (verify === true) {
    throw new MicroTlsError('SSL_FEATURE_UNAVAILABLE',
      'certificate verification is not available yet in this version of microtls; pass verify: false to connect without verifying the server (or supply a verify function)');
  }
  throw new MicroTlsError('SSL_BAD_CONFIG', 'the verify option is required: pass verify: false explicitly to connect without certificate verification');
}

export function validateServerName(name: string | undefined): void {
  if (name === undefined) return;
  if (name.length === 0 || name.length > 253 || !/^[\x21-\x7e]+$/.test(name)) {
    throw new MicroTlsError('SSL_BAD_CONFIG', `servername '${name}' is not a valid ASCII host name (use punycode for international names)`);
  }
}
