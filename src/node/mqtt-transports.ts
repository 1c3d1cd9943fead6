/**
 * Node transports for the MQTT client: plain TCP (mqtt://), microtls TLS (mqtts://, via
 * src/node/connect.ts, loaded on first use) and any stream.Duplex the caller opens.
 */
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { MicroTlsError } from '../errors.js';
import type { NodeTransportModule, ResolvedConnectOptions } from '../mqtt/connect.js';
import { describeCertificate, describeKey } from '../x509/describe.js';
import type { CertificateDescription } from '../mqtt/options.js';
import type { DuplexLike, TransportAttempt, TransportFactory } from '../mqtt/transport.js';
import { permanent } from '../mqtt/errors.js';
import { setPayloadView } from '../mqtt/payload.js';

// Received payloads as Buffers over the same bytes, as MQTT.js users expect under Node.
setPayloadView((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** TCP to host:port; resolves once connected. Nagle is off: MQTT packets are small and latency-bound. */
export function tcpTransport(host: string, port: number): TransportFactory {
  return (attempt?: TransportAttempt) =>
    new Promise<DuplexLike>((resolve, reject) => {
      const socket = net.connect({ host, port });
      const onError = (err: NodeJS.ErrnoException): void => {
        socket.destroy();
        const name = err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'NET_UNKNOWN_HOST' : 'NET_CONNECT_FAILED';
        reject(new MicroTlsError(name, `${host}:${port}: ${err.message}`, { errno: err.code }, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(socket);
      });
      // Abandoned by the client (connect timeout, end()): do not leave the connect pending.
      attempt?.onCancel(() => {
        if (!socket.connecting) return;
        socket.destroy();
        reject(new MicroTlsError('NET_CONNECT_FAILED', `${host}:${port}: connection attempt abandoned`));
      });
    });
}

/**
 * Any Duplex: `open` is called per connection attempt (a stream cannot be reopened).
 * Passing a single stream instead allows exactly one connection.
 */
export function duplexTransport(open: Duplex | (() => Duplex | Promise<Duplex>)): TransportFactory {
  if (typeof open === 'function') return async () => open();
  let used = false;
  return () => {
    if (used) throw new MicroTlsError('SSL_BAD_INPUT_DATA', 'this Duplex was already used; pass a function that opens a new one to reconnect');
    used = true;
    return open;
  };
}

/** The parts of src/node/connect.ts this module relies on (kept structural: that module is written in parallel). */
interface TlsConnectModule {
  connect(options: Record<string, unknown>): Promise<Duplex & { lastErrors?: readonly number[]; session?: unknown; getSession?(): unknown }>;
  checkConnectOptions?(options: Record<string, unknown>): void;
}

const TLS_CONNECT = './connect.js';

function pemOrFile(v: string | Uint8Array | undefined, role: string): string | Uint8Array | undefined {
  // CLI and config files give paths; the API gives PEM text or DER bytes.
  if (typeof v === 'string' && !v.includes('-----BEGIN')) {
    try {
      return readFileSync(v);
    } catch (e) {
      throw permanent(new MicroTlsError('MICROTLS_ERR_MQTT_BAD_OPTION', `${role} '${v}' is neither PEM text nor a readable file: ${(e as Error).message}`, {}, { cause: e }));
    }
  }
  return v;
}

/** Fatal alerts a server sends when it wanted a client certificate and got none. */
const NO_CERTIFICATE_ALERTS = new Set([40, 42, 116]); // handshake_failure, bad_certificate, certificate_required

/**
 * A failed handshake, named for what the user must change where that is clear: TLS on a
 * port that never answered in TLS, or a broker that asked for a certificate we do not have.
 */
function classifyHandshakeError(err: unknown, serverBytes: number, firstByte: number, o: ResolvedConnectOptions, connectedBefore: boolean): Error {
  if (!(err instanceof MicroTlsError)) return err as Error;
  // After a handshake once succeeded with these settings, the same symptoms mean a broker in
  // trouble (restarting, reconfigured): still named, but retried.
  const mark = connectedBefore ? <E extends Error>(e: E): E => e : permanent;
  const where = `${o.host}:${o.port}`;
  // Nothing at all, or a first byte that is no TLS record type (20-23): an MQTT CONNACK is 0x20.
  const notTls = serverBytes === 0 ? err.codeName === 'MBEDTLS_ERR_NET_CONN_RESET' || err.codeName === 'MBEDTLS_ERR_SSL_CONN_EOF' : firstByte < 20 || firstByte > 23;
  if (notTls) {
    return mark(new MicroTlsError('MICROTLS_ERR_MQTT_NOT_TLS',
      `${where} closed the connection without a word of TLS after our ClientHello: is it a plain MQTT port? Use mqtt:// (no --tls) there, or the broker's TLS port (often 8883)`,
      { cause: err.codeName }, { cause: err }));
  }
  if (err.codeName === 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE' && o.clientCertificate === undefined
    && NO_CERTIFICATE_ALERTS.has(err.info.receivedAlert as number) && err.info.certificateRequested === true) {
    return mark(new MicroTlsError('MICROTLS_ERR_MQTT_CERT_REQUIRED',
      `${where} asked for a client certificate and refused the handshake without one (${err.message}): give clientCertificate and privateKey (--cert, --key)`,
      { receivedAlert: err.info.receivedAlert }, { cause: err }));
  }
  return err;
}

/**
 * microtls TLS 1.2 to the broker. The settings (CA, certificate, key, suites) are checked
 * once before the first connection, and a bad one fails for good (`permanent`) without a
 * socket ever being opened. The session from each handshake is offered on the next
 * connect, so a reconnect after a short interruption resumes from the ticket (the device's
 * 55 ms path) instead of a full handshake.
 */
export function tlsTransport(o: ResolvedConnectOptions): TransportFactory {
  let session: unknown;
  let checked: Record<string, unknown> | undefined;
  let connectedBefore = false;
  const verify = o.verifyServerCertificate ?? true;

  const settings = async (): Promise<{ mod: TlsConnectModule; options: Record<string, unknown> }> => {
    let mod: TlsConnectModule;
    try {
      mod = (await import(TLS_CONNECT)) as TlsConnectModule;
    } catch (e) {
      throw permanent(new MicroTlsError('SSL_FEATURE_UNAVAILABLE', 'mqtts:// needs src/node/connect.ts (microtls TLS), which is not available', {}, { cause: e }));
    }
    if (!checked) {
      // No servername unless given: connect.ts derives SNI from the host and omits it for IP literals (RFC 6066).
      const options: Record<string, unknown> = { host: o.host, port: o.port, verify };
      if (o.servername !== undefined) options.servername = o.servername;
      const ca = pemOrFile(o.caCertificate, 'caCertificate');
      const cert = pemOrFile(o.clientCertificate, 'clientCertificate');
      const key = pemOrFile(o.privateKey, 'privateKey');
      if (ca !== undefined) options.ca = ca;
      if (cert !== undefined) options.cert = cert;
      if (key !== undefined) options.key = key;
      if (o.ciphers) options.cipherSuites = o.ciphers;
      if (o.maxFragmentLength) options.maxFragmentLength = o.maxFragmentLength;
      if (o.receiveBufferSize !== undefined) options.receiveBufferSize = o.receiveBufferSize;
      if (o.acceptLargerRecords !== undefined) options.acceptLargerRecords = o.acceptLargerRecords;
      try {
        mod.checkConnectOptions?.(options);
      } catch (e) {
        throw e instanceof Error ? permanent(e) : e;
      }
      checked = options;
    }
    return { mod, options: { ...checked } };
  };

  return async (attempt?: TransportAttempt) => {
    const { mod, options } = await settings();
    if (session !== undefined) options.session = session;
    if (attempt?.cancelled) throw new MicroTlsError('NET_CONNECT_FAILED', `${o.host}:${o.port}: connection attempt abandoned`);
    // The TCP socket is opened here so that an abandoned attempt can close it: connect()
    // then fails at once instead of holding the half-done handshake until its own timeout.
    const tcp = net.connect({ host: o.host, port: o.port });
    let serverBytes = 0;
    let firstByte = -1;
    const count = (d: Buffer): void => {
      if (serverBytes === 0 && d.length > 0) {
        firstByte = d[0]!;
        // Not a TLS record (content types 20-23): the handshake cannot go on; end it now
        // rather than wait for a record header that never completes.
        if (firstByte < 20 || firstByte > 23) tcp.destroy();
      }
      serverBytes += d.length;
    };
    tcp.on('data', count);
    options.socket = tcp;
    attempt?.onCancel(() => tcp.destroy());
    let socket: Awaited<ReturnType<TlsConnectModule['connect']>>;
    try {
      socket = await mod.connect(options);
    } catch (e) {
      tcp.destroy(); // whatever failed, the socket goes with it
      if (attempt?.cancelled) throw e; // abandoned by the client: not the broker's answer
      throw classifyHandshakeError(e, serverBytes, firstByte, o, connectedBefore);
    } finally {
      tcp.off('data', count);
    }
    connectedBefore = true;
    const fresh = socket.getSession?.() ?? socket.session;
    if (fresh !== undefined) session = fresh;
    return socket;
  };
}

/** Device-style one-line descriptions of the configured files (manual section 1), for status(). */
function describe(o: ResolvedConnectOptions): CertificateDescription[] {
  const out: CertificateDescription[] = [];
  const entries: [string, string | Uint8Array | undefined, (v: string | Uint8Array) => string][] = [
    ['CA certificate', o.caCertificate, describeCertificate],
    ['Client certificate', o.clientCertificate, describeCertificate],
    ['Private key', o.privateKey, describeKey],
  ];
  for (const [role, value, fn] of entries) {
    if (value === undefined) continue;
    let description: string;
    try {
      description = fn(pemOrFile(value, role)!);
    } catch (e) {
      // An unreadable path: the device would show the decoding error; we show the file error.
      description = e instanceof MicroTlsError ? e.label : String((e as Error).message ?? e);
    }
    out.push({ role, description });
  }
  return out;
}

export const transportFor: NodeTransportModule['transportFor'] = (o) =>
  o.protocol === 'mqtts' ? tlsTransport(o) : tcpTransport(o.host, o.port);

export const describeCertificates: NodeTransportModule['describeCertificates'] = describe;
