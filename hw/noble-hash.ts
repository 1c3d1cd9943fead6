/** Incremental hashes and HMAC from @noble/hashes behind the provider's small interfaces. */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import type { CHash, Hash } from '@noble/hashes/utils.js';
import { fail } from '../src/errors.js';
import type { HashContext, HashName, MacContext } from './provider.js';

const HASHES: Readonly<Record<HashName, CHash>> = { md5, sha1, sha224, sha256, sha384, sha512 };

export function nobleHashFunction(alg: HashName): CHash {
  const h = HASHES[alg];
  if (!h) fail('MD_FEATURE_UNAVAILABLE', `unknown hash algorithm ${String(alg)}`);
  return h;
}

class NobleHashContext implements HashContext {
  constructor(private readonly h: Hash<any>) {}
  update(data: Uint8Array): HashContext {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.h.digest();
  }
  clone(): HashContext {
    return new NobleHashContext(this.h.clone());
  }
}

export function nobleHash(alg: HashName): HashContext {
  return new NobleHashContext(nobleHashFunction(alg).create());
}

/** What is used of noble's HMAC object (its own generic types do not accept its clone()). */
interface NobleMac {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleMac;
}

class NobleMacContext implements MacContext {
  constructor(private readonly mac: NobleMac) {}
  update(data: Uint8Array): MacContext {
    this.mac.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.mac.digest();
  }
  /** The keyed state copied, so a PRF keys once per secret (src/crypto/prf.ts finds this at run time). */
  clone(): MacContext {
    return new NobleMacContext(this.mac.clone());
  }
}

export function nobleHmac(alg: HashName, key: Uint8Array): MacContext {
  return new NobleMacContext(hmac.create(nobleHashFunction(alg), key) as NobleMac);
}
