/**
 * Stands in for src/mqtt/codec/server-side.ts in the device bundles: a device is an MQTT
 * client, so it neither decodes what only clients send nor encodes what only servers send.
 * A server that sends CONNECT, SUBSCRIBE or UNSUBSCRIBE is refused as the client refuses
 * any client-to-server packet from it.
 */
import { protocolError } from '../mqtt/errors.js';
import type { Cursor } from '../mqtt/codec/decode.js';
import type { Layout } from '../mqtt/codec/encode.js';
import type { ConnackPacket, Packet, SubackPacket } from '../mqtt/codec/packets.js';

export function decodeClientPacket(type: 'connect' | 'subscribe' | 'unsubscribe', _c: Cursor): Packet {
  return protocolError('MQTT §2.2.1', `a server must not send ${type.toUpperCase()}`);
}

export function serverPacketLayout(p: ConnackPacket | SubackPacket): Layout {
  return protocolError('MQTT §2.2.1', `this build encodes no ${p.type.toUpperCase()} (server to client only)`);
}
