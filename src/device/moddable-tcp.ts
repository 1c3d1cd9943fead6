/**
 * ECMA-419 TCP (`embedded:io/socket/tcp`, Moddable's io modules) as a ByteStream.
 * The socket takes an IP address; a host name goes through an ECMA-419 DNS resolver
 * (`dns: { io: Resolver, ... }`, as in Moddable's host provider) first. `write` throws
 * when more is written than the socket said it can take, so writes queue here and go out
 * as onWritable reports room; the first onWritable means connected.
 */
import { MicroTlsError } from '../errors.js';
import { isIPv4, ownBuffer, type ByteStreamEvents, type ByteStreamTarget, type OpenByteStream } from './byte-stream.js';
import { QueuedByteStream } from './queued-byte-stream.js';

export interface Ecma419TcpOptions {
  address: string;
  port: number;
  nodelay?: boolean;
  format?: 'buffer';
  onReadable?(count: number): void;
  onWritable?(count: number): void;
  onError?(error?: unknown): void;
}

export interface Ecma419Tcp {
  /** All readable bytes (no argument), or undefined when there are none. */
  read(count?: number): ArrayBuffer | undefined;
  /** Returns how many more bytes may be written now. */
  write(buffer: ArrayBuffer | ArrayBufferView): number | undefined;
  close(): void;
}

export type Ecma419TcpClass = new (options: Ecma419TcpOptions) => Ecma419Tcp;

export interface Ecma419Resolver {
  resolve(request: { host: string; onResolved(host: string, address: string): void; onError(host?: string, error?: unknown): void }): void;
  close?(): void;
}

/** ECMA-419 host-provider style: `{ io: Class, ...its constructor options }`. */
export interface Ecma419DnsConfig {
  readonly io: new (options: Record<string, unknown>) => Ecma419Resolver;
  readonly [option: string]: unknown;
}

export interface Ecma419SocketConfig {
  readonly io: Ecma419TcpClass;
  readonly [option: string]: unknown;
}

export function ecma419ByteStream(socket: Ecma419SocketConfig, dns?: Ecma419DnsConfig): OpenByteStream {
  return (target, events) => new Ecma419Stream(socket, dns, target, events);
}

class Ecma419Stream extends QueuedByteStream {
  private tcp: Ecma419Tcp | undefined;
  private writable = 0;

  constructor(socket: Ecma419SocketConfig, dns: Ecma419DnsConfig | undefined, target: ByteStreamTarget, events: ByteStreamEvents) {
    super(events, `${target.host}:${target.port}`, target.writeQueueLimit);
    const open = (address: string): void => {
      if (this.closed) return;
      try {
        const { io, ...rest } = socket;
        this.tcp = new io({
          ...rest,
          address,
          port: target.port,
          nodelay: true,
          format: 'buffer',
          onReadable: (count) => { if (count > 0) this.readAvailable(); },
          onWritable: (count) => this.onWritable(count),
          // ECMA-419 reports a peer's close through onError too: once connected it is a close,
          // and the TLS layer tells a clean close_notify from a truncation.
          onError: (e) => {
            if (this.connected) this.peerClosed();
            else this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${this.where}: connection failed${e ? ` (${String(e)})` : ''}`));
          },
        });
      } catch (e) {
        this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${this.where}: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    if (isIPv4(target.host)) {
      open(target.host);
    } else if (!dns) {
      // Failing later, inside a callback, would only reach the error event: do it the same way.
      Promise.resolve().then(() => this.fail(new MicroTlsError('NET_UNKNOWN_HOST',
        `${target.host} is a host name and no DNS resolver was given: pass dns: { io: Resolver, ... } (embedded:network/dns/resolver/udp) or an IP address`)));
    } else {
      const { io, ...rest } = dns;
      const resolver = new io(rest);
      resolver.resolve({
        host: target.host,
        onResolved: (_host, address) => { resolver.close?.(); open(address); },
        onError: () => { resolver.close?.(); this.fail(new MicroTlsError('NET_UNKNOWN_HOST', `${target.host}: the DNS resolver found no address`)); },
      });
    }
  }

  protected room(): number {
    return this.writable;
  }

  protected send(bytes: Uint8Array): void {
    const left = this.tcp!.write(ownBuffer(bytes));
    this.writable = typeof left === 'number' ? left : this.writable - bytes.length;
  }

  protected readAvailable(): void {
    if (this.closed || this.readingPaused || !this.tcp) return;
    const buffer = this.tcp.read();
    if (buffer && buffer.byteLength > 0) this.events.data(new Uint8Array(buffer));
  }

  protected closeSocket(): void {
    const tcp = this.tcp;
    this.tcp = undefined;
    tcp?.close();
  }

  private onWritable(count: number): void {
    this.writable = count;
    if (!this.connected) this.connectedNow();
    else this.flush();
  }
}
