/**
 * MQTT 3.1.1 normative checks shared by the encoder (a caller's mistake must not reach
 * the wire) and the decoder (a peer's mistake closes the connection). Each throws a
 * MqttProtocolError naming the conformance statement.
 */
import { protocolError } from '../errors.js';
import type { QoS } from './packets.js';

/** MQTT-1.5.3-1: a lone surrogate cannot be encoded as well-formed UTF-8. MQTT-1.5.3-2: no U+0000. */
export function checkString(s: string, field: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) protocolError('MQTT-1.5.3-2', `${field} contains U+0000`);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) protocolError('MQTT-1.5.3-1', `${field} has a lone UTF-16 surrogate`);
      i++;
    }
  }
}

/** Strings and binary fields carry a 2-byte length prefix, counted in bytes (section 1.5.3). */
export function checkPrefixedLength(byteLength: number, field: string): void {
  if (byteLength > 0xffff) protocolError('MQTT §1.5.3', `${field} is ${byteLength} bytes, over 65,535`);
}

/** Topic Name in PUBLISH and the Will Topic: non-empty, no wildcards. */
export function checkTopicName(topic: string): void {
  if (topic.length === 0) protocolError('MQTT-4.7.3-1', 'topic name is empty');
  if (topic.includes('+') || topic.includes('#')) protocolError('MQTT-3.3.2-2', `topic name '${topic}' contains a wildcard`);
}

/** Topic Filter in SUBSCRIBE / UNSUBSCRIBE: non-empty, '#' alone and last, '+' a whole level. */
export function checkTopicFilter(filter: string): void {
  if (filter.length === 0) protocolError('MQTT-4.7.3-1', 'topic filter is empty');
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      protocolError('MQTT-4.7.1-2', `'#' must be the whole last level: '${filter}'`);
    }
    if (level.includes('+') && level !== '+') {
      protocolError('MQTT-4.7.1-3', `'+' must be a whole level: '${filter}'`);
    }
  }
}

export function checkPacketId(id: number | undefined, what: string): number {
  if (id === undefined || !Number.isInteger(id) || id < 1 || id > 0xffff) {
    protocolError('MQTT-2.3.1-1', `${what} needs a packet identifier 1-65535, got ${String(id)}`);
  }
  return id;
}

export function checkQos(qos: number, rule: string, what: string): QoS {
  if (qos !== 0 && qos !== 1 && qos !== 2) protocolError(rule, `${what}: QoS ${qos} is not 0, 1 or 2`);
  return qos;
}
