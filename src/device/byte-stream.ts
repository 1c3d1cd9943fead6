/**
 * What a TLS connection needs from a device's TCP socket: bytes out, and events for
 * connected, bytes in, closed and failed. Each engine's socket API (ECMA-419, Moddable's
 * `socket` module, Espruino's `net`) is adapted to this in a few lines, so the TLS plumbing
 * over it (tls-stream.ts) is written once.
 */
import type { MicroTlsError } from '../errors.js';

export interface ByteStreamEvents {
  /** TCP connected: the first write may go out. */
  connect(): void;
  data(bytes: Uint8Array): void;
  /**
   * The peer closed, or the socket was closed locally. Called at most once. `unsent`: bytes
   * still queued, which were dropped (0 after a close() that sent everything).
   */
  close(unsent?: number): void;
  /** A network failure (connect refused, reset, unknown host). close() follows. */
  error(err: MicroTlsError): void;
  /** Every queued byte went to the socket (writers waiting on a full queue may go on). */
  drain?(): void;
}

export interface ByteStream {
  /** Queues bytes; the adapter sends them as the socket has room. */
  write(bytes: Uint8Array): void;
  /** Sends what is queued, then closes. */
  close(): void;
  /**
   * Bytes written and not yet taken by the socket. Adapters bound it (QueuedByteStream fails
   * the connection past its limit); writers wait for events.drain when it grows.
   */
  readonly queued?: number;
  /** Stop and restart data events; bytes wait in the socket meanwhile, so TCP slows the peer. */
  pause?(): void;
  resume?(): void;
}

export interface ByteStreamTarget {
  readonly host: string;
  readonly port: number;
  /** Bytes allowed to wait to be sent before the connection fails (adapter default if absent). */
  readonly writeQueueLimit?: number;
}

export type OpenByteStream = (target: ByteStreamTarget, events: ByteStreamEvents) => ByteStream;

/** A copy in a fresh ArrayBuffer of exactly its length (socket APIs take whole buffers). */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

/** Dotted IPv4 literal: ECMA-419 sockets take an address, so anything else needs DNS first. */
export function isIPv4(host: string): boolean {
  const parts = host.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}
