import type { FullCryptoProvider } from '../../hw/provider.js';
import type { Clock } from '../time/clock.js';
import type { CertificateInput } from '../x509/input.js';
import type { VerifyPolicy } from '../x509/policy.js';
import { createChainVerifier, type ChainVerifier } from '../x509/verifier.js';

export interface ServerVerifierOptions {
  /** The CA file(s): PEM (one or more certificates), DER, or parsed certificates. */
  readonly ca: CertificateInput | readonly CertificateInput[];
  readonly clock?: Clock;
  readonly provider?: FullCryptoProvider;
  readonly policy?: Partial<VerifyPolicy>;
}

/**
 * The one way a TLS server's certificate verifier is built, for every entry point (connect,
 * the MQTT client, `microtls probe`, pub/sub): serverAuth usage, and the leaf keyUsage rule of
 * the key exchange. microtls does RSA key exchange only, where the client encrypts the
 * premaster secret to the leaf's key, so the leaf must allow keyEncipherment (RFC 5280
 * 4.2.1.3; Mbed TLS refuses it too). Built elsewhere, a verifier would silently skip that.
 */
export function createServerVerifier(o: ServerVerifierOptions): ChainVerifier {
  return createChainVerifier({
    trusted: o.ca,
    usage: 'serverAuth',
    leafKeyUsage: 'keyEncipherment',
    clock: o.clock,
    provider: o.provider,
    policy: o.policy,
  });
}
