/**
 * What the Espruino TLS socket and the plain-TCP one share over a `net` socket, which
 * buffers writes without bound, cannot stop reading, and says only 'drain' (its buffer
 * emptied):
 *   - writes: the bytes handed over since the last 'drain' count as queued; past the
 *     high-water mark write() returns false and holds its callback until 'drain'; past the
 *     limit the connection fails with NET_SEND_FAILED instead of growing RAM while the peer
 *     does not read;
 *   - reads: bytes that arrive while reading is paused, or before any 'data' listener exists
 *     (connect() resolves, and its `.then` attaches the listener, only after the data that
 *     came in the same TCP read as the server's Finished was decrypted), are held, not
 *     dropped, and handed over on resume() or when a listener attaches. Espruino's socket
 *     keeps reading meanwhile, so the hold is bounded: past its limit the connection fails
 *     with SSL_BUFFER_TOO_SMALL (the held bytes are then dropped). 'end', 'error' and
 *     'close' that happen meanwhile wait behind the held data, so a listener sees the data
 *     first.
 */
import { MicroTlsError } from '../errors.js';
import { Emitter } from '../mqtt/emitter.js';

declare function setTimeout(fn: () => void, ms: number): number;

/** Default bytes that may wait to be sent before the connection fails. */
export const ESPRUINO_WRITE_QUEUE_LIMIT = 64 * 1024;
/** Queued bytes past which write() returns false and holds its callback until 'drain'. */
export const ESPRUINO_WRITE_HIGH_WATER = 16 * 1024;
/** Default received bytes held while paused or unheard before the connection fails. */
export const ESPRUINO_READ_HOLD_LIMIT = 32 * 1024;

type WriteCallback = (err?: Error | null) => void;

/** The parts of an Espruino `net` socket used here (declared: it exists only on the device). */
export interface EspruinoSocket {
  write(data: string): unknown;
  end(): unknown;
  on(event: 'data', fn: (data: string) => void): unknown;
  on(event: 'close' | 'end' | 'drain', fn: () => void): unknown;
  on(event: 'error', fn: (err: unknown) => void): unknown;
}

export interface EspruinoStreamEvents {
  data: (chunk: Uint8Array) => void;
  close: () => void;
  error: (err: Error) => void;
  end: () => void;
  drain: () => void;
}

type TailEvent = ['end'] | ['close'] | ['error', Error];

export abstract class EspruinoStream extends Emitter<EspruinoStreamEvents> {
  destroyed = false;
  /** Bytes handed to the socket since its last 'drain'. */
  private pending = 0;
  /** Callbacks of writes that went past the high-water mark, run on 'drain'. */
  private waiting: WriteCallback[] = [];
  private paused = false;
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private tail: TailEvent[] = [];
  private releasing = false;
  // `declare`: set in the constructor (closeError once closed), so no field definition is emitted.
  protected declare closeError: Error | undefined;
  protected declare readonly tcp: EspruinoSocket;
  private declare readonly writeLimit: number;
  private declare readonly holdLimit: number;

  constructor(tcp: EspruinoSocket, writeLimit = ESPRUINO_WRITE_QUEUE_LIMIT, holdLimit = ESPRUINO_READ_HOLD_LIMIT) {
    super();
    this.tcp = tcp;
    this.writeLimit = writeLimit;
    this.holdLimit = holdLimit;
  }

  /** Bytes handed to the socket and not yet sent, as far as 'drain' tells. */
  get writableLength(): number {
    return this.destroyed ? 0 : this.pending;
  }

  /** Stops 'data' events; what arrives meanwhile is held (bounded, see above). */
  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    this.scheduleRelease();
    return this;
  }

  override on<K extends keyof EspruinoStreamEvents>(event: K, listener: EspruinoStreamEvents[K]): this {
    // Not super.on(): Espruino resolves `super` from the instance's class, so in a subclass it calls this method again.
    Emitter.prototype.on.call(this, event, listener);
    if (event === 'data' || event === 'end' || event === 'close') this.scheduleRelease();
    return this;
  }

  /** The socket's 'drain': its buffer is empty. */
  drained(): void {
    this.pending = 0;
    const waiting = this.waiting;
    this.waiting = [];
    for (const cb of waiting) cb(null);
    if (!this.destroyed) this.emit('drain');
  }

  /** Counts `n` bytes about to go to the socket; past the limit, fails the connection and returns false. */
  protected admit(n: number): boolean {
    if (this.pending + n > this.writeLimit) {
      this.fail(new MicroTlsError('NET_SEND_FAILED', `over ${this.writeLimit} bytes unsent (writeQueueLimit): the peer stopped reading`));
      return false;
    }
    this.pending += n;
    return true;
  }

  /** After a write went to the socket: true under the high-water mark, else its callback waits for 'drain'. */
  protected accepted(callback: WriteCallback | undefined): boolean {
    if (this.pending <= ESPRUINO_WRITE_HIGH_WATER) {
      if (callback) setTimeout(() => callback(null), 0);
      return true;
    }
    if (callback) this.waiting.push(callback);
    return false;
  }

  /**
   * @internal Received bytes, handed to the 'data' listeners from a timer, not from inside
   * the engine's receive(): what a listener does (an MQTT client answering, or ending, at
   * once) would otherwise run under the TLS engine's and this socket's method frames, and
   * Espruino never frees an object once 15 locks are held on it at one time
   * (espruino/Espruino#2616 upstream), about two per nested method frame on `this`. Held while paused or unheard.
   */
  received(bytes: Uint8Array): void {
    if (this.destroyed) return;
    // Bounded while paused or unheard; otherwise what is held goes out on the next tick.
    if ((this.paused || this.listenerCount('data') === 0) && this.heldBytes + bytes.length > this.holdLimit) {
      // The failure is what is reported; what was held goes with the connection.
      this.held = [];
      this.heldBytes = 0;
      this.fail(new MicroTlsError('SSL_BUFFER_TOO_SMALL', `over ${this.holdLimit} bytes received while paused or without a 'data' listener`));
      return;
    }
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (!this.paused && this.listenerCount('data') > 0) this.scheduleRelease();
  }

  /** 'end', 'error' or 'close', after any held data. */
  protected emitAfterData(event: TailEvent): void {
    if (this.held.length === 0 && this.tail.length === 0) {
      this.emitTail(event);
      return;
    }
    this.tail.push(event);
    // Someone waits for it now: without a 'data' listener nothing else would release it. With
    // no listener at all it waits for one (connect()'s `.then` attaches them after this).
    if (this.listenerCount(event[0]) > 0) this.scheduleRelease();
  }

  /** Fails the connection (reported as 'error', then 'close'). */
  protected abstract fail(err: MicroTlsError): void;

  /**
   * Closes the socket once: the TCP side is ended, writes waiting for 'drain' fail, then
   * 'error' (when `err` is given) and 'close' follow any held data.
   */
  protected shut(err?: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.tcp.end();
    } catch {
      // already closed by the peer
    }
    this.closeError = err;
    const waiting = this.waiting;
    this.waiting = [];
    this.pending = 0;
    for (const cb of waiting) cb(err ?? new MicroTlsError('NET_CONN_RESET', 'connection closed before the data was sent'));
    // From a timer, as Node emits them: end() is often called from a listener or a promise's
    // callback, and the frames of emitting here on top of those would hold more than 15 locks
    // on this socket at once, after which Espruino never frees it (espruino/Espruino#2616).
    setTimeout(() => {
      if (err) this.emitAfterData(['error', err]);
      this.emitAfterData(['close']);
    }, 0);
  }

  private emitTail(event: TailEvent): void {
    if (event[0] === 'error') this.emit('error', event[1]);
    else this.emit(event[0]);
  }

  private scheduleRelease(): void {
    if (this.releasing || (this.held.length === 0 && this.tail.length === 0)) return;
    this.releasing = true;
    // Not at once: the caller of on() or resume() finishes attaching its listeners first.
    setTimeout(() => {
      this.releasing = false;
      this.release();
    }, 0);
  }

  private release(): void {
    while (this.held.length > 0 && !this.paused && this.listenerCount('data') > 0) {
      const chunk = this.held.shift()!;
      this.heldBytes -= chunk.length;
      this.emit('data', chunk);
    }
    // Paused, the end waits behind the data (as a paused Readable's does). Without a 'data'
    // listener the data stays held for one that attaches later, but the end is not kept
    // from those who wait for it.
    if (this.paused && this.held.length > 0) return;
    const tail = this.tail;
    this.tail = [];
    for (const e of tail) this.emitTail(e);
  }
}
