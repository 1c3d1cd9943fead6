import net from 'node:net';
import type { Duplex } from 'node:stream';
import { completeProvider } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import type { CryptoProvider, FullCryptoProvider } from '../../hw/provider.js';
import { MicroTlsError } from '../errors.js';
import { TlsClient } from '../handshake/client.js';
import type { CertificateVerifier, TlsClientOptions } from '../handshake/options.js';
import type { Clock } from '../time/clock.js';
import type { CertificateInput } from '../x509/input.js';
import type { VerifyPolicy } from '../x509/policy.js';
import { keyLogSink, type KeyLogOption } from './keylog.js';
import { closeTransport, TlsSocket } from './tls-socket.js';

/** Session, client-credential and extension options, documented on TlsClientOptions, passed to the engine as they are. */
const ENGINE_PASSTHROUGH = ['cert', 'key', 'credentials', 'session', 'extendedMasterSecret', 'encryptThenMac', 'maxFragmentLength', 'receiveBufferSize', 'acceptLargerRecords'] as const;
type EnginePassthrough = Pick<TlsClientOptions, (typeof ENGINE_PASSTHROUGH)[number]>;

export interface ConnectOptions extends EnginePassthrough {
  readonly host?: string;
  readonly port?: number;
  /** An already connected stream to run TLS over (a proxy tunnel, a test pipe). */
  readonly socket?: Duplex;
  /**
   * Name the server is expected to have: sent as SNI (unless an IP literal, which SNI
   * forbids) and, with verification, matched against the certificate. Default `host`.
   */
  readonly servername?: string;
  /**
   * Required: `true` verifies the server's chain against `ca` and its name against `servername`/`host`;
   * `false` connects without verification (the device's "Verify Server Certificate = Disable"); or a verify function.
   */
  readonly verify: boolean | CertificateVerifier;
  /** Names what a verify function accepts, for resumption across functions and restarts (TlsClientOptions.verifierId). */
  readonly verifierId?: string;
  /** CA certificate(s) for `verify: true`: PEM text (one or more), DER, or parsed certificates. */
  readonly ca?: CertificateInput | readonly CertificateInput[];
  /** Time source for certificate validity (default: the process clock; see src/time/clock.ts). */
  readonly clock?: Clock;
  readonly verifyPolicy?: Partial<VerifyPolicy>;
  /** IANA names (or OpenSSL names or codes) to offer, in any order; default all ten. */
  readonly cipherSuites?: readonly (string | number)[];
  /** Crypto provider; default Node's crypto (completed with noble). */
  readonly provider?: CryptoProvider | FullCryptoProvider;
  /** Key-log file path or callback; default SSLKEYLOGFILE if set. */
  readonly keylog?: KeyLogOption;
  /** Handshake timeout in ms, TCP connect included (default 30000). */
  readonly timeout?: number;
  readonly maxHandshakeMessageSize?: number;
  readonly random?: (n: number) => Uint8Array;
  readonly now?: () => number;
  readonly sessionTickets?: boolean;
  /**
   * Accept a TCP close without close_notify as a normal end of stream ('end'). Default false:
   * such a truncation (which a man in the middle can cause) fails the socket with
   * SSL_CONN_EOF after the data received so far; `truncated` and `lastErrors` say so either way.
   */
  readonly allowTruncation?: boolean;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

function passthrough(o: ConnectOptions): EnginePassthrough {
  const out: Record<string, unknown> = {};
  for (const k of ENGINE_PASSTHROUGH) if (o[k] !== undefined) out[k] = o[k];
  return out as EnginePassthrough;
}

let nodeProvider: FullCryptoProvider | undefined;
/**
 * Completed providers by the object given, so a provider passed on every connect() is bound
 * once (completeProvider binds every method and freezes a new object per call). Providers
 * are not expected to change their methods after first use.
 */
const completed = new WeakMap<CryptoProvider, FullCryptoProvider>();

function completedProvider(p: CryptoProvider): FullCryptoProvider {
  let full = completed.get(p);
  if (full === undefined) {
    full = completeProvider(p);
    completed.set(p, full);
  }
  return full;
}

function netError(err: Error & { code?: string }, host: string | undefined, port: number | undefined): MicroTlsError {
  const where = `${host ?? 'localhost'}:${port ?? ''}`;
  const name = err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'NET_UNKNOWN_HOST'
    : err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'NET_CONN_RESET'
    : err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' ? 'NET_CONNECT_FAILED'
    : 'NET_RECV_FAILED';
  return new MicroTlsError(name, `${where}: ${err.message}`, { syscallCode: err.code }, { cause: err });
}

function engineOptions(options: ConnectOptions): TlsClientOptions {
  // An IP host stays the expected name (certificates carry IP SANs); the engine leaves it out of SNI.
  const servername = options.servername ?? options.host ?? 'localhost';
  const provider = options.provider === undefined
    ? (nodeProvider ??= completeProvider(createNodeProvider()))
    : completedProvider(options.provider);
  return {
    serverName: servername,
    verify: options.verify,
    ...(options.verifierId !== undefined ? { verifierId: options.verifierId } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.verifyPolicy ? { verifyPolicy: options.verifyPolicy } : {}),
    provider,
    ...(options.random ? { random: options.random } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.cipherSuites ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.maxHandshakeMessageSize !== undefined ? { maxHandshakeMessageSize: options.maxHandshakeMessageSize } : {}),
    ...(options.sessionTickets !== undefined ? { sessionTickets: options.sessionTickets } : {}),
    ...passthrough(options),
  };
}

/**
 * Throws what connect() would reject with for these options (key, certificate, CA, suites),
 * without opening anything: for callers that must refuse bad settings before connecting.
 */
export function checkConnectOptions(options: ConnectOptions): void {
  const none = (): void => {};
  new TlsClient(engineOptions(options), { output: none, handshake: none, data: none, close: none, error: none });
}

/**
 * Connects and completes the TLS 1.2 handshake. Resolves with the socket once the
 * server's Finished verified; rejects with a MicroTlsError (Mbed TLS code) otherwise.
 * Configuration errors (verify: true, unknown suite) reject before any connection is made.
 */
export function connect(options: ConnectOptions): Promise<TlsSocket> {
  return new Promise<TlsSocket>((resolve, reject) => {
    let settled = false;
    let socket: TlsSocket | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const host = options.host ?? 'localhost';

    const settle = (err: MicroTlsError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (err) {
        socket?.noteError(err);
        if (transport) closeTransport(transport);
        socket?.destroy();
        reject(err);
      } else {
        resolve(socket!);
      }
    };

    let engine: TlsClient;
    try {
      engine = new TlsClient(engineOptions(options), {
        output: (bytes) => { if (!transport.destroyed && transport.writable) transport.write(bytes); },
        handshake: (info) => { socket!.handshakeDone(info); settle(undefined); },
        data: (bytes) => socket!.deliver(bytes),
        close: () => socket!.peerClosed(),
        // Diagnostics: every alert either way, e.g. the no_renegotiation answer to a HelloRequest.
        alert: (a) => socket!.emit('alert', a),
        keylog: keyLogSink(options.keylog),
        error: (err) => {
          // The fatal alert is already written; closeTransport flushes it before closing.
          if (!settled) {
            settle(err);
          } else {
            socket!.noteError(err);
            socket!.destroy(err);
          }
        },
      });
    } catch (e) {
      reject(e);
      return;
    }

    const transport: Duplex = options.socket ?? net.connect({ host, port: options.port ?? 8883 });
    socket = new TlsSocket(transport, engine, options.verify !== false);
    const timeout = options.timeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
    timer = setTimeout(() => {
      const err = new MicroTlsError('SSL_TIMEOUT', `TLS handshake with ${host}:${options.port ?? ''} did not complete within ${timeout} ms (state ${engine.state})`);
      engine.abort(err);
      settle(err);
    }, timeout);

    if (transport instanceof net.Socket) transport.setNoDelay(true);
    transport.on('data', (chunk: Buffer) => engine.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    transport.on('error', (e: Error) => {
      const err = netError(e, host, options.port);
      engine.abort(err);
      if (!settled) settle(err);
      else socket!.destroy(err);
    });
    transport.on('end', () => {
      if (!settled) {
        const err = new MicroTlsError('SSL_CONN_EOF', `the server closed the connection during the TLS handshake (state ${engine.state}); is it a TLS port and does it accept TLS 1.2 with RSA key exchange?`);
        engine.abort(err);
        settle(err);
      } else if (!socket!.closeNotifyReceived) {
        socket!.peerTruncated(new MicroTlsError('SSL_CONN_EOF',
          'the server closed the TCP connection without close_notify, so the data may have been cut short (truncation); ' +
          'pass allowTruncation: true to accept such a close as a normal end'), options.allowTruncation === true);
      }
    });
    transport.on('close', () => {
      if (!settled) {
        const err = new MicroTlsError('SSL_CONN_EOF', 'the connection closed during the TLS handshake');
        engine.abort(err);
        settle(err);
      } else if (!socket!.readableEnded && !socket!.truncated) {
        // No destroy(): data already pushed must still reach the reader; the Duplex ends
        // itself once both sides are done.
        socket!.push(null);
      }
    });
    const start = (): void => engine.start();
    if (options.socket || !(transport instanceof net.Socket) || !transport.connecting) start();
    else transport.once('connect', start);
  });
}
