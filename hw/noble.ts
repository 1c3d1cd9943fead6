/**
 * The default pure-JS provider: @noble/hashes and @noble/ciphers, with CCM built on
 * noble's block cipher (hw/ccm.ts) and randomness from globalThis.crypto.getRandomValues.
 */
import { ccmWithKey } from './ccm.js';
import { nobleAesBlock, nobleAesCbc } from './noble-aes.js';
import { nobleAesGcm } from './noble-gcm.js';
import { nobleHash, nobleHmac } from './noble-hash.js';
import type { FullCryptoProvider } from './provider.js';
import { webCryptoRandomBytes } from './random.js';

export const nobleProvider: FullCryptoProvider = Object.freeze({
  name: 'noble',
  hash: nobleHash,
  hmac: nobleHmac,
  aesBlock: nobleAesBlock,
  aesCbc: nobleAesCbc,
  aesGcm: nobleAesGcm,
  aesCcm: (key: Uint8Array, tagLength: 8 | 16) => ccmWithKey(nobleAesBlock, key, tagLength),
  randomBytes: webCryptoRandomBytes,
});
