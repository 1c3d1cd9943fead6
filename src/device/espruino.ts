/**
 * The Espruino bundle's entry (scripts/build-device.mjs): the portable core, the MQTT client,
 * the Espruino crypto provider installed as the default, and transports over Espruino's own
 * modules: `net` (TCP; data as binary strings, converted with E.toString / E.toUint8Array),
 * `dgram` (SNTP), `E.hwRand` (random source) and the system clock (`setTime`).
 *
 * Loaded with `require()` (a Storage file or Modules.addCached) it is `module.exports`;
 * run as a plain script it is the global `microtls`.
 */
import { completeProvider, setDefaultProvider } from '../../hw/complete.js';
import { createEspruinoProvider, type EspruinoCryptoModule } from '../../hw/espruino.js';
import type { FullCryptoProvider } from '../../hw/provider.js';
import { MicroTlsError } from '../errors.js';
import { TlsClient, type HandshakeInfo, type TlsClientEvents } from '../handshake/client.js';
import type { CertificateVerifier, TlsClientOptions } from '../handshake/options.js';
import { EspruinoStream, ESPRUINO_WRITE_HIGH_WATER, ESPRUINO_WRITE_QUEUE_LIMIT, type EspruinoSocket } from './espruino-stream.js';
import { resolveConnectOptions, whenConnected, type ConnectOptions as MqttConnectOptions } from '../mqtt/connect.js';
import { MqttClient } from '../mqtt/client.js';
import { DEFAULT_WRITE_BUFFER_LIMIT, type CertificateDescription } from '../mqtt/options.js';
import type { DuplexLike, TransportAttempt, TransportFactory } from '../mqtt/transport.js';
import type { TlsSession } from '../session/session.js';
import { setDefaultClock, type Clock } from '../time/clock.js';
import { buildSntpRequest, parseSntpResponse, type SntpResult } from '../time/sntp.js';
import type { CertificateInput } from '../x509/input.js';
import { describeCertificate, describeKey } from '../x509/describe.js';

export * from '../index.js';
export { completeProvider, setDefaultProvider, getDefaultProvider, digest, hmacOnce } from '../../hw/complete.js';
export { createEspruinoProvider } from '../../hw/espruino.js';
export { MqttClient } from '../mqtt/client.js';
export { whenConnected, resolveConnectOptions } from '../mqtt/connect.js';
export { parseBrokerUrl } from '../mqtt/url.js';
export { encodePacket, PacketReader } from '../mqtt/codec/index.js';
export { ESPRUINO_READ_HOLD_LIMIT, ESPRUINO_WRITE_HIGH_WATER, ESPRUINO_WRITE_QUEUE_LIMIT } from './espruino-stream.js';

/** The parts of Espruino's globals and modules used here (declared, not imported: they exist only on the device). */
interface EspruinoNet {
  connect(options: { host: string; port: number }, onConnect: () => void): EspruinoSocket;
}
interface EspruinoDgramSocket {
  on(event: 'message', fn: (msg: string, rinfo: { address: string; port: number }) => void): unknown;
  on(event: 'error', fn: (err: unknown) => void): unknown;
  send(msg: string, offset: number, length: number, port: number, host: string): unknown;
  close(): unknown;
}
interface EspruinoDgram {
  createSocket(type: 'udp4'): EspruinoDgramSocket;
}
interface EspruinoE {
  toString(bytes: Uint8Array): string;
  toUint8Array(text: string): Uint8Array;
  hwRand(): number;
}
declare const E: EspruinoE;
interface EspruinoModules {
  crypto: EspruinoCryptoModule;
  net: EspruinoNet;
  dgram: EspruinoDgram;
}
/** Espruino's built-in modules, through the global `require`: a bare `require` would make the bundler add its own shim. */
function builtin<K extends keyof EspruinoModules>(name: K): EspruinoModules[K] {
  return (globalThis as unknown as { require(name: string): EspruinoModules[K] }).require(name);
}
declare function setTime(seconds: number): void;
declare function setTimeout(fn: () => void, ms: number): number;
declare function clearTimeout(handle: number | undefined): void;

let provider: FullCryptoProvider | undefined;

/** The completed Espruino provider (native SHA/AES, E.hwRand), installed as the default on first use. */
export function espruinoProvider(): FullCryptoProvider {
  if (!provider) {
    provider = completeProvider(createEspruinoProvider(builtin('crypto'), { randomWord: () => E.hwRand() }));
    setDefaultProvider(provider);
  }
  return provider;
}

/**
 * Espruino's clock is the system clock, which `setTime` (or the IDE) sets; until it is set it
 * counts from 1970, so a clock earlier than this build is reported as "not set" and verifying
 * handshakes refuse to start (the reference device's rule) instead of failing on dates.
 * `correctionMs` is what syncClock() could not hand to `setTime` (a build where it has no
 * effect, such as the desktop Linux one): it is added here so certificate checks still see
 * the SNTP time.
 */
const BUILD_EPOCH_MS = 1_735_689_600_000; // 2025-01-01T00:00:00Z
let correctionMs = 0;
export const espruinoClock: Clock = {
  now() {
    const t = Math.floor(Date.now() + correctionMs);
    return t < BUILD_EPOCH_MS ? undefined : new Date(t);
  },
};

/** Sets Espruino's clock (`setTime`) from an SNTP server over `dgram`; resolves with the answer. */
export function syncClock(host: string, port = 123, timeoutMs = 5000): Promise<SntpResult> {
  return new Promise<SntpResult>((resolve, reject) => {
    const socket = builtin('dgram').createSocket('udp4');
    const request = buildSntpRequest(Date.now());
    let done = false;
    const finish = (err: Error | undefined, result?: SntpResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new MicroTlsError('SSL_TIMEOUT', `SNTP ${host}:${port}: no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (e) => finish(new MicroTlsError('NET_SEND_FAILED', `SNTP ${host}:${port}: ${String(e)}`)));
    socket.on('message', (msg, rinfo) => {
      // Answers from elsewhere are ignored, not fatal: anyone can send a datagram.
      if (rinfo && rinfo.port !== port) return;
      const t4 = Date.now();
      try {
        const result = parseSntpResponse(E.toUint8Array(msg), request, t4);
        const target = Date.now() + correctionMs + result.offsetMs;
        setTime(target / 1000);
        const left = target - Date.now();
        correctionMs = Math.abs(left) > 1000 ? left : 0;
        finish(undefined, result);
      } catch (e) {
        finish(e as Error);
      }
    });
    const packet = E.toString(request.packet);
    socket.send(packet, 0, packet.length, port, host);
  });
}

export interface ConnectOptions {
  readonly host: string;
  readonly port?: number;
  /** Expected server name (SNI and certificate check); default `host`. */
  readonly servername?: string;
  /** true: check the chain against `ca` and the name; false: no verification (the device's "Disable"). */
  readonly verify: boolean | CertificateVerifier;
  readonly ca?: CertificateInput | readonly CertificateInput[];
  readonly cert?: TlsClientOptions['cert'];
  readonly key?: TlsClientOptions['key'];
  readonly credentials?: TlsClientOptions['credentials'];
  readonly session?: TlsSession;
  readonly cipherSuites?: readonly (string | number)[];
  readonly maxFragmentLength?: TlsClientOptions['maxFragmentLength'];
  readonly sessionTickets?: boolean;
  readonly extendedMasterSecret?: boolean;
  readonly encryptThenMac?: boolean;
  readonly clock?: Clock;
  /** Handshake timeout in ms, TCP connect included (default 30000). */
  readonly timeout?: number;
  /** Receives NSS key-log lines (CLIENT_RANDOM …) for Wireshark. */
  readonly keylog?: (line: string) => void;
  /**
   * A TCP close without close_notify after the handshake is a truncation: the data received
   * is delivered, then the socket fails with SSL_CONN_EOF (as Mbed TLS reports it). true
   * turns it into a plain 'close' (`truncated` is set either way).
   */
  readonly allowTruncation?: boolean;
  /**
   * Bytes of ciphertext allowed to wait in the socket's buffer (default 64 KiB): past it the
   * connection fails with NET_SEND_FAILED rather than grow RAM while the peer does not read.
   */
  readonly writeQueueLimit?: number;
}

type WriteCallback = (err?: Error | null) => void;

/** A TLS connection over an Espruino `net` socket: what the MQTT client (DuplexLike) and applications use. */
export class TlsSocket extends EspruinoStream implements DuplexLike {
  // `declare`: set in the constructor (handshake once done), so no field definition is emitted.
  declare handshake: HandshakeInfo | undefined;
  declare readonly engine: TlsClient;
  /** The two most recent Mbed TLS error codes, newest first (the device's "Status codes"). */
  readonly lastErrors: number[] = [];
  readonly encrypted = true;
  private wasTruncated = false;

  constructor(engine: TlsClient, tcp: EspruinoSocket, limit?: number) {
    super(tcp, limit);
    this.engine = engine;
  }

  /** Ciphertext from the engine to the socket; past the limit the connection fails instead. */
  send(bytes: Uint8Array): void {
    if (this.destroyed || !this.admit(bytes.length)) return;
    try {
      this.tcp.write(E.toString(bytes));
    } catch (e) {
      // Espruino throws on a socket that closed before its 'close' event ran.
      this.fail(new MicroTlsError('NET_SEND_FAILED', String(e)));
    }
  }

  get cipherSuite(): string | undefined {
    return this.handshake?.cipherSuite.name;
  }

  get resumed(): boolean {
    return this.handshake?.resumed === true;
  }

  /** What to pass as `session` to resume next time. */
  getSession(): TlsSession | undefined {
    return this.handshake?.session;
  }

  /**
   * True when the server closed TCP without close_notify (its data may have been cut short);
   * the socket then failed with SSL_CONN_EOF unless connect() had allowTruncation.
   */
  get truncated(): boolean {
    return this.wasTruncated;
  }

  /**
   * TCP closed without close_notify after the handshake (a cut an attacker can cause). What
   * arrived was delivered already, as it came; strict, the socket then fails.
   */
  peerTruncated(err: MicroTlsError, lenient: boolean): void {
    if (this.destroyed) return;
    this.wasTruncated = true;
    this.noteError(err);
    this.destroy(lenient ? undefined : err);
  }

  /** The server's close_notify. */
  peerClosed(): void {
    this.emitAfterData(['end']);
    this.destroy();
  }

  noteError(err: MicroTlsError): void {
    this.lastErrors.unshift(err.code);
    if (this.lastErrors.length > 2) this.lastErrors.pop();
  }

  write(chunk: Uint8Array | string, callback?: WriteCallback): boolean {
    try {
      if (this.destroyed) throw new MicroTlsError('NET_SEND_FAILED', 'write after close');
      this.engine.write(typeof chunk === 'string' ? E.toUint8Array(chunk) : chunk);
    } catch (e) {
      if (callback) callback(e as Error);
      else throw e;
      return false;
    }
    if (this.destroyed) {
      // The write itself failed the connection (write-queue limit): its bytes are gone.
      if (callback) callback(this.closeError ?? new MicroTlsError('NET_CONN_RESET', 'connection closed before the data was sent'));
      return false;
    }
    return this.accepted(callback);
  }

  /** Sends close_notify and closes the TCP connection. */
  end(): void {
    if (this.destroyed) return;
    this.engine.close();
    this.destroy();
  }

  destroy(err?: Error): void {
    this.shut(err);
  }

  protected fail(err: MicroTlsError): void {
    this.noteError(err);
    this.destroy(err);
  }
}

/** Connects to host:port over `net` and completes the TLS 1.2 handshake. Rejects with a MicroTlsError. */
export function connect(options: ConnectOptions): Promise<TlsSocket> {
  return new Promise<TlsSocket>((resolve, reject) => {
    const p = espruinoProvider();
    const host = options.host;
    const port = options.port ?? 443;
    let settled = false;
    let socket: TlsSocket | undefined;
    let tcp: EspruinoSocket | undefined;
    let timer: number | undefined;
    const settle = (err: MicroTlsError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (err) {
        socket?.noteError(err);
        if (socket) socket.destroy();
        else if (tcp) tcp.end();
        reject(err);
      } else resolve(socket!);
    };
    const engineOptions: { -readonly [K in keyof TlsClientOptions]?: TlsClientOptions[K] } = {
      serverName: options.servername ?? host,
      verify: options.verify,
      provider: p,
      clock: options.clock ?? espruinoClock,
      now: () => Date.now(),
    };
    for (const k of ['ca', 'cert', 'key', 'credentials', 'session', 'cipherSuites', 'maxFragmentLength', 'sessionTickets', 'extendedMasterSecret', 'encryptThenMac'] as const) {
      if (options[k] !== undefined) (engineOptions as Record<string, unknown>)[k] = options[k];
    }
    const events: TlsClientEvents = {
      output: (bytes) => {
        if (socket) socket.send(bytes);
        else if (tcp) tcp.write(E.toString(bytes));
      },
      handshake: (info) => {
        socket!.handshake = info;
        settle(undefined);
      },
      data: (bytes) => socket!.received(bytes),
      close: () => socket!.peerClosed(),
      error: (err) => {
        if (!settled) settle(err);
        else {
          socket!.noteError(err);
          socket!.destroy(err);
        }
      },
    };
    if (options.keylog) events.keylog = options.keylog;
    // Thrown (a bad option) before any socket exists: the promise rejects with it.
    const engine = new TlsClient(engineOptions as TlsClientOptions, events);
    const timeout = options.timeout ?? 30000;
    timer = setTimeout(() => settle(new MicroTlsError('SSL_TIMEOUT', `${host}:${port}: no TLS handshake in ${timeout} ms`)), timeout);
    tcp = builtin('net').connect({ host, port }, () => {
      try {
        engine.start();
      } catch (e) {
        settle(e instanceof MicroTlsError ? e : new MicroTlsError('SSL_INTERNAL_ERROR', String(e)));
      }
    });
    socket = new TlsSocket(engine, tcp, options.writeQueueLimit);
    tcp.on('drain', () => socket!.drained());
    tcp.on('data', (data) => {
      if (socket!.destroyed) return;
      try {
        engine.receive(E.toUint8Array(data));
      } catch (e) {
        // The engine reports through `error`; anything thrown here is a bug surfaced as a typed error.
        const err = e instanceof MicroTlsError ? e : new MicroTlsError('SSL_INTERNAL_ERROR', String(e));
        if (!settled) settle(err);
        else socket!.destroy(err);
      }
    });
    tcp.on('error', (e) => {
      const err = new MicroTlsError(settled ? 'NET_RECV_FAILED' : 'NET_CONNECT_FAILED', `${host}:${port}: ${String(e)}`);
      if (!settled) settle(err);
      else socket!.destroy(err);
    });
    tcp.on('close', () => {
      if (!settled) settle(new MicroTlsError('NET_CONN_RESET', `${host}:${port}: connection closed during the handshake`));
      else socket!.peerTruncated(new MicroTlsError('SSL_CONN_EOF',
        `${host}:${port} closed TCP without close_notify: data may be cut short (allowTruncation: true accepts this)`), options.allowTruncation === true);
    });
  });
}

/** A plain TCP connection (mqtt:// URLs) as a DuplexLike, with the TLS socket's write and read limits. */
class TcpDuplex extends EspruinoStream implements DuplexLike {
  constructor(tcp: EspruinoSocket, limit?: number) {
    super(tcp, limit);
    tcp.on('data', (d) => this.received(E.toUint8Array(d)));
    tcp.on('drain', () => this.drained());
    tcp.on('close', () => this.shut());
  }

  write(chunk: Uint8Array, cb?: WriteCallback): boolean {
    let err: Error | undefined;
    if (this.destroyed) err = this.closeError ?? new MicroTlsError('NET_CONN_RESET', 'write after close: nothing sent');
    else if (!this.admit(chunk.length)) err = this.closeError;
    else {
      try {
        this.tcp.write(E.toString(chunk));
      } catch (e) {
        // Espruino throws on a socket that closed before its 'close' event ran.
        err = new MicroTlsError('NET_CONN_RESET', `write after close: ${String(e)}`);
      }
    }
    if (err) {
      const failed = err;
      if (cb) setTimeout(() => cb(failed), 0);
      return false;
    }
    return this.accepted(cb);
  }

  end(): void {
    this.tcp.end();
  }

  destroy(): void {
    this.tcp.end();
  }

  fail(err: MicroTlsError): void {
    this.shut(err);
  }
}

/** A plain TCP connection over `net` (what mqtt:// URLs use), as a DuplexLike. */
export function connectTcp(host: string, port: number): Promise<DuplexLike> {
  return Promise.resolve(tcpTransport(host, port)());
}

function tcpTransport(host: string, port: number, writeQueueLimit?: number): TransportFactory {
  return (attempt?: TransportAttempt) => new Promise<DuplexLike>((resolve, reject) => {
    let open = false;
    const tcp = builtin('net').connect({ host, port }, () => {
      open = true;
      resolve(duplex);
    });
    const duplex = new TcpDuplex(tcp, writeQueueLimit);
    tcp.on('error', (e) => {
      if (!open) reject(new MicroTlsError('NET_CONNECT_FAILED', `${host}:${port}: ${String(e)}`));
      else duplex.fail(new MicroTlsError('NET_RECV_FAILED', String(e)));
    });
    tcp.on('close', () => {
      if (!open) reject(new MicroTlsError('NET_CONNECT_FAILED', `${host}:${port}: connection closed`));
    });
    attempt?.onCancel(() => tcp.end());
  });
}

/** The MQTT connect options that connectMqtt hands to connect(), by the name connect() gives each. */
const TLS_OPTION_OF: Record<string, string> = {
  servername: 'servername', caCertificate: 'ca', clientCertificate: 'cert', privateKey: 'key', ciphers: 'cipherSuites', maxFragmentLength: 'maxFragmentLength',
};

/**
 * The MQTT client over Espruino's sockets: mqtts:// (or `tls: true`) runs microtls with the
 * device's settings (verifyServerCertificate, caCertificate, clientCertificate, privateKey),
 * and each reconnect offers the last session, so it resumes by ticket.
 */
export function connectMqtt(urlOrOptions: string | MqttConnectOptions, options?: MqttConnectOptions): MqttClient {
  const o = resolveConnectOptions(urlOrOptions, options);
  let transport = o.transport;
  // Room for the client's own writeBufferLimit plus a high-water mark's worth either side.
  const writeQueueLimit = Math.max(ESPRUINO_WRITE_QUEUE_LIMIT, (o.writeBufferLimit ?? DEFAULT_WRITE_BUFFER_LIMIT) + 2 * ESPRUINO_WRITE_HIGH_WATER);
  if (!transport) {
    if (o.protocol !== 'mqtts') transport = tcpTransport(o.host, o.port, writeQueueLimit);
    else {
      let session: TlsSession | undefined;
      transport = (attempt?: TransportAttempt) => {
        const tlsOptions: Record<string, unknown> = { host: o.host, port: o.port, verify: o.verifyServerCertificate ?? true, writeQueueLimit, session };
        for (const k in TLS_OPTION_OF) {
          const v = (o as unknown as Record<string, unknown>)[k];
          // ciphers and maxFragmentLength count only when set (0 is "none").
          if (v !== undefined && v !== 0) tlsOptions[TLS_OPTION_OF[k]!] = v;
        }
        return connect(tlsOptions as unknown as ConnectOptions).then((tls) => {
          if (attempt?.cancelled) {
            tls.destroy();
            throw new MicroTlsError('NET_CONNECT_FAILED', `${o.host}:${o.port}: connection attempt abandoned`);
          }
          session = tls.getSession() ?? session;
          return tls;
        });
      };
    }
  }
  const described: CertificateDescription[] = [];
  const add = (role: string, v: string | Uint8Array | undefined, fn: (v: string | Uint8Array) => string): void => {
    if (v === undefined) return;
    let description: string;
    try {
      description = fn(v);
    } catch (e) {
      description = e instanceof MicroTlsError ? e.label : String(e);
    }
    described.push({ role, description });
  };
  add('CA certificate', o.caCertificate, describeCertificate);
  add('Client certificate', o.clientCertificate, describeCertificate);
  add('Private key', o.privateKey, describeKey);
  // As mqtt/connect.ts's connect() does, with this engine's transport instead of Node's.
  // Espruino has no crypto.getRandomValues: without E.hwRand here, generated client ids and
  // reconnect jitter would come from the clock alone, alike on devices that boot together.
  const random = o.random ?? ((out: Uint8Array) => out.set(espruinoProvider().randomBytes(out.length)));
  return new MqttClient({ ...o, transport, random, describeCertificates: o.describeCertificates ?? (() => described) });
}

/** Resolves on the first CONNACK (see whenConnected). */
export function connectMqttAsync(urlOrOptions: string | MqttConnectOptions, options?: MqttConnectOptions): Promise<MqttClient> {
  return whenConnected(connectMqtt(urlOrOptions, options));
}

setDefaultClock(espruinoClock);
espruinoProvider();
