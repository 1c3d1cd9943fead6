/**
 * Operations waiting for a connection. Bounded, and an overflow is reported to the
 * caller (the push fails) instead of dropping the oldest entry: losing a message must
 * never be silent.
 */
export class BoundedQueue<T> {
  private items: T[] = [];

  declare readonly limit: number; // set in the constructor: no field definition emitted

  constructor(limit: number) {
    this.limit = limit;
  }

  /** false when full: the caller must reject the operation. */
  push(item: T): boolean {
    if (this.items.length >= this.limit) return false;
    this.items.push(item);
    return true;
  }

  /** Puts interrupted operations back at the head, ignoring the limit: they were accepted already. */
  requeueFront(items: T[]): void {
    this.items = items.concat(this.items);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  drain(): T[] {
    const all = this.items;
    this.items = [];
    return all;
  }

  get length(): number {
    return this.items.length;
  }
}
