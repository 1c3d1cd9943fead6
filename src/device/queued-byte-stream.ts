/**
 * What both Moddable socket adapters share: a bounded queue of bytes waiting for room in
 * the socket, the close and failure paths, read pausing, and 'drain' when the queue
 * empties. Each adapter says only how much room its socket has, how to send and how to read.
 *
 * The queue is bounded because a peer that stops reading would otherwise grow it until the
 * device runs out of RAM: past `limit` the connection fails with NET_SEND_FAILED. Writers
 * that want to stay under it wait for 'drain' (DeviceTlsSocket holds write callbacks).
 */
import { MicroTlsError } from '../errors.js';
import type { ByteStream, ByteStreamEvents } from './byte-stream.js';

/** Default bytes that may wait to be sent before the connection fails (see ByteStream.queued). */
export const DEVICE_WRITE_QUEUE_LIMIT = 64 * 1024;

export abstract class QueuedByteStream implements ByteStream {
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private closing = false;
  private paused = false;
  protected connected = false;
  protected closed = false;

  constructor(protected readonly events: ByteStreamEvents, protected readonly where: string, private readonly limit = DEVICE_WRITE_QUEUE_LIMIT) {}

  /** How much the socket takes now (0: wait for its writable callback). */
  protected abstract room(): number;
  /** Sends bytes that fit in room(). */
  protected abstract send(bytes: Uint8Array): void;
  /** Hands what the socket has received to events.data. */
  protected abstract readAvailable(): void;
  protected abstract closeSocket(): void;

  get queued(): number {
    return this.queuedBytes;
  }

  write(bytes: Uint8Array): void {
    if (this.closed || this.closing) return;
    if (this.queuedBytes + bytes.length > this.limit) {
      this.fail(new MicroTlsError('NET_SEND_FAILED', `${this.where}: more than ${this.limit} bytes waiting to be sent; the peer stopped reading`));
      return;
    }
    this.queue.push(bytes);
    this.queuedBytes += bytes.length;
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closing = true;
    if (this.queue.length === 0 || !this.connected) this.finish();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.closed) this.readAvailable();
  }

  protected get readingPaused(): boolean {
    return this.paused;
  }

  protected connectedNow(): void {
    this.connected = true;
    this.events.connect();
    this.flush();
  }

  protected flush(): void {
    if (!this.connected || this.closed) return;
    let sent = false;
    while (this.queue.length > 0) {
      const free = this.room();
      if (free <= 0) break;
      const head = this.queue[0]!;
      const n = Math.min(head.length, free);
      try {
        this.send(n === head.length ? head : head.subarray(0, n));
      } catch (e) {
        this.fail(new MicroTlsError('NET_SEND_FAILED', `${this.where}: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      if (this.closed) return;
      sent = true;
      this.queuedBytes -= n;
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
    if (this.queue.length > 0) return;
    if (this.closing) this.finish();
    else if (sent) this.events.drain?.();
  }

  /** The peer closed: what it sent before closing is still delivered (paused or not), then close. */
  protected peerClosed(): void {
    if (this.closed) return;
    this.paused = false;
    this.readAvailable();
    this.finish();
  }

  protected fail(err: MicroTlsError): void {
    if (this.closed) return;
    // What the error handler writes (a TLS alert) is dropped, not queued past the limit again.
    this.closing = true;
    this.events.error(err);
    this.finish();
  }

  protected finish(): void {
    if (this.closed) return;
    this.closed = true;
    const unsent = this.queuedBytes;
    this.queue.length = 0;
    this.queuedBytes = 0;
    try {
      this.closeSocket();
    } catch {
      // Closing a socket the peer already closed may throw on some ports; it is gone either way.
    }
    this.events.close(unsent);
  }
}
