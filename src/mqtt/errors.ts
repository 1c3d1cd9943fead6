import { MicroTlsError } from '../errors.js';

/**
 * A received or requested packet broke MQTT 3.1.1. `rule` is the conformance statement
 * (`MQTT-2.2.2-2`) or, where the spec states the requirement without a number, its section
 * written so it cannot be mistaken for one (`MQTT §2.2.3`); limits that are microtls's own start with `microtls-`.
 * The spec's answer to any of these on receipt is to close the network connection.
 */
export class MqttProtocolError extends MicroTlsError {
  declare readonly rule: string; // set in the constructor: no field definition emitted

  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super('MICROTLS_ERR_MQTT_PROTOCOL', `${rule}: ${message}`, { ...details, rule });
    this.name = 'MqttProtocolError';
    this.rule = rule;
  }
}

export function protocolError(rule: string, message: string, details?: Record<string, unknown>): never {
  throw new MqttProtocolError(rule, message, details);
}

export const CONNACK_RETURN_CODES = {
  0: 'Connection Accepted',
  1: 'Connection Refused, unacceptable protocol version',
  2: 'Connection Refused, identifier rejected',
  3: 'Connection Refused, Server unavailable',
  4: 'Connection Refused, bad user name or password',
  5: 'Connection Refused, not authorized',
} as const;

export type ConnackReturnCode = keyof typeof CONNACK_RETURN_CODES;

/** The broker answered CONNACK with a non-zero code; `returnCode` says which of 1-5. */
export class MqttConnackError extends MicroTlsError {
  declare readonly returnCode: ConnackReturnCode; // set in the constructor: no field definition emitted

  constructor(returnCode: ConnackReturnCode) {
    super('MICROTLS_ERR_MQTT_CONNACK_REFUSED', `${CONNACK_RETURN_CODES[returnCode]} (return code ${returnCode})`, { returnCode });
    this.name = 'MqttConnackError';
    this.returnCode = returnCode;
  }
}

/**
 * Marks an error that retrying cannot fix (a bad setting, a TLS/plain port mismatch, a
 * certificate the broker requires): the client reports it once and ends instead of
 * reconnecting. `err.permanent === true` on what the 'error' event gives.
 */
export function permanent<E extends Error>(err: E): E & { readonly permanent: true } {
  (err as { permanent?: boolean }).permanent = true;
  return err as E & { readonly permanent: true };
}

/** A bad option: permanent, since reconnecting with the same options cannot help. */
export function badOption(message: string): never {
  throw permanent(new MicroTlsError('MICROTLS_ERR_MQTT_BAD_OPTION', message));
}

/** clean: false keeps a session under the client id, so it must be a known one ('' is the codec's MQTT-3.1.3-7). */
export function requireSessionClientId(o: { readonly clean?: boolean; readonly clientId?: string }): void {
  if (o.clean === false && o.clientId === undefined) {
    badOption('clean: false needs a clientId (the broker keeps the session under it)');
  }
}

export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}
