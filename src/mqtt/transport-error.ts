/**
 * Transport errors as typed errors. Node's socket errors carry an errno code only; the
 * device bundles, whose transports fail with MicroTlsErrors already, replace this module
 * with src/device/absent-transport-error.ts.
 */
import { MicroTlsError } from '../errors.js';

export function transportError(err: Error): MicroTlsError {
  if (err instanceof MicroTlsError) return err;
  const code = (err as { code?: unknown }).code;
  const name = code === 'ECONNRESET' || code === 'EPIPE' ? 'NET_CONN_RESET'
    : code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'NET_CONNECT_FAILED'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'NET_UNKNOWN_HOST'
    : 'NET_RECV_FAILED';
  return new MicroTlsError(name, err.message, typeof code === 'string' ? { errno: code } : {}, { cause: err });
}
