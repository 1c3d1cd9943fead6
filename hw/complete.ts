/**
 * Turns a partial provider into the full set the TLS engine consumes, and holds the
 * process-wide default. Gap-filling prefers the provider's own primitives (HMAC on its hash,
 * CCM on its block cipher) so an accelerator is used wherever it can be; only what it cannot
 * build comes from noble.
 */
import { ccmWithKey } from './ccm.js';
import { hmacOnHash } from './hmac.js';
import { nobleProvider } from './noble.js';
import type { CryptoProvider, FullCryptoProvider, HashName, PublicKeyOpName } from './provider.js';

export function completeProvider(p: CryptoProvider = nobleProvider): FullCryptoProvider {
  // Bound copies: a provider may be a class instance whose methods rely on `this`.
  const own = <K extends keyof CryptoProvider>(k: K): CryptoProvider[K] => {
    const f = p[k] as unknown as ((...a: unknown[]) => unknown) | undefined;
    return (f ? f.bind(p) : undefined) as CryptoProvider[K];
  };
  const hash = own('hash');
  const aesBlock = own('aesBlock');
  const full: FullCryptoProvider = {
    name: p.name,
    hash: hash ?? nobleProvider.hash,
    hmac: own('hmac') ?? (hash ? (alg: HashName, key: Uint8Array) => hmacOnHash(hash, alg, key) : nobleProvider.hmac),
    aesBlock: aesBlock ?? nobleProvider.aesBlock,
    aesCbc: own('aesCbc') ?? nobleProvider.aesCbc,
    aesGcm: own('aesGcm') ?? nobleProvider.aesGcm,
    aesCcm: own('aesCcm') ??
      (aesBlock ? (key: Uint8Array, tagLength: 8 | 16) => ccmWithKey(aesBlock, key, tagLength) : nobleProvider.aesCcm),
    randomBytes: own('randomBytes') ?? nobleProvider.randomBytes,
  };
  // Public-key operations are passed through only when the provider has them, never filled
  // in: src/crypto checks for their presence and uses its own code otherwise, so inventing a
  // noble-backed one here would only add a layer (and hide from callers which engine runs).
  const pk: { -readonly [K in PublicKeyOpName]?: CryptoProvider[K] } = full;
  for (const k of ['rsaPublic', 'rsaPrivate', 'ecdsaVerify', 'ecdsaVerifyMessage'] as const) if (p[k]) pk[k] = own(k) as never;
  return Object.freeze(full);
}

let current: FullCryptoProvider | undefined;

export function getDefaultProvider(): FullCryptoProvider {
  current ??= completeProvider(nobleProvider);
  return current;
}

/** Routes every later connection's crypto through `p` (completed with noble where it has gaps). */
export function setDefaultProvider(p: CryptoProvider): void {
  current = completeProvider(p);
}

export function digest(p: Pick<FullCryptoProvider, 'hash'>, alg: HashName, data: Uint8Array): Uint8Array {
  return p.hash(alg).update(data).digest();
}

export function hmacOnce(p: Pick<FullCryptoProvider, 'hmac'>, alg: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return p.hmac(alg, key).update(data).digest();
}
