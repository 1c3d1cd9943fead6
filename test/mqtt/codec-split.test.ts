/**
 * The streaming decoder must produce the same packets however the byte stream is cut:
 * at every byte (including inside the remaining-length field), one byte at a time, and
 * with several packets per chunk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketReader, encodePacket, type Packet } from '../../src/mqtt/codec/index.js';
import { Gen, PACKET_TYPES, normalize, randomPacket } from './random-packets.js';

function streamOf(packets: Packet[]): Uint8Array {
  const parts = packets.map(encodePacket);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function decodeChunks(chunks: Uint8Array[]): unknown[] {
  const r = new PacketReader();
  const out: Packet[] = [];
  for (const c of chunks) out.push(...r.push(c));
  assert.ok(r.idle, 'no partial packet left over');
  return out.map(normalize);
}

// Small packets of every type (payloads up to 300 bytes so 1- and 2-byte remaining lengths occur).
const g = new Gen(7);
const packets: Packet[] = [];
for (const type of PACKET_TYPES) for (let k = 0; k < 3; k++) packets.push(randomPacket(g, type));
for (const p of packets) if (p.type === 'publish') p.payload = p.payload.subarray(0, 300);
const stream = streamOf(packets);
const expected = packets.map(normalize);

test(`every split point of a ${packets.length}-packet stream (${stream.length} bytes) gives the same packets`, () => {
  for (let i = 0; i <= stream.length; i++) {
    assert.equal(decodeChunks([stream.subarray(0, i), stream.subarray(i)]), expected, `split at ${i}`);
  }
});

test('one byte at a time', () => {
  const chunks = Array.from(stream, (_b, i) => stream.subarray(i, i + 1));
  assert.equal(decodeChunks(chunks), expected);
});

test('random chunk sizes, several packets per chunk', () => {
  const rg = new Gen(99);
  for (let round = 0; round < 200; round++) {
    const chunks: Uint8Array[] = [];
    for (let off = 0; off < stream.length;) {
      const n = rg.int(1, 400);
      chunks.push(stream.subarray(off, off + n));
      off += n;
    }
    assert.equal(decodeChunks(chunks), expected);
  }
});

test('3- and 4-byte remaining lengths split inside the length field', () => {
  for (const size of [20_000, 2_100_000]) {
    const big: Packet = { type: 'publish', topic: 't', payload: new Uint8Array(size).fill(7), qos: 1, retain: false, dup: false, packetId: 9 };
    const s = streamOf([big, { type: 'pingresp' }]);
    for (let i = 0; i <= 8; i++) {
      const r = new PacketReader();
      const got = [...r.push(s.subarray(0, i)), ...r.push(s.subarray(i, 1000)), ...r.push(s.subarray(1000))];
      assert.is(got.length, 2, `split at ${i}`);
      const p = got[0]!;
      assert.ok(p.type === 'publish' && p.packetId === 9 && p.payload.length === size && p.payload.every((b) => b === 7));
      assert.is(got[1]!.type, 'pingresp');
    }
  }
});

test.run();
