/**
 * MQTT 3.1.1 client core: sessions, QoS flows, keepalive and reconnects over any
 * Duplex-like transport. Portable: no Node APIs (transports for Node are in src/node).
 */
import { utf8Encode } from '../encoding/bytes.js';
import { MicroTlsError } from '../errors.js';
import { ERROR_CODES } from '../error-codes.js';
import { Backoff } from './backoff.js';
import {
  PacketReader, encodePacket, setPublishDup, setPublishPacketId,
  type ConnackPacket, type ConnectPacket, type Packet, type PublishPacket, type QoS, type Subscription,
} from './codec/index.js';
import { checkTopicFilter } from './codec/rules.js';
import { Emitter } from './emitter.js';
import { MqttConnackError, MqttProtocolError, isPermanent, permanent, requireSessionClientId } from './errors.js';
import { InflightStore } from './inflight.js';
import { KeepaliveTimer } from './keepalive.js';
import { BoundedQueue } from './offline-queue.js';
import { DEFAULT_MAX_PACKET_SIZE, DEFAULT_WRITE_BUFFER_LIMIT, type ConnectionState, type Granted, type MqttClientOptions, type MqttStatus, type PublishOptions, type SubscribeOptions } from './options.js';
import { PacketIdAllocator } from './packet-ids.js';
import { payloadView } from './payload.js';
import { defaultRandomSource, randomUnit, type RandomSource } from './random.js';
import { OneShot, defaultTimers, type Timers } from './timers.js';
import { CancellableAttempt, type DuplexLike } from './transport.js';
import { WriteBatcher } from './write-batcher.js';
import { transportError } from './transport-error.js';

export interface MqttClientEvents {
  connect: (connack: ConnackPacket) => void;
  message: (topic: string, payload: Uint8Array, packet: PublishPacket) => void;
  /** A connection (or connection attempt) ended. */
  close: () => void;
  /** The client was connected and no longer is. */
  offline: () => void;
  /** A reconnect attempt starts. */
  reconnect: () => void;
  error: (err: Error) => void;
  /** end() finished, or the client gave up (reconnect off, or the broker refused us for good). */
  end: () => void;
  packetsend: (packet: Packet) => void;
  packetreceive: (packet: Packet) => void;
}

type Operation =
  | { kind: 'publish'; packet: PublishPacket; bytes: Uint8Array; resolve(): void; reject(e: Error): void }
  | { kind: 'subscribe'; subscriptions: Subscription[]; resolve(g: Granted[]): void; reject(e: Error): void }
  | { kind: 'unsubscribe'; topics: string[]; resolve(): void; reject(e: Error): void };

/** MQTT.js-style completion callback. */
export type Callback<T> = (err: Error | null | undefined, result?: T) => void;

/** MQTT.js's `(…, opts?, cb?)`: the options (a callback in their place means none). */
function optionsOf<O extends object>(opts: O | Callback<never> | undefined): Partial<O> {
  return typeof opts === 'function' || !opts ? {} : opts;
}

type AckOperation = Exclude<Operation, { kind: 'publish' }>;
/** An operation before its promise exists: what publish/subscribe/unsubscribe validate and build. */
type Request<O extends Operation> = O extends unknown ? Omit<O, 'resolve' | 'reject'> : never;

/** CONNACK codes after which retrying cannot help: bad version, id, credentials, authorization. */
const FATAL_CONNACK = new Set([1, 2, 4, 5]);

/**
 * Paho's default. mosquitto keeps 20 messages in flight per client (max_inflight_messages)
 * and silently drops QoS 2 PUBLISHes beyond that, so a client must not exceed it.
 */
export const DEFAULT_MAX_INFLIGHT = 20;

/**
 * Default pingTimeout as a share of keepalive: a ping goes out after a keepalive period
 * with nothing sent or nothing received, so a dead broker is noticed within 1.4x keepalive.
 */
const DEFAULT_PING_TIMEOUT_SHARE = 0.4;

/** Completed QoS 2 ids remembered per connection; brokers re-send at most their in-flight window (mosquitto: 20). */
const REDELIVERY_GUARD_SIZE = 256;

/** Packets the broker must answer: their answer missing for pingTimeout means the connection is dead. */
const OWES_ANSWER = (p: Packet): boolean =>
  (p.type === 'publish' && p.qos > 0) || p.type === 'pubrel' || p.type === 'subscribe' || p.type === 'unsubscribe';

function closedError(what: string): MicroTlsError {
  return new MicroTlsError('MICROTLS_ERR_MQTT_CONNECTION_CLOSED', what);
}

/** A copy, so the caller may reuse its array (not Array#flat: Espruino lacks it). */
function topicList(topic: string | readonly string[]): string[] {
  return typeof topic === 'string' ? [topic] : topic.slice();
}

function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? utf8Encode(v) : v;
}

export class MqttClient extends Emitter<MqttClientEvents> {
  // `declare`: set in the constructor (or undefined until set), so no field definition is emitted for them.
  declare readonly options: Readonly<MqttClientOptions>;
  declare readonly clientId: string;
  private declare readonly timers: Timers;
  private declare readonly random: RandomSource | undefined;
  private readonly ids = new PacketIdAllocator();
  private readonly inflight = new InflightStore();
  private readonly awaitingAck = new Map<number, AckOperation>();
  /** QoS 2 ids received and PUBREC'd but not yet released: a resent PUBLISH with one of them is not delivered again. */
  private readonly incomingQos2 = new Set<number>();
  /**
   * QoS 2 ids we sent PUBCOMP for on the current connection (the last few), and on the
   * next one the guard built from them: see onPublish.
   */
  private completedQos2: number[] = [];
  private redeliveryGuard = new Set<number>();
  /** Granted subscriptions, re-sent after a reconnect that found no session. */
  private readonly subscriptions = new Map<string, QoS>();
  private declare readonly queue: BoundedQueue<Operation>;
  /** QoS 1/2 PUBLISHes allowed unacknowledged at once (maxInflight). */
  private declare readonly maxInflight: number;
  private declare readonly keepalive: KeepaliveTimer;
  private declare readonly backoff: Backoff;
  private declare readonly connectTimer: OneShot;
  private declare readonly reconnectTimer: OneShot;
  private readonly recentCodes: number[] = [];
  private declare transport: DuplexLike | undefined;
  private declare writer: WriteBatcher | undefined;
  private _state: ConnectionState = 'connecting';
  /** Bumped per attempt, so a transport that opens after its attempt timed out is discarded. */
  private attemptId = 0;
  /** The attempt whose transport is still being opened, cancelled if it is abandoned. */
  private declare opening: CancellableAttempt | undefined;
  private ending = false;
  private gaveUp = false;
  private endWaiters: (() => void)[] = [];

  constructor(options: MqttClientOptions) {
    super();
    this.options = options;
    this.timers = options.timers ?? defaultTimers;
    this.random = options.random ?? defaultRandomSource();
    requireSessionClientId(options);
    this.clientId = options.clientId ?? this.generateClientId();
    this.queue = new BoundedQueue(options.queueLimit ?? 1000);
    this.maxInflight = options.maxInflight ?? DEFAULT_MAX_INFLIGHT;
    // Math.floor, not Number.isInteger: Espruino lacks the latter.
    if (typeof this.maxInflight !== 'number' || Math.floor(this.maxInflight) !== this.maxInflight || this.maxInflight < 1 || this.maxInflight > 0xffff) {
      throw new MicroTlsError('MICROTLS_ERR_MQTT_BAD_OPTION', `maxInflight must be an integer 1-65535, not ${String(options.maxInflight)}`);
    }
    const keepaliveMs = (options.keepalive ?? 60) * 1000;
    const pingTimeout = options.pingTimeout ?? Math.round(keepaliveMs * DEFAULT_PING_TIMEOUT_SHARE);
    this.keepalive = new KeepaliveTimer(this.timers, {
      period: keepaliveMs,
      pingTimeout,
      watchReceived: true,
      sendPing: () => this.send({ type: 'pingreq' }),
      onTimeout: () => this.drop(new MicroTlsError('MICROTLS_ERR_MQTT_TIMEOUT', `broker silent for ${pingTimeout} ms (pingTimeout) with a PINGRESP or ack due`)),
    });
    const random = this.random;
    this.backoff = new Backoff({
      initial: options.reconnectPeriod ?? 1000,
      max: options.maxReconnectPeriod ?? 30_000,
      random: random && (() => randomUnit(random)),
    });
    this.connectTimer = new OneShot(this.timers);
    this.reconnectTimer = new OneShot(this.timers);
    // Validate what goes into CONNECT now, so a bad option fails at once rather than on every reconnect.
    encodePacket(this.connectPacket());
    this.attempt();
  }

  get state(): ConnectionState {
    return this._state;
  }

  get connected(): boolean {
    return this._state === 'connected';
  }

  /**
   * Publishes; the promise settles when the broker acknowledged it (QoS 1/2) or it was
   * written (QoS 0). MQTT.js's optional callback `(err) => …` is accepted too. A promise
   * nobody awaits never becomes an unhandled rejection; a publish after end() is also
   * reported on 'error', as MQTT.js does.
   */
  publish(topic: string, payload: string | Uint8Array, opts?: PublishOptions | Callback<void>, cb?: Callback<void>): Promise<void> {
    return this.request(opts, cb, () => {
      const o = optionsOf(opts);
      const qos = o.qos ?? 0;
      const packet: PublishPacket = { type: 'publish', topic, payload: toBytes(payload), qos, retain: o.retain ?? false, dup: false };
      if (qos > 0) packet.packetId = 1; // placeholder, patched when sent
      return { kind: 'publish', packet, bytes: encodePacket(packet) };
    });
  }

  /** Resolves with what the broker granted per filter; MQTT.js's callback `(err, granted)` is accepted too. */
  subscribe(topic: string | string[] | Record<string, SubscribeOptions>, opts?: SubscribeOptions | Callback<Granted[]>, cb?: Callback<Granted[]>): Promise<Granted[]> {
    return this.request(opts, cb, () => {
      const qos = optionsOf(opts).qos ?? 0;
      const subscriptions: Subscription[] = typeof topic === 'string' || Array.isArray(topic)
        ? topicList(topic).map((t) => ({ topic: t, qos }))
        : Object.keys(topic).map((t) => ({ topic: t, qos: topic[t]!.qos ?? qos }));
      encodePacket({ type: 'subscribe', packetId: 1, subscriptions });
      return { kind: 'subscribe', subscriptions };
    });
  }

  unsubscribe(topic: string | string[], opts?: Record<string, never> | Callback<void>, cb?: Callback<void>): Promise<void> {
    return this.request(opts, cb, () => {
      const topics = topicList(topic);
      for (const t of topics) checkTopicFilter(t);
      encodePacket({ type: 'unsubscribe', packetId: 1, topics });
      return { kind: 'unsubscribe', topics };
    });
  }

  /**
   * One operation: `build` validates and encodes it (a throw rejects the promise); the
   * promise is marked handled (a fire-and-forget call must not crash Node) and feeds
   * MQTT.js's callback, given in place of the options or after them.
   */
  private request<T>(opts: unknown, cb: Callback<T> | undefined, build: () => Request<Operation>): Promise<T> {
    const callback = typeof opts === 'function' ? opts as Callback<T> : cb;
    const p = new Promise<T>((resolve, reject) => {
      const op = build() as Operation;
      op.resolve = resolve as Operation['resolve'];
      op.reject = reject;
      this.submit(op);
    });
    p.then((v) => callback?.(null, v), (e: Error) => callback?.(e));
    return p;
  }

  /**
   * Closes the session: DISCONNECT when connected, no more reconnects. Operations not yet
   * acknowledged are rejected with MICROTLS_ERR_MQTT_CONNECTION_CLOSED. `force` skips DISCONNECT.
   */
  end(force?: boolean | (() => void), opts?: object | (() => void), cb?: () => void): Promise<void> {
    // MQTT.js's end(force?, opts?, cb?), each part optional.
    const callback = typeof force === 'function' ? force : typeof opts === 'function' ? opts : cb;
    const done = this.endNow(force === true);
    if (typeof callback === 'function') void done.then(() => callback());
    return done;
  }

  private endNow(force: boolean): Promise<void> {
    if (this._state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.endWaiters.push(resolve));
    if (this.ending) return done;
    this.ending = true;
    this.reconnectTimer.cancel();
    const t = this.transport;
    if (!t) {
      this.attemptId++;
      this.cancelOpening();
      this.finish();
      return done;
    }
    if (this._state === 'connected' && !force) {
      this.send({ type: 'disconnect' });
      this.writer?.flush();
      t.end();
      // A peer that never closes its side must not keep end() pending.
      const guard = new OneShot(this.timers);
      guard.start(2000, () => t.destroy());
      void done.then(() => guard.cancel());
    } else {
      t.destroy();
    }
    return done;
  }

  status(): MqttStatus {
    return {
      state: this._state,
      connected: this.connected,
      clientId: this.clientId,
      reconnectAttempts: this.backoff.attempts,
      inflight: this.inflight.size,
      queued: this.queue.length,
      lastErrors: this.recentCodes.slice().reverse().map((code) => ({ code, name: ERROR_CODES.get(code)?.name ?? 'UNKNOWN' })),
      certificates: this.options.describeCertificates?.() ?? [],
    };
  }

  // ---- connection lifecycle ----

  private connectPacket(): ConnectPacket {
    const o = this.options;
    const p: ConnectPacket = { type: 'connect', clientId: this.clientId, clean: o.clean ?? true, keepalive: o.keepalive ?? 60 };
    if (o.will) p.will = { topic: o.will.topic, payload: toBytes(o.will.payload), qos: o.will.qos ?? 0, retain: o.will.retain ?? false };
    if (o.username !== undefined) p.username = o.username;
    if (o.password !== undefined) p.password = toBytes(o.password);
    return p;
  }

  private attempt(): void {
    const id = ++this.attemptId;
    this._state = this.backoff.attempts > 0 ? 'reconnecting' : 'connecting';
    this.connectTimer.start(this.options.connectTimeout ?? 30_000, () => {
      const err = new MicroTlsError('MICROTLS_ERR_MQTT_TIMEOUT', 'no CONNACK within connectTimeout');
      if (this.transport) this.drop(err);
      else {
        this.attemptId++; // the transport factory may still resolve: discard it then
        this.cancelOpening();
        this.connectionLost(err);
      }
    });
    const opening = new CancellableAttempt();
    this.opening = opening;
    /** The attempt is over; true when it is still the current one. */
    const current = (): boolean => {
      if (this.opening === opening) this.opening = undefined;
      return id === this.attemptId && !this.ending;
    };
    // A factory that throws fails the attempt as one that rejects does.
    new Promise<DuplexLike>((resolve) => resolve(this.options.transport(opening))).then((t) => {
      if (current()) this.opened(t);
      else t.destroy();
    }, (e: Error) => {
      if (current()) this.connectionLost(e);
    });
  }

  /** The transport is up: wire it to the reader and writer, and send CONNECT. */
  private opened(t: DuplexLike): void {
    this.transport = t;
    // Read backpressure: bytes handed to the transport and not yet flushed (its write
    // callbacks), and reading paused while they exceed the limit.
    const limit = this.options.writeBufferLimit ?? DEFAULT_WRITE_BUFFER_LIMIT;
    let unflushed = 0;
    let readPaused = false;
    this.writer = new WriteBatcher((bytes, cb) => {
      unflushed += bytes.length;
      if (!readPaused && unflushed > limit && typeof t.pause === 'function') {
        readPaused = true;
        t.pause();
      }
      let called = false;
      const done = (err?: Error | null): void => {
        if (called) return;
        called = true;
        unflushed -= bytes.length;
        if (readPaused && unflushed <= limit / 2 && this.transport === t) {
          readPaused = false;
          t.resume?.();
        }
        cb(err);
      };
      try {
        t.write(bytes, done);
      } catch (e) {
        done(e as Error); // a Duplex-like that throws once closed, instead of calling back
      }
    });
    const reader = new PacketReader({ maxPacketSize: this.options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE });
    let lastError: Error | undefined;
    let received = 0;
    t.on('data', (chunk: Uint8Array) => {
      if (this.transport !== t) return;
      if (received === 0 && chunk.length > 0 && !t.encrypted && (chunk[0] === 0x15 || chunk[0] === 0x16) && chunk[1] === 0x03) {
        // A TLS alert or handshake record where CONNACK (0x20) belongs: the port speaks TLS.
        this.drop(permanent(new MicroTlsError('MICROTLS_ERR_MQTT_TLS_REQUIRED', 'a TLS record answered CONNECT: use mqtts://')));
        return;
      }
      received += chunk.length;
      let packets: Packet[];
      try {
        packets = reader.push(chunk);
      } catch (e) {
        this.drop(e as Error);
        return;
      }
      if (packets.length === 0) return;
      this.keepalive.noteReceived();
      for (const p of packets) {
        if (this.transport !== t) return;
        this.handle(p);
      }
      if (this.transport === t && this.inflight.size === 0 && this.awaitingAck.size === 0) this.keepalive.answered();
    });
    t.on('error', (err: Error) => {
      const typed = transportError(err);
      lastError = typed;
      if (received === 0 && !t.encrypted && this._state !== 'connected' && typed.codeName === 'MBEDTLS_ERR_NET_CONN_RESET') {
        // A TLS listener resets a connection whose first bytes are not TLS (mosquitto does).
        lastError = new MicroTlsError('MICROTLS_ERR_MQTT_TLS_REQUIRED',
          `reset (${err.message}) before any MQTT byte: a TLS port? use mqtts://`, { cause: typed.codeName }, { cause: err });
      }
    });
    t.on('close', () => {
      if (this.transport !== t) return;
      this.noteCodes(t.lastErrors);
      // The writer's closure holds the transport: an engine that keeps this client alive
      // (Espruino keeps an object whose lock count once hit its maximum) must not keep the connection.
      this.detach();
      this.connectionLost(lastError);
    });
    this.send(this.connectPacket());
  }

  private cancelOpening(): void {
    const o = this.opening;
    this.opening = undefined;
    o?.cancel();
  }

  /** Lets go of the connection: the writer's closure holds the transport. */
  private detach(): void {
    this.transport = undefined;
    this.writer = undefined;
  }

  /** Ends the current connection because of `err` (protocol violation, timeout); reconnect follows if enabled. */
  private drop(err: Error): void {
    const t = this.transport;
    if (!t) return;
    this.report(err);
    this.detach();
    t.destroy();
    this.connectionLost(undefined, true);
  }

  /** `reported`: the cause was emitted as 'error' already (drop()). */
  private connectionLost(err: Error | undefined, reported = false): void {
    const wasConnected = this._state === 'connected';
    this.keepalive.stop();
    this.connectTimer.cancel();
    // A clean close (no socket error) before CONNACK is still a failed attempt: say so, or
    // connectAsync / a caller waiting for 'connect' or 'error' waits forever.
    if (!err && !reported && !wasConnected) err = closedError('broker closed before CONNACK');
    if (err && !this.ending) this.report(err);
    // SUBSCRIBE/UNSUBSCRIBE have no session-level resend: put them back to be sent again.
    const interrupted = Array.from(this.awaitingAck.keys(), (id) => {
      this.ids.release(id);
      return this.awaitingAck.get(id)!;
    });
    this.awaitingAck.clear();
    if (wasConnected) {
      // Only a connection that got its CONNACK rotates the guard: failed attempts in between must keep it.
      this.redeliveryGuard = new Set(this.completedQos2);
      this.completedQos2 = [];
    }
    this.queue.requeueFront(interrupted);
    const reconnectPeriod = this.options.reconnectPeriod ?? 1000;
    const over = this.ending || this.gaveUp || reconnectPeriod <= 0;
    // Ending instead: finish() rejects everything with CONNECTION_CLOSED.
    if ((this.options.clean ?? true) && !over) this.discardSession();
    this.emit('close');
    if (wasConnected) this.emit('offline');
    if (over) {
      this.finish();
      return;
    }
    this._state = 'reconnecting';
    this.reconnectTimer.start(this.backoff.next(), () => {
      this.emit('reconnect');
      this.attempt();
    });
  }

  /**
   * A clean session ends with its connection (MQTT-3.1.2-6: client and broker discard the
   * session state), so the next connection must not resend its PUBLISHes or PUBRELs. What
   * they carried may or may not have reached subscribers (QoS 1 once acked by the broker's
   * side before the break; QoS 2 only if the broker saw our PUBREL), so neither resending
   * (a possible duplicate) nor resolving (a possible loss) is right: the caller's promise is
   * rejected with MICROTLS_ERR_MQTT_SESSION_LOST and decides. Queued operations never went
   * out; they are sent on the next connection as usual.
   */
  private discardSession(): void {
    for (const m of this.inflight.clear()) {
      this.ids.release(m.packet.packetId);
      m.reject(new MicroTlsError('MICROTLS_ERR_MQTT_SESSION_LOST',
        `QoS ${m.packet.qos} to '${m.packet.topic}': connection broke before ${m.stage === 'pubrel' ? 'PUBCOMP' : m.packet.qos === 1 ? 'PUBACK' : 'PUBREC'}; clean session, so maybe delivered: publish again, or use clean: false`,
        { packetId: m.packet.packetId, qos: m.packet.qos, stage: m.stage, topic: m.packet.topic }));
    }
    this.incomingQos2.clear();
  }

  /** Terminal: everything still pending fails loudly. */
  private finish(): void {
    if (this._state === 'closed') return;
    this._state = 'closed';
    this.keepalive.stop();
    this.connectTimer.cancel();
    this.reconnectTimer.cancel();
    const err = closedError(this.ending ? 'client ended' : 'connection closed, no reconnect');
    for (const m of this.inflight.clear()) m.reject(err);
    for (const op of this.queue.drain()) op.reject(err);
    for (const op of this.awaitingAck.values()) op.reject(err);
    this.awaitingAck.clear();
    this.emit('end');
    for (const w of this.endWaiters.splice(0)) w();
  }

  private onConnack(p: ConnackPacket): void {
    if (this._state === 'connected') {
      this.drop(new MqttProtocolError('MQTT-3.2.0-1', 'second CONNACK'));
      return;
    }
    if (p.returnCode !== 0) {
      // MQTT-3.2.2-5: the server closes after a refusal; we close too and decide whether to retry.
      if (FATAL_CONNACK.has(p.returnCode)) this.gaveUp = true;
      this.drop(new MqttConnackError(p.returnCode));
      return;
    }
    this.connectTimer.cancel();
    this._state = 'connected';
    this.backoff.reset();
    const clean = this.options.clean ?? true;
    if (clean || !p.sessionPresent) {
      this.incomingQos2.clear();
      this.redeliveryGuard.clear();
    }
    this.keepalive.start();
    // Section 4.4: unacknowledged PUBLISH (with DUP) and PUBREL go out again, in order, with
    // their ids (clean: false; a clean session discarded them when the connection broke). A
    // broker that lost our session (sessionPresent 0, e.g. restarted without persistence) takes
    // the PUBLISH as new and answers the PUBREL with PUBCOMP: a possible duplicate, never a loss.
    for (const m of this.inflight.all()) {
      if (m.stage === 'pubrel') this.send({ type: 'pubrel', packetId: m.packet.packetId });
      else {
        m.packet.dup = true;
        setPublishDup(m.bytes);
        this.sendBytes(m.packet, m.bytes);
      }
    }
    if (!p.sessionPresent && (this.options.resubscribe ?? true) && this.subscriptions.size > 0) {
      const subscriptions = Array.from(this.subscriptions.keys(), (topic) => ({ topic, qos: this.subscriptions.get(topic)! }));
      this.queue.requeueFront([{ kind: 'subscribe', subscriptions, resolve: () => {}, reject: (e) => this.report(e) }]);
    }
    this.drainQueue();
    this.emit('connect', p);
  }

  // ---- outgoing ----

  private submit(op: Operation): void {
    if (this._state === 'closed' || this.ending) {
      const err = closedError(`${op.kind} after end()`);
      op.reject(err);
      this.emit('error', err); // MQTT.js reports these on 'error' too
      return;
    }
    if (this.connected && this.queue.length === 0 && this.dispatch(op)) return;
    if (!this.queue.push(op)) {
      op.reject(new MicroTlsError('MICROTLS_ERR_MQTT_QUEUE_FULL', `${this.queue.limit} operations wait (queueLimit)`, { limit: this.queue.limit }));
    }
  }

  private drainQueue(): void {
    while (this.connected && this.queue.length > 0) {
      if (!this.dispatch(this.queue.peek()!)) return;
      this.queue.shift();
    }
  }

  /**
   * Sends one operation; false when it must wait in the queue for an ack: the in-flight
   * window is full (QoS 1 and 2 share it) or no packet id is free.
   */
  private dispatch(op: Operation): boolean {
    if (op.kind === 'publish' && op.packet.qos === 0) {
      this.sendBytes(op.packet, op.bytes, (err) => (err ? op.reject(err) : op.resolve()));
      return true;
    }
    if (op.kind === 'publish' && this.inflight.size >= this.maxInflight) return false;
    const id = this.ids.allocate();
    if (id === undefined) return false;
    if (op.kind === 'publish') {
      op.packet.packetId = id;
      setPublishPacketId(op.bytes, id);
      this.inflight.add({ packet: op.packet as PublishPacket & { packetId: number }, bytes: op.bytes, stage: 'publish', resolve: op.resolve, reject: op.reject });
      this.sendBytes(op.packet, op.bytes);
    } else if (op.kind === 'subscribe') {
      this.awaitingAck.set(id, op);
      this.send({ type: 'subscribe', packetId: id, subscriptions: op.subscriptions });
    } else {
      this.awaitingAck.set(id, op);
      this.send({ type: 'unsubscribe', packetId: id, topics: op.topics });
    }
    return true;
  }

  private send(packet: Packet, cb?: (err?: Error | null) => void): void {
    this.sendBytes(packet, encodePacket(packet), cb);
  }

  private sendBytes(packet: Packet, bytes: Uint8Array, cb?: (err?: Error | null) => void): void {
    const t = this.transport;
    if (!t) {
      cb?.(closedError('not connected'));
      return;
    }
    this.keepalive.noteSent();
    if (OWES_ANSWER(packet)) {
      // The answer is owed from when the bytes left us, not when they were queued: a large
      // PUBLISH on a slow device link takes a while to go out before any PUBACK can come.
      this.writer!.write(bytes, (err) => {
        if (!err && this.transport === t) this.keepalive.expectAnswer();
        cb?.(err);
      });
    } else {
      this.writer!.write(bytes, cb);
    }
    this.emit('packetsend', packet);
  }

  // ---- incoming ----

  private handle(p: Packet): void {
    if (p.type === 'publish') p.payload = payloadView(p.payload); // a Buffer under Node, for every listener
    this.emit('packetreceive', p);
    if (this._state !== 'connected' && p.type !== 'connack') {
      this.drop(new MqttProtocolError('MQTT-3.2.0-1', `${p.type.toUpperCase()} before CONNACK`));
      return;
    }
    switch (p.type) {
      case 'connack':
        return this.onConnack(p);
      case 'publish':
        return this.onPublish(p);
      case 'puback':
      case 'pubcomp': {
        const m = this.inflight.get(p.packetId);
        if (!m) return;
        // A PUBACK for a QoS 2 PUBLISH: the broker has no QoS 2 and took it as QoS 1 (RabbitMQ
        // 3.10 does this). It has the message, at least once; waiting for a PUBREC that never
        // comes would block the window for good, so the publish completes.
        const downgraded = p.type === 'puback' && m.packet.qos === 2 && m.stage === 'publish';
        // A PUBCOMP before PUBREC, or a PUBACK after it, is the broker's mistake; ignore it.
        if (!downgraded && ((p.type === 'puback') !== (m.packet.qos === 1) || (p.type === 'pubcomp' && m.stage !== 'pubrel'))) return;
        this.inflight.delete(p.packetId);
        this.ids.release(p.packetId);
        m.resolve();
        return this.drainQueue();
      }
      case 'pubrec': {
        const m = this.inflight.get(p.packetId);
        if (m && m.packet.qos === 2) m.stage = 'pubrel';
        // Answer even an unknown id: the broker holds the message until it gets PUBREL.
        if (!m || m.packet.qos === 2) this.send({ type: 'pubrel', packetId: p.packetId });
        return;
      }
      case 'pubrel':
        if (this.incomingQos2.delete(p.packetId) && (this.options.qos2RedeliveryGuard ?? true)) {
          this.completedQos2.push(p.packetId);
          if (this.completedQos2.length > REDELIVERY_GUARD_SIZE) this.completedQos2.shift();
        }
        return this.send({ type: 'pubcomp', packetId: p.packetId });
      case 'suback':
      case 'unsuback': {
        const op = this.awaitingAck.get(p.packetId);
        if (!op || (op.kind === 'subscribe') !== (p.type === 'suback')) return;
        this.awaitingAck.delete(p.packetId);
        this.ids.release(p.packetId);
        if (op.kind === 'subscribe' && p.type === 'suback') {
          const granted = op.subscriptions.map((s, i) => ({ topic: s.topic, qos: (p.returnCodes[i] ?? 0x80) as Granted['qos'] }));
          for (const g of granted) if (g.qos !== 128) this.subscriptions.set(g.topic, g.qos);
          op.resolve(granted);
        } else if (op.kind === 'unsubscribe') {
          for (const t of op.topics) this.subscriptions.delete(t);
          op.resolve();
        }
        return this.drainQueue();
      }
      case 'pingresp':
        return this.keepalive.pingResponse();
      default:
        // CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT only travel client -> server.
        return this.drop(new MqttProtocolError('MQTT §2.2.1', `a server must not send ${p.type.toUpperCase()}`));
    }
  }

  private onPublish(p: PublishPacket): void {
    if (p.packetId !== undefined && this.redeliveryGuard.size > 0) {
      const guarded = this.redeliveryGuard.delete(p.packetId);
      // A DUP=1 QoS 2 PUBLISH on the connection after a break, with an id whose PUBCOMP we
      // sent just before the connection broke: the broker did not see that PUBCOMP and
      // re-sent the PUBLISH where section 4.4 says PUBREL (mosquitto 2.0 restoring its
      // persistence db does this). Delivering it again would duplicate a QoS 2 message, so
      // it is acknowledged without delivery. This deviates from MQTT-4.3.3-2 only for an id
      // the broker would have to reuse at once; option qos2RedeliveryGuard turns it off.
      if (guarded && p.qos === 2 && p.dup && !this.incomingQos2.has(p.packetId)) {
        this.incomingQos2.add(p.packetId);
        this.send({ type: 'pubrec', packetId: p.packetId });
        return;
      }
    }
    // QoS 2, section 4.3.3 method B: deliver on first receipt, remember the id until PUBREL.
    const repeat = p.qos === 2 && this.incomingQos2.has(p.packetId!);
    if (p.qos === 2) this.incomingQos2.add(p.packetId!);
    if (!repeat) this.emit('message', p.topic, p.payload, p);
    if (p.qos > 0) this.send({ type: p.qos === 1 ? 'puback' : 'pubrec', packetId: p.packetId! });
  }

  // ---- errors ----

  private report(err: Error): void {
    if (isPermanent(err)) this.gaveUp = true; // retrying cannot fix it
    if (err instanceof MicroTlsError) this.noteCodes([err.code]);
    this.noteCodes(this.transport?.lastErrors);
    this.emit('error', err);
  }

  /** `codes` newest first, as TlsSocket.lastErrors keeps them. */
  private noteCodes(codes: readonly number[] | undefined): void {
    for (const c of (codes ?? []).slice().reverse()) {
      if (this.recentCodes[this.recentCodes.length - 1] === c) continue;
      this.recentCodes.push(c);
      if (this.recentCodes.length > 2) this.recentCodes.shift();
    }
  }

  private generateClientId(): string {
    const b = new Uint8Array(4);
    if (this.random) this.random(b);
    else {
      // No entropy source on this engine: the time still makes collisions between devices unlikely.
      const t = Date.now(); // wall time, not the (possibly monotonic, since-boot) timer clock
      for (let i = 0; i < 4; i++) b[i] = Math.floor(t / 256 ** i) & 0xff;
    }
    let id = 'microtls_';
    for (const x of b) id += (x < 16 ? '0' : '') + x.toString(16);
    return id;
  }
}
