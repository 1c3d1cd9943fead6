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
  /** microtls TLS sockets: the most recent Mbed TLS error codes, newest first (the device's "Status codes"). */
  readonly lastErrors?: readonly number[];
}

/**
 * Called for every connection attempt (first connect and each reconnect). Resolves once
 * the stream is ready to carry MQTT (TCP connected, TLS handshake done).
 */
export type TransportFactory = () => Promise<DuplexLike> | DuplexLike;
