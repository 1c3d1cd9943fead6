/**
 * Streaming framer: bytes arrive in chunks of any size (one byte, the middle of the
 * remaining length, several packets at once) and whole packets come out. The body
 * buffer is filled in place; it starts small and doubles (up to the announced length) as
 * bytes actually arrive, so memory follows what the peer sent, never what it announced:
 * 5 bytes claiming a 256 MB packet must not cost 256 MB.
 */
import { MqttProtocolError, protocolError } from '../errors.js';
import { checkFixedHeader, decodePacket } from './decode.js';
import type { Packet } from './packets.js';

/** First body allocation; bigger bodies grow by doubling as their bytes come in. */
const INITIAL_BODY = 16 * 1024;

export interface PacketReaderOptions {
  /**
   * Largest whole packet (fixed header included) accepted, in bytes. A bigger one is
   * refused as soon as its remaining length is read, before anything is buffered.
   * Default 268,435,460 (the protocol maximum).
   */
  maxPacketSize?: number;
}

export class PacketReader {
  // `declare`: set in the constructor (body while a packet arrives, failed after a violation), so no field definition is emitted.
  private declare readonly maxPacketSize: number;
  private first = -1;
  private length = 0;
  private lengthBytes = 0;
  private multiplier = 1;
  private declare body: Uint8Array | undefined;
  private filled = 0;
  private declare failed: MqttProtocolError | undefined;

  constructor(options: PacketReaderOptions = {}) {
    this.maxPacketSize = options.maxPacketSize ?? 268_435_460;
  }

  /** Packets completed by this chunk, in order. After a violation every call rethrows it: the stream is unusable. */
  push(chunk: Uint8Array): Packet[] {
    if (this.failed) throw this.failed;
    try {
      return this.consume(chunk);
    } catch (e) {
      if (e instanceof MqttProtocolError) this.failed = e;
      throw e;
    }
  }

  /** True between packets; false while a packet is partly received (useful at end of stream). */
  get idle(): boolean {
    return this.first < 0;
  }

  private consume(chunk: Uint8Array): Packet[] {
    const out: Packet[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.first < 0) {
        this.first = chunk[i++]!;
        checkFixedHeader(this.first);
        continue;
      }
      if (this.body === undefined) {
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (b & 0x80) {
          if (this.lengthBytes === 4) protocolError('MQTT §2.2.3', 'remaining length is longer than 4 bytes');
          continue;
        }
        const total = 1 + this.lengthBytes + this.length;
        if (total > this.maxPacketSize) {
          protocolError('microtls-max-packet-size', `${total}-byte packet over maxPacketSize ${this.maxPacketSize}`, { size: total });
        }
        this.body = new Uint8Array(Math.min(this.length, INITIAL_BODY));
        this.filled = 0;
      } else {
        const n = Math.min(this.length - this.filled, chunk.length - i);
        if (this.filled + n > this.body.length) {
          const grown = new Uint8Array(Math.min(this.length, Math.max(this.body.length * 2, this.filled + n)));
          grown.set(this.body.subarray(0, this.filled));
          this.body = grown;
        }
        this.body.set(chunk.subarray(i, i + n), this.filled);
        this.filled += n;
        i += n;
      }
      if (this.filled === this.length) out.push(this.finish());
    }
    return out;
  }

  private finish(): Packet {
    const packet = decodePacket(this.first, this.body!);
    this.first = -1;
    this.length = 0;
    this.lengthBytes = 0;
    this.multiplier = 1;
    this.body = undefined;
    return packet;
  }
}
