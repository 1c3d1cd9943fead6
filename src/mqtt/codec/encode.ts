/**
 * Packet -> bytes. Every field is validated and UTF-8 encoded once while the packet is
 * laid out, then the pieces are written into a single buffer of the exact length, so a
 * large payload is copied once and never concatenated. The packets only a server sends
 * are laid out in server-side.ts.
 */
import { utf8Encode } from '../../encoding/bytes.js';
import { protocolError } from '../errors.js';
import { FIXED_HEADER_FLAGS, PACKET_TYPE, type Packet, type PublishPacket, type ConnectPacket } from './packets.js';
import { remainingLengthBytes } from './remaining-length.js';
import { serverPacketLayout } from './server-side.js';
import { checkPacketId, checkPrefixedLength, checkQos, checkString, checkTopicFilter, checkTopicName } from './rules.js';

/** One piece of a packet body in wire order, copied as is: integers as byte arrays, strings and payloads as bytes. */
export type Field = readonly number[] | Uint8Array;
export interface Layout { flags: number; fields: Field[] }

/** A 2-byte big-endian integer. */
export function u16(n: number): number[] {
  return [n >> 8, n & 0xff];
}

/** A field with a 2-byte length prefix (section 1.5.3); a string after MQTT-1.5.3's checks, as UTF-8. */
function prefixed(fields: Field[], v: string | Uint8Array, field: string): void {
  if (typeof v === 'string') {
    checkString(v, field);
    v = utf8Encode(v);
  }
  checkPrefixedLength(v.length, field);
  fields.push(u16(v.length), v);
}

function connectFields(p: ConnectPacket): Layout {
  if (p.password !== undefined && p.username === undefined) protocolError('MQTT-3.1.2-22', 'a password needs a user name');
  if (p.clientId.length === 0 && !p.clean) protocolError('MQTT-3.1.3-7', 'an empty client identifier needs clean session');
  if (!Number.isInteger(p.keepalive) || p.keepalive < 0 || p.keepalive > 0xffff) {
    protocolError('MQTT §3.1.2.10', `keepalive ${p.keepalive} is not 0-65535 seconds`);
  }
  const fields: Field[] = [];
  prefixed(fields, p.protocolName ?? 'MQTT', 'protocol name');
  // Protocol level, connect flags (filled in below), keepalive.
  const header = [p.protocolLevel ?? 4, p.clean ? 0x02 : 0, p.keepalive >> 8, p.keepalive & 0xff];
  fields.push(header);
  prefixed(fields, p.clientId, 'client identifier');
  if (p.will) {
    checkTopicName(p.will.topic);
    header[1]! |= 0x04 | (checkQos(p.will.qos, 'MQTT-3.1.2-14', 'will') << 3) | (p.will.retain ? 0x20 : 0);
    prefixed(fields, p.will.topic, 'will topic');
    prefixed(fields, p.will.payload, 'will message');
  }
  if (p.username !== undefined) {
    header[1]! |= 0x80;
    prefixed(fields, p.username, 'user name');
  }
  if (p.password !== undefined) {
    header[1]! |= 0x40;
    prefixed(fields, p.password, 'password');
  }
  return { flags: FIXED_HEADER_FLAGS.connect, fields };
}

function publishFields(p: PublishPacket): Layout {
  const qos = checkQos(p.qos, 'MQTT-3.3.1-4', 'PUBLISH');
  if (qos === 0 && p.dup) protocolError('MQTT-3.3.1-2', 'DUP must be 0 for a QoS 0 message');
  checkTopicName(p.topic);
  const fields: Field[] = [];
  prefixed(fields, p.topic, 'topic name');
  if (qos > 0) fields.push(u16(checkPacketId(p.packetId, 'a QoS 1/2 PUBLISH')));
  else if (p.packetId !== undefined) protocolError('MQTT-2.3.1-5', 'a QoS 0 PUBLISH must not carry a packet identifier');
  fields.push(p.payload);
  return { flags: (p.dup ? 0x08 : 0) | (qos << 1) | (p.retain ? 0x01 : 0), fields };
}

/** Fixed-header flags (the low nibble, MQTT-2.2.2-1) and body fields of one packet. */
function layout(p: Packet): Layout {
  const type = PACKET_TYPE[p.type];
  if (p.type === 'connect') return connectFields(p);
  if (p.type === 'publish') return publishFields(p);
  if (p.type === 'connack' || p.type === 'suback') return serverPacketLayout(p);
  if (typeof type !== 'number') protocolError('MQTT §2.2.1', `unknown packet type ${JSON.stringify(p)}`);
  const name = p.type.toUpperCase();
  const flags = FIXED_HEADER_FLAGS[p.type];
  // PINGREQ, PINGRESP, DISCONNECT (12-14) have no body; the others here start with a packet identifier.
  if (type > 11) return { flags, fields: [] };
  const filters = p.type === 'subscribe' ? p.subscriptions : p.type === 'unsubscribe' ? p.topics : undefined;
  if (filters?.length === 0) protocolError(p.type === 'subscribe' ? 'MQTT-3.8.3-3' : 'MQTT-3.10.3-2', `${name} needs at least one topic filter`);
  const fields: Field[] = [u16(checkPacketId((p as { packetId?: number }).packetId, name))];
  for (const f of filters ?? []) {
    const topic = typeof f === 'string' ? f : f.topic;
    checkTopicFilter(topic);
    prefixed(fields, topic, 'topic filter');
    if (typeof f !== 'string') fields.push([checkQos(f.qos, 'MQTT-3.8.3-4', 'requested')]);
  }
  return { flags, fields };
}

export function encodePacket(p: Packet): Uint8Array {
  const { flags, fields } = layout(p);
  let bodyLength = 0;
  for (const f of fields) bodyLength += f.length;
  const header = [(PACKET_TYPE[p.type] << 4) | flags].concat(remainingLengthBytes(bodyLength));
  const out = new Uint8Array(header.length + bodyLength);
  out.set(header);
  let off = header.length;
  for (const f of fields) {
    out.set(f, off);
    off += f.length;
  }
  return out;
}
