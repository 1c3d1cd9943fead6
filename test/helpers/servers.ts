/**
 * Real TLS peers for the tests, on loopback: Node's tls server and `openssl s_server`,
 * restricted to TLS 1.2 and one suite. Both echo: the Node server pipes the socket into
 * itself; s_server runs with -quiet (no commands, no chatter), which writes what the
 * client sent to its stdout and sends its stdin to the client, so the test pipes stdout
 * back into stdin. That checks integrity byte for byte through OpenSSL's own record layer.
 */
import { type ChildProcess } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { createTestPki } from './pki.js';
import { spawnProgram } from './programs.js';
import { withTimeout } from './async.js';
import { freePort } from '../../src/node/free-port.js';
export { freePort };

export interface RunningServer {
  readonly port: number;
  /** Lines from Node's `keylog` event (Node server only). */
  readonly keylog: string[];
  readonly log: () => string;
  close(): Promise<void>;
}



export interface NodeServerOptions {
  readonly ciphers: string;
  readonly onSecure?: (s: tls.TLSSocket) => void;
  /** Default: echo. */
  readonly echo?: boolean;
  readonly requestCert?: boolean;
  readonly ec?: boolean;
  /** CA(s) for client certificates; with it, unauthorized clients are rejected. */
  readonly ca?: string;
  /** RFC 5077 ticket keys (48 bytes), so tickets survive across servers in one test. */
  readonly ticketKeys?: Buffer;
  /** OpenSSL SSL_OP_* bits, e.g. SSL_OP_NO_TICKET. */
  readonly secureOptions?: number;
  /** Session-ID cache: Node's server keeps none unless told how (the 'newSession' events). */
  readonly sessionIdCache?: boolean;
}

export async function startNodeServer(o: NodeServerOptions): Promise<RunningServer> {
  const pki = createTestPki();
  const keylog: string[] = [];
  const sockets = new Set<tls.TLSSocket>();
  let log = '';
  const server = tls.createServer({
    key: o.ec ? pki.ecKeyPem : pki.keyPem,
    cert: o.ec ? pki.ecCertPem + pki.caCertPem : pki.chainPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: `${o.ciphers}:@SECLEVEL=0`,
    requestCert: o.requestCert ?? false,
    rejectUnauthorized: o.ca !== undefined,
    ...(o.ca !== undefined ? { ca: o.ca } : {}),
    ...(o.ticketKeys ? { ticketKeys: o.ticketKeys } : {}),
    ...(o.secureOptions !== undefined ? { secureOptions: o.secureOptions } : {}),
  }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', (e) => { log += `socket error: ${e.message}\n`; });
    o.onSecure?.(s);
    if (o.echo !== false) s.pipe(s);
  });
  server.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1').trim()));
  if (o.sessionIdCache) {
    const cache = new Map<string, Buffer>();
    server.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => { cache.set(id.toString('hex'), data); cb(); });
    server.on('resumeSession', (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => cb(null, cache.get(id.toString('hex')) ?? null));
  }
  server.on('tlsClientError', (e) => { log += `tlsClientError: ${e.message}\n`; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    keylog,
    log: () => log,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

export interface OpensslServerOptions {
  readonly cipher: string;
  readonly extraArgs?: readonly string[];
}

/** s_server on a pre-picked free port (with -quiet it prints no ACCEPT line to parse). */
export async function startOpensslServer(o: OpensslServerOptions): Promise<RunningServer> {
  const pki = createTestPki();
  const port = await freePort();
  const child: ChildProcess = spawnProgram('openssl', [
    's_server', '-tls1_2', '-cipher', `${o.cipher}:@SECLEVEL=0`, '-accept', `127.0.0.1:${port}`, '-quiet',
    '-cert', pki.certPath, '-key', pki.keyPath, '-cert_chain', pki.caCertPath, ...(o.extraArgs ?? []),
  ], { stdio: ['pipe', 'pipe', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stdout!.on('data', (d: Buffer) => { if (child.stdin!.writable) child.stdin!.write(d); });
  child.stdin!.on('error', () => { /* s_server exited; reported through log */ });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    port,
    keylog: [],
    log: () => log,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await withTimeout(exited, 5000, 'openssl s_server exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

/** Retries while the server is still starting (s_server needs a few ms to listen). */
export async function retryConnect<T>(fn: () => Promise<T>, attempts = 100): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const err = e as { codeName?: string; code?: unknown };
      const refused = err.codeName === 'MBEDTLS_ERR_NET_CONNECT_FAILED' || err.code === 'ECONNREFUSED';
      if (!refused || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

/** Writes `data` and resolves with exactly data.length bytes read back. */
export function echo(s: NodeJS.ReadableStream & NodeJS.WritableStream, data: Buffer, ms = 20_000): Promise<Buffer> {
  return withTimeout(new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) { cleanup(); resolve(Buffer.concat(chunks)); }
    };
    const onErr = (e: Error) => { cleanup(); reject(e); };
    const cleanup = () => { s.off('data', onData); s.off('error', onErr); };
    s.on('data', onData);
    s.on('error', onErr);
    if ((s as unknown as { destroyed?: boolean }).destroyed) { cleanup(); reject(new Error('socket already destroyed')); return; }
    if (data.length === 0) { cleanup(); resolve(Buffer.alloc(0)); return; }
    s.write(data);
  }), ms, `echo of ${data.length} bytes`);
}

/** Content types of the records that crossed a transport, per direction (headers are cleartext). */
export interface RecordTap {
  readonly sent: number[];
  readonly received: number[];
  /** Record body lengths, in the same order as the types. */
  readonly sentLengths: number[];
  readonly receivedLengths: number[];
}

class RecordTypeParser {
  private need = 0; // body bytes still to skip
  private header: number[] = [];
  constructor(private readonly types: number[], private readonly lengths: number[]) {}
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.need > 0) {
        const skip = Math.min(this.need, chunk.length - i);
        this.need -= skip;
        i += skip;
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length === 5) {
        this.types.push(this.header[0]!);
        this.need = (this.header[3]! << 8) | this.header[4]!;
        this.lengths.push(this.need);
        this.header = [];
      }
    }
  }
}

/** Watches a socket's record headers both ways without disturbing the data flow. */
export function tapRecords(sock: net.Socket): RecordTap {
  const tap: RecordTap = { sent: [], received: [], sentLengths: [], receivedLengths: [] };
  const out = new RecordTypeParser(tap.sent, tap.sentLengths);
  const inn = new RecordTypeParser(tap.received, tap.receivedLengths);
  const write = sock.write.bind(sock) as (...a: unknown[]) => boolean;
  (sock as unknown as { write: (...a: unknown[]) => boolean }).write = (...args: unknown[]) => {
    out.push(args[0] as Uint8Array);
    return write(...args);
  };
  sock.prependListener('data', (d: Buffer) => inn.push(d));
  return tap;
}

export function connectedSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.off('error', reject); resolve(s); });
    s.once('error', reject);
  });
}
