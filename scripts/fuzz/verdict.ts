/**
 * What counts as a fuzzing failure. The only acceptable outcome besides success is the
 * project's typed error: a MicroTlsError with a code from the table, not the engine's
 * SSL_INTERNAL_ERROR wrapper, and not wrapping a JavaScript runtime error (a TypeError
 * caught at an edge and relabelled is still a bug below it).
 */
import { ERROR_CODES } from '../../src/error-codes.js';
import { MicroTlsError } from '../../src/errors.js';

const RUNTIME_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

function isRuntimeError(e: unknown): boolean {
  return RUNTIME_ERRORS.some((c) => e instanceof c);
}

/** undefined when `e` is an acceptable typed error, else why it is an escape. */
export function escapeReason(e: unknown): string | undefined {
  if (!(e instanceof MicroTlsError)) {
    return `untyped ${e instanceof Error ? e.constructor.name : typeof e}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!ERROR_CODES.has(e.code)) return `MicroTlsError with an unknown code ${e.code}: ${e.message}`;
  if (e.codeName === 'MBEDTLS_ERR_SSL_INTERNAL_ERROR') return `internal error: ${e.message}`;
  for (let c: unknown = e.cause, depth = 0; c !== undefined && depth < 8; c = (c as { cause?: unknown }).cause, depth++) {
    if (isRuntimeError(c)) return `${e.codeName} wrapping a ${(c as Error).constructor.name}: ${(c as Error).message}`;
  }
  return undefined;
}

/** The innermost error, for a stack that points at the bug rather than at the wrapper. */
export function rootCause(e: unknown): unknown {
  let c = e;
  for (let depth = 0; depth < 8 && c instanceof Error && c.cause !== undefined; depth++) c = c.cause;
  return c;
}
