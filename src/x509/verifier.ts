/**
 * verifyChain packaged for the TLS engine's verification hook (handshake/options.ts
 * CertificateVerifier): trusted certificates are parsed once when the verifier is made,
 * not per handshake, and a failure carries the code, flags, reason and the alert Mbed TLS
 * would send.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import type { AlertName } from '../record/alerts.js';
import type { Clock } from '../time/clock.js';
import type { Certificate } from './certificate.js';
import { alertForFlags, VERIFY_FLAGS } from './flags.js';
import { loadCertificatesLeniently, type CertificateInput } from './input.js';
import type { VerifyPolicy } from './policy.js';
import { suggestTrustAnchor } from './suggest.js';
import { verifyChain } from './verify.js';
import { errorCode, type MicroTlsError } from '../errors.js';

export interface ChainVerifierOptions {
  /** CA file content(s): PEM (one or more certificates), DER, or parsed. */
  readonly trusted: CertificateInput | readonly CertificateInput[];
  readonly clock?: Clock;
  readonly policy?: Partial<VerifyPolicy>;
  readonly maxDepth?: number;
  readonly usage?: 'serverAuth' | 'clientAuth';
  readonly provider?: FullCryptoProvider;
}

export type ChainVerifierOutcome =
  | { readonly ok: true; readonly chain: readonly Certificate[] }
  | { readonly ok: false; readonly code: number; readonly flags: number; readonly reason: string; readonly alert: AlertName };

export interface ChainVerifier {
  /** `chain` as in the Certificate message (leaf first, DER); `serverName` the host connected to (DNS name or IP literal). */
  (ctx: { readonly chain: readonly Uint8Array[]; readonly serverName: string | undefined }): ChainVerifierOutcome;
  /** Trusted certificates that could not be parsed (shown to the user, as the device shows a CA file's error). */
  readonly rejectedTrusted: readonly MicroTlsError[];
}

export function createChainVerifier(opts: ChainVerifierOptions): ChainVerifier {
  const { certs: trusted, rejected } = loadCertificatesLeniently(opts.trusted);
  const verifier = (ctx: { readonly chain: readonly Uint8Array[]; readonly serverName: string | undefined }): ChainVerifierOutcome => {
    const [peer, ...intermediates] = ctx.chain;
    if (!peer) {
      return { ok: false, code: errorCode('X509_CERT_VERIFY_FAILED'), flags: VERIFY_FLAGS.BADCERT_MISSING, reason: 'the server sent no certificate', alert: 'handshake_failure' };
    }
    const r = verifyChain({
      peer, intermediates, trusted,
      ...(ctx.serverName !== undefined ? { serverName: ctx.serverName } : {}),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.policy ? { policy: opts.policy } : {}),
      ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
      ...(opts.usage ? { usage: opts.usage } : {}),
      ...(opts.provider ? { provider: opts.provider } : {}),
    });
    if (r.ok) return { ok: true, chain: r.chain };
    let reason = r.reason;
    if (r.flagNames.includes('BADCERT_NOT_TRUSTED')) {
      const hint = suggestTrustAnchor(ctx.chain);
      if (hint) reason += `. ${hint.advice}`;
    }
    return { ok: false, code: r.code, flags: r.flags, reason, alert: alertForFlags(r.flags) };
  };
  return Object.assign(verifier, { rejectedTrusted: rejected });
}
