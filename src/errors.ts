import { ERROR_CODES, errorCode, formatCode } from './error-codes.js';
import type { ErrorName } from './error-codes.js';

export { ERROR_CODES, describeError, errorCode, formatCode } from './error-codes.js';
export type { ErrorCodeInfo, ErrorFullName, ErrorName } from './error-codes.js';

/**
 * The one error class of the stack. `code` is a Mbed TLS error code (negative number),
 * `name` its Mbed TLS name; `message` says what happened in words a person can act on.
 * Extra details (verify flags, alert numbers, MQTT rule) ride along in `info`.
 */
export class MicroTlsError extends Error {
  declare readonly code: number;
  declare readonly codeName: string;
  /** Named `info`, not `details`: test runners (uvu) treat `err.details` as a printable string. */
  declare readonly info: Readonly<Record<string, unknown>>;

  constructor(code: number | ErrorName, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    const numeric = typeof code === 'string' ? errorCode(code) : code;
    const info = ERROR_CODES.get(numeric);
    const codeName = info?.name ?? 'MBEDTLS_ERR_UNKNOWN';
    super(`${formatCode(numeric)} ${codeName}: ${message}`, options);
    this.name = 'MicroTlsError';
    this.code = numeric;
    this.codeName = codeName;
    this.info = details;
  }

  /** `-0x7780 MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE`, as the reference device and the CLI print it. */
  get label(): string {
    return `${formatCode(this.code)} ${this.codeName}`;
  }
}

/** Shorthand used throughout the stack: `fail('SSL_INVALID_RECORD', 'record longer than 2^14+2048')`. */
export function fail(name: ErrorName, message: string, details?: Record<string, unknown>): never {
  throw new MicroTlsError(name, message, details);
}

/** Wraps anything thrown by a dependency (asn1js, noble) into a typed error. */
export function asMicroTlsError(err: unknown, fallbackName: ErrorName, context: string): MicroTlsError {
  if (err instanceof MicroTlsError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new MicroTlsError(fallbackName, `${context}: ${msg}`, {}, { cause: err });
}
