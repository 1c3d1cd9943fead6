/**
 * Stands in for asn1js in the device bundles. The strict DER path (src/x509/der.ts) parses
 * every DER certificate; only inputs it declines reach asn1js, and there they would be
 * refused anyway unless they were BER that asn1js repairs. So a device build refuses them
 * here with the caller's error code instead of carrying asn1js (63 KB minified).
 */
export function fromBER(): { offset: number; result: { error: string } } {
  return { offset: -1, result: { error: 'not strict DER (this device build has no BER decoder)' } };
}
