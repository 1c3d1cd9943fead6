/**
 * Stands in for hw/noble.ts in the XS bundle (scripts/build-device.mjs): completeProvider()
 * and the default provider fill their gaps from the XS provider, so neither @noble/hashes nor
 * @noble/ciphers is in the bundle.
 */
export { xsProvider as nobleProvider } from './xs-provider.js';
