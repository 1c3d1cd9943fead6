/**
 * verifyChain packaged for the TLS engine's verification hook (handshake/options.ts
 * CertificateVerifier): trusted certificates are parsed once when the verifier is made,
 * not per handshake, and a failure carries the code, flags, reason and the alert Mbed TLS
 * would send.
 *
 * connect({ verify: true, ca }) makes a verifier per connection, and a reconnecting client
 * passes the same CA every time. So parsed CA inputs are kept in a small trust-store cache:
 * a CA given as a string is found by its text (strings are immutable), one given as bytes by
 * its object identity and then only while its content is unchanged (compared in full with a
 * snapshot). Each trust store also carries the signature memo (memo.ts), so a reconnect to
 * the same server does not verify the same signatures again.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import type { AlertName } from '../record/alerts.js';
import type { Clock } from '../time/clock.js';
import { parseCertificate, type Certificate } from './certificate.js';
import { alertForFlags, VERIFY_FLAGS } from './flags.js';
import { asList, isCertificate, loadCertificatesLeniently, type CertificateInput } from './input.js';
import { SignatureMemo } from './memo.js';
import type { VerifyPolicy } from './policy.js';
import { suggestTrustAnchor } from './suggest.js';
import { verifyChain } from './verify.js';
import { errorCode, MicroTlsError } from '../errors.js';
import { digest, getDefaultProvider } from '../../hw/index.js';
import { constantTimeEqual, toHex, utf8Encode } from '../encoding/bytes.js';
import { resolvePolicy } from './policy.js';
import { webPkiCheck } from './webpki.js';

export interface ChainVerifierOptions {
  /** CA file content(s): PEM (one or more certificates), DER, or parsed. */
  readonly trusted: CertificateInput | readonly CertificateInput[];
  readonly clock?: Clock;
  readonly policy?: Partial<VerifyPolicy>;
  readonly maxDepth?: number;
  readonly usage?: 'serverAuth' | 'clientAuth';
  readonly leafKeyUsage?: 'keyEncipherment' | 'digitalSignature';
  readonly provider?: FullCryptoProvider;
  /**
   * Share parsed CA certificates and remembered signature verdicts with other verifiers
   * made from the same CA input (default true). false: parse the CA here and remember
   * nothing across calls (what a cold start costs; used by the benchmark).
   */
  readonly cache?: boolean;
}

export type ChainVerifierOutcome =
  | { readonly ok: true; readonly chain: readonly Certificate[] }
  | { readonly ok: false; readonly code: number; readonly flags: number; readonly reason: string; readonly alert: AlertName };

export interface ChainVerifier {
  /** `chain` as in the Certificate message (leaf first, DER); `serverName` the host connected to (DNS name or IP literal). */
  (ctx: { readonly chain: readonly Uint8Array[]; readonly serverName: string | undefined }): ChainVerifierOutcome;
  /** Trusted certificates that could not be parsed (shown to the user, as the device shows a CA file's error). */
  readonly rejectedTrusted: readonly MicroTlsError[];
  /** Trusted certificates that loaded (a CA file may hold usable ones beside those rejected). */
  readonly trustedCount: number;
  /**
   * Identifies what this verifier accepts: SHA-256 over the trusted certificates (order-free),
   * the policy and the usage rules. A session verified by one verifier is resumed only by a
   * verifier with the same trustId, since resumption skips the certificate.
   */
  readonly trustId: string;
}

interface TrustStore {
  readonly certs: readonly Certificate[];
  readonly rejected: readonly MicroTlsError[];
  readonly memo: SignatureMemo;
}

/** Parsed CA inputs by text; least recently used out. Small: a device talks to one or two brokers. */
const TEXT_STORES = new Map<string, TrustStore>();
const MAX_TEXT_STORES = 4;
/** Parsed CA inputs given as bytes, by object identity, with a snapshot of the content they were parsed from. */
const BYTE_STORES = new WeakMap<Uint8Array, { readonly snapshot: Uint8Array; readonly store: TrustStore }>();

function parseStore(input: CertificateInput | readonly CertificateInput[]): TrustStore {
  const { certs, rejected } = loadCertificatesLeniently(input);
  return { certs, rejected, memo: new SignatureMemo() };
}

/** One CA input (a file's content), parsed or from the cache. */
function storeFor(x: Exclude<CertificateInput, Certificate>): TrustStore {
  if (typeof x === 'string') {
    let s = TEXT_STORES.get(x);
    if (s) TEXT_STORES.delete(x);
    else s = parseStore(x);
    TEXT_STORES.set(x, s);
    // The first key is the least recently used. for-of, not keys().next(): the Espruino bundle's Map returns an array from keys().
    while (TEXT_STORES.size > MAX_TEXT_STORES) for (const oldest of TEXT_STORES.keys()) { TEXT_STORES.delete(oldest); break; }
    return s;
  }
  const hit = BYTE_STORES.get(x);
  if (hit && constantTimeEqual(hit.snapshot, x)) return hit.store;
  // Parsed from a private copy: the certificates keep views into the bytes they came from.
  const snapshot = x.slice();
  const store = parseStore(snapshot);
  BYTE_STORES.set(x, { snapshot, store });
  return store;
}

/** The trust anchors of `input`: cached per CA input when `cache`, else parsed now. */
function trustStore(input: CertificateInput | readonly CertificateInput[], cache: boolean): TrustStore {
  if (!cache) return parseStore(input);
  const list = asList(input);
  if (list.length === 1 && !isCertificate(list[0]!)) return storeFor(list[0]);
  let certs: Certificate[] = [];
  let rejected: MicroTlsError[] = [];
  for (const x of list) {
    if (isCertificate(x)) {
      certs.push(x);
      continue;
    }
    const s = storeFor(x);
    certs = certs.concat(s.certs);
    rejected = rejected.concat(s.rejected);
  }
  return { certs, rejected, memo: list.length > 0 && !isCertificate(list[0]!) ? storeFor(list[0]).memo : new SignatureMemo() };
}

export function createChainVerifier(opts: ChainVerifierOptions): ChainVerifier {
  // A build without the webPki rules (the Espruino bundle) refuses the policy here, at connect().
  if (resolvePolicy(opts.policy).webPki) webPkiCheck();
  const { certs: trusted, rejected, memo } = trustStore(opts.trusted, opts.cache ?? true);
  const verifier = (ctx: { readonly chain: readonly Uint8Array[]; readonly serverName: string | undefined }): ChainVerifierOutcome => {
    const peerDer = ctx.chain[0];
    if (!peerDer) {
      return { ok: false, code: errorCode('X509_CERT_VERIFY_FAILED'), flags: VERIFY_FLAGS.BADCERT_MISSING, reason: 'the server sent no certificate', alert: 'handshake_failure' };
    }
    // The Certificate message carries DER (RFC 5246 7.4.2): parsed as DER only, never as PEM
    // text as a CA file may be, so the certificate verified is the one the application is shown.
    const peer = parseCertificate(peerDer);
    const setAside: string[] = [];
    const intermediates = ctx.chain.slice(1).flatMap((der) => {
      try {
        return [parseCertificate(der)];
      } catch (err) {
        // An unusable intermediate can only remove paths (as verifyChain sets such ones aside).
        if (!(err instanceof MicroTlsError)) throw err;
        setAside.push(`; intermediate set aside: ${err.message}`);
        return [];
      }
    });
    const r = verifyChain({
      peer, intermediates, trusted,
      serverName: ctx.serverName,
      clock: opts.clock,
      policy: opts.policy,
      maxDepth: opts.maxDepth,
      usage: opts.usage,
      leafKeyUsage: opts.leafKeyUsage,
      provider: opts.provider,
      signatureMemo: memo,
    });
    if (r.ok) return { ok: true, chain: r.chain };
    let reason = r.reason;
    if (r.flagNames.includes('BADCERT_NOT_TRUSTED')) {
      reason += setAside.join('');
      const hint = suggestTrustAnchor(ctx.chain);
      if (hint) reason += `. ${hint.advice}`;
    }
    return { ok: false, code: r.code, flags: r.flags, reason, alert: alertForFlags(r.flags) };
  };
  return Object.assign(verifier, { rejectedTrusted: rejected.slice(), trustedCount: trusted.length, trustId: trustIdOf(trusted, opts) });
}

/** Per trusted certificate; the cached trust store hands the same objects to every reconnect. */
const certDigests = new WeakMap<Certificate, string>();

function trustIdOf(trusted: readonly Certificate[], opts: ChainVerifierOptions): string {
  const provider = opts.provider ?? getDefaultProvider();
  const certs = trusted.map((c) => {
    let d = certDigests.get(c);
    if (d === undefined) certDigests.set(c, (d = toHex(digest(provider, 'sha256', c.der))));
    return d;
  }).sort();
  const rules = JSON.stringify({ policy: resolvePolicy(opts.policy), maxDepth: opts.maxDepth ?? null, usage: opts.usage ?? 'serverAuth', leafKeyUsage: opts.leafKeyUsage ?? null });
  return toHex(digest(provider, 'sha256', utf8Encode(`${certs.join(',')}|${rules}`)));
}
