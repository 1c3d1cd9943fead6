/**
 * Moddable's two TCP APIs as small classes over a real net.Socket, for running
 * src/device/moddable*.ts under Node: ECMA-419 TCP (`write` throws past the room it
 * reported, as Moddable's does) and Moddable's `socket` module (nothing sent when it does
 * not fit), with `standIn.room` bytes writable at a time so the adapters' queueing runs.
 * The room comes back only once the kernel took the bytes, so a peer that stops reading
 * stops the writes, as on a device.
 */
import { lookup } from 'node:dns';
import net from 'node:net';
import type { Ecma419TcpOptions } from '../../src/device/moddable-tcp.js';

export const standIn = { room: 100, largestWrite: 0 };

/** ECMA-419 TCP over net.Socket; a close is reported through onError, as Moddable does. */
export class Ecma419StandIn {
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private room = standIn.room;

  constructor(private readonly o: Ecma419TcpOptions) {
    this.socket = net.connect({ host: o.address, port: o.port });
    this.socket.on('connect', () => o.onWritable?.(this.room));
    this.socket.on('data', (d) => { this.chunks.push(d); o.onReadable?.(this.chunks.reduce((n, c) => n + c.length, 0)); });
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => o.onError?.('closed'));
  }

  read(): ArrayBuffer | undefined {
    if (this.chunks.length === 0) return undefined;
    const all = Buffer.concat(this.chunks.splice(0));
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  }

  write(buffer: ArrayBuffer | ArrayBufferView): number {
    const bytes = buffer instanceof ArrayBuffer ? Buffer.from(buffer) : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (bytes.length > this.room) throw new Error('would block');
    standIn.largestWrite = Math.max(standIn.largestWrite, bytes.length);
    this.room -= bytes.length;
    this.socket.write(bytes, () => setImmediate(() => { this.room = standIn.room; this.o.onWritable?.(this.room); }));
    return this.room;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Moddable's `socket` module over net.Socket: write() without arguments says the room. */
export class SocketStandIn {
  callback?: (message: number, value?: number) => void;
  private readonly socket: net.Socket;
  private readonly chunks: Buffer[] = [];
  private room = standIn.room;

  constructor(d: { host?: string; port: number }) {
    this.socket = net.connect({ host: d.host, port: d.port });
    this.socket.on('connect', () => this.callback?.(1));
    this.socket.on('data', (b) => { this.chunks.push(b); this.callback?.(2, b.length); });
    this.socket.on('error', () => this.callback?.(-2));
    this.socket.on('end', () => this.callback?.(-1));
  }

  read(type?: unknown): ArrayBuffer | number {
    if (type === undefined) return this.chunks.reduce((n, c) => n + c.length, 0);
    const all = Buffer.concat(this.chunks.splice(0));
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  }

  write(...data: ArrayBuffer[]): number {
    for (const d of data) {
      if (d.byteLength > this.room) return this.room; // nothing sent, as the module documents
      standIn.largestWrite = Math.max(standIn.largestWrite, d.byteLength);
      this.room -= d.byteLength;
      this.socket.write(Buffer.from(d), () => setImmediate(() => { this.room = standIn.room; this.callback?.(3, this.room); }));
    }
    return this.room;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** ECMA-419 DNS resolver over node:dns. */
export class ResolverStandIn {
  resolve(r: { host: string; onResolved(host: string, address: string): void; onError(): void }): void {
    lookup(r.host, { family: 4 }, (err, address) => (err ? r.onError() : r.onResolved(r.host, address)));
  }
}
