/**
 * How `microtls pub` and `sub` report a failure: mosquitto's exit codes (so scripts written
 * for mosquitto_pub/sub keep working), the Mbed TLS code and name, and for the failures
 * people actually hit a line that names the cause and the fix.
 */
import { MicroTlsError } from '../errors.js';
import { parseCertificate } from '../x509/certificate.js';
import { formatIp } from '../x509/ip.js';
import { MOSQUITTO_CIPHERS_LINE } from './ciphers.js';
import { UsageError } from './usage.js';

/** Exit codes of mosquitto_pub/sub 2.x. */
export const EXIT = {
  ok: 0,
  /** Usage errors and failures to connect (network). */
  error: 1,
  /** The broker closed the connection (MOSQ_ERR_CONN_LOST). */
  connectionLost: 7,
  /** A TLS error (MOSQ_ERR_TLS). */
  tls: 8,
  /** -W elapsed (MOSQ_ERR_TIMEOUT). */
  timeout: 27,
} as const;

export interface FailureContext {
  tls: boolean;
  host: string;
  port: number;
  /** A client certificate was configured. */
  clientCertificate: boolean;
  quiet: boolean;
}

interface Explained {
  code: number;
  lines: string[];
}

const errno = (e: unknown): string | undefined => {
  const x = e as { code?: unknown; info?: { syscallCode?: unknown; errno?: unknown }; cause?: { code?: unknown } };
  for (const c of [x.info?.syscallCode, x.info?.errno, x.cause?.code, x.code]) if (typeof c === 'string') return c;
  return undefined;
};

/** The certificate's names, for a host-name mismatch: "DNS:localhost, IP:127.0.0.1 (CN localhost)". */
export function certificateNames(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    const san = (c.extensions.subjectAltName ?? []).flatMap((g) =>
      g.type === 'dns' ? [`DNS:${g.value}`] : g.type === 'ip' ? [`IP:${formatIp(g.bytes)}`] : []);
    const cn = c.subject.values('2.5.4.3');
    return `${san.length ? san.join(', ') : 'no subjectAltName'}; CN ${cn.length ? cn.join(', ') : '(none)'}`;
  } catch {
    return '(the certificate could not be read)';
  }
}

export function explainFailure(err: unknown, ctx: FailureContext): Explained {
  if (err instanceof UsageError) return { code: EXIT.error, lines: [`Error: ${err.message}`, 'Use --help to see usage.'] };
  const e = err as Error & { returnCode?: number };
  if (e.name === 'MqttConnackError' && typeof e.returnCode === 'number') {
    // mosquitto_pub/sub exit with the CONNACK return code.
    return { code: e.returnCode, lines: [`Connection error: ${e.message}`] };
  }
  const where = `${ctx.host}:${ctx.port}`;
  const m = err instanceof MicroTlsError ? err : undefined;
  const name = m?.codeName ?? '';
  const sys = errno(err);
  const message = `Error: ${e.message ?? String(err)}`;
  if (sys === 'ECONNREFUSED' || (name === 'MBEDTLS_ERR_NET_CONNECT_FAILED' && /ECONNREFUSED/.test(e.message))) {
    const tried = /ECONNREFUSED (\S+)/.exec(e.message)?.[1];
    return { code: EXIT.error, lines: [`Error: Connection refused: nothing accepts connections on ${where}${tried && tried !== where ? ` (address tried: ${tried})` : ''}.`, `(${m?.label ?? sys})`] };
  }
  if (name === 'MBEDTLS_ERR_NET_UNKNOWN_HOST' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') {
    return { code: EXIT.error, lines: [`Error: unknown host '${ctx.host}' (${m?.label ?? sys}).`] };
  }
  const closedEarly = sys === 'ECONNRESET' || sys === 'EPIPE' || name === 'MBEDTLS_ERR_NET_CONN_RESET' || name === 'MBEDTLS_ERR_SSL_CONN_EOF'
    || (name === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED' && /before CONNACK/.test(e.message));
  if (!ctx.tls) {
    if (closedEarly) {
      return { code: EXIT.connectionLost, lines: ['Error: The connection was lost.', `${where} closed the connection right after CONNECT: TLS port? add --tls (with --cafile FILE to verify the broker, or --insecure).`] };
    }
    return { code: name === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED' ? EXIT.connectionLost : EXIT.error, lines: [message] };
  }
  // TLS from here on.
  const info = m?.info ?? {};
  if (info.certificateRequested === true && !ctx.clientCertificate) {
    return { code: EXIT.connectionLost, lines: [message, `The broker requires a client certificate and none was given: add --cert FILE --key FILE.`] };
  }
  if (name === 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE' && info.receivedAlert === 40 && /state wait_server_hello\)/.test(e.message)) {
    return {
      code: EXIT.tls,
      lines: [message, `${where} accepts none of the cipher suites microtls offers: microtls speaks TLS 1.2 with RSA key exchange only (no ECDHE).`,
        `For mosquitto, add to the listener in mosquitto.conf: ${MOSQUITTO_CIPHERS_LINE}`],
    };
  }
  if (closedEarly && !/state (wait_new_session_ticket|wait_change_cipher_spec|wait_finished)/.test(e.message)) {
    return { code: EXIT.tls, lines: [message, `${where} closed the connection on the TLS ClientHello: a plain MQTT port? drop --tls and the TLS options, or use the broker's TLS port (usually 8883).`] };
  }
  if (typeof info.flags === 'number' && (info.flags & 0x04) !== 0 && Array.isArray(info.chain) && info.chain[0] instanceof Uint8Array) {
    return { code: EXIT.tls, lines: [message, `The certificate's names: ${certificateNames(info.chain[0])}. Connect with -h set to one of them.`] };
  }
  if (name === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED') return { code: EXIT.connectionLost, lines: [message] };
  if (/^MBEDTLS_ERR_(SSL|X509|PK|RSA|CIPHER)_/.test(name) || closedEarly) return { code: EXIT.tls, lines: [message] };
  return { code: EXIT.error, lines: [message] };
}

/** Prints the explanation (unless --quiet) and returns the exit code. */
export function reportFailure(err: unknown, io: { err(line: string): void }, ctx: FailureContext): number {
  const x = explainFailure(err, ctx);
  if (!ctx.quiet) for (const l of x.lines) io.err(l);
  return x.code;
}
