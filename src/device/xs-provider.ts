/**
 * The crypto provider of the XS bundle, with nothing from @noble: MD5, SHA-1, SHA-224/256 and
 * SHA-384/512 from hw/md5.ts, hw/sha1.ts, hw/sha256.ts and hw/sha512.ts (one Merkle–Damgård
 * frame, hw/block-hash.ts), which XS runs faster than noble's (hashing the transcript and the
 * PRF dominate a handshake in an interpreter; bench:engines), HMAC over them (hw/hmac.ts),
 * AES, AES-CBC and AES-GCM from hw/aes.ts and hw/aes-gcm.ts (no @noble/ciphers: its AES
 * builds ~1.3 MB of tables at load), CCM on that block cipher (hw/ccm.ts). Random bytes still come from
 * globalThis.crypto when the engine has it; on Moddable pass `random` (moddableRandom(RNG))
 * to connect().
 */
import { ccmWithKey } from '../../hw/ccm.js';
import { hmacOnHash } from '../../hw/hmac.js';
import { Md5 } from '../../hw/md5.js';
import { aesBlock, aesCbc } from '../../hw/aes.js';
import { aesGcm } from '../../hw/aes-gcm.js';
import type { FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { webCryptoRandomBytes } from '../../hw/random.js';
import { Sha1 } from '../../hw/sha1.js';
import { Sha256 } from '../../hw/sha256.js';
import { Sha512 } from '../../hw/sha512.js';
import { fail } from '../errors.js';

const HASHES: { readonly [alg: string]: () => HashContext } = {
  md5: () => new Md5(),
  sha1: () => new Sha1(),
  sha224: () => new Sha256(28),
  sha256: () => new Sha256(32),
  sha384: () => new Sha512(48),
  sha512: () => new Sha512(64),
};

function xsHash(alg: HashName): HashContext {
  const make = Object.prototype.hasOwnProperty.call(HASHES, alg) ? HASHES[alg] : undefined;
  if (!make) fail('MD_FEATURE_UNAVAILABLE', `unknown hash algorithm ${String(alg)}`);
  return make();
}

export const xsProvider: FullCryptoProvider = Object.freeze({
  name: 'xs',
  hash: xsHash,
  hmac: (alg: HashName, key: Uint8Array) => hmacOnHash(xsHash, alg, key),
  aesBlock,
  aesCbc,
  aesGcm,
  aesCcm: (key: Uint8Array, tagLength: 8 | 16) => ccmWithKey(aesBlock, key, tagLength),
  randomBytes: webCryptoRandomBytes,
});
