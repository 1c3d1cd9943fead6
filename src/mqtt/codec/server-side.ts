/**
 * The halves of the codec only a server uses: decoding what a client sends (CONNECT,
 * SUBSCRIBE, UNSUBSCRIBE) and encoding what a server sends (CONNACK, SUBACK). The MQTT
 * client needs neither (the Node tests' brokers and the differential test do); the device
 * bundles replace this module with src/device/absent-mqtt-server-side.ts, so there a server
 * that sends one of these is refused by the decoder, as the client would refuse it anyway.
 */
import { CONNACK_RETURN_CODES, protocolError } from '../errors.js';
import type { Cursor } from './decode.js';
import { u16, type Layout } from './encode.js';
import { FIXED_HEADER_FLAGS } from './packets.js';
import type { ConnackPacket, Packet, QoS, SubackPacket, Subscription, WillMessage } from './packets.js';
import { checkPacketId, checkQos, checkTopicFilter, checkTopicName } from './rules.js';

export function decodeClientPacket(type: 'connect' | 'subscribe' | 'unsubscribe', c: Cursor): Packet {
  if (type === 'connect') return decodeConnect(c);
  if (type === 'subscribe') {
    const packetId = checkPacketId(c.u16('packet identifier'), 'SUBSCRIBE');
    const subscriptions: Subscription[] = [];
    while (c.remaining > 0) {
      const topic = c.string('topic filter');
      checkTopicFilter(topic);
      const options = c.u8('requested QoS');
      if (options & 0xfc) protocolError('MQTT-3.8.3-4', 'reserved bits of the requested QoS byte are not 0');
      subscriptions.push({ topic, qos: checkQos(options, 'MQTT-3.8.3-4', 'requested') });
    }
    if (subscriptions.length === 0) protocolError('MQTT-3.8.3-3', 'SUBSCRIBE without a topic filter');
    return { type, packetId, subscriptions };
  }
  const packetId = checkPacketId(c.u16('packet identifier'), 'UNSUBSCRIBE');
  const topics: string[] = [];
  while (c.remaining > 0) {
    const topic = c.string('topic filter');
    checkTopicFilter(topic);
    topics.push(topic);
  }
  if (topics.length === 0) protocolError('MQTT-3.10.3-2', 'UNSUBSCRIBE without a topic filter');
  return { type, packetId, topics };
}

function decodeConnect(c: Cursor): Packet {
  const protocolName = c.string('protocol name');
  if (protocolName !== 'MQTT') protocolError('MQTT-3.1.2-1', `protocol name '${protocolName}' is not 'MQTT'`);
  const protocolLevel = c.u8('protocol level');
  const flags = c.u8('connect flags');
  if (flags & 0x01) protocolError('MQTT-3.1.2-3', 'the reserved connect flag is 1');
  const clean = (flags & 0x02) !== 0;
  const hasWill = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const hasUsername = (flags & 0x80) !== 0;
  if (!hasWill && willQos !== 0) protocolError('MQTT-3.1.2-13', 'will QoS must be 0 without a will');
  if (!hasWill && willRetain) protocolError('MQTT-3.1.2-15', 'will retain must be 0 without a will');
  if (hasWill) checkQos(willQos, 'MQTT-3.1.2-14', 'will');
  if (hasPassword && !hasUsername) protocolError('MQTT-3.1.2-22', 'password flag set without the user name flag');
  const keepalive = c.u16('keepalive');
  const clientId = c.string('client identifier');
  if (clientId.length === 0 && !clean) protocolError('MQTT-3.1.3-7', 'an empty client identifier needs clean session');
  let will: WillMessage | undefined;
  if (hasWill) {
    const topic = c.string('will topic');
    checkTopicName(topic);
    will = { topic, payload: c.prefixed('will message'), qos: willQos as QoS, retain: willRetain };
  }
  const username = hasUsername ? c.string('user name') : undefined;
  const password = hasPassword ? c.prefixed('password') : undefined;
  c.end();
  return {
    type: 'connect', protocolName, protocolLevel, clientId, clean, keepalive,
    ...(will ? { will } : {}), ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
  };
}

export function serverPacketLayout(p: ConnackPacket | SubackPacket): Layout {
  if (p.type === 'connack') {
    if (!(p.returnCode in CONNACK_RETURN_CODES)) protocolError('MQTT §3.2.2.3', `CONNACK return code ${String(p.returnCode)} is reserved`);
    if (p.returnCode !== 0 && p.sessionPresent) protocolError('MQTT-3.2.2-4', 'session present must be 0 with a non-zero return code');
    return { flags: FIXED_HEADER_FLAGS.connack, fields: [[p.sessionPresent ? 1 : 0, p.returnCode]] };
  }
  const fields: Layout['fields'] = [u16(checkPacketId(p.packetId, 'SUBACK'))];
  for (const c of p.returnCodes) {
    if (c !== 0 && c !== 1 && c !== 2 && c !== 0x80) protocolError('MQTT-3.9.3-2', `SUBACK return code ${String(c)} is reserved`);
    fields.push([c]);
  }
  return { flags: FIXED_HEADER_FLAGS.suback, fields };
}
