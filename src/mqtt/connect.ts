/**
 * `connect(url | options)`, shaped like MQTT.js. With an explicit `transport` this is
 * fully portable; without one the Node transports are loaded lazily (default-transport.ts).
 */
import { MicroTlsError } from '../errors.js';
import { MqttClient } from './client.js';
import { badOption, requireSessionClientId } from './errors.js';
import type { CertificateDescription, MqttClientOptions } from './options.js';
import type { TransportFactory } from './transport.js';
import { DEFAULT_PORTS, parseBrokerUrl } from './url.js';
import { defaultTransport } from './default-transport.js';

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
  /** Largest record plaintext the TLS client can hold (default 16384); see TlsClientOptions. */
  receiveBufferSize?: number;
  /** Take records up to receiveBufferSize from servers that ignore the negotiated max_fragment_length (Mbed TLS's ssl_server2 does). */
  acceptLargerRecords?: boolean;
}

/**
 * MQTT.js's names for the same settings, accepted so that options written for MQTT.js work
 * (or fail clearly): each maps to the device setting beside it.
 */
export interface MqttJsAliases {
  /** = caCertificate */
  ca?: string | Uint8Array;
  /** = clientCertificate */
  cert?: string | Uint8Array;
  /** = privateKey */
  key?: string | Uint8Array;
  /** = verifyServerCertificate */
  rejectUnauthorized?: boolean;
  /** Only 4 (MQTT 3.1.1); 3 and 5 are refused. */
  protocolVersion?: number;
  /** Only 'MQTT' (3.1.1). */
  protocolId?: string;
  /** = host */
  hostname?: string;
}

export interface ConnectOptions extends Partial<MqttClientOptions>, DeviceTlsSettings, TlsTuning, MqttJsAliases {
  protocol?: 'mqtt' | 'mqtts';
  host?: string;
  port?: number;
}

/** Every option connect() knows; anything else is refused rather than silently ignored. */
const KNOWN_OPTIONS = new Set((
  'transport clientId clean keepalive username password will reconnectPeriod maxReconnectPeriod ' +
  'connectTimeout pingTimeout queueLimit maxPacketSize maxInflight writeBufferLimit resubscribe ' +
  'qos2RedeliveryGuard random timers describeCertificates ' +
  'tls verifyServerCertificate caCertificate clientCertificate privateKey ' +
  'servername ciphers maxFragmentLength receiveBufferSize acceptLargerRecords protocol host port ' +
  'ca cert key rejectUnauthorized protocolVersion protocolId hostname').split(' '));

/** MQTT.js's name -> the setting it stands for. */
const ALIASES: Partial<Record<keyof MqttJsAliases, keyof ConnectOptions>> = {
  ca: 'caCertificate', cert: 'clientCertificate', key: 'privateKey', rejectUnauthorized: 'verifyServerCertificate', hostname: 'host',
};

/** Refuses what cannot work and maps MQTT.js's names (see MqttJsAliases). */
function checkOptions(o: ConnectOptions): ConnectOptions {
  const unknown = Object.keys(o).filter((k) => !KNOWN_OPTIONS.has(k) && (o as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) badOption(`unknown option '${unknown.join("', '")}' (see ConnectOptions)`);
  if (o.protocolVersion !== undefined && o.protocolVersion !== 4) badOption(`protocolVersion ${o.protocolVersion}: microtls speaks MQTT 3.1.1 (4) only`);
  if (o.protocolId !== undefined && o.protocolId !== 'MQTT') badOption(`protocolId '${o.protocolId}': MQTT 3.1.1 has 'MQTT'`);
  const out: Record<string, unknown> = { ...o };
  for (const alias in ALIASES) {
    const name = ALIASES[alias as keyof MqttJsAliases]!;
    if (out[alias] === undefined) continue;
    if (out[name] !== undefined && out[name] !== out[alias]) badOption(`'${alias}' and '${name}' differ: give one`);
    out[name] = out[alias];
    delete out[alias];
  }
  delete out.protocolVersion;
  delete out.protocolId;
  requireSessionClientId(out);
  return out as ConnectOptions;
}

/** What src/node/mqtt-transports.ts provides to this module. */
export interface NodeTransportModule {
  transportFor(options: ResolvedConnectOptions): TransportFactory;
  describeCertificates(options: ResolvedConnectOptions): CertificateDescription[];
}

export type ResolvedConnectOptions = ConnectOptions & { protocol: 'mqtt' | 'mqtts'; host: string; port: number };

export function resolveConnectOptions(urlOrOptions: string | ConnectOptions, options: ConnectOptions = {}): ResolvedConnectOptions {
  const base: ConnectOptions = checkOptions(typeof urlOrOptions === 'string' ? { ...parseBrokerUrl(urlOrOptions), ...options } : { ...urlOrOptions, ...options });
  const protocol = base.tls === undefined ? base.protocol ?? 'mqtt' : base.tls ? 'mqtts' : 'mqtt';
  return { ...base, protocol, host: base.host ?? 'localhost', port: base.port ?? DEFAULT_PORTS[protocol] };
}

export function connect(urlOrOptions: string | ConnectOptions, options?: ConnectOptions): MqttClient {
  const o = resolveConnectOptions(urlOrOptions, options);
  const builtIn = o.transport ? undefined : defaultTransport(o);
  return new MqttClient({
    ...o,
    transport: o.transport ?? builtIn!.transport,
    describeCertificates: o.describeCertificates ?? builtIn?.describeCertificates ?? (() => []),
  });
}

/** Resolves on the first CONNACK; rejects (and ends the client) on the first error before it. */
export function connectAsync(urlOrOptions: string | ConnectOptions, options?: ConnectOptions): Promise<MqttClient> {
  let client: MqttClient;
  try {
    client = connect(urlOrOptions, options);
  } catch (e) {
    return Promise.reject(e as Error);
  }
  return whenConnected(client);
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
      reject(new MicroTlsError('MICROTLS_ERR_MQTT_CONNECTION_CLOSED', 'ended before connecting'));
    };
    client.once('connect', onConnect);
    client.once('error', onError);
    client.once('end', onEnd);
  });
}
