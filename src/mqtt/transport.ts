/**
 * What the client needs from a connection: the subset of a Node stream.Duplex it uses,
 * so a net.Socket, microtls's TlsSocket or any Duplex fits as is, and a device port can
 * wrap its own socket API in a few lines.
 */
export interface DuplexLike {
  write(chunk: Uint8Array, callback?: (err?: Error | null) => void): boolean;
  end(): unknown;
  destroy(err?: Error): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeAllListeners?(event?: string): unknown;
  /**
   * Stop and restart 'data' events (stream.Readable's). The client pauses while more than
   * writeBufferLimit bytes of its writes wait, so a peer that stops reading cannot make the
   * client's answers pile up; a transport without them gets no read backpressure.
   */
  pause?(): unknown;
  resume?(): unknown;
  /** true for TLS sockets (Node's tls.TLSSocket and microtls's TlsSocket have it). */
  readonly encrypted?: boolean;
  /** microtls TLS sockets: the most recent Mbed TLS error codes, newest first (the device's "Status codes"). */
  readonly lastErrors?: readonly number[];
}

/**
 * One connection attempt, as the factory sees it. The client abandons an attempt whose
 * transport is not up yet when connectTimeout passes or end() is called; the factory should
 * then close what it opened (a half-open TCP socket, a TLS handshake in progress) at once.
 */
export interface TransportAttempt {
  readonly cancelled: boolean;
  /** `fn` runs once when the attempt is abandoned (at once if it already was). */
  onCancel(fn: () => void): void;
}

/**
 * Called for every connection attempt (first connect and each reconnect). Resolves once
 * the stream is ready to carry MQTT (TCP connected, TLS handshake done).
 */
export type TransportFactory = (attempt?: TransportAttempt) => Promise<DuplexLike> | DuplexLike;

/** The client's side of a TransportAttempt. */
export class CancellableAttempt implements TransportAttempt {
  private handlers: (() => void)[] = [];
  private done = false;

  get cancelled(): boolean {
    return this.done;
  }

  onCancel(fn: () => void): void {
    if (this.done) fn();
    else this.handlers.push(fn);
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    for (const fn of this.handlers.splice(0)) fn();
  }
}
