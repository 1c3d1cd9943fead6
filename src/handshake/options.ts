import type { FullCryptoProvider } from '../../hw/provider.js';
import type { PublicKey } from '../crypto/key-types.js';
import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';
import type { AlertName } from '../record/alerts.js';
import { getDefaultClock, type Clock } from '../time/clock.js';
import type { CertificateInput } from '../x509/input.js';
import type { VerifyPolicy } from '../x509/policy.js';
import { createServerVerifier } from './server-verifier.js';
import { CIPHER_SUITES, findSuite, type CipherSuite } from './cipher-suites.js';
import { loadClientCredentials, type ClientCredentials, type CredentialSource } from '../client-auth/credentials.js';
import type { MaxFragmentLength, TlsSession } from '../session/session.js';
import { maxFragmentLengthCode } from '../session/extensions.js';
import { digest } from '../../hw/complete.js';
import { toHex, utf8Encode } from '../encoding/bytes.js';
import { isHexDigits } from '../encoding/charset.js';

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
    readonly code?: number | ErrorName;
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
  /** Host name for SNI (omitted for IP literals) and for the certificate name check (DNS name or IP literal); required with `verify: true`. */
  readonly serverName?: string;
  /**
   * Certificate verification. Required so nobody gets an unverified connection by
   * omission: `true` verifies the chain against `ca` (src/x509), `false` skips it (the
   * device's "Verify Server Certificate = Disable"), a function verifies its own way.
   */
  readonly verify: boolean | CertificateVerifier;
  /**
   * What a `verify` function accepts, named by the caller (any string: e.g. a hash of its
   * rules and CA), so that sessions it verified resume under another function with the same
   * id, also after a restart. Without it a function gets an identity of its own when first
   * configured: its sessions resume only under that same function object, while this program runs.
   * A session is never resumed under a verifier whose identity differs from the one that
   * accepted the server, since resumption skips the certificate.
   */
  readonly verifierId?: string;
  /** Trust anchors for `verify: true`: the CA file (PEM, one or more certificates), DER, or parsed certificates. */
  readonly ca?: CertificateInput | readonly CertificateInput[];
  /**
   * Time for certificate validity; default the process-wide clock (src/time/clock.ts).
   * With `verify: true` and a clock that is not set, no handshake starts.
   */
  readonly clock?: Clock;
  /** What verification accepts beyond RFC 5280 (minimum RSA size, hashes, CN fallback); see src/x509/policy.ts. */
  readonly verifyPolicy?: Partial<VerifyPolicy>;
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
  /**
   * Client certificate chain (PEM text with one or more certificates, or DER; a list of
   * files leaf first) for servers that send a CertificateRequest. Needs `key`.
   */
  readonly cert?: CredentialSource | readonly CredentialSource[];
  /** The RSA private key of `cert`: PKCS#1 or PKCS#8, PEM or DER, without a password. */
  readonly key?: CredentialSource;
  /** `cert` and `key` already loaded with loadClientCredentials (saves parsing them per connection). */
  readonly credentials?: ClientCredentials;
  /**
   * A session from an earlier connection (`getSession()`) to resume with the abbreviated
   * handshake. Offered only to the same serverName, before it expires, and when the rest
   * of the offer can resume it; otherwise (or when the server declines) the handshake is full.
   */
  readonly session?: TlsSession;
  /** Offer Extended Master Secret (RFC 7627); default true. */
  readonly extendedMasterSecret?: boolean;
  /** Offer Encrypt-then-MAC (RFC 7366) when a CBC suite is offered; default true. */
  readonly encryptThenMac?: boolean;
  /**
   * Ask for records of at most this many plaintext bytes (RFC 6066), both ways, to shrink
   * receive buffers. Handshake messages are still reassembled up to maxHandshakeMessageSize.
   */
  readonly maxFragmentLength?: MaxFragmentLength;
  /**
   * The largest record plaintext this client can receive (512 to 16384; default 16384): what
   * its receive buffers hold. Records announcing more are refused before they are buffered.
   * Without acceptLargerRecords a negotiated maxFragmentLength narrows it further.
   */
  readonly receiveBufferSize?: number;
  /**
   * Accept records larger than the negotiated maxFragmentLength, up to receiveBufferSize,
   * from servers that ignore the limit they agreed to (Mbed TLS 3.6's ssl_server2 sends its
   * Certificate as one record, gnutls-serv echoes in records of any size). Default false:
   * such records fail with SSL_INVALID_RECORD, as OpenSSL's client does. Our own records
   * keep to maxFragmentLength either way.
   */
  readonly acceptLargerRecords?: boolean;
}

/**
 * The client certificate and key, loaded and checked now (configuration time) so that a
 * wrong, encrypted or mismatched key fails before any connection is made.
 */
export function resolveCredentials(o: Pick<TlsClientOptions, 'cert' | 'key' | 'credentials'>): ClientCredentials | undefined {
  if (o.credentials) {
    if (o.cert !== undefined || o.key !== undefined) throw new MicroTlsError('SSL_BAD_CONFIG', 'give credentials or cert and key, not both');
    return o.credentials;
  }
  if (o.cert === undefined && o.key === undefined) return undefined;
  return loadClientCredentials({ cert: o.cert ?? '', key: o.key ?? '' });
}

export function validateMaxFragmentLength(n: number | undefined): MaxFragmentLength | undefined {
  if (n === undefined) return undefined;
  maxFragmentLengthCode(n); // throws SSL_BAD_CONFIG for anything but 512/1024/2048/4096
  return n as MaxFragmentLength;
}

/** The receive capacity: receiveBufferSize, checked against the requested maxFragmentLength. */
export function validateReceiveBufferSize(n: number | undefined, maxFragmentLength: MaxFragmentLength | undefined): number {
  if (n === undefined) return 16384;
  if (!Number.isInteger(n) || n < 512 || n > 16384) {
    throw new MicroTlsError('SSL_BAD_CONFIG', `receiveBufferSize must be an integer 512..16384, got ${n}`);
  }
  if (maxFragmentLength !== undefined && n < maxFragmentLength) {
    throw new MicroTlsError('SSL_BAD_CONFIG', `receiveBufferSize ${n} is below maxFragmentLength ${maxFragmentLength}`);
  }
  return n;
}

/** Suites to offer, in table order, validated; throws BAD_CONFIG for unknown names. */
export function resolveSuites(ids: readonly (string | number)[] | undefined): CipherSuite[] {
  if (ids === undefined) return CIPHER_SUITES.slice();
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

export interface ResolvedVerifier {
  readonly verify: CertificateVerifier | undefined;
  /** Set for built-in verification: its clock must be set before a handshake may start. */
  readonly clock: Clock | undefined;
  /** The identity sessions it verifies are bound to (see verifierIdentity); set whenever verify is. */
  readonly trustId: string | undefined;
}

/** Identities given to verify functions that carry none, by function object (see verifierIdentity). */
const functionIds = new WeakMap<CertificateVerifier, string>();

/**
 * The identity a session verified by `verify` is bound to (64 hex digits, as sessions store
 * it): a chain verifier's trustId; else SHA-256 over the caller's verifierId; else a random
 * id given to this function object the first time it is configured. Random, not a counter,
 * so a session saved by one process is never resumed under a different function of another.
 */
function verifierIdentity(verify: CertificateVerifier, verifierId: string | undefined, provider: FullCryptoProvider): string {
  const own = (verify as { trustId?: unknown }).trustId;
  if (verifierId !== undefined) {
    if (typeof verifierId !== 'string' || verifierId.length === 0) throw new MicroTlsError('SSL_BAD_CONFIG', 'verifierId must be a non-empty string');
    return toHex(digest(provider, 'sha256', utf8Encode(`verifierId:${verifierId}`)));
  }
  if (typeof own === 'string' && isHexDigits(own, 64, 64)) return own;
  let id = functionIds.get(verify);
  if (id === undefined) functionIds.set(verify, (id = toHex(provider.randomBytes(32))));
  return id;
}

export function resolveVerifier(options: Pick<TlsClientOptions, 'verify' | 'ca' | 'clock' | 'verifyPolicy' | 'verifierId'>, provider: FullCryptoProvider): ResolvedVerifier {
  const { verify } = options;
  if (verify === false) return { verify: undefined, clock: undefined, trustId: undefined };
  if (typeof verify === 'function') {
    return { verify, clock: undefined, trustId: verifierIdentity(verify, options.verifierId, provider) };
  }
  if (verify !== true) {
    throw new MicroTlsError('SSL_BAD_CONFIG', 'the verify option is required: verify: true with ca, or verify: false to skip verification');
  }
  const clock = options.clock ?? getDefaultClock();
  const given = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  if (given.length === 0) {
    throw new MicroTlsError('SSL_CA_CHAIN_REQUIRED',
      'verify: true needs ca (the certificate of the CA that issued the server certificate), or use verify: false');
  }
  const chainVerifier = createServerVerifier({ ca: given, clock, provider, policy: options.verifyPolicy });
  // Counted in certificates, not inputs: one PEM text may hold a broken certificate beside good ones.
  if (chainVerifier.trustedCount === 0 && chainVerifier.rejectedTrusted.length > 0) {
    // Nothing usable in the CA file: say why, with the decoding error the device would show.
    const first = chainVerifier.rejectedTrusted[0]!;
    throw new MicroTlsError(first.code, `the CA certificate could not be read: ${first.message}`);
  }
  return { verify: chainVerifier, clock, trustId: chainVerifier.trustId };
}

/** The reference device's rule: "MQTTS is activated only after a correctly adjusted clock". */
export function requireClockSet(clock: Clock | undefined): void {
  if (clock && clock.now() === undefined) {
    throw new MicroTlsError('X509_BAD_INPUT_DATA',
      'the clock is not set, so certificate validity cannot be checked: set the time first (SNTP, then clock.set())');
  }
}

export function validateServerName(name: string | undefined): void {
  if (name === undefined) return;
  if (name.length === 0 || name.length > 253 || !/^[\x21-\x7e]+$/.test(name)) {
    throw new MicroTlsError('SSL_BAD_CONFIG', `servername '${name}' is not an ASCII host name (use punycode)`);
  }
}
