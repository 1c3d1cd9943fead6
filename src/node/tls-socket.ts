import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { MicroTlsError } from '../errors.js';
import type { HandshakeInfo, HandshakeTimings, TlsClient } from '../handshake/client.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';
import type { TlsSession } from '../session/session.js';
import { peerCertificate, type PeerCertificate } from './peer-certificate.js';

const recentErrors: number[] = [];

/**
 * Ciphertext allowed to queue in the transport before writes wait for it to drain, and
 * before reading the transport stops (what is read may need answering). The MQTT client's
 * writeBufferLimit (64 KiB) on top of it keeps one bound for everything a peer that stops
 * reading can make us hold.
 */
export const TRANSPORT_QUEUE_LIMIT = 64 * 1024;

/** The two most recent error codes of any connection in this process (the manual's "Status codes"). */
export function lastErrors(): readonly number[] {
  return [...recentErrors];
}

function recordError(list: number[], code: number): void {
  list.unshift(code);
  if (list.length > 2) list.length = 2;
}

/**
 * A TLS connection as a stream.Duplex: what MQTT.js (or any stream user) expects of a
 * socket. Reads are the server's application data; writes are encrypted and sent; end()
 * sends close_notify. Backpressure flows both ways: a full readable buffer pauses the TCP
 * socket, a full TCP socket holds the write callback.
 */
export class TlsSocket extends Duplex {
  /** As on tls.TLSSocket: this stream is encrypted. */
  readonly encrypted = true;
  /** Two most recent error codes on this connection, newest first. */
  readonly lastErrors: number[] = [];
  private info: HandshakeInfo | undefined;
  private parsedPeers: Certificate[] | undefined;
  private receivedCloseNotify = false;
  private waitingDrain = false;
  private wasTruncated = false;
  /** A truncation's error, raised in place of 'end' once the data before it was read (see peerTruncated). */
  private pendingTruncation: MicroTlsError | undefined;

  /**
   * @internal The adapter wires the engine; users get instances from connect().
   * `verifying`: the server's certificate is checked (verify true or a function), so a
   * completed handshake means it was accepted.
   */
  constructor(readonly transport: Duplex & Partial<Pick<Socket, 'remoteAddress' | 'remotePort' | 'setNoDelay' | 'setKeepAlive' | 'setTimeout'>>, private readonly engine: TlsClient, private readonly verifying = true) {
    super({ allowHalfOpen: false });
    transport.on('timeout', () => this.emit('timeout'));
  }

  // ---- tls.TLSSocket look-alikes (MQTT.js and code written for Node's TLS read these) ----

  /** As tls.TLSSocket: true once the handshake completed with the server's certificate verified. */
  get authorized(): boolean {
    return this.info !== undefined && this.verifying;
  }

  /** Why `authorized` is false: verification was turned off (verify: false), or no handshake yet. */
  get authorizationError(): string | undefined {
    if (this.authorized) return undefined;
    return this.info ? 'verification disabled (verify: false): the server certificate was not checked' : 'no completed handshake';
  }

  /** Node's shape ({} when there is none); `detailed` links issuerCertificate along the chain. */
  getPeerCertificate(detailed = false): PeerCertificate | Record<string, never> {
    return peerCertificate(this.peerCertificates, detailed);
  }

  /** Node's shape: OpenSSL name, IANA name, version. */
  getCipher(): { name: string; standardName: string; version: 'TLSv1.2' } | undefined {
    const suite = this.info?.cipherSuite;
    return suite ? { name: suite.openssl, standardName: suite.name, version: 'TLSv1.2' } : undefined;
  }

  getProtocol(): 'TLSv1.2' | null {
    return this.info ? 'TLSv1.2' : null;
  }

  /** As net.Socket#setTimeout: 'timeout' after `ms` of inactivity (the connection stays open). */
  setTimeout(ms: number, callback?: () => void): this {
    this.transport.setTimeout?.(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  /** @internal */
  handshakeDone(info: HandshakeInfo): void {
    this.info = info;
  }

  /** @internal */
  deliver(data: Uint8Array): void {
    if (!this.push(data)) this.transport.pause();
    else if (this.transport.writableLength > TRANSPORT_QUEUE_LIMIT && !this.waitingDrain) {
      // The peer is not reading what we send: stop reading it until our writes drain.
      this.waitingDrain = true;
      this.transport.pause();
      this.transport.once('drain', () => {
        this.waitingDrain = false;
        if (this.readableFlowing !== false && this.readableLength < this.readableHighWaterMark) this.transport.resume();
      });
    }
  }

  /** @internal The server's close_notify arrived (ours was sent in reply). */
  peerClosed(): void {
    this.receivedCloseNotify = true;
    this.push(null);
    closeTransport(this.transport);
  }

  /**
   * @internal TCP ended without close_notify (a truncation an attacker can cause). Strict: the
   * data already received is still delivered, then the socket fails with `err` (no 'end'), as
   * Mbed TLS returns CONN_EOF from its read. Lenient (allowTruncation): a plain end.
   */
  peerTruncated(err: MicroTlsError, lenient: boolean): void {
    this.wasTruncated = true;
    this.noteError(err);
    // The end marker goes behind the buffered data either way; strict, its 'end' becomes the error (see emit).
    if (!lenient) this.pendingTruncation = err;
    this.push(null);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'end' && this.pendingTruncation) {
      const err = this.pendingTruncation;
      this.pendingTruncation = undefined;
      this.destroy(err);
      return false;
    }
    return super.emit(event, ...args);
  }

  /**
   * True when the server ended TCP without close_notify (its data may have been cut short);
   * the socket then failed with SSL_CONN_EOF unless connect() had allowTruncation.
   */
  get truncated(): boolean {
    return this.wasTruncated;
  }

  /** @internal */
  noteError(err: MicroTlsError): void {
    recordError(this.lastErrors, err.code);
    recordError(recentErrors, err.code);
  }

  /** IANA name of the negotiated suite, e.g. TLS_RSA_WITH_AES_128_GCM_SHA256. */
  get cipherSuite(): string | undefined {
    return this.info?.cipherSuite.name;
  }

  get protocol(): 'TLSv1.2' | undefined {
    return this.info?.protocol;
  }

  get handshake(): HandshakeInfo | undefined {
    return this.info;
  }

  /**
   * The session to pass as `session` to a later connect() to the same servername (RFC 5077
   * ticket or session ID), or undefined when the server offered none. Serialize it with
   * serializeSession (it holds the master secret: store it like a key).
   */
  getSession(): TlsSession | undefined {
    return this.info?.session;
  }

  get session(): TlsSession | undefined {
    return this.info?.session;
  }

  /** True when the handshake resumed a session (abbreviated handshake). */
  get resumed(): boolean {
    return this.info?.resumed ?? false;
  }

  get timings(): HandshakeTimings | undefined {
    return this.info?.timings;
  }

  get remoteAddress(): string | undefined {
    return this.transport.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.transport.remotePort;
  }

  /** Passed to the TCP socket (a no-op over other transports), as net.Socket users expect. */
  setNoDelay(noDelay = true): this {
    this.transport.setNoDelay?.(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay = 0): this {
    this.transport.setKeepAlive?.(enable, initialDelay);
    return this;
  }

  /** True once the server's close_notify was received (a clean end, not a truncation). */
  get closeNotifyReceived(): boolean {
    return this.receivedCloseNotify;
  }

  /** DER certificates as presented, leaf first. */
  get peerCertificatesDer(): readonly Uint8Array[] {
    return this.info?.peerCertificates ?? [];
  }

  /** Parsed certificates as presented (those that parse), leaf first. */
  get peerCertificates(): readonly Certificate[] {
    if (!this.parsedPeers) {
      const out: Certificate[] = [];
      for (const der of this.peerCertificatesDer) {
        try {
          out.push(parseCertificate(der));
        } catch {
          // An unparseable intermediate is still shown by peerCertificatesDer.
        }
      }
      this.parsedPeers = out;
    }
    return this.parsedPeers;
  }

  override _read(): void {
    if (this.transport.isPaused()) this.transport.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.transport.destroyed || !this.transport.writable) {
      cb(new MicroTlsError('SSL_CONN_EOF', 'cannot write: the connection is closed'));
      return;
    }
    // Corked, the records of one write leave in one writev.
    const corkable = typeof (this.transport as Partial<Socket>).cork === 'function';
    if (corkable) this.transport.cork();
    try {
      this.engine.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (e) {
      cb(e as Error);
      return;
    } finally {
      if (corkable) this.transport.uncork();
    }
    // Waiting for 'drain' after every 16 KB record halves throughput (one event-loop turn
    // per record); a bounded amount of queued ciphertext keeps the pipe full.
    if (this.transport.writableLength > TRANSPORT_QUEUE_LIMIT) this.transport.once('drain', () => cb());
    else cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    // close_notify, then FIN; the server's close_notify still arrives on the read side.
    this.engine.close();
    this.transport.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    closeTransport(this.transport);
    cb(err);
  }
}

/**
 * Ends the transport after what was written (a fatal alert, a close_notify) has been
 * flushed, then destroys it; bounded so a peer that stops reading cannot keep it alive.
 */
export function closeTransport(t: Duplex): void {
  if (t.destroyed) return;
  if (!t.writable || (t as { connecting?: boolean }).connecting) {
    t.destroy();
    return;
  }
  const timer = setTimeout(() => t.destroy(), 2000);
  timer.unref?.();
  t.end(() => {
    clearTimeout(timer);
    t.destroy();
  });
}
