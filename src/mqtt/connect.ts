/**
 * `connect(url | options)`, shaped like MQTT.js. With an explicit `transport` this is
 * fully portable; without one the Node transports (TCP, microtls TLS) are loaded lazily,
 * through a specifier the core's type check does not follow, so the core never depends on Node.
 */
import { MicroTlsError } from '../errors.js';
import { MqttClient } from './client.js';
import type { CertificateDescription, MqttClientOptions } from './options.js';
import type { TransportFactory } from './transport.js';
import { DEFAULT_PORTS, parseBrokerUrl } from './url.js';

/**
 * The reference device's MQTT settings, one option each (manual section 1):
 * "TLSv1.2 mode", "Verify Server Certificate", "CA certificate", "Client Certificate", "Private Key".
 */
export interface DeviceTlsSettings {
  /** TLSv1.2 mode = Enable / Disable. Overrides the URL scheme when given. */
  tls?: boolean;
  /** Default true. false = no certificate verification at all (the device's "Disable"). */
  verifyServerCertificate?: boolean;
  /** PEM text (or DER bytes) of the CA that issued the broker's certificate. */
  caCertificate?: string | Uint8Array;
  clientCertificate?: string | Uint8Array;
  /** Of the client certificate; without a password. */
  privateKey?: string | Uint8Array;
}

export interface TlsTuning {
  /** TLS server name (SNI and hostname check); default the host. */
  servername?: string;
  /** Cipher suite names or code points, in preference order. */
  ciphers?: (string | number)[];
  /** RFC 6066 max_fragment_length: 512, 1024, 2048 or 4096. */
  maxFragmentLength?: number;
}

export interface ConnectOptions extends Partial<MqttClientOptions>, DeviceTlsSettings, TlsTuning {
  protocol?: 'mqtt' | 'mqtts';
  host?: string;
  port?: number;
}

/** What src/node/mqtt-transports.ts provides to this module. */
export interface NodeTransportModule {
  transportFor(options: ResolvedConnectOptions): TransportFactory;
  describeCertificates(options: ResolvedConnectOptions): CertificateDescription[];
}

export type ResolvedConnectOptions = ConnectOptions & { protocol: 'mqtt' | 'mqtts'; host: string; port: number };

export function resolveConnectOptions(urlOrOptions: string | ConnectOptions, options: ConnectOptions = {}): ResolvedConnectOptions {
  const base: ConnectOptions = typeof urlOrOptions === 'string' ? { ...parseBrokerUrl(urlOrOptions), ...options } : { ...urlOrOptions, ...options };
  const protocol = base.tls === undefined ? base.protocol ?? 'mqtt' : base.tls ? 'mqtts' : 'mqtt';
  return { ...base, protocol, host: base.host ?? 'localhost', port: base.port ?? DEFAULT_PORTS[protocol] };
}

const NODE_TRANSPORTS = '../node/mqtt-transports.js';

export function connect(urlOrOptions: string | ConnectOptions, options?: ConnectOptions): MqttClient {
  const o = resolveConnectOptions(urlOrOptions, options);
  let certificates: CertificateDescription[] = [];
  let transport = o.transport;
  if (!transport) {
    let loaded: Promise<NodeTransportModule> | undefined;
    let factory: TransportFactory | undefined;
    transport = async (attempt) => {
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
  }
  return new MqttClient({ ...o, transport, describeCertificates: o.describeCertificates ?? (() => certificates) });
}

/** Resolves on the first CONNACK; rejects (and ends the client) on the first error before it. */
export function connectAsync(urlOrOptions: string | ConnectOptions, options?: ConnectOptions): Promise<MqttClient> {
  return whenConnected(connect(urlOrOptions, options));
}

/** For a client from connect(): resolves on its first CONNACK, rejects (and ends it) on an error before that. */
export function whenConnected(client: MqttClient): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const onConnect = (): void => {
      client.off('error', onError);
      client.off('end', onEnd);
      resolve(client);
    };
    const onError = (err: Error): void => {
      client.off('connect', onConnect);
      client.off('end', onEnd);
      void client.end(true);
      reject(err);
    };
    // Ended (by end(), or given up) without an error event: still a failure to connect.
    const onEnd = (): void => {
      client.off('connect', onConnect);
      client.off('error', onError);
      reject(new MicroTlsError('MICROTLS_ERR_MQTT_CONNECTION_CLOSED', 'the client ended before it connected'));
    };
    client.once('connect', onConnect);
    client.once('error', onError);
    client.once('end', onEnd);
  });
}
