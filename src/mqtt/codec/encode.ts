/**
 * Packet -> bytes. Every field is validated and UTF-8 encoded once while the packet is
 * sized, then the packet is written into a single buffer of the exact length, so a
 * large payload is copied once and never concatenated. The packets only a server sends
 * are laid out in server-side.ts.
 */
import { utf8Encode } from '../../encoding/bytes.js';
import { protocolError } from '../errors.js';
import { FIXED_HEADER_FLAGS, PACKET_TYPE, type Packet, type PublishPacket, type ConnectPacket } from './packets.js';
import { remainingLengthSize, writeRemainingLength } from './remaining-length.js';
import { serverPacketLayout } from './server-side.js';
import { checkPacketId, checkPrefixedLength, checkQos, checkString, checkTopicFilter, checkTopicName } from './rules.js';

/** Fields of one packet body in wire order; numbers are 1- or 2-byte integers. */
type Field = { u8: number } | { u16: number } | { prefixed: Uint8Array } | { raw: Uint8Array };
export interface Layout { flags: number; fields: Field[] }

function str(s: string, field: string): Field {
  checkString(s, field);
  const bytes = utf8Encode(s);
  checkPrefixedLength(bytes.length, field);
  return { prefixed: bytes };
}

function bin(b: Uint8Array, field: string): Field {
  checkPrefixedLength(b.length, field);
  return { prefixed: b };
}

function fieldSize(f: Field): number {
  if ('u8' in f) return 1;
  if ('u16' in f) return 2;
  if ('prefixed' in f) return 2 + f.prefixed.length;
  return f.raw.length;
}

function connectFields(p: ConnectPacket): Layout {
  if (p.password !== undefined && p.username === undefined) protocolError('MQTT-3.1.2-22', 'a password needs a user name');
  if (p.clientId.length === 0 && !p.clean) protocolError('MQTT-3.1.3-7', 'an empty client identifier needs clean session');
  if (!Number.isInteger(p.keepalive) || p.keepalive < 0 || p.keepalive > 0xffff) {
    protocolError('MQTT §3.1.2.10', `keepalive ${p.keepalive} is not 0-65535 seconds`);
  }
  let connectFlags = p.clean ? 0x02 : 0;
  const payload: Field[] = [str(p.clientId, 'client identifier')];
  if (p.will) {
    checkTopicName(p.will.topic);
    connectFlags |= 0x04 | (checkQos(p.will.qos, 'MQTT-3.1.2-14', 'will') << 3) | (p.will.retain ? 0x20 : 0);
    payload.push(str(p.will.topic, 'will topic'), bin(p.will.payload, 'will message'));
  }
  if (p.username !== undefined) {
    connectFlags |= 0x80;
    payload.push(str(p.username, 'user name'));
  }
  if (p.password !== undefined) {
    connectFlags |= 0x40;
    payload.push(bin(p.password, 'password'));
  }
  const variableHeader: Field[] = [str(p.protocolName ?? 'MQTT', 'protocol name'), { u8: p.protocolLevel ?? 4 }, { u8: connectFlags }, { u16: p.keepalive }];
  return { flags: FIXED_HEADER_FLAGS.connect, fields: variableHeader.concat(payload) };
}

function publishFields(p: PublishPacket): Layout {
  const qos = checkQos(p.qos, 'MQTT-3.3.1-4', 'PUBLISH');
  if (qos === 0 && p.dup) protocolError('MQTT-3.3.1-2', 'DUP must be 0 for a QoS 0 message');
  checkTopicName(p.topic);
  const fields: Field[] = [str(p.topic, 'topic name')];
  if (qos > 0) fields.push({ u16: checkPacketId(p.packetId, 'a QoS 1/2 PUBLISH') });
  else if (p.packetId !== undefined) protocolError('MQTT-2.3.1-5', 'a QoS 0 PUBLISH must not carry a packet identifier');
  fields.push({ raw: p.payload });
  return { flags: (p.dup ? 0x08 : 0) | (qos << 1) | (p.retain ? 0x01 : 0), fields };
}

/** Fixed-header flags (the low nibble, MQTT-2.2.2-1) and body fields of one packet. */
function layout(p: Packet): Layout {
  switch (p.type) {
    case 'connect':
      return connectFields(p);
    case 'connack':
    case 'suback':
      return serverPacketLayout(p);
    case 'publish':
      return publishFields(p);
    case 'puback':
    case 'pubrec':
    case 'pubcomp':
    case 'unsuback':
      return { flags: FIXED_HEADER_FLAGS[p.type], fields: [{ u16: checkPacketId(p.packetId, p.type.toUpperCase()) }] };
    case 'pubrel':
      return { flags: FIXED_HEADER_FLAGS[p.type], fields: [{ u16: checkPacketId(p.packetId, 'PUBREL') }] };
    case 'subscribe': {
      if (p.subscriptions.length === 0) protocolError('MQTT-3.8.3-3', 'SUBSCRIBE needs at least one topic filter');
      const fields: Field[] = [{ u16: checkPacketId(p.packetId, 'SUBSCRIBE') }];
      for (const s of p.subscriptions) {
        checkTopicFilter(s.topic);
        fields.push(str(s.topic, 'topic filter'), { u8: checkQos(s.qos, 'MQTT-3.8.3-4', 'requested') });
      }
      return { flags: FIXED_HEADER_FLAGS[p.type], fields };
    }
    case 'unsubscribe': {
      if (p.topics.length === 0) protocolError('MQTT-3.10.3-2', 'UNSUBSCRIBE needs at least one topic filter');
      const fields: Field[] = [{ u16: checkPacketId(p.packetId, 'UNSUBSCRIBE') }];
      for (const t of p.topics) {
        checkTopicFilter(t);
        fields.push(str(t, 'topic filter'));
      }
      return { flags: FIXED_HEADER_FLAGS[p.type], fields };
    }
    case 'pingreq':
    case 'pingresp':
    case 'disconnect':
      return { flags: FIXED_HEADER_FLAGS[p.type], fields: [] };
    default: {
      const never: never = p;
      return protocolError('MQTT §2.2.1', `unknown packet type ${JSON.stringify(never)}`);
    }
  }
}

export function encodePacket(p: Packet): Uint8Array {
  const { flags, fields } = layout(p);
  let bodyLength = 0;
  for (const f of fields) bodyLength += fieldSize(f);
  const out = new Uint8Array(1 + remainingLengthSize(bodyLength) + bodyLength);
  out[0] = (PACKET_TYPE[p.type] << 4) | flags;
  let off = writeRemainingLength(out, 1, bodyLength);
  for (const f of fields) {
    if ('u8' in f) out[off++] = f.u8;
    else if ('u16' in f) {
      out[off++] = f.u16 >> 8;
      out[off++] = f.u16 & 0xff;
    } else if ('prefixed' in f) {
      out[off++] = f.prefixed.length >> 8;
      out[off++] = f.prefixed.length & 0xff;
      out.set(f.prefixed, off);
      off += f.prefixed.length;
    } else {
      out.set(f.raw, off);
      off += f.raw.length;
    }
  }
  return out;
}
