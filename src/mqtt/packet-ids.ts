/**
 * Packet identifiers 1-65535 (0 is not an identifier, MQTT-2.3.1-1), never one still in
 * flight (MQTT-2.3.1-2 requires a fresh id per new SUBSCRIBE/UNSUBSCRIBE/PUBLISH).
 * Round-robin, so a just-released id is not reused at once and late acks stay unambiguous.
 */
export class PacketIdAllocator {
  private last = 0;
  private readonly used = new Set<number>();

  /** A free id, or undefined when all 65,535 are in flight. */
  allocate(): number | undefined {
    if (this.used.size >= 0xffff) return undefined;
    let id = this.last;
    do id = id >= 0xffff ? 1 : id + 1;
    while (this.used.has(id));
    this.used.add(id);
    this.last = id;
    return id;
  }

  release(id: number): void {
    this.used.delete(id);
  }
}
