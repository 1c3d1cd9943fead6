/**
 * Stands in for src/x509/der-ber.ts (the asn1js path of the DER decoder) in the device
 * bundles, which carry no asn1js: an input the strict DER path declines is refused with the
 * caller's error code, as absent-asn1js.ts would refuse it, without the BER-to-tree converter.
 */
import { MicroTlsError, type ErrorName } from '../errors.js';
import type { DerNode } from '../x509/der.js';

export function decodeDerAsn1js(_bytes: Uint8Array, code: ErrorName, what: string): DerNode {
  throw new MicroTlsError(code, `${what}: not strict DER (this device build has no BER decoder)`);
}
