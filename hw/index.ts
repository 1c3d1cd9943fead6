/** The portable crypto-provider API (hw/node.ts is Node-only and imported by path). */
export * from './provider.js';
export { nobleProvider } from './noble.js';
export { completeProvider, getDefaultProvider, setDefaultProvider, digest, hmacOnce } from './complete.js';
export { createEspruinoProvider } from './espruino.js';
export type { EspruinoCryptoModule, EspruinoProviderOptions } from './espruino.js';
export { createCountingProvider, hashBlocks } from './counting.js';
export type { CountingProvider, CryptoCounts, OpCount } from './counting.js';
export { ccmAead } from './ccm.js';
export { hmacOnHash } from './hmac.js';
