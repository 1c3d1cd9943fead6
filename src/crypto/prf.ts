/**
 * The TLS 1.2 PRF (RFC 5246 section 5): PRF(secret, label, seed) = P_hash(secret, label || seed),
 * P_hash = HMAC(secret, A(1) || seed') || HMAC(secret, A(2) || seed') || ..., A(i) = HMAC(secret, A(i-1)).
 * The HMAC comes from the provider so a device's SHA engine does the work.
 *
 * Every HMAC of one PRF call is keyed with the same secret. When the provider's MAC context
 * can be cloned (an HMAC built on a hash, noble's), the keyed state (key ^ ipad and key ^ opad
 * hashed: two compressions) is computed once and cloned for each HMAC instead of re-keyed:
 * 2 of the 5 compressions of a short HMAC, so ~40% of a resumption's PRF work in pure JS.
 * Contexts without clone() (node:crypto's Hmac) are keyed per HMAC as before.
 */
import type { FullCryptoProvider, MacContext } from '../../hw/provider.js';
import { HASH_INFO } from '../../hw/provider.js';
import { asciiEncode, concatBytes } from '../encoding/bytes.js';
import { MicroTlsError } from '../errors.js';

type CloneableMac = MacContext & { clone(): MacContext };

function isCloneable(m: MacContext): m is CloneableMac {
  return typeof m.clone === 'function';
}

export function prf(
  provider: FullCryptoProvider,
  hash: 'sha256' | 'sha384',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (hash !== 'sha256' && hash !== 'sha384') throw new MicroTlsError('SSL_BAD_INPUT_DATA', `TLS 1.2 PRF hash must be sha256 or sha384, not ${String(hash)}`);
  if (!Number.isInteger(length) || length < 0) throw new MicroTlsError('SSL_BAD_INPUT_DATA', `invalid PRF output length ${length}`);
  // Labels are ASCII by definition (RFC 5246 section 5), so no UTF-8 step.
  const labelSeed = concatBytes(asciiEncode(label), seed);
  const out = new Uint8Array(length);
  // Keyed once: a cloneable context is the template of every HMAC below (it is never updated);
  // any other is used for A(1) and each later HMAC is keyed anew.
  const first = provider.hmac(hash, secret);
  const template = isCloneable(first) ? first : undefined;
  let a = (template ? template.clone() : first).update(labelSeed).digest();
  const step = HASH_INFO[hash].outputLength;
  for (let off = 0; off < length; off += step) {
    if (off > 0) a = keyedMac(provider, hash, secret, template).update(a).digest();
    const block = keyedMac(provider, hash, secret, template).update(a).update(labelSeed).digest();
    out.set(block.subarray(0, Math.min(step, length - off)), off);
  }
  return out;
}

function keyedMac(provider: FullCryptoProvider, hash: 'sha256' | 'sha384', secret: Uint8Array, template: CloneableMac | undefined): MacContext {
  return template ? template.clone() : provider.hmac(hash, secret);
}
