/**
 * Counting what a subscriber got against what a publisher sent: lost, duplicated, and the
 * most PUBLISHes the publisher had unacknowledged at once. Shared by the MQTT fault tests.
 */
import type { MqttClient, PublishPacket } from '../../src/mqtt/index.js';
import { sleep } from './async.js';

export interface Tally {
  /** Times each payload arrived. */
  readonly got: Map<string, number>;
  lost(sent: readonly string[]): string[];
  duplicated(sent: readonly string[]): string[];
  /** Waits until every payload in `sent` arrived (or `ms` passed), then `settle` ms more for late duplicates. */
  waitAll(sent: readonly string[], ms?: number, settle?: number): Promise<void>;
}


export function tally(sub: MqttClient): Tally {
  const got = new Map<string, number>();
  sub.on('message', (_t, payload) => {
    const k = new TextDecoder().decode(payload);
    got.set(k, (got.get(k) ?? 0) + 1);
  });
  return {
    got,
    lost: (sent) => sent.filter((s) => !got.has(s)),
    duplicated: (sent) => sent.filter((s) => (got.get(s) ?? 0) > 1),
    async waitAll(sent, ms = 20_000, settle = 300) {
      const end = Date.now() + ms;
      while (Date.now() < end && sent.some((s) => !got.has(s))) await sleep(20);
      await sleep(settle);
    },
  };
}

/** The most QoS 1/2 PUBLISHes `c` had sent and not yet completed at any one time. */
export function inflightHighWater(c: MqttClient): () => number {
  const open = new Set<number>();
  let high = 0;
  c.on('packetsend', (p) => {
    if (p.type === 'publish' && (p as PublishPacket).qos > 0) {
      open.add((p as PublishPacket).packetId!);
      high = Math.max(high, open.size);
    }
  });
  c.on('packetreceive', (p) => {
    if ((p.type === 'puback' || p.type === 'pubcomp') && 'packetId' in p) open.delete(p.packetId);
  });
  c.on('close', () => open.clear());
  return () => high;
}
