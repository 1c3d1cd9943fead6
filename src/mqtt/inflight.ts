/**
 * Outgoing QoS 1/2 messages between PUBLISH and their final ack. Kept in send order
 * (a Map iterates in insertion order) because after a reconnect they must be re-sent in
 * the original order (section 4.6) with their original ids.
 */
import type { PublishPacket } from './codec/packets.js';

export interface InflightMessage {
  packet: PublishPacket & { packetId: number };
  /** The encoded PUBLISH, resent as is (DUP patched in) after a reconnect. */
  bytes: Uint8Array;
  /** 'publish': waiting for PUBACK (QoS 1) or PUBREC (QoS 2); 'pubrel': PUBREL sent, waiting for PUBCOMP. */
  stage: 'publish' | 'pubrel';
  resolve(): void;
  reject(err: Error): void;
}

export class InflightStore {
  private readonly messages = new Map<number, InflightMessage>();

  add(m: InflightMessage): void {
    this.messages.set(m.packet.packetId, m);
  }

  get(id: number): InflightMessage | undefined {
    return this.messages.get(id);
  }

  delete(id: number): InflightMessage | undefined {
    const m = this.messages.get(id);
    this.messages.delete(id);
    return m;
  }

  /** In original send order. */
  all(): InflightMessage[] {
    return Array.from(this.messages.values());
  }

  clear(): InflightMessage[] {
    const all = this.all();
    this.messages.clear();
    return all;
  }

  get size(): number {
    return this.messages.size;
  }
}
