/** One test per MQTT 3.1.1 rule the codec enforces, each in both directions where both exist. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromHex, utf8Encode } from '../../src/encoding/bytes.js';
import { MicroTlsError } from '../../src/errors.js';
import {
  CONNACK_RETURN_CODES, MqttProtocolError, PacketReader, decodePacket, encodePacket, type Packet,
} from '../../src/mqtt/codec/index.js';
import { remainingLengthSize } from '../../src/mqtt/codec/remaining-length.js';

/** The rule a call violates, or 'ok' (so one assertion line per case states the expected rule). */
function ruleOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof MqttProtocolError) return e.rule;
    return `unexpected ${String(e)}`;
  }
}

const decodeHex = (hex: string): Packet[] => new PacketReader().push(fromHex(hex));
const decodeRule = (hex: string): string => ruleOf(() => decodeHex(hex));
const encodeRule = (p: Packet): string => ruleOf(() => encodePacket(p));
const pub = (topic: string, extra: Partial<Packet & { type: 'publish' }> = {}): Packet =>
  ({ type: 'publish', topic, payload: new Uint8Array(0), qos: 0, retain: false, dup: false, ...extra }) as Packet;

/** PUBLISH QoS 0 with a raw topic field, to send bytes our encoder would refuse. */
function rawPublish(topicBytes: Uint8Array): string {
  const body = [topicBytes.length >> 8, topicBytes.length & 0xff, ...topicBytes];
  return Buffer.from([0x30, body.length, ...body]).toString('hex');
}

test('a violation is a MicroTlsError with a microtls MQTT code and the rule', () => {
  try {
    encodePacket(pub('a/+'));
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof MicroTlsError);
    assert.ok(e instanceof MqttProtocolError);
    const err = e as MqttProtocolError;
    assert.is(err.code, -0x5880);
    assert.is(err.codeName, 'MICROTLS_ERR_MQTT_PROTOCOL');
    assert.is(err.rule, 'MQTT-3.3.2-2');
    assert.is(err.info.rule, 'MQTT-3.3.2-2');
    assert.ok(err.message.includes('MQTT-3.3.2-2'));
  }
});

test('MQTT-2.2.3: remaining length at most 4 bytes and 268,435,455', () => {
  assert.is(decodeRule('30ffffffff01'), 'MQTT §2.2.3');
  assert.is(remainingLengthSize(268_435_455), 4);
  assert.is(ruleOf(() => remainingLengthSize(268_435_456)), 'MQTT §2.2.3');
  // The largest legal length parses (and is then refused by the size limit, before allocation).
  const r = new PacketReader({ maxPacketSize: 1000 });
  assert.is(ruleOf(() => r.push(fromHex('30ffffff7f'))), 'microtls-max-packet-size');
});

test('MQTT-2.2.3: remaining length boundaries 127/128/16383/16384/2097151/2097152', () => {
  for (const [len, size] of [[127, 1], [128, 2], [16_383, 2], [16_384, 3], [2_097_151, 3], [2_097_152, 4]] as const) {
    assert.is(remainingLengthSize(len), size);
    const payload = new Uint8Array(len - 3); // topic 'a' takes 3 bytes
    const bytes = encodePacket(pub('a', { payload }));
    assert.is(bytes.length, 1 + size + len);
    const [p] = new PacketReader().push(bytes);
    assert.is(p?.type === 'publish' && p.payload.length, len - 3);
  }
});

test('MQTT-2.2.3: a body longer or shorter than its fields is malformed', () => {
  assert.is(decodeRule('4003000100'), 'MQTT §2.2.3'); // PUBACK with a trailing byte
  assert.is(decodeRule('400100'), 'MQTT §2.2.3'); // PUBACK cut inside the packet id
  assert.is(decodeRule('c00100'), 'MQTT §2.2.3'); // PINGREQ with a body
  assert.is(decodeRule('3003000561'), 'MQTT §2.2.3'); // topic length 5, 1 byte present
});

test('MQTT-1.5.3-1: ill-formed UTF-8 refused on receipt, lone surrogates refused on send', () => {
  assert.is(decodeRule(rawPublish(Uint8Array.from([0xc0, 0x80]))), 'MQTT-1.5.3-1'); // overlong NUL
  assert.is(decodeRule(rawPublish(Uint8Array.from([0xed, 0xa0, 0x80]))), 'MQTT-1.5.3-1'); // UTF-16 surrogate
  assert.is(decodeRule(rawPublish(Uint8Array.from([0x61, 0xe4, 0xb8]))), 'MQTT-1.5.3-1'); // truncated
  assert.is(decodeRule(rawPublish(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))), 'MQTT-1.5.3-1'); // > U+10FFFF
  assert.is(encodeRule(pub('a\ud800b')), 'MQTT-1.5.3-1');
  assert.is(encodeRule(pub('a\udc00')), 'MQTT-1.5.3-1');
  assert.is(encodeRule(pub('a😀')), 'ok');
});

test('MQTT-1.5.3-2: U+0000 refused both ways', () => {
  assert.is(decodeRule(rawPublish(Uint8Array.from([0x61, 0x00]))), 'MQTT-1.5.3-2');
  assert.is(encodeRule(pub('a\u0000')), 'MQTT-1.5.3-2');
  assert.is(encodeRule({ type: 'connect', clientId: 'x\u0000', clean: true, keepalive: 0 }), 'MQTT-1.5.3-2');
});

test('MQTT-1.5.3: length prefixes count UTF-8 bytes, not UTF-16 units; 65,535 at most', () => {
  const topic = 'é中😀'; // 4 UTF-16 units, 2+3+4 = 9 bytes
  const bytes = encodePacket(pub(topic));
  assert.is((bytes[2]! << 8) | bytes[3]!, 9);
  assert.equal(Array.from(bytes.subarray(4, 13)), Array.from(utf8Encode(topic)));
  const [p] = new PacketReader().push(bytes);
  assert.is(p?.type === 'publish' && p.topic, topic);
  assert.is(encodeRule(pub('a'.repeat(65_535))), 'ok');
  assert.is(encodeRule(pub('é'.repeat(32_768))), 'MQTT §1.5.3'); // 32,768 units but 65,536 bytes
});

test('MQTT-3.3.2-2: no wildcards in topic names (PUBLISH and will)', () => {
  assert.is(encodeRule(pub('a/+/b')), 'MQTT-3.3.2-2');
  assert.is(encodeRule(pub('a/#')), 'MQTT-3.3.2-2');
  assert.is(decodeRule(rawPublish(utf8Encode('a/#'))), 'MQTT-3.3.2-2');
  assert.is(encodeRule({ type: 'connect', clientId: 'c', clean: true, keepalive: 0, will: { topic: 'w/+', payload: new Uint8Array(0), qos: 0, retain: false } }), 'MQTT-3.3.2-2');
});

test('MQTT-4.7.1-2 / MQTT-4.7.1-3: wildcard placement in filters', () => {
  const sub = (topic: string): Packet => ({ type: 'subscribe', packetId: 1, subscriptions: [{ topic, qos: 0 }] });
  for (const ok of ['#', '+', '+/+', 'a/+/#', '/', 'a//b', '/#', '+/', 'sport/tennis/#', '$SYS/#']) assert.is(encodeRule(sub(ok)), 'ok', ok);
  for (const bad of ['a/#/b', 'a#', '#/', 'sport/tennis#', '##']) assert.is(encodeRule(sub(bad)), 'MQTT-4.7.1-2', bad);
  for (const bad of ['a+', '+a/b', 'a/b+/c', '++']) assert.is(encodeRule(sub(bad)), 'MQTT-4.7.1-3', bad);
  assert.is(encodeRule({ type: 'unsubscribe', packetId: 1, topics: ['a/#/b'] }), 'MQTT-4.7.1-2');
  // SUBSCRIBE id 1, filter 'a#' QoS 0, as a broker-bound client would send it.
  assert.is(decodeRule('82060001000261' + '23' + '00'), 'MQTT-4.7.1-2');
});

test('MQTT-4.7.3-1: topic names and filters are at least one character', () => {
  assert.is(encodeRule(pub('')), 'MQTT-4.7.3-1');
  assert.is(encodeRule({ type: 'subscribe', packetId: 1, subscriptions: [{ topic: '', qos: 0 }] }), 'MQTT-4.7.3-1');
  assert.is(decodeRule('30020000'), 'MQTT-4.7.3-1');
});

test('MQTT-2.3.1-1: packet identifiers are non-zero', () => {
  assert.is(encodeRule(pub('a', { qos: 1, packetId: 0 })), 'MQTT-2.3.1-1');
  assert.is(encodeRule(pub('a', { qos: 2 })), 'MQTT-2.3.1-1');
  assert.is(encodeRule({ type: 'subscribe', packetId: 0, subscriptions: [{ topic: 'a', qos: 0 }] }), 'MQTT-2.3.1-1');
  assert.is(encodeRule({ type: 'unsubscribe', packetId: 65_536, topics: ['a'] }), 'MQTT-2.3.1-1');
  assert.is(encodeRule({ type: 'puback', packetId: 0 }), 'MQTT-2.3.1-1');
  assert.is(decodeRule('32050001610000'), 'MQTT-2.3.1-1'); // PUBLISH QoS 1 id 0
  assert.is(decodeRule('40020000'), 'MQTT-2.3.1-1');
  assert.is(decodeRule('a2050000000161'), 'MQTT-2.3.1-1'); // UNSUBSCRIBE id 0
  assert.is(encodeRule(pub('a', { packetId: 5 })), 'MQTT-2.3.1-5'); // QoS 0 carries none
});

test('MQTT-2.2.2-2: reserved header flags must be exact', () => {
  assert.is(decodeRule('60020001'), 'MQTT-2.2.2-2'); // PUBREL flags 0000, must be 0010
  assert.is(decodeRule('62020001'), 'ok');
  assert.is(decodeRule('42020001'), 'MQTT-2.2.2-2'); // PUBACK flags 0010
  assert.is(decodeRule('80060001000161' + '00'), 'MQTT-2.2.2-2'); // SUBSCRIBE flags 0000
  assert.is(decodeRule('a0050001000161'), 'MQTT-2.2.2-2'); // UNSUBSCRIBE flags 0000
  assert.is(decodeRule('c100'), 'MQTT-2.2.2-2');
  assert.is(decodeRule('d800'), 'MQTT-2.2.2-2');
  assert.is(decodeRule('e400'), 'MQTT-2.2.2-2');
  assert.is(decodeRule('2102' + '0000'), 'MQTT-2.2.2-2');
  // Refused on the first byte, before any body is buffered.
  assert.is(ruleOf(() => new PacketReader().push(Uint8Array.of(0x61))), 'MQTT-2.2.2-2');
  // Our encoder writes the required flags.
  assert.is(encodePacket({ type: 'pubrel', packetId: 1 })[0], 0x62);
  assert.is(encodePacket({ type: 'subscribe', packetId: 1, subscriptions: [{ topic: 'a', qos: 0 }] })[0], 0x82);
  assert.is(encodePacket({ type: 'unsubscribe', packetId: 1, topics: ['a'] })[0], 0xa2);
});

test('MQTT-2.2.1: packet types 0 and 15 are reserved', () => {
  assert.is(decodeRule('0000'), 'MQTT §2.2.1');
  assert.is(decodeRule('f000'), 'MQTT §2.2.1');
});

test('QoS 3 refused: PUBLISH (MQTT-3.3.1-4), SUBSCRIBE (MQTT-3.8.3-4), will (MQTT-3.1.2-14)', () => {
  assert.is(decodeRule('36050001610001'), 'MQTT-3.3.1-4');
  assert.is(encodeRule(pub('a', { qos: 3 as 0, packetId: 1 })), 'MQTT-3.3.1-4');
  assert.is(decodeRule('82060001000161' + '03'), 'MQTT-3.8.3-4');
  assert.is(decodeRule('82060001000161' + '04'), 'MQTT-3.8.3-4'); // reserved bits of the QoS byte
  assert.is(encodeRule({ type: 'subscribe', packetId: 1, subscriptions: [{ topic: 'a', qos: 3 as 0 }] }), 'MQTT-3.8.3-4');
  assert.is(encodeRule({ type: 'connect', clientId: 'c', clean: true, keepalive: 0, will: { topic: 'w', payload: new Uint8Array(0), qos: 3 as 0, retain: false } }), 'MQTT-3.1.2-14');
  // CONNECT, flags: will, will QoS 3, clean.
  assert.is(decodeRule('101300044d51545404' + '1e' + '0000' + '0001' + '63' + '0001' + '77' + '0001' + '78'), 'MQTT-3.1.2-14');
});

test('MQTT-3.3.1-2: DUP must be 0 for QoS 0', () => {
  assert.is(encodeRule(pub('a', { dup: true })), 'MQTT-3.3.1-2');
  assert.is(decodeRule('3803000161'), 'MQTT-3.3.1-2');
});

test('CONNECT: a password needs a user name (MQTT-3.1.2-22); empty client id needs clean session (MQTT-3.1.3-7)', () => {
  assert.is(encodeRule({ type: 'connect', clientId: 'c', clean: true, keepalive: 0, password: utf8Encode('p') }), 'MQTT-3.1.2-22');
  assert.is(encodeRule({ type: 'connect', clientId: '', clean: false, keepalive: 0 }), 'MQTT-3.1.3-7');
  assert.is(encodeRule({ type: 'connect', clientId: '', clean: true, keepalive: 0 }), 'ok');
  // flags 0x42: password, clean, no user name
  assert.is(decodeRule('100f00044d51545404' + '42' + '0000' + '0001' + '63' + '0001' + '70'), 'MQTT-3.1.2-22');
  // flags 0x00: empty client id without clean session
  assert.is(decodeRule('100c00044d51545404' + '00' + '0000' + '0000'), 'MQTT-3.1.3-7');
  assert.is(decodeRule('100c00044d51545404' + '01' + '0000' + '0000'), 'MQTT-3.1.2-3'); // reserved flag
  assert.is(decodeRule('100c00044d51545404' + '12' + '0000' + '0000'), 'MQTT-3.1.2-13'); // will QoS without will
  assert.is(decodeRule('100c00044d51545404' + '22' + '0000' + '0000'), 'MQTT-3.1.2-15'); // will retain without will
  assert.is(decodeRule('100c00044d51545a04' + '02' + '0000' + '0000'), 'MQTT-3.1.2-1'); // 'MQTZ'
});

test('CONNACK: codes 0-5 named, 6+ refused, session present only with 0', () => {
  assert.is(CONNACK_RETURN_CODES[0], 'Connection Accepted');
  assert.is(CONNACK_RETURN_CODES[1], 'Connection Refused, unacceptable protocol version');
  assert.is(CONNACK_RETURN_CODES[2], 'Connection Refused, identifier rejected');
  assert.is(CONNACK_RETURN_CODES[3], 'Connection Refused, Server unavailable');
  assert.is(CONNACK_RETURN_CODES[4], 'Connection Refused, bad user name or password');
  assert.is(CONNACK_RETURN_CODES[5], 'Connection Refused, not authorized');
  for (let code = 0; code <= 5; code++) assert.equal(decodeHex(`20020${0}0${code}`), [{ type: 'connack', sessionPresent: false, returnCode: code }]);
  assert.is(decodeRule('20020006'), 'MQTT §3.2.2.3');
  assert.is(decodeRule('200200ff'), 'MQTT §3.2.2.3');
  assert.is(decodeRule('20020105'), 'MQTT-3.2.2-4');
  assert.is(decodeRule('20020200'), 'MQTT §3.2.2.1');
  assert.is(encodeRule({ type: 'connack', sessionPresent: false, returnCode: 6 as 0 }), 'MQTT §3.2.2.3');
});

test('SUBACK: return codes 0, 1, 2 and 0x80 only (MQTT-3.9.3-2)', () => {
  assert.equal(decodeHex('90060001000102' + '80'), [{ type: 'suback', packetId: 1, returnCodes: [0, 1, 2, 0x80] }]);
  assert.is(decodeRule('9003000103'), 'MQTT-3.9.3-2');
  assert.is(decodeRule('9003000181'), 'MQTT-3.9.3-2');
  assert.is(encodeRule({ type: 'suback', packetId: 1, returnCodes: [0x81 as 0] }), 'MQTT-3.9.3-2');
});

test('SUBSCRIBE and UNSUBSCRIBE need at least one filter (MQTT-3.8.3-3, MQTT-3.10.3-2)', () => {
  assert.is(decodeRule('82020001'), 'MQTT-3.8.3-3');
  assert.is(decodeRule('a2020001'), 'MQTT-3.10.3-2');
  assert.is(encodeRule({ type: 'subscribe', packetId: 1, subscriptions: [] }), 'MQTT-3.8.3-3');
  assert.is(encodeRule({ type: 'unsubscribe', packetId: 1, topics: [] }), 'MQTT-3.10.3-2');
});

test('max inbound packet size: refused at the length, exact limit accepted', () => {
  const bytes = encodePacket(pub('a', { payload: new Uint8Array(100) }));
  assert.is(ruleOf(() => new PacketReader({ maxPacketSize: bytes.length }).push(bytes)), 'ok');
  const r = new PacketReader({ maxPacketSize: bytes.length - 1 });
  assert.is(ruleOf(() => r.push(bytes.subarray(0, 2))), 'microtls-max-packet-size');
});

test('after a violation the reader stays failed (the connection must close)', () => {
  const r = new PacketReader();
  assert.is(ruleOf(() => r.push(fromHex('60020001'))), 'MQTT-2.2.2-2');
  assert.is(ruleOf(() => r.push(fromHex('c000'))), 'MQTT-2.2.2-2');
});

test('decodePacket decodes one complete body', () => {
  assert.equal(decodePacket(0x62, fromHex('1234')), { type: 'pubrel', packetId: 0x1234 });
});

test.run();
