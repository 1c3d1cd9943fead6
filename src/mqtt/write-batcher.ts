/**
 * Coalesces the packets written in one turn of the event loop into one transport write.
 * Over TLS each write becomes at least one record (header, MAC/tag, a cipher call), so a
 * burst of small PUBLISHes costs one record instead of hundreds -- on a microcontroller
 * that is most of the CPU time of a burst. Flushing at the end of the current microtask
 * queue adds no latency.
 */
type WriteCallback = (err?: Error | null) => void;

const schedule: (fn: () => void) => void =
  typeof (globalThis as { queueMicrotask?: unknown }).queueMicrotask === 'function'
    ? (fn) => (globalThis as unknown as { queueMicrotask(f: () => void): void }).queueMicrotask(fn)
    : (fn) => void Promise.resolve().then(fn);

export class WriteBatcher {
  private chunks: Uint8Array[] = [];
  private callbacks: WriteCallback[] = [];
  private size = 0;
  private scheduled = false;

  // `declare`: set in the constructor, so no field definition (`= undefined` first) is emitted.
  private declare readonly sink: (bytes: Uint8Array, cb: WriteCallback) => void;
  private declare readonly maxBatch: number;

  /** `maxBatch`: flush at once past this many bytes, so a burst never builds one huge buffer. */
  constructor(sink: (bytes: Uint8Array, cb: WriteCallback) => void, maxBatch = 64 * 1024) {
    this.sink = sink;
    this.maxBatch = maxBatch;
  }

  write(bytes: Uint8Array, cb?: WriteCallback): void {
    this.chunks.push(bytes);
    if (cb) this.callbacks.push(cb);
    this.size += bytes.length;
    if (this.size >= this.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      schedule(() => this.flush());
    }
  }

  /** Writes what is pending now (before end(), so DISCONNECT is not left behind). */
  flush(): void {
    this.scheduled = false;
    if (this.chunks.length === 0) return;
    let data: Uint8Array;
    if (this.chunks.length === 1) data = this.chunks[0]!;
    else {
      data = new Uint8Array(this.size);
      let off = 0;
      for (const c of this.chunks) {
        data.set(c, off);
        off += c.length;
      }
    }
    const callbacks = this.callbacks;
    this.chunks = [];
    this.callbacks = [];
    this.size = 0;
    this.sink(data, (err) => {
      for (const cb of callbacks) cb(err);
    });
  }
}
