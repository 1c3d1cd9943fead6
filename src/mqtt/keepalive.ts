/**
 * Keepalive as the spec words it (3.1.2.10): the client must SEND something within each
 * keepalive period, so the timer follows outgoing traffic only. Rescheduling on received
 * traffic (as MQTT.js once did) lets a subscribe-only client fall silent and be
 * disconnected by the broker at 1.5x keepalive.
 */
import { OneShot, type Timers } from './timers.js';

export interface KeepaliveOptions {
  /** Milliseconds; 0 disables. */
  period: number;
  /** How long to wait for PINGRESP after PINGREQ. */
  pingTimeout: number;
  sendPing(): void;
  onTimeout(): void;
}

export class KeepaliveTimer {
  private lastSent = 0;
  private readonly idle: OneShot;
  private readonly waitPong: OneShot;
  private stopped = true;

  constructor(private readonly timers: Timers, private readonly options: KeepaliveOptions) {
    this.idle = new OneShot(timers);
    this.waitPong = new OneShot(timers);
  }

  start(): void {
    if (this.options.period <= 0) return;
    this.stopped = false;
    this.lastSent = this.timers.now();
    this.arm(this.options.period);
  }

  /** Every packet written counts; one timer per period, re-armed lazily rather than per packet. */
  noteSent(): void {
    this.lastSent = this.timers.now();
  }

  pingResponse(): void {
    this.waitPong.cancel();
  }

  stop(): void {
    this.stopped = true;
    this.idle.cancel();
    this.waitPong.cancel();
  }

  private arm(ms: number): void {
    this.idle.start(ms, () => this.check());
  }

  private check(): void {
    if (this.stopped) return;
    const quiet = this.timers.now() - this.lastSent;
    // quiet < 0: the clock stepped back, so how long we were silent is unknown; ping now
    // rather than wait out the size of the step (the broker drops us at 1.5x keepalive).
    if (quiet >= 0 && quiet < this.options.period) {
      this.arm(this.options.period - quiet);
      return;
    }
    if (!this.waitPong.running) {
      this.waitPong.start(this.options.pingTimeout, () => {
        if (!this.stopped) this.options.onTimeout();
      });
    }
    this.options.sendPing(); // goes through noteSent()
    this.arm(this.options.period);
  }
}
