/**
 * HMAC (RFC 2104) over any provider's incremental hash, so a device with a SHA engine but
 * no HMAC engine still runs PRF/Finished on its engine. The keyed inner and outer states
 * are hashed once per key and cloned, as Mbed TLS does.
 */
import { HASH_INFO, type HashContext, type HashName, type MacContext } from './provider.js';

export type HashFactory = (alg: HashName) => HashContext;

export function hmacOnHash(hash: HashFactory, alg: HashName, key: Uint8Array): MacContext {
  const keyed = hmacKeyedStates(hash, alg, key);
  return new HmacContext(keyed.inner, keyed.outer);
}

/** The hash states after the keyed ipad and opad blocks (RFC 2104), to be cloned per message. */
export function hmacKeyedStates(hash: HashFactory, alg: HashName, key: Uint8Array): { inner: HashContext; outer: HashContext } {
  const { blockLength } = HASH_INFO[alg];
  const k = key.length > blockLength ? hash(alg).update(key).digest() : key;
  const ipad = new Uint8Array(blockLength).fill(0x36);
  const opad = new Uint8Array(blockLength).fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  const inner = hash(alg).update(ipad);
  const outer = hash(alg).update(opad);
  ipad.fill(0);
  opad.fill(0);
  return { inner, outer };
}

class HmacContext implements MacContext {
  private declare readonly inner: HashContext;
  private declare readonly outer: HashContext;
  constructor(inner: HashContext, outer: HashContext) {
    this.inner = inner;
    this.outer = outer;
  }
  update(data: Uint8Array): MacContext {
    this.inner.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.outer.update(this.inner.digest()).digest();
  }
  /** The running state copied (src/crypto/prf.ts clones one keyed context instead of re-keying). */
  clone(): MacContext {
    return new HmacContext(this.inner.clone(), this.outer.clone());
  }
}
