/**
 * Stands in for src/x509/webpki.ts in the Espruino bundle, which leaves out the CA/Browser
 * Forum rules of policy.webPki (beyond what Mbed TLS checks): asking for them fails when the
 * verifier is made, never verifies with fewer rules than asked.
 */
import { MicroTlsError } from '../errors.js';
import type { WebPkiCheck } from '../x509/webpki.js';

export type { Position, Rule, WebPkiCheck } from '../x509/webpki.js';

export function webPkiCheck(): WebPkiCheck {
  throw new MicroTlsError('X509_FEATURE_UNAVAILABLE', 'policy.webPki: this build leaves out the CA/B Forum rules (use the Node or XS build)');
}
