/**
 * Seeded generator of random VALID MQTT 3.1.1 packets, and converters between our packet
 * shape and mqtt-packet's, for the differential tests. Seeded so a failure reproduces.
 */
import type { Packet, QoS, SubackReturnCode } from '../../src/mqtt/codec/index.js';
import { prng } from '../helpers/prng.js';

export { prng };

export class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  bool(): boolean {
    return this.next() < 0.5;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  qos(): QoS {
    return this.int(0, 2) as QoS;
  }
  id(): number {
    return this.pick([1, 0xffff, this.int(1, 0xffff)]);
  }
  bytes(max: number): Uint8Array {
    const n = this.pick([0, 1, this.int(0, max), max]);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(0, 255);
    return b;
  }
  /** Well-formed text: ASCII, 2-, 3- and 4-byte UTF-8 (surrogate pairs), never U+0000 or '+'/'#' unless asked. */
  text(min: number, max: number, alphabet = 'abcXYZ09 -_/é中€😀ü'): string {
    const chars = [...alphabet];
    const n = this.int(min, max);
    let s = '';
    for (let i = 0; i < n; i++) s += this.pick(chars);
    return s;
  }
  topicName(): string {
    return this.text(1, 40, 'abc/XYZ09-_é中😀$');
  }
  topicFilter(): string {
    const levels = this.int(1, 6);
    const parts: string[] = [];
    for (let i = 0; i < levels; i++) parts.push(this.pick(['+', this.text(0, 8, 'abcxyz09é中😀'), 'lvl']));
    if (this.bool()) parts.push('#');
    const f = parts.join('/');
    return f === '' ? 'x' : f;
  }
}

export const PACKET_TYPES = [
  'connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp',
  'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect',
] as const;

export function randomPacket(g: Gen, type: (typeof PACKET_TYPES)[number]): Packet {
  switch (type) {
    case 'connect': {
      const clean = g.bool();
      const p: Packet = { type, protocolName: 'MQTT', protocolLevel: 4, clientId: clean && g.bool() ? '' : g.text(1, 23), clean, keepalive: g.pick([0, 60, 0xffff, g.int(0, 0xffff)]) };
      if (g.bool()) p.will = { topic: g.topicName(), payload: g.bytes(300), qos: g.qos(), retain: g.bool() };
      if (g.bool()) {
        p.username = g.text(0, 20);
        if (g.bool()) p.password = g.bytes(64);
      }
      return p;
    }
    case 'connack': {
      const returnCode = g.pick([0, 0, 1, 2, 3, 4, 5] as const);
      return { type, returnCode, sessionPresent: returnCode === 0 && g.bool() };
    }
    case 'publish': {
      const qos = g.qos();
      const p: Packet = { type, topic: g.topicName(), payload: g.bytes(g.pick([10, 200, 20_000])), qos, retain: g.bool(), dup: qos > 0 && g.bool() };
      if (qos > 0) p.packetId = g.id();
      return p;
    }
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return { type, packetId: g.id() };
    case 'subscribe': {
      const n = g.int(1, 5);
      return { type, packetId: g.id(), subscriptions: Array.from({ length: n }, () => ({ topic: g.topicFilter(), qos: g.qos() })) };
    }
    case 'suback': {
      const n = g.int(1, 6);
      return { type, packetId: g.id(), returnCodes: Array.from({ length: n }, () => g.pick([0, 1, 2, 0x80] as SubackReturnCode[])) };
    }
    case 'unsubscribe':
      return { type, packetId: g.id(), topics: Array.from({ length: g.int(1, 5) }, () => g.topicFilter()) };
    case 'pingreq': case 'pingresp': case 'disconnect':
      return { type };
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type MpPacket = Record<string, any>;

export function toMqttPacket(p: Packet): MpPacket {
  switch (p.type) {
    case 'connect': {
      const o: MpPacket = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: p.clientId, clean: p.clean, keepalive: p.keepalive };
      if (p.will) o.will = { topic: p.will.topic, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain };
      if (p.username !== undefined) o.username = p.username;
      if (p.password !== undefined) o.password = Buffer.from(p.password);
      return o;
    }
    case 'connack': return { cmd: 'connack', returnCode: p.returnCode, sessionPresent: p.sessionPresent };
    case 'publish': return { cmd: 'publish', topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup, ...(p.packetId !== undefined ? { messageId: p.packetId } : {}) };
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return { cmd: p.type, messageId: p.packetId };
    case 'subscribe': return { cmd: 'subscribe', messageId: p.packetId, subscriptions: p.subscriptions.map((s) => ({ topic: s.topic, qos: s.qos })) };
    case 'suback': return { cmd: 'suback', messageId: p.packetId, granted: [...p.returnCodes] };
    case 'unsubscribe': return { cmd: 'unsubscribe', messageId: p.packetId, unsubscriptions: [...p.topics] };
    default: return { cmd: p.type };
  }
}

const bytes = (b: Uint8Array): Uint8Array => new Uint8Array(b);

export function fromMqttPacket(o: MpPacket): Packet {
  switch (o.cmd) {
    case 'connect': {
      const p: Packet = { type: 'connect', protocolName: o.protocolId, protocolLevel: o.protocolVersion, clientId: o.clientId, clean: o.clean, keepalive: o.keepalive };
      if (o.will) p.will = { topic: o.will.topic, payload: bytes(o.will.payload), qos: o.will.qos, retain: o.will.retain };
      if (o.username !== undefined && o.username !== null) p.username = o.username;
      if (o.password !== undefined && o.password !== null) p.password = bytes(o.password);
      return p;
    }
    case 'connack': return { type: 'connack', returnCode: o.returnCode, sessionPresent: o.sessionPresent };
    case 'publish': {
      const p: Packet = { type: 'publish', topic: o.topic, payload: bytes(o.payload), qos: o.qos, retain: o.retain, dup: o.dup };
      if (o.qos > 0) p.packetId = o.messageId;
      return p;
    }
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsuback':
      return { type: o.cmd, packetId: o.messageId };
    case 'subscribe': return { type: 'subscribe', packetId: o.messageId, subscriptions: o.subscriptions.map((s: MpPacket) => ({ topic: s.topic, qos: s.qos })) };
    case 'suback': return { type: 'suback', packetId: o.messageId, returnCodes: [...o.granted] };
    case 'unsubscribe': return { type: 'unsubscribe', packetId: o.messageId, topics: [...o.unsubscriptions] };
    default: return { type: o.cmd };
  }
}

/** Deep-comparable form: Uint8Arrays become plain arrays, so assert.equal sees bytes not object identity. */
export function normalize(p: Packet): unknown {
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? { bytes: Array.from(v) } : v)));
}
