/** The Mbed TLS name of the MicroTlsError that `fn` throws; anything else thrown propagates. */
import { MicroTlsError } from '../../src/errors.js';

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
