/**
 * A raw TCP "server" that answers the ClientHello with crafted bytes, for bad-input tests
 * of everything before encryption starts. It records what the client sends afterwards
 * (the alert) and when the client closes the connection.
 */
import net from 'node:net';
import { ByteWriter } from '../../src/encoding/writer.js';
import { decodePem } from '../../src/encoding/pem.js';

export interface HostileRun {
  readonly port: number;
  /** Everything the client sent after the ClientHello record. */
  readonly afterHello: () => Uint8Array;
  readonly clientHello: () => Uint8Array;
  /** Resolves when the client closed its side. */
  readonly clientClosed: Promise<void>;
  close(): Promise<void>;
}

export async function hostileServer(reply: (sock: net.Socket, clientHello: Uint8Array) => void): Promise<HostileRun> {
  let hello = new Uint8Array(0);
  let after: Buffer[] = [];
  let resolveClosed!: () => void;
  const clientClosed = new Promise<void>((r) => { resolveClosed = r; });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let buf = Buffer.alloc(0);
    let replied = false;
    sock.on('data', (d: Buffer) => {
      if (replied) { after.push(d); return; }
      buf = Buffer.concat([buf, d]);
      if (buf.length < 5) return;
      const len = buf.readUInt16BE(3);
      if (buf.length < 5 + len) return;
      hello = new Uint8Array(buf.subarray(0, 5 + len));
      if (buf.length > 5 + len) after.push(buf.subarray(5 + len));
      replied = true;
      reply(sock, hello);
    });
    sock.on('error', () => { /* the client may reset */ });
    sock.on('close', () => { sockets.delete(sock); resolveClosed(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    afterHello: () => new Uint8Array(Buffer.concat(after)),
    clientHello: () => hello,
    clientClosed,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

export function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  return new ByteWriter(body.length + 5).u8(type).u16(version).vec16(body).finish();
}

export function hsMessage(type: number, body: Uint8Array): Uint8Array {
  return new ByteWriter(body.length + 4).u8(type).vec24(body).finish();
}

export interface ServerHelloSpec {
  version?: number;
  suite?: number;
  compression?: number;
  extensions?: [number, Uint8Array][];
  sessionId?: Uint8Array;
}

export function serverHello(spec: ServerHelloSpec = {}): Uint8Array {
  const w = new ByteWriter(128);
  w.u16(spec.version ?? 0x0303).bytes(new Uint8Array(32).fill(0x42)).vec8(spec.sessionId ?? new Uint8Array(0));
  w.u16(spec.suite ?? 0x009c).u8(spec.compression ?? 0);
  if (spec.extensions) w.prefixed(2, (e) => { for (const [t, d] of spec.extensions!) e.u16(t).vec16(d); });
  return hsMessage(2, w.finish());
}

export function certificateMessage(pems: string[]): Uint8Array {
  const ders = pems.flatMap((p) => decodePem(p).map((b) => b.der));
  const w = new ByteWriter(4096);
  w.prefixed(3, (l) => { for (const d of ders) l.vec24(d); });
  return hsMessage(11, w.finish());
}

export const serverHelloDone = (): Uint8Array => hsMessage(14, new Uint8Array(0));

/** Plaintext alerts (level, description) found in a byte stream of plaintext records. */
export function plaintextAlerts(bytes: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i + 5 <= bytes.length) {
    const type = bytes[i]!;
    const len = (bytes[i + 3]! << 8) | bytes[i + 4]!;
    if (type === 21 && len === 2 && i + 7 <= bytes.length) out.push([bytes[i + 5]!, bytes[i + 6]!]);
    i += 5 + len;
  }
  return out;
}
