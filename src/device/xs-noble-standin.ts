/**
 * Stands in for hw/noble.ts in the XS bundle (scripts/build-device.mjs): completeProvider()
 * and the default provider fill their gaps from the XS provider, so @noble/hashes (and noble's
 * provider object) is not in the bundle.
 */
export { xsProvider as nobleProvider } from './xs-provider.js';
