import { MicroTlsError } from '../errors.js';
import type { ErrorName } from '../errors.js';

/** Alert levels and descriptions (RFC 5246 7.2, RFC 5746, RFC 6066, RFC 7301) as data. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  no_application_protocol: 120,
} as const;
export type AlertName = keyof typeof AlertDescription;

/**
 * Warning alerts in a row that fail the connection. Each costs a decryption and does nothing
 * for a client, so an endless stream of them is a CPU DoS the empty-record limit does not
 * catch; OpenSSL fails on the 5th (MAX_WARN_ALERT_COUNT), and so do we. Any other record
 * resets the count.
 */
export const MAX_CONSECUTIVE_WARNING_ALERTS = 5;

const NAMES = new Map<number, string>(Object.entries(AlertDescription).map(([k, v]) => [v, k]));

export function alertName(description: number): string {
  return NAMES.get(description) ?? `unknown_alert_${description}`;
}

export interface Alert {
  readonly level: number;
  readonly description: number;
  readonly name: string;
}

/**
 * The error every protocol failure throws: the Mbed TLS code the application sees, and
 * in `info.alert` the alert the engine sends before closing. Keeping both in one place
 * means a handler cannot fail without saying what the peer is told.
 */
export function tlsError(codeName: ErrorName, alert: AlertName, message: string, details: Record<string, unknown> = {}): MicroTlsError {
  return new MicroTlsError(codeName, message, { ...details, alert: AlertDescription[alert] });
}
