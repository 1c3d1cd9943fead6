/**
 * Moddable's original `socket` module (`import { Socket } from "socket"`) as a ByteStream,
 * for Moddable builds without the ECMA-419 io modules. It resolves host names itself.
 * Its callback reports connect (1), data (2, bytes available), sent (3, bytes that can be
 * written), disconnect (-1) and error (-2); write() sends nothing when there is not room
 * for all of it, so writes are cut to what `write()` (no arguments) says fits.
 */
import { MicroTlsError } from '../errors.js';
import { ownBuffer, type ByteStream, type ByteStreamEvents, type ByteStreamTarget, type OpenByteStream } from './byte-stream.js';

export interface ModdableSocket {
  callback?: (message: number, value?: number) => void;
  /** read(ArrayBuffer): every available byte; read(): how many are available. */
  read(type?: unknown, until?: number | string): ArrayBuffer | number | undefined;
  /** write(): bytes that can be written now; write(buffer): sends it, or nothing if it does not fit. */
  write(...data: ArrayBuffer[]): number | undefined;
  close(): void;
}

export type ModdableSocketClass = new (dictionary: { host?: string; address?: string; port: number }) => ModdableSocket;

const CONNECTED = 1;
const READABLE = 2;
const WRITABLE = 3;
const DISCONNECTED = -1;
const ERROR = -2;

export function moddableSocketByteStream(Socket: ModdableSocketClass): OpenByteStream {
  return (target, events) => new ModdableSocketStream(Socket, target, events);
}

class ModdableSocketStream implements ByteStream {
  private socket: ModdableSocket | undefined;
  private readonly queue: Uint8Array[] = [];
  private connected = false;
  private closing = false;
  private closed = false;

  constructor(Socket: ModdableSocketClass, private readonly target: ByteStreamTarget, private readonly events: ByteStreamEvents) {
    try {
      const socket = new Socket({ host: target.host, port: target.port });
      this.socket = socket;
      socket.callback = (message, value) => this.onMessage(message, value);
    } catch (e) {
      Promise.resolve().then(() => this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${target.host}:${target.port}: ${e instanceof Error ? e.message : String(e)}`)));
    }
  }

  write(bytes: Uint8Array): void {
    if (this.closed || this.closing) return;
    this.queue.push(bytes);
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closing = true;
    if (this.queue.length === 0 || !this.connected) this.finish();
  }

  private onMessage(message: number, value: number | undefined): void {
    if (this.closed) return;
    const where = `${this.target.host}:${this.target.port}`;
    if (message === CONNECTED) {
      this.connected = true;
      this.events.connect();
      this.flush();
    } else if (message === READABLE) {
      const buffer = this.socket!.read(ArrayBuffer);
      if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) this.events.data(new Uint8Array(buffer));
    } else if (message === WRITABLE) {
      this.flush(value);
    } else if (message === DISCONNECTED) {
      // Before connect, a disconnect is a refused connection.
      if (!this.connected) this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${where}: connection refused or unreachable`));
      else this.finish();
    } else if (message === ERROR) {
      this.fail(new MicroTlsError(this.connected ? 'NET_CONN_RESET' : 'NET_CONNECT_FAILED', `${where}: socket error`));
    }
  }

  private flush(room?: number): void {
    const socket = this.socket;
    if (!socket || !this.connected) return;
    while (this.queue.length > 0) {
      const free = room ?? socket.write();
      room = undefined;
      if (typeof free !== 'number' || free <= 0) break;
      const head = this.queue[0]!;
      const n = Math.min(head.length, free);
      socket.write(ownBuffer(n === head.length ? head : head.subarray(0, n)));
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
    if (this.closing && this.queue.length === 0) this.finish();
  }

  private fail(err: MicroTlsError): void {
    if (this.closed) return;
    this.events.error(err);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    try {
      this.socket?.close();
    } catch {
      // Already closed by the peer.
    }
    this.socket = undefined;
    this.events.close();
  }
}
