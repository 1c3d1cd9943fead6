/**
 * Differential tests against mqtt-packet: random valid packets of all 14 types, encoded
 * by each side and decoded by the other; the encodings must also be byte-identical.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import mqttPacket from 'mqtt-packet';
import { encodePacket, PacketReader, type Packet } from '../../src/mqtt/codec/index.js';
import { Gen, PACKET_TYPES, fromMqttPacket, normalize, randomPacket, toMqttPacket } from './random-packets.js';

const PER_TYPE = 300;

function parseWithMqttPacket(bytes: Uint8Array): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p: mqttPacket.Packet) => out.push(fromMqttPacket(p as unknown as Record<string, unknown>)));
  parser.on('error', (e: Error) => errors.push(e));
  parser.parse(Buffer.from(bytes));
  if (errors.length) throw errors[0];
  return out;
}

for (const [i, type] of PACKET_TYPES.entries()) {
  test(`${type}: ours -> mqtt-packet and mqtt-packet -> ours, ${PER_TYPE} random packets`, () => {
    const g = new Gen(0xc0ffee + i);
    for (let n = 0; n < PER_TYPE; n++) {
      const p = randomPacket(g, type);
      const ours = encodePacket(p);
      const theirs = new Uint8Array(mqttPacket.generate(toMqttPacket(p) as mqttPacket.Packet, { protocolVersion: 4 }));
      assert.equal(Array.from(ours), Array.from(theirs), `byte-identical encoding #${n} ${JSON.stringify(normalize(p)).slice(0, 200)}`);

      const parsedByThem = parseWithMqttPacket(ours);
      assert.is(parsedByThem.length, 1);
      assert.equal(normalize(parsedByThem[0]!), normalize(p), `mqtt-packet decodes ours #${n}`);

      const parsedByUs = new PacketReader().push(theirs);
      assert.is(parsedByUs.length, 1);
      assert.equal(normalize(parsedByUs[0]!), normalize(p), `we decode mqtt-packet's #${n}`);
    }
  });
}

test('a stream of every type back to back decodes the same on both sides', () => {
  const g = new Gen(42);
  const packets = Array.from({ length: 200 }, () => randomPacket(g, g.pick(PACKET_TYPES)));
  const stream = new Uint8Array(packets.reduce((n, p) => n + encodePacket(p).length, 0));
  let off = 0;
  for (const p of packets) {
    const b = encodePacket(p);
    stream.set(b, off);
    off += b.length;
  }
  assert.equal(parseWithMqttPacket(stream).map(normalize), packets.map(normalize));
  assert.equal(new PacketReader().push(stream).map(normalize), packets.map(normalize));
});

test.run();
