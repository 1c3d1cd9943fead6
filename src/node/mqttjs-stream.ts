/**
 * MQTT.js over microtls TLS. MQTT.js wants its stream factory to return a stream at once
 * (and calls it again for every reconnect), while a microtls connection exists only after
 * its handshake. createMqttJsStream() returns a Duplex at once that holds MQTT.js's writes
 * until the handshake completes, then relays both ways with backpressure:
 *
 *   new mqtt.MqttClient(() => createMqttJsStream({ host, port, verify: true, ca }), { reconnectPeriod: 1000 });
 *
 * A failed handshake destroys the Duplex with the microtls error (MQTT.js then reconnects);
 * destroying the Duplex while connecting closes the TCP socket at once.
 */
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import { connect, type ConnectOptions } from './connect.js';
import type { TlsSocket } from './tls-socket.js';

export class MqttJsTlsStream extends Duplex {
  /** The microtls socket once the handshake is done. */
  socket: TlsSocket | undefined;
  private held: { chunk: Buffer; cb: (err?: Error | null) => void }[] = [];
  private endHeld = false;
  private readonly tcp: net.Socket | undefined;

  constructor(options: ConnectOptions) {
    super({ allowHalfOpen: false });
    // Our own TCP socket (unless one is given), so destroy() can end a handshake in progress.
    this.tcp = options.socket ? undefined : net.connect({ host: options.host ?? 'localhost', port: options.port ?? 8883 });
    connect({ ...options, ...(this.tcp ? { socket: this.tcp } : {}) }).then((s) => this.ready(s), (err: Error) => {
      this.tcp?.destroy();
      this.destroy(err);
    });
  }

  private ready(s: TlsSocket): void {
    if (this.destroyed) {
      s.destroy();
      return;
    }
    this.socket = s;
    s.on('data', (d: Buffer) => {
      if (!this.push(d)) s.pause();
    });
    s.on('end', () => this.push(null));
    s.on('error', (e) => this.destroy(e));
    s.on('close', () => this.destroy());
    for (const { chunk, cb } of this.held.splice(0)) s.write(chunk, cb);
    if (this.endHeld) s.end();
    this.emit('secureConnect');
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket) this.socket.write(chunk, cb);
    else this.held.push({ chunk, cb });
  }

  override _read(): void {
    this.socket?.resume();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.socket) this.socket.end();
    else this.endHeld = true;
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    for (const h of this.held.splice(0)) h.cb(err ?? new Error('stream destroyed before the TLS handshake completed'));
    this.socket?.destroy();
    this.tcp?.destroy();
    cb(err);
  }
}

/** A Duplex for MQTT.js's stream factory; see the module comment. */
export function createMqttJsStream(options: ConnectOptions): MqttJsTlsStream {
  return new MqttJsTlsStream(options);
}
