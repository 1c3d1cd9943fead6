/**
 * Keepalive and liveness. The spec (3.1.2.10) asks the client to SEND something within each
 * keepalive period, so a PINGREQ goes out when nothing was sent for a period; following
 * received traffic only (as MQTT.js once did) lets a subscribe-only client fall silent and
 * be disconnected by the broker at 1.5x keepalive.
 *
 * Sending alone proves nothing about the broker, though: a client publishing QoS 0 every
 * second never pings, and a stopped broker (SIGSTOP, a dead NAT mapping) goes unnoticed
 * while the socket buffers fill. So with `watchReceived` a PINGREQ also goes out when
 * nothing was RECEIVED for a period, and the connection is declared dead when an answer
 * the broker owes us (PINGRESP, or an ack for a PUBLISH/PUBREL/SUBSCRIBE/UNSUBSCRIBE) is
 * missing for `pingTimeout`. With pingTimeout at half the period a dead broker is noticed
 * within 1.5x keepalive whatever the traffic.
 */
import { OneShot, type Timers } from './timers.js';

export interface KeepaliveOptions {
  /** Milliseconds; 0 disables. */
  period: number;
  /** How long an answer the broker owes (PINGRESP, an ack) may be missing, in ms. */
  pingTimeout: number;
  sendPing(): void;
  onTimeout(): void;
  /** Also ping after a period with nothing received, and watch for missing acks (see above). */
  watchReceived?: boolean;
}

export class KeepaliveTimer {
  private lastSent = 0;
  private lastReceived = 0;
  // `declare`: set in the constructor (owedSince while an answer is owed), so no field definition is emitted.
  private declare readonly timers: Timers;
  private declare readonly options: KeepaliveOptions;
  private declare readonly idle: OneShot;
  private declare readonly waitPong: OneShot;
  /** Since when an answer is owed with nothing received since; undefined when none is owed. */
  private declare owedSince: number | undefined;
  private pingSentAt = 0;
  private declare readonly waitAnswer: OneShot;
  private stopped = true;

  constructor(timers: Timers, options: KeepaliveOptions) {
    this.timers = timers;
    this.options = options;
    this.idle = new OneShot(timers);
    this.waitPong = new OneShot(timers);
    this.waitAnswer = new OneShot(timers);
  }

  start(): void {
    if (this.options.period <= 0) return;
    this.stopped = false;
    this.lastSent = this.lastReceived = this.timers.now();
    this.owedSince = undefined;
    this.arm(this.options.period);
  }

  /** Every packet written counts; one timer per period, re-armed lazily rather than per packet. */
  noteSent(): void {
    this.lastSent = this.timers.now();
  }

  /** Every packet received counts (with watchReceived). */
  noteReceived(): void {
    this.lastReceived = this.timers.now();
  }

  /**
   * A packet went out that the broker must answer (QoS 1/2 PUBLISH, PUBREL, SUBSCRIBE,
   * UNSUBSCRIBE). The watch is lazy too: one timer, moved on when it finds traffic since.
   */
  expectAnswer(): void {
    if (this.stopped || !this.options.watchReceived || this.owedSince !== undefined) return;
    this.owedSince = this.timers.now();
    this.waitAnswer.start(this.options.pingTimeout, () => this.checkAnswer());
  }

  /** Nothing is owed any more (every ack arrived). */
  answered(): void {
    this.owedSince = undefined;
    this.waitAnswer.cancel();
  }

  pingResponse(): void {
    this.waitPong.cancel();
  }

  stop(): void {
    this.stopped = true;
    this.owedSince = undefined;
    this.idle.cancel();
    this.waitPong.cancel();
    this.waitAnswer.cancel();
  }

  private arm(ms: number): void {
    this.idle.start(ms, () => this.check());
  }

  /**
   * Anything received after the PINGREQ shows the broker alive (its PINGRESP may queue
   * behind a burst of messages on a slow link): wait on from then; silence is death.
   */
  private checkPong(): void {
    if (this.stopped) return;
    const at = this.options.watchReceived ? this.aliveSince(this.pingSentAt, this.waitPong, () => this.checkPong()) : undefined;
    if (at === undefined) this.options.onTimeout();
    else this.pingSentAt = at;
  }

  private checkAnswer(): void {
    if (this.stopped || this.owedSince === undefined) return;
    const at = this.aliveSince(this.owedSince, this.waitAnswer, () => this.checkAnswer());
    if (at === undefined) this.options.onTimeout();
    else this.owedSince = at;
  }

  /**
   * pingTimeout after `since`: traffic received since then shows the broker alive, so `timer`
   * waits on from that moment, which is returned; undefined when nothing came (a dead connection).
   */
  private aliveSince(since: number, timer: OneShot, again: () => void): number | undefined {
    const now = this.timers.now();
    const last = this.lastReceived;
    if (!(last > since && last <= now)) return undefined;
    timer.start(Math.max(1, this.options.pingTimeout - (now - last)), again);
    return last;
  }

  private check(): void {
    if (this.stopped) return;
    const now = this.timers.now();
    const { period, watchReceived } = this.options;
    // A negative quiet time: the clock stepped back, so how long we were silent is unknown;
    // ping now rather than wait out the size of the step (the broker drops us at 1.5x keepalive).
    const quietSent = now - this.lastSent;
    const quietReceived = watchReceived ? now - this.lastReceived : 0;
    if (quietSent >= 0 && quietSent < period && quietReceived >= 0 && quietReceived < period) {
      this.arm(period - Math.max(quietSent, quietReceived));
      return;
    }
    if (!this.waitPong.running) {
      this.pingSentAt = now;
      this.waitPong.start(this.options.pingTimeout, () => this.checkPong());
    }
    this.options.sendPing(); // goes through noteSent()
    this.arm(period);
  }
}
