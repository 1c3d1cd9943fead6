/**
 * Moddable's original `socket` module (`import { Socket } from "socket"`) as a ByteStream,
 * for Moddable builds without the ECMA-419 io modules. It resolves host names itself.
 * Its callback reports connect (1), data (2, bytes available), sent (3, bytes that can be
 * written), disconnect (-1) and error (-2); write() sends nothing when there is not room
 * for all of it, so writes are cut to what `write()` (no arguments) says fits.
 */
import { MicroTlsError } from '../errors.js';
import { ownBuffer, type ByteStreamEvents, type ByteStreamTarget, type OpenByteStream } from './byte-stream.js';
import { QueuedByteStream } from './queued-byte-stream.js';

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

class ModdableSocketStream extends QueuedByteStream {
  private socket: ModdableSocket | undefined;
  /** Room the last WRITABLE message gave, used before asking write() again. */
  private writableHint: number | undefined;

  constructor(Socket: ModdableSocketClass, target: ByteStreamTarget, events: ByteStreamEvents) {
    super(events, `${target.host}:${target.port}`, target.writeQueueLimit);
    try {
      const socket = new Socket({ host: target.host, port: target.port });
      this.socket = socket;
      socket.callback = (message, value) => this.onMessage(message, value);
    } catch (e) {
      Promise.resolve().then(() => this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${this.where}: ${e instanceof Error ? e.message : String(e)}`)));
    }
  }

  protected room(): number {
    const free = this.writableHint ?? this.socket?.write();
    this.writableHint = undefined;
    return typeof free === 'number' ? free : 0;
  }

  protected send(bytes: Uint8Array): void {
    this.socket!.write(ownBuffer(bytes));
  }

  protected readAvailable(): void {
    const socket = this.socket;
    if (!socket || this.readingPaused) return;
    const available = socket.read();
    if (typeof available !== 'number' || available <= 0) return;
    const buffer = socket.read(ArrayBuffer);
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) this.events.data(new Uint8Array(buffer));
  }

  protected closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
  }

  private onMessage(message: number, value: number | undefined): void {
    if (this.closed) return;
    if (message === CONNECTED) {
      this.connectedNow();
    } else if (message === READABLE) {
      this.readAvailable();
    } else if (message === WRITABLE) {
      this.writableHint = value;
      this.flush();
    } else if (message === DISCONNECTED) {
      // Before connect, a disconnect is a refused connection.
      if (!this.connected) this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${this.where}: connection refused or unreachable`));
      else this.peerClosed();
    } else if (message === ERROR) {
      this.fail(new MicroTlsError(this.connected ? 'NET_CONN_RESET' : 'NET_CONNECT_FAILED', `${this.where}: socket error`));
    }
  }
}
