/**
 * The crypto provider of the XS bundle: noble's, with SHA-224/256/384/512 (and HMAC over
 * them) from hw/sha256.ts and hw/sha512.ts, which XS runs faster than noble's sha2 (hashing
 * the transcript and the PRF dominate a handshake in an interpreter; bench:engines). Random
 * bytes still come from globalThis.crypto when the engine has it; on Moddable pass
 * `random` (moddableRandom(RNG)) to connect().
 */
import { hmacOnHash } from '../../hw/hmac.js';
import { nobleProvider } from '../../hw/noble.js';
import type { FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { Sha256 } from '../../hw/sha256.js';
import { Sha512 } from '../../hw/sha512.js';

const OURS: Partial<Record<HashName, () => HashContext>> = {
  sha224: () => new Sha256(28),
  sha256: () => new Sha256(32),
  sha384: () => new Sha512(48),
  sha512: () => new Sha512(64),
};

function xsHash(alg: HashName): HashContext {
  const make = OURS[alg];
  return make ? make() : nobleProvider.hash(alg);
}

export const xsProvider: FullCryptoProvider = Object.freeze({
  ...nobleProvider,
  name: 'xs',
  hash: xsHash,
  hmac: (alg: HashName, key: Uint8Array) => (OURS[alg] ? hmacOnHash(xsHash, alg, key) : nobleProvider.hmac(alg, key)),
});
