/** MQTT 3.1.1 control packets as plain data: one member of `Packet` per packet type (spec section 2.2.1). */
import type { ConnackReturnCode } from '../errors.js';

export type QoS = 0 | 1 | 2;

export const PACKET_TYPE = {
  connect: 1, connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7,
  subscribe: 8, suback: 9, unsubscribe: 10, unsuback: 11, pingreq: 12, pingresp: 13, disconnect: 14,
} as const;

export type PacketType = keyof typeof PACKET_TYPE;

/**
 * The fixed header's low nibble, which MQTT 3.1.1 fixes for every type but PUBLISH
 * (Table 2.2, MQTT-2.2.2-1 / -2): the encoder writes these, the decoder requires them.
 */
export const FIXED_HEADER_FLAGS: Readonly<Record<Exclude<PacketType, 'publish'>, number>> = {
  connect: 0, connack: 0, puback: 0, pubrec: 0, pubrel: 2, pubcomp: 0,
  subscribe: 2, suback: 0, unsubscribe: 2, unsuback: 0, pingreq: 0, pingresp: 0, disconnect: 0,
};

export interface WillMessage {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
}

export interface ConnectPacket {
  type: 'connect';
  /** 'MQTT' for 3.1.1; decoded as received so a server can answer return code 1. */
  protocolName?: string;
  /** 4 for 3.1.1. */
  protocolLevel?: number;
  clientId: string;
  clean: boolean;
  /** Seconds, 0 = keepalive off. */
  keepalive: number;
  will?: WillMessage;
  username?: string;
  password?: Uint8Array;
}

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  returnCode: ConnackReturnCode;
}

export interface PublishPacket {
  type: 'publish';
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present exactly when qos > 0. */
  packetId?: number;
}

export interface PacketIdOnly<T extends 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'unsuback'> {
  type: T;
  packetId: number;
}

export type PubackPacket = PacketIdOnly<'puback'>;
export type PubrecPacket = PacketIdOnly<'pubrec'>;
export type PubrelPacket = PacketIdOnly<'pubrel'>;
export type PubcompPacket = PacketIdOnly<'pubcomp'>;
export type UnsubackPacket = PacketIdOnly<'unsuback'>;

export interface Subscription {
  topic: string;
  qos: QoS;
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: Subscription[];
}

/** 0, 1, 2 = granted QoS; 0x80 = failure (MQTT-3.9.3-2 reserves every other value). */
export type SubackReturnCode = 0 | 1 | 2 | 0x80;

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  returnCodes: SubackReturnCode[];
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  topics: string[];
}

export interface PingreqPacket { type: 'pingreq' }
export interface PingrespPacket { type: 'pingresp' }
export interface DisconnectPacket { type: 'disconnect' }

export type Packet =
  | ConnectPacket | ConnackPacket | PublishPacket | PubackPacket | PubrecPacket | PubrelPacket | PubcompPacket
  | SubscribePacket | SubackPacket | UnsubscribePacket | UnsubackPacket | PingreqPacket | PingrespPacket | DisconnectPacket;

/** Largest value the 4-byte remaining length can carry (section 2.2.3). */
export const MAX_REMAINING_LENGTH = 268_435_455;
