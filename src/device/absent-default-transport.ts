/**
 * Stands in for src/mqtt/default-transport.ts (the lazily loaded Node transports) in the
 * device bundles, whose connect functions always pass a transport: a connect() without one
 * fails on its first attempt as it would on any engine without Node.
 */
import { MicroTlsError } from '../errors.js';
import type { CertificateDescription } from '../mqtt/options.js';
import type { TransportFactory } from '../mqtt/transport.js';

export function defaultTransport(): { transport: TransportFactory; describeCertificates: () => CertificateDescription[] } {
  return {
    transport: () => Promise.reject(new MicroTlsError('SSL_FEATURE_UNAVAILABLE', 'no built-in transport on this engine: pass options.transport')),
    describeCertificates: () => [],
  };
}
