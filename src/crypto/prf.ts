/**
 * The TLS 1.2 PRF (RFC 5246 section 5): PRF(secret, label, seed) = P_hash(secret, label || seed),
 * P_hash = HMAC(secret, A(1) || seed') || HMAC(secret, A(2) || seed') || ..., A(i) = HMAC(secret, A(i-1)).
 * The HMAC comes from the provider so a device's SHA engine does the work.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import { HASH_INFO } from '../../hw/provider.js';
import { asciiEncode, concatBytes } from '../encoding/bytes.js';
import { MicroTlsError } from '../errors.js';

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
  const hmac = (data: Uint8Array): Uint8Array => provider.hmac(hash, secret).update(data).digest();
  let a = labelSeed;
  const step = HASH_INFO[hash].outputLength;
  for (let off = 0; off < length; off += step) {
    a = hmac(a);
    const block = provider.hmac(hash, secret).update(a).update(labelSeed).digest();
    out.set(block.subarray(0, Math.min(step, length - off)), off);
  }
  return out;
}
