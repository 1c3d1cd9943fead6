/**
 * microtls/mqtt: MQTT 3.1.1 client and codec. Portable except for the lazily loaded
 * default transports (pass `transport` on engines without Node).
 */
export { connect, connectAsync, resolveConnectOptions, whenConnected } from './connect.js';
export type { ConnectOptions, DeviceTlsSettings, MqttJsAliases, TlsTuning } from './connect.js';
export { DEFAULT_MAX_INFLIGHT, MqttClient, type Callback, type MqttClientEvents } from './client.js';
export { DEFAULT_MAX_PACKET_SIZE, DEFAULT_WRITE_BUFFER_LIMIT } from './options.js';
export type {
  CertificateDescription, ConnectionState, ErrorCodeEntry, Granted, MqttClientOptions, MqttStatus, MqttWill, PublishOptions, SubscribeOptions,
} from './options.js';
export type { DuplexLike, TransportAttempt, TransportFactory } from './transport.js';
export { parseBrokerUrl, type BrokerAddress } from './url.js';
export { payloadString } from './payload.js';
export { isPermanent } from './errors.js';
export * from './codec/index.js';
