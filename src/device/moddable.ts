/**
 * connect() over Moddable's TCP sockets: ECMA-419 `embedded:io/socket/tcp` where the
 * build has it, else Moddable's `socket` module. Pass the socket class you imported
 * (`socket: { io: TCP }` with `dns: { io: Resolver, ... }`, or `Socket`) to choose; with
 * neither, both modules are tried by dynamic import, in that order.
 *
 * The default crypto provider is xsProvider (hashes and AES of its own, written for interpreters).
 * Moddable's sources of time and randomness: the `rng` module (RNG.get(n), an ArrayBuffer)
 * and `Time.ticks` (a monotonic millisecond counter) are adapted by moddableRandom and
 * moddableClock; `timer` (Timer.set / Timer.clear) by moddableTimers.
 */
import { MicroTlsError } from '../errors.js';
import { connect as connectMqttClient, type ConnectOptions as MqttConnectOptions } from '../mqtt/connect.js';
import type { MqttClient } from '../mqtt/client.js';
import { DEFAULT_WRITE_BUFFER_LIMIT } from '../mqtt/options.js';
import type { Timers } from '../mqtt/timers.js';
import type { DuplexLike, TransportFactory } from '../mqtt/transport.js';
import { settableClock, type SettableClock } from '../time/clock.js';
import type { OpenByteStream } from './byte-stream.js';
import { ecma419ByteStream, type Ecma419DnsConfig, type Ecma419SocketConfig, type Ecma419TcpClass } from './moddable-tcp.js';
import { moddableSocketByteStream, type ModdableSocketClass } from './moddable-socket.js';
import { connectTls, DEVICE_WRITE_HIGH_WATER, type DeviceTlsOptions, type DeviceTlsSocket } from './tls-stream.js';
import { DEVICE_WRITE_QUEUE_LIMIT } from './queued-byte-stream.js';
import { xsProvider } from './xs-provider.js';

export interface ModdableSockets {
  /** ECMA-419: `{ io: TCP }` from `embedded:io/socket/tcp` (plus any constructor options). */
  readonly socket?: Ecma419SocketConfig;
  /** ECMA-419 DNS for host names: `{ io: Resolver, servers: [...], socket: { io: UDP } }`. */
  readonly dns?: Ecma419DnsConfig;
  /** Moddable's `socket` module: its Socket class. */
  readonly Socket?: ModdableSocketClass;
}

export interface ModdableConnectOptions extends Omit<DeviceTlsOptions, 'provider'>, ModdableSockets {
  /** Default xsProvider. */
  readonly provider?: DeviceTlsOptions['provider'];
}

/** Held in variables so a bundler leaves the engine's own module names alone. */
const ECMA419_TCP = 'embedded:io/socket/tcp';
const ECMA419_DNS = 'embedded:network/dns/resolver/udp';
const ECMA419_UDP = 'embedded:io/socket/udp';
const MODDABLE_SOCKET = 'socket';

async function tryImport<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch {
    return undefined;
  }
}

let found: Promise<OpenByteStream> | undefined;

/** The engine's own TCP module, looked up once. */
function findByteStream(): Promise<OpenByteStream> {
  return (found ??= (async () => {
    const tcp = await tryImport<{ default: Ecma419TcpClass }>(ECMA419_TCP);
    if (tcp?.default) {
      const resolver = await tryImport<{ default: Ecma419DnsConfig['io'] }>(ECMA419_DNS);
      const udp = await tryImport<{ default: unknown }>(ECMA419_UDP);
      const dns = resolver?.default && udp?.default ? { io: resolver.default, socket: { io: udp.default } } : undefined;
      return ecma419ByteStream({ io: tcp.default }, dns);
    }
    const socket = await tryImport<{ Socket?: ModdableSocketClass; default?: { Socket?: ModdableSocketClass } }>(MODDABLE_SOCKET);
    const Socket = socket?.Socket ?? socket?.default?.Socket;
    if (Socket) return moddableSocketByteStream(Socket);
    found = undefined;
    throw new MicroTlsError('NET_SOCKET_FAILED',
      `no TCP socket on this engine: neither ${ECMA419_TCP} nor Moddable's socket module could be imported; add one to the manifest or pass socket: { io: TCP } / Socket`);
  })());
}

/** The ByteStream for these options: the socket given, else the engine's own. */
export function moddableByteStream(sockets: ModdableSockets): Promise<OpenByteStream> {
  if (sockets.socket) return Promise.resolve(ecma419ByteStream(sockets.socket, sockets.dns));
  if (sockets.Socket) return Promise.resolve(moddableSocketByteStream(sockets.Socket));
  return findByteStream();
}

/**
 * Connects and completes the TLS 1.2 handshake. Resolves once the server's Finished
 * verified; rejects with a MicroTlsError (Mbed TLS code) otherwise, the socket closed.
 */
export async function connect(options: ModdableConnectOptions): Promise<DeviceTlsSocket> {
  const { socket, dns, Socket, ...tls } = options;
  const open = await moddableByteStream({ ...(socket ? { socket } : {}), ...(dns ? { dns } : {}), ...(Socket ? { Socket } : {}) });
  return connectTls(open, { ...tls, provider: tls.provider ?? xsProvider });
}

/** The reference device's MQTT settings in one object (manual section 1), plus the device's sockets and sources. */
export interface DeviceMqttSettings extends Omit<MqttConnectOptions, 'transport'>, ModdableSockets {
  /** Passed to every TLS connect (provider, clock, random, cipher suites, timeout...). */
  readonly tlsOptions?: Partial<Omit<DeviceTlsOptions, 'host' | 'port'>>;
  /** Called with each TLS connection once its handshake is done (suite, resumed, timings). */
  readonly onSecureConnect?: (socket: DeviceTlsSocket) => void;
}

/**
 * An MQTT client whose connections are microtls over Moddable's sockets. Reconnects offer
 * the previous connection's session (ticket or session ID), so they resume when the broker
 * allows it.
 */
export function connectMqtt(settings: DeviceMqttSettings): MqttClient {
  const { socket, dns, Socket, tlsOptions = {}, onSecureConnect, ...mqtt } = settings;
  const sockets: ModdableSockets = { ...(socket ? { socket } : {}), ...(dns ? { dns } : {}), ...(Socket ? { Socket } : {}) };
  const useTls = mqtt.tls ?? mqtt.protocol !== 'mqtt';
  const host = mqtt.host ?? 'localhost';
  const port = mqtt.port ?? (useTls ? 8883 : 1883);
  let session = tlsOptions.session;
  // Room for the client's own writeBufferLimit plus what a socket holds before it calls
  // back, so the client stops reading before the device's queue limit fails the connection.
  const writeQueueLimit = tlsOptions.writeQueueLimit ??
    Math.max(DEVICE_WRITE_QUEUE_LIMIT, (mqtt.writeBufferLimit ?? DEFAULT_WRITE_BUFFER_LIMIT) + 2 * DEVICE_WRITE_HIGH_WATER);
  const transport: TransportFactory = async (attempt) => {
    const open = await moddableByteStream(sockets);
    if (!useTls) return connectPlainTcp(open, host, port, writeQueueLimit);
    const verify = mqtt.verifyServerCertificate ?? true;
    const tls = await connectTls(open, {
      ...tlsOptions,
      provider: tlsOptions.provider ?? xsProvider,
      host,
      port,
      ...(mqtt.servername ? { servername: mqtt.servername } : {}),
      verify,
      ...(mqtt.caCertificate !== undefined ? { ca: mqtt.caCertificate } : {}),
      ...(mqtt.clientCertificate !== undefined ? { cert: mqtt.clientCertificate } : {}),
      ...(mqtt.privateKey !== undefined ? { key: mqtt.privateKey } : {}),
      ...(mqtt.ciphers ? { cipherSuites: mqtt.ciphers } : {}),
      ...(mqtt.maxFragmentLength ? { maxFragmentLength: mqtt.maxFragmentLength as DeviceTlsOptions['maxFragmentLength'] } : {}),
      ...(session ? { session } : {}),
      writeQueueLimit,
    });
    session = tls.getSession() ?? session;
    if (attempt?.cancelled) {
      tls.destroy();
      throw new MicroTlsError('SSL_TIMEOUT', 'connection attempt abandoned');
    }
    onSecureConnect?.(tls);
    return tls;
  };
  // Moddable has no crypto.getRandomValues: the device's TLS random source (moddableRandom(RNG))
  // also makes generated client ids and reconnect jitter, which would otherwise come from the clock.
  const tlsRandom = tlsOptions.random;
  const random = mqtt.random ?? (tlsRandom && ((out: Uint8Array) => out.set(tlsRandom(out.length))));
  return connectMqttClient({ ...mqtt, tls: useTls, host, port, transport, ...(random ? { random } : {}) });
}

/**
 * MQTT without TLS (port 1883) over the same sockets, with the TLS socket's write
 * backpressure: callbacks wait past DEVICE_WRITE_HIGH_WATER queued bytes, and a write
 * after close reports NET_CONN_RESET (its bytes were not sent).
 */
export function connectPlainTcp(open: OpenByteStream, host: string, port: number, writeQueueLimit?: number): Promise<DuplexLike> {
  return new Promise((resolve, reject) => {
    type Listener = (...args: never[]) => void;
    const listeners: Record<string, Listener[]> = { data: [], close: [], error: [] };
    const emit = (event: string, ...args: unknown[]): void => { for (const l of listeners[event] ?? []) (l as (...a: unknown[]) => void)(...args); };
    let up = false;
    let closed = false;
    let closeError: Error | undefined;
    let ending = false;
    let waiting: WriteCallback[] = [];
    const lost = (): Error => closeError ?? new MicroTlsError('NET_CONN_RESET', `${host}:${port}: write after close`);
    const stream = open({ host, port, ...(writeQueueLimit !== undefined ? { writeQueueLimit } : {}) }, {
      connect: () => { up = true; resolve(duplex); },
      data: (bytes) => emit('data', bytes),
      drain: () => { const w = waiting; waiting = []; for (const cb of w) cb(null); },
      error: (err) => { closeError = err; if (!up) reject(err); else emit('error', err); },
      close: (unsent = 0) => {
        closed = true;
        const w = waiting;
        waiting = [];
        // After end() a stream sends its queue before closing: only bytes left unsent are lost.
        const result = closeError ?? (unsent > 0 || !ending ? lost() : null);
        for (const cb of w) cb(result);
        if (!up) reject(new MicroTlsError('NET_CONNECT_FAILED', `${host}:${port}: closed before connecting`));
        emit('close');
      },
    });
    const duplex = {
      write(chunk: Uint8Array, cb?: WriteCallback) {
        if (!closed) stream.write(chunk);
        if (closed) {
          cb?.(lost());
          return false;
        }
        if ((stream.queued ?? 0) <= DEVICE_WRITE_HIGH_WATER) {
          cb?.(null);
          return true;
        }
        if (cb) waiting.push(cb);
        return false;
      },
      end() { ending = true; stream.close(); },
      destroy() { stream.close(); },
      pause() { stream.pause?.(); },
      resume() { stream.resume?.(); },
      on(event: string, l: Listener) { (listeners[event] ??= []).push(l); return duplex; },
      removeAllListeners(event?: string) { if (event) listeners[event] = []; else for (const k in listeners) listeners[k] = []; return duplex; },
    } as DuplexLike;
  });
}

type WriteCallback = (err?: Error | null) => void;

/** Moddable's `rng` module (RNG.get(n) returns an ArrayBuffer) as a random source. */
export function moddableRandom(RNG: { get(n: number): ArrayBuffer }): (n: number) => Uint8Array {
  return (n) => {
    const out = new Uint8Array(RNG.get(n));
    if (out.length !== n) throw new MicroTlsError('SSL_NO_RNG', `RNG.get(${n}) returned ${out.length} bytes`);
    return out;
  };
}

/**
 * A clock for certificate validity that is unset until SNTP (or the app) sets it, then runs
 * on Moddable's monotonic `Time.ticks`, so a later step of the wall clock does not move it.
 */
export function moddableClock(Time: { readonly ticks: number }): SettableClock {
  return settableClock(() => Time.ticks);
}

/** Moddable's `timer` module (Timer.set / Timer.clear) as the Timers the MQTT client and connect() take. */
export function moddableTimers(Timer: { set(fn: () => void, ms?: number): unknown; clear(id: unknown): void }, Time?: { readonly ticks: number }): Timers {
  return {
    setTimeout: (fn, ms) => Timer.set(fn, ms),
    clearTimeout: (id) => Timer.clear(id),
    now: Time ? () => Time.ticks : () => Date.now(),
  };
}
