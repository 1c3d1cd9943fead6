/**
 * Mutated packets into the MQTT decoder (the streaming PacketReader and decodePacket behind
 * it). Each case is fed whole and byte by byte: the two verdicts must agree.
 */
import { encodePacket, PacketReader } from '../../../src/mqtt/codec/index.js';
import { MicroTlsError } from '../../../src/errors.js';
import { Gen, PACKET_TYPES, randomPacket } from '../../../test/mqtt/random-packets.js';
import { concatBytes } from '../../../src/encoding/bytes.js';
import { escapeReason } from '../verdict.js';
import { stepCounts, type FuzzTarget } from '../target.js';

/**
 * The error name, or the number of packets when the input decoded. (push() drops the
 * packets of a chunk that ends in a violation: the stream is dead then, so only the
 * verdict is compared.) Escapes propagate.
 */
function verdict(chunks: Iterable<Uint8Array>): string {
  const reader = new PacketReader({ maxPacketSize: 1 << 20 });
  let packets = 0;
  try {
    for (const c of chunks) packets += reader.push(c).length;
  } catch (e) {
    if (escapeReason(e) !== undefined) throw e;
    stepCounts.refused++;
    return (e as MicroTlsError).codeName;
  }
  stepCounts.completed++;
  return `${packets} packets`;
}

function* bytewise(b: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < b.length; i++) yield b.subarray(i, i + 1);
}

export function runMqttCase(input: Uint8Array): void {
  const whole = verdict([input]);
  const split = verdict(bytewise(input));
  if (whole !== split) throw new Error(`verdict depends on chunking: whole "${whole}", byte by byte "${split}"`);
}

export const mqttTarget: FuzzTarget = {
  name: 'mqtt',
  seeds() {
    const g = new Gen(0x6d717474);
    const out: Uint8Array[] = [];
    for (let k = 0; k < 8; k++) for (const t of PACKET_TYPES) out.push(encodePacket(randomPacket(g, t)));
    // Several packets in one read, as a broker sends them.
    for (let k = 0; k < 8; k++) out.push(concatBytes(...PACKET_TYPES.map((t) => encodePacket(randomPacket(g, t)))));
    return out;
  },
  run: runMqttCase,
};
