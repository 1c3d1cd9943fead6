/**
 * ECMA-419 TCP (`embedded:io/socket/tcp`, Moddable's io modules) as a ByteStream.
 * The socket takes an IP address; a host name goes through an ECMA-419 DNS resolver
 * (`dns: { io: Resolver, ... }`, as in Moddable's host provider) first. `write` throws
 * when more is written than the socket said it can take, so writes queue here and go out
 * as onWritable reports room; the first onWritable means connected.
 */
import { MicroTlsError } from '../errors.js';
import { isIPv4, ownBuffer, type ByteStream, type ByteStreamEvents, type ByteStreamTarget, type OpenByteStream } from './byte-stream.js';

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

class Ecma419Stream implements ByteStream {
  private tcp: Ecma419Tcp | undefined;
  private readonly queue: Uint8Array[] = [];
  private writable = 0;
  private connected = false;
  private closing = false;
  private closed = false;

  constructor(socket: Ecma419SocketConfig, dns: Ecma419DnsConfig | undefined, target: ByteStreamTarget, private readonly events: ByteStreamEvents) {
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
          onReadable: (count) => this.onReadable(count),
          onWritable: (count) => this.onWritable(count),
          // ECMA-419 reports a peer's close through onError too: once connected it is a close,
          // and the TLS layer tells a clean close_notify from a truncation.
          onError: (e) => {
            if (this.connected) this.finish();
            else this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${target.host}:${target.port}: connection failed${e ? ` (${String(e)})` : ''}`));
          },
        });
      } catch (e) {
        this.fail(new MicroTlsError('NET_CONNECT_FAILED', `${target.host}:${target.port}: ${e instanceof Error ? e.message : String(e)}`));
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

  private onWritable(count: number): void {
    this.writable = count;
    if (!this.connected) {
      this.connected = true;
      this.events.connect();
    }
    this.flush();
  }

  private onReadable(count: number): void {
    if (this.closed || count <= 0 || !this.tcp) return;
    const buffer = this.tcp.read();
    if (buffer && buffer.byteLength > 0) this.events.data(new Uint8Array(buffer));
  }

  private flush(): void {
    const tcp = this.tcp;
    if (!tcp || !this.connected) return;
    while (this.queue.length > 0 && this.writable > 0) {
      const head = this.queue[0]!;
      const n = Math.min(head.length, this.writable);
      const left = tcp.write(ownBuffer(n === head.length ? head : head.subarray(0, n)));
      this.writable = typeof left === 'number' ? left : this.writable - n;
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
      this.tcp?.close();
    } catch {
      // Closing a socket the peer already closed may throw on some ports; it is gone either way.
    }
    this.tcp = undefined;
    this.events.close();
  }
}
