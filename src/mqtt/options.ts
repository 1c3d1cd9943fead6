/** Client options, their defaults, and the public result shapes. */
import type { QoS } from './codec/packets.js';
import type { RandomSource } from './random.js';
import type { Timers } from './timers.js';
import type { TransportFactory } from './transport.js';

/**
 * Largest inbound packet by default: a device holds a whole PUBLISH in memory, and the
 * protocol maximum (256 MB) would let one message exhaust it. Raise it with maxPacketSize.
 */
export const DEFAULT_MAX_PACKET_SIZE = 256 * 1024;

/** Bytes of writes allowed to wait in the transport before the client stops reading (see writeBufferLimit). */
export const DEFAULT_WRITE_BUFFER_LIMIT = 64 * 1024;

export interface MqttWill {
  topic: string;
  payload: string | Uint8Array;
  qos?: QoS;
  retain?: boolean;
}

export interface MqttClientOptions {
  /** Opens one connection; called again for every reconnect. */
  transport: TransportFactory;
  /** Default: 'microtls_' and 8 random hex digits. */
  clientId?: string;
  /** Clean session (default true). false keeps subscriptions and QoS 1/2 state across reconnects. */
  clean?: boolean;
  /** Seconds (default 60); 0 turns keepalive off. */
  keepalive?: number;
  username?: string;
  password?: string | Uint8Array;
  will?: MqttWill;
  /** First reconnect delay in ms (default 1000), doubled per failed attempt; 0 = never reconnect. */
  reconnectPeriod?: number;
  /** Ceiling of the reconnect delay in ms (default 30,000). */
  maxReconnectPeriod?: number;
  /** From opening the transport to CONNACK, ms (default 30,000). */
  connectTimeout?: number;
  /**
   * How long a PINGRESP, or an acknowledgement the broker owes, may be missing before the
   * connection is declared dead, in ms (default 40% of keepalive). A PINGREQ goes out after a
   * keepalive period with nothing sent or nothing received, so with the default a dead broker
   * is noticed within 1.4x keepalive whatever the traffic. keepalive 0 turns both off.
   */
  pingTimeout?: number;
  /**
   * Operations (publish/subscribe/unsubscribe) held while not connected, or while the
   * in-flight window is full (default 1000). One more is refused with
   * MICROTLS_ERR_MQTT_QUEUE_FULL; 0 refuses everything that cannot go out at once.
   */
  queueLimit?: number;
  /**
   * QoS 1 and QoS 2 PUBLISHes sent and not yet acknowledged, at most (default 20, Paho's name
   * and default; mosquitto's max_inflight_messages is 20 too). Publishes beyond it wait, in
   * order, in the queue (queueLimit); subscribe/unsubscribe are not counted.
   */
  maxInflight?: number;
  /**
   * Largest inbound packet in bytes, header included (default DEFAULT_MAX_PACKET_SIZE, 256 KiB);
   * a bigger one closes the connection with MQTT_PROTOCOL (rule microtls-max-packet-size).
   */
  maxPacketSize?: number;
  /**
   * Bytes written and not yet flushed by the transport, at most, before the client stops
   * reading (default 64 KiB); it reads again once they drain. A broker that floods QoS 1/2
   * while not reading then holds back its own flood instead of filling the client with acks.
   */
  writeBufferLimit?: number;
  /** Re-subscribe after a reconnect when the broker has no session for us (default true). */
  resubscribe?: boolean;
  /**
   * After a reconnect, do not deliver again a QoS 2 message the broker re-sends (DUP=1)
   * although we completed it with PUBCOMP just before the break (default true). See client.ts onPublish.
   */
  qos2RedeliveryGuard?: boolean;
  /** Randomness for reconnect jitter and the default client id (default crypto.getRandomValues). */
  random?: RandomSource;
  timers?: Timers;
  /** Descriptions of the configured certificates for status(); the TLS transport layer fills it. */
  describeCertificates?: () => CertificateDescription[];
}

export interface CertificateDescription {
  /** 'CA certificate', 'Client certificate', 'Private key'. */
  role: string;
  /** The device-style one-line description, or the error code from decoding it. */
  description: string;
}

export interface PublishOptions {
  qos?: QoS;
  retain?: boolean;
}

export interface SubscribeOptions {
  qos?: QoS;
}

/** What the broker granted per filter: 0-2, or 128 for a refused subscription (as MQTT.js reports it). */
export interface Granted {
  topic: string;
  qos: 0 | 1 | 2 | 128;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ErrorCodeEntry {
  code: number;
  name: string;
}

export interface MqttStatus {
  state: ConnectionState;
  connected: boolean;
  clientId: string;
  /** Reconnect attempts since the last successful CONNACK. */
  reconnectAttempts: number;
  inflight: number;
  queued: number;
  /** The two most recent error codes (TLS, MQTT, network), newest first: the device's "Status codes". */
  lastErrors: ErrorCodeEntry[];
  certificates: CertificateDescription[];
}
