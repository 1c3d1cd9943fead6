/** Which MicroTlsError a call throws: one set of helpers for every test. */
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';

/** The MicroTlsError that `fn` throws; anything else thrown, or nothing, fails the test. */
export function thrownError(fn: () => unknown): MicroTlsError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MicroTlsError, String(e));
    return e as MicroTlsError;
  }
  throw new assert.Assertion({ message: 'expected a MicroTlsError, nothing was thrown', operator: 'throws', generated: true, expects: 'MicroTlsError', actual: 'no error' });
}

/** The Mbed TLS name of the MicroTlsError that `fn` throws, or `orElse` when it returns. */
export function thrownCodeName(fn: () => unknown, orElse?: string): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof MicroTlsError) return e.codeName;
    throw e;
  }
  if (orElse !== undefined) return orElse;
  throw new Error('did not throw');
}

/** Full name as the table spells it; short Mbed TLS names (`SSL_INVALID_RECORD`) get their prefix. */
function fullName(name: string): string {
  return name.startsWith('MBEDTLS_ERR_') || name.startsWith('MICROTLS_ERR_') ? name : `MBEDTLS_ERR_${name}`;
}

/** Asserts `fn` throws the named error (full or short name), with a message matching `text`. */
export function expectThrown(fn: () => unknown, codeName: string, text?: RegExp): MicroTlsError {
  const err = thrownError(fn);
  assert.is(err.codeName, fullName(codeName), err.message);
  if (text) assert.match(err.message, text);
  return err;
}
