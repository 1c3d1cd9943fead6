/**
 * One complete packet (fixed-header byte + body) -> Packet, with every receive-side
 * check of MQTT 3.1.1. The streaming part (framing, split input) is reader.ts; the packets
 * only a server receives are decoded in server-side.ts.
 */
import { utf8DecodeStrict } from '../../encoding/bytes.js';
import { CONNACK_RETURN_CODES, type ConnackReturnCode, protocolError } from '../errors.js';
import { FIXED_HEADER_FLAGS, PACKET_TYPE } from './packets.js';
import type { Packet, PacketType, PublishPacket, QoS, SubackReturnCode } from './packets.js';
import { checkPacketId, checkString, checkTopicName } from './rules.js';
import { decodeClientPacket } from './server-side.js';

/** Type names by number (0 and 15 are reserved); the required low nibble by number, PUBLISH's (3) free-form and checked separately. */
const TYPE_NAMES: (PacketType | undefined)[] = [];
const REQUIRED_FLAGS: number[] = [];
for (const name in PACKET_TYPE) {
  const t = PACKET_TYPE[name as PacketType];
  TYPE_NAMES[t] = name as PacketType;
  REQUIRED_FLAGS[t] = FIXED_HEADER_FLAGS[name as Exclude<PacketType, 'publish'>]!;
}

/** Checks the first byte as soon as it arrives, so a bad stream is refused before its body is buffered. */
export function checkFixedHeader(first: number): void {
  const type = first >> 4;
  if (type === 0 || type === 15) protocolError('MQTT §2.2.1', `packet type ${type} is reserved`);
  const flags = first & 0x0f;
  if (type === 3) {
    if ((flags & 0x06) === 0x06) protocolError('MQTT-3.3.1-4', 'PUBLISH with QoS 3');
  } else if (flags !== REQUIRED_FLAGS[type]) {
    protocolError('MQTT-2.2.2-2', `${TYPE_NAMES[type]!.toUpperCase()} header flags ${flags}, must be ${REQUIRED_FLAGS[type]}`);
  }
}

export class Cursor {
  private off = 0;
  // `declare`: set in the constructor, so no field definition (`= undefined` first) is emitted.
  private declare readonly buf: Uint8Array;
  private declare readonly what: string;

  constructor(buf: Uint8Array, what: string) {
    this.buf = buf;
    this.what = what;
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) protocolError('MQTT §2.2.3', `${this.what} ends inside ${field} (remaining length too short)`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.off++]!;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.off]! << 8) | this.buf[this.off + 1]!;
    this.off += 2;
    return v;
  }

  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    // A view, not a copy: the reader gives every packet a body buffer of its own.
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  prefixed(field: string): Uint8Array {
    return this.bytes(this.u16(field + ' length'), field);
  }

  string(field: string): string {
    const s = utf8DecodeStrict(this.prefixed(field));
    if (s === undefined) protocolError('MQTT-1.5.3-1', `${field} is not well-formed UTF-8`);
    checkString(s, field); // U+0000 (a strict decode leaves no lone surrogate)
    return s;
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining, 'payload');
  }

  end(): void {
    if (this.remaining !== 0) protocolError('MQTT §2.2.3', `${this.what}: ${this.remaining} bytes after its last field (remaining length too long)`);
  }
}

function decodePublish(first: number, c: Cursor): PublishPacket {
  const qos = ((first >> 1) & 0x03) as QoS;
  const dup = (first & 0x08) !== 0;
  if (qos === 0 && dup) protocolError('MQTT-3.3.1-2', 'DUP set on a QoS 0 PUBLISH');
  const topic = c.string('topic name');
  checkTopicName(topic);
  const packet: PublishPacket = { type: 'publish', topic, payload: new Uint8Array(0), qos, retain: (first & 0x01) !== 0, dup };
  if (qos > 0) packet.packetId = checkPacketId(c.u16('packet identifier'), 'a QoS 1/2 PUBLISH');
  packet.payload = c.rest();
  return packet;
}

export function decodePacket(first: number, body: Uint8Array): Packet {
  checkFixedHeader(first);
  const type = TYPE_NAMES[first >> 4]!;
  const name = type.toUpperCase();
  const c = new Cursor(body, name);
  if (type === 'connect' || type === 'subscribe' || type === 'unsubscribe') return decodeClientPacket(type, c);
  if (type === 'publish') return decodePublish(first, c);
  if (type === 'connack') {
    const ackFlags = c.u8('acknowledge flags');
    if (ackFlags & 0xfe) protocolError('MQTT §3.2.2.1', 'reserved CONNACK acknowledge flags are not 0');
    const code = c.u8('return code');
    c.end();
    if (!(code in CONNACK_RETURN_CODES)) protocolError('MQTT §3.2.2.3', `CONNACK return code ${code} is reserved`);
    if (code !== 0 && ackFlags) protocolError('MQTT-3.2.2-4', 'session present with a non-zero return code');
    return { type, sessionPresent: ackFlags === 1, returnCode: code as ConnackReturnCode };
  }
  // PINGREQ, PINGRESP, DISCONNECT (12-14) have no body; the others left start with a packet identifier.
  if (first >> 4 > 11) {
    c.end();
    return { type } as Packet;
  }
  const packetId = checkPacketId(c.u16('packet identifier'), name);
  if (type !== 'suback') {
    c.end();
    return { type, packetId } as Packet;
  }
  const returnCodes: SubackReturnCode[] = [];
  while (c.remaining > 0) {
    const code = c.u8('return code');
    if (code !== 0 && code !== 1 && code !== 2 && code !== 0x80) protocolError('MQTT-3.9.3-2', `SUBACK return code ${code} is reserved`);
    returnCodes.push(code);
  }
  return { type, packetId, returnCodes };
}
