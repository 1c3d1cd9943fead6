/**
 * Stands in for src/mqtt/transport-error.ts (the mapping of Node's errno codes) in the device
 * bundles: their transports fail with MicroTlsErrors; anything else is a failed receive.
 */
import { MicroTlsError } from '../errors.js';

export function transportError(err: Error): MicroTlsError {
  return err instanceof MicroTlsError ? err : new MicroTlsError('NET_RECV_FAILED', err.message, {}, { cause: err });
}
