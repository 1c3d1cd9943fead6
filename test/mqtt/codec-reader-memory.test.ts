/**
 * Regression: the inbound packet-size bound must bound MEMORY, not only the accepted size. A
 * hostile broker announcing a 256 MB remaining length (5 bytes on the wire) must not make
 * the client allocate 256 MB before those bytes exist; memory has to follow what arrives.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PacketReader, encodePacket, type PublishPacket } from '../../src/mqtt/codec/index.js';

test('a 268,435,455-byte remaining length allocates nothing near that before the body arrives', () => {
  const r = new PacketReader();
  const before = process.memoryUsage().arrayBuffers;
  // PUBLISH QoS 0, remaining length 268,435,455 (ff ff ff 7f), then the start of a topic.
  r.push(Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0x7f]));
  r.push(Uint8Array.from([0x00, 0x01, 0x61, 1, 2, 3]));
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 16 * 1024 * 1024, `${(grown / 1048576).toFixed(1)} MB allocated for 11 received bytes`);
  assert.is(r.idle, false);
});

test('a large packet arriving in small chunks still decodes byte for byte', () => {
  const payload = new Uint8Array(700_000);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  const bytes = encodePacket({ type: 'publish', topic: 't/big', payload, qos: 1, packetId: 9, retain: false, dup: false });
  const both = new Uint8Array(bytes.length * 2);
  both.set(bytes);
  both.set(bytes, bytes.length);
  const r = new PacketReader();
  const out = [];
  for (let i = 0; i < both.length; i += 4093) out.push(...r.push(both.subarray(i, i + 4093)));
  assert.is(out.length, 2);
  for (const p of out as PublishPacket[]) {
    assert.is(p.topic, 't/big');
    assert.is(p.packetId, 9);
    assert.is(p.payload.length, payload.length);
    assert.ok(p.payload.every((b, i) => b === payload[i]));
  }
  assert.ok(r.idle);
});

test.run();
