/**
 * The crypto provider of the XS bundle: noble's, with SHA-256/224 (and HMAC over them) from
 * hw/sha256.ts, which XS runs several times faster than noble's sha256 (hashing the
 * transcript and the PRF dominate a handshake in an interpreter; bench:engines). Random
 * bytes still come from globalThis.crypto when the engine has it; on Moddable pass
 * `random` (moddableRandom(RNG)) to connect().
 */
import { hmacOnHash } from '../../hw/hmac.js';
import { nobleProvider } from '../../hw/noble.js';
import type { FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { Sha256 } from '../../hw/sha256.js';

function xsHash(alg: HashName): HashContext {
  if (alg === 'sha256') return new Sha256(32);
  if (alg === 'sha224') return new Sha256(28);
  return nobleProvider.hash(alg);
}

export const xsProvider: FullCryptoProvider = Object.freeze({
  ...nobleProvider,
  name: 'xs',
  hash: xsHash,
  hmac: (alg: HashName, key: Uint8Array) => (alg === 'sha256' || alg === 'sha224' ? hmacOnHash(xsHash, alg, key) : nobleProvider.hmac(alg, key)),
});
