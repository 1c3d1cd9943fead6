/**
 * A TLS 1.2 connection over a device ByteStream: the sans-I/O engine (TlsClient) wired to a
 * socket adapter, shaped as the DuplexLike the MQTT client takes (write, end, destroy,
 * 'data' / 'close' / 'error'). The same plumbing serves every engine; only the ByteStream
 * and the sources of time and randomness differ.
 */
import { completeProvider } from '../../hw/complete.js';
import type { CryptoProvider, FullCryptoProvider } from '../../hw/provider.js';
import { MicroTlsError } from '../errors.js';
import { utf8Encode } from '../encoding/bytes.js';
import { TlsClient, type HandshakeInfo, type HandshakeTimings } from '../handshake/client.js';
import type { TlsClientOptions } from '../handshake/options.js';
import { Emitter } from '../mqtt/emitter.js';
import { defaultTimers, type Timers } from '../mqtt/timers.js';
import type { TlsSession } from '../session/session.js';
import type { OpenByteStream } from './byte-stream.js';

/** The device's TLS settings (manual section 1) plus what a port may tune. */
export interface DeviceTlsOptions extends Omit<TlsClientOptions, 'serverName' | 'provider'> {
  readonly host: string;
  /** Default 8883. */
  readonly port?: number;
  /** Name expected in the certificate and sent as SNI; default `host`. */
  readonly servername?: string;
  /**
   * The crypto provider (each port picks its own: xsProvider on XS, the native-crypto one on
   * Espruino); no default here, so this module pulls no crypto code into a bundle.
   */
  readonly provider: CryptoProvider | FullCryptoProvider;
  /** Handshake timeout in ms, TCP connect included (default 30000; needs timers). */
  readonly timeout?: number;
  /** Default: the engine's setTimeout/clearTimeout, when it has them. */
  readonly timers?: Timers;
  /** NSS key-log lines (CLIENT_RANDOM ...), for Wireshark while debugging a port. */
  readonly keylog?: (line: string) => void;
  /**
   * A TCP close without close_notify after the handshake is a truncation: the data received
   * is delivered, then the socket fails with SSL_CONN_EOF (as Mbed TLS reports it). true
   * turns it into a plain 'close' (`truncated` is set either way).
   */
  readonly allowTruncation?: boolean;
  /**
   * Bytes of ciphertext allowed to wait for the socket (default 64 KiB): past it the
   * connection fails with NET_SEND_FAILED rather than grow RAM while the peer does not read.
   */
  readonly writeQueueLimit?: number;
}

export const DEVICE_HANDSHAKE_TIMEOUT = 30_000;

/**
 * Queued ciphertext past which write() returns false and holds its callback until the
 * socket drained, so a writer that waits for callbacks (the MQTT client) stays far from
 * the write-queue limit.
 */
export const DEVICE_WRITE_HIGH_WATER = 16 * 1024;

/** @internal What the socket needs of its ByteStream. */
export interface StreamControl {
  close(): void;
  queued(): number;
  pause(): void;
  resume(): void;
}

type WriteCallback = (err?: Error | null) => void;

interface DeviceTlsSocketEvents {
  data: (chunk: Uint8Array) => void;
  close: () => void;
  error: (err: Error) => void;
}

export class DeviceTlsSocket extends Emitter<DeviceTlsSocketEvents> {
  /** Two most recent error codes, newest first (the device's "Status codes"). */
  readonly lastErrors: number[] = [];
  private info: HandshakeInfo | undefined;
  private closedFlag = false;
  private wasTruncated = false;
  /** Callbacks of writes that went past the high-water mark, run when the socket drains. */
  private waiting: WriteCallback[] = [];
  private closeError: Error | undefined;
  /** end() was called: the stream still sends what is queued, so waiting callbacks wait for it. */
  private ending = false;

  /** @internal Made by connectTls. */
  constructor(private readonly engine: TlsClient, private readonly stream: StreamControl) {
    super();
  }

  /** Ciphertext written and not yet taken by the socket (as stream.Writable's). */
  get writableLength(): number {
    return this.closedFlag ? 0 : this.stream.queued();
  }

  /**
   * True when the server closed TCP without close_notify (its data may have been cut short);
   * the socket then failed with SSL_CONN_EOF unless connect() had allowTruncation.
   */
  get truncated(): boolean {
    return this.wasTruncated;
  }

  /** Stops 'data' events; the socket's receive buffer fills and TCP slows the server. */
  pause(): this {
    this.stream.pause();
    return this;
  }

  resume(): this {
    this.stream.resume();
    return this;
  }

  get cipherSuite(): string | undefined {
    return this.info?.cipherSuite.name;
  }

  get handshake(): HandshakeInfo | undefined {
    return this.info;
  }

  get resumed(): boolean {
    return this.info?.resumed ?? false;
  }

  get timings(): HandshakeTimings | undefined {
    return this.info?.timings;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** What to pass as `session` next time (ticket or session ID), if the server gave one. */
  getSession(): TlsSession | undefined {
    return this.info?.session;
  }

  write(chunk: Uint8Array | string, callback?: WriteCallback): boolean {
    if (this.closedFlag) {
      const err = new MicroTlsError('SSL_BAD_INPUT_DATA', 'write after the TLS connection closed');
      if (callback) callback(err);
      return false;
    }
    try {
      this.engine.write(typeof chunk === 'string' ? utf8Encode(chunk) : chunk);
    } catch (e) {
      if (callback) callback(e as Error);
      return false;
    }
    if (this.closedFlag) {
      // The write itself failed the connection (write-queue limit): its bytes are gone.
      if (callback) callback(this.closeError ?? new MicroTlsError('NET_CONN_RESET', 'the connection closed before the data was sent'));
      return false;
    }
    if (this.stream.queued() <= DEVICE_WRITE_HIGH_WATER) {
      if (callback) callback(null);
      return true;
    }
    if (callback) this.waiting.push(callback);
    return false;
  }

  /** @internal The socket took every queued byte. */
  drained(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const cb of waiting) cb(null);
  }

  /**
   * @internal TCP closed without close_notify after the handshake (a truncation an attacker
   * can cause). The data that arrived was delivered already; strict, the socket then fails.
   */
  peerTruncated(err: MicroTlsError, lenient: boolean): void {
    if (this.closedFlag) return;
    this.wasTruncated = true;
    if (lenient) {
      this.noteError(err);
      this.finish();
    } else {
      this.fail(err);
    }
  }

  /** Sends close_notify and closes the socket. */
  end(): void {
    if (this.closedFlag) return;
    this.ending = true;
    try {
      this.engine.close();
    } catch {
      // Already failed: the stream closes below all the same.
    }
    this.finish();
  }

  destroy(err?: Error): void {
    if (this.closedFlag) return;
    if (err) this.fail(err);
    else this.finish();
  }

  /** @internal */
  handshakeDone(info: HandshakeInfo): void {
    this.info = info;
  }

  /** @internal */
  deliver(bytes: Uint8Array): void {
    this.emit('data', bytes);
  }

  /** @internal */
  noteError(err: MicroTlsError): void {
    this.lastErrors.unshift(err.code);
    if (this.lastErrors.length > 2) this.lastErrors.length = 2;
  }

  /** @internal After the handshake: report, then close. */
  fail(err: Error): void {
    if (this.closedFlag) return;
    if (err instanceof MicroTlsError) this.noteError(err);
    this.closeError = err;
    this.emit('error', err);
    this.finish();
  }

  /** @internal */
  finish(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stream.close();
    if (!this.ending || this.closeError) this.streamEnded(this.closeError ?? new MicroTlsError('NET_CONN_RESET', 'the connection closed before the data was sent'));
    this.emit('close');
  }

  /** @internal The stream closed: after end(), with what was queued sent unless `err`. */
  streamEnded(err?: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const cb of waiting) cb(err ?? null);
  }
}

const completed = new WeakMap<CryptoProvider, FullCryptoProvider>();

function fullProvider(p: CryptoProvider | FullCryptoProvider): FullCryptoProvider {
  let full = completed.get(p);
  if (!full) {
    full = completeProvider(p);
    completed.set(p, full);
  }
  return full;
}

function globalTimers(): Timers | undefined {
  const g = globalThis as { setTimeout?: unknown; clearTimeout?: unknown };
  return typeof g.setTimeout === 'function' && typeof g.clearTimeout === 'function' ? defaultTimers : undefined;
}

/**
 * Opens the ByteStream, runs the handshake and resolves with the connection once the
 * server's Finished verified. Rejects with a MicroTlsError (Mbed TLS code); the socket
 * is closed by then.
 */
export function connectTls(open: OpenByteStream, options: DeviceTlsOptions): Promise<DeviceTlsSocket> {
  return new Promise<DeviceTlsSocket>((resolve, reject) => {
    const { host, port = 8883, servername, provider, timeout = DEVICE_HANDSHAKE_TIMEOUT, timers = globalTimers(), keylog, allowTruncation = false, writeQueueLimit, ...engineOptions } = options;
    let settled = false;
    let timer: unknown;
    let socket: DeviceTlsSocket | undefined;
    let stream: ReturnType<OpenByteStream> | undefined;
    let streamClosed = false;

    const settle = (err: MicroTlsError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timers && timer !== undefined) timers.clearTimeout(timer);
      if (err) {
        socket?.noteError(err);
        socket?.finish();
        reject(err);
      } else {
        resolve(socket!);
      }
    };

    let engine: TlsClient;
    try {
      engine = new TlsClient({ ...engineOptions, serverName: servername ?? host, provider: fullProvider(provider) }, {
        output: (bytes) => { if (!streamClosed) stream?.write(bytes); },
        handshake: (info) => { socket!.handshakeDone(info); settle(undefined); },
        data: (bytes) => socket!.deliver(bytes),
        close: () => socket!.finish(),
        error: (err) => { if (!settled) settle(err); else socket!.fail(err); },
        ...(keylog ? { keylog } : {}),
      });
    } catch (e) {
      reject(e);
      return;
    }
    socket = new DeviceTlsSocket(engine, {
      close: () => { if (!streamClosed) { streamClosed = true; stream?.close(); } },
      queued: () => stream?.queued ?? 0,
      pause: () => stream?.pause?.(),
      resume: () => stream?.resume?.(),
    });

    if (timers) {
      timer = timers.setTimeout(() => {
        const err = new MicroTlsError('SSL_TIMEOUT', `TLS handshake with ${host}:${port} did not complete within ${timeout} ms (state ${engine.state})`);
        engine.abort(err);
        settle(err);
      }, timeout);
    }

    stream = open({ host, port, ...(writeQueueLimit !== undefined ? { writeQueueLimit } : {}) }, {
      connect: () => engine.start(),
      drain: () => socket!.drained(),
      data: (bytes) => engine.receive(bytes),
      error: (err) => {
        engine.abort(err);
        if (!settled) settle(err);
        else if (socket!.closed) socket!.streamEnded(err);
        else socket!.fail(err);
      },
      close: (unsent = 0) => {
        streamClosed = true;
        if (!settled) {
          const err = new MicroTlsError('SSL_CONN_EOF', `the server closed the connection during the TLS handshake (state ${engine.state}); is it a TLS port that accepts TLS 1.2 with RSA key exchange?`);
          engine.abort(err);
          settle(err);
        } else if (socket!.closed) {
          socket!.streamEnded(unsent > 0 ? new MicroTlsError('NET_CONN_RESET', `${host}:${port} closed the connection with ${unsent} bytes not sent`) : undefined);
        } else {
          // Not after the server's close_notify (that closed the socket already): a cut.
          socket!.peerTruncated(new MicroTlsError('SSL_CONN_EOF',
            `${host}:${port} closed the TCP connection without close_notify, so the data may have been cut short (truncation); ` +
            'pass allowTruncation: true to accept such a close as a normal end'), allowTruncation);
        }
      },
    });
  });
}
