/**
 * How `microtls pub` and `sub` report a failure: mosquitto's exit codes (so scripts written
 * for mosquitto_pub/sub keep working), the Mbed TLS code and name, and for the failures
 * people actually hit a line that names the cause and the fix.
 */
import { MicroTlsError } from '../errors.js';
import { certificateMissing, hostNameMismatch, noCommonCipher, noCommonCipherLines, refusedLine } from './tls-diagnosis.js';
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
  const refused = refusedLine(e.message ?? '', where) ?? (sys === 'ECONNREFUSED' ? `nothing accepts connections on ${where}` : undefined);
  if (refused) return { code: EXIT.error, lines: [`Error: Connection refused: ${refused}.`, `(${m?.label ?? sys})`] };
  if (name === 'MBEDTLS_ERR_NET_UNKNOWN_HOST' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') {
    return { code: EXIT.error, lines: [`Error: unknown host '${ctx.host}' (${m?.label ?? sys}).`] };
  }
  // The library names these itself (src/node/mqtt-transports.ts, src/mqtt/client.ts); the exit codes are mosquitto's.
  if (name === 'MICROTLS_ERR_MQTT_TLS_REQUIRED') {
    return { code: EXIT.connectionLost, lines: [`Error: The connection was lost (${e.message}).`, `${where} closed the connection right after CONNECT: TLS port? add --tls (with --cafile FILE to verify the broker, or --insecure).`] };
  }
  if (name === 'MICROTLS_ERR_MQTT_NOT_TLS') {
    return { code: EXIT.tls, lines: [message, `${where} closed the connection on the TLS ClientHello: a plain MQTT port? drop --tls and the TLS options, or use the broker's TLS port (usually 8883).`] };
  }
  if (name === 'MICROTLS_ERR_MQTT_CERT_REQUIRED') {
    return { code: EXIT.connectionLost, lines: [message, 'The broker requires a client certificate and none was given: add --cert FILE --key FILE.'] };
  }
  const closedEarly = sys === 'ECONNRESET' || sys === 'EPIPE' || name === 'MBEDTLS_ERR_NET_CONN_RESET' || name === 'MBEDTLS_ERR_SSL_CONN_EOF'
    || (name === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED' && /before CONNACK/.test(e.message));
  if (!ctx.tls) {
    if (closedEarly) {
      return { code: EXIT.connectionLost, lines: [`Error: The connection was lost (${e.message ?? String(err)}).`, `${where} closed the connection right after CONNECT: TLS port? add --tls (with --cafile FILE to verify the broker, or --insecure).`] };
    }
    return { code: name === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED' ? EXIT.connectionLost : EXIT.error, lines: [message] };
  }
  // TLS from here on.
  if (certificateMissing(m)) {
    return {
      code: EXIT.connectionLost,
      lines: [message, ctx.clientCertificate
        ? 'The broker requires a client certificate, and the one given (--cert) does not fit its CertificateRequest (see the reason above).'
        : 'The broker requires a client certificate and none was given: add --cert FILE --key FILE.'],
    };
  }
  if (noCommonCipher(m)) return { code: EXIT.tls, lines: [message, ...noCommonCipherLines(where)] };
  if (closedEarly && !/state (wait_new_session_ticket|wait_change_cipher_spec|wait_finished)/.test(e.message)) {
    return { code: EXIT.tls, lines: [message, `${where} closed the connection on the TLS ClientHello: a plain MQTT port? drop --tls and the TLS options, or use the broker's TLS port (usually 8883).`] };
  }
  const names = hostNameMismatch(m);
  if (names) return { code: EXIT.tls, lines: [message, `The certificate's names: ${names}. Connect with -h set to one of them.`] };
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
