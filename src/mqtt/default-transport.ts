/**
 * The transport of connect() without `transport`: the Node transports (TCP, microtls TLS,
 * src/node/mqtt-transports.ts), loaded lazily through a specifier the core's type check
 * does not follow, so the core never depends on Node. The device bundles replace this module
 * with src/device/absent-default-transport.ts: their connect functions always pass a transport.
 */
import { MicroTlsError } from '../errors.js';
import type { NodeTransportModule, ResolvedConnectOptions } from './connect.js';
import type { CertificateDescription } from './options.js';
import type { TransportFactory } from './transport.js';

const NODE_TRANSPORTS = '../node/mqtt-transports.js';

export function defaultTransport(o: ResolvedConnectOptions): { transport: TransportFactory; describeCertificates: () => CertificateDescription[] } {
  let certificates: CertificateDescription[] = [];
  let loaded: Promise<NodeTransportModule> | undefined;
  let factory: TransportFactory | undefined;
  const transport: TransportFactory = async (attempt) => {
    if (!factory) {
      loaded ??= import(NODE_TRANSPORTS).catch((e: unknown) => {
        throw new MicroTlsError('SSL_FEATURE_UNAVAILABLE', 'no built-in transport on this engine: pass options.transport', {}, { cause: e });
      }) as Promise<NodeTransportModule>;
      const m = await loaded;
      certificates = m.describeCertificates(o);
      factory = m.transportFor(o);
    }
    return factory(attempt);
  };
  return { transport, describeCertificates: () => certificates };
}
