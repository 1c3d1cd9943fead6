/**
 * Random bytes from the platform CSPRNG (Web Crypto's getRandomValues: Node >= 19, browsers,
 * Deno, Bun, some embedded engines). There is deliberately no fallback: TLS keys made from
 * a non-cryptographic generator would be guessable, so a missing source is a hard, explained error.
 */
import { fail } from '../src/errors.js';

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

/** Web Crypto refuses more than 65536 bytes per call. */
const MAX_CHUNK = 65536;

export function webCryptoRandomBytes(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0) fail('ENTROPY_SOURCE_FAILED', `invalid random length ${length}`);
  const source = (globalThis as { crypto?: Partial<RandomSource> }).crypto;
  if (!source || typeof source.getRandomValues !== 'function') {
    fail('ENTROPY_SOURCE_FAILED',
      'no cryptographic random source: globalThis.crypto.getRandomValues is missing on this platform; ' +
      'give the crypto provider a randomBytes() backed by a hardware RNG (e.g. createEspruinoProvider(crypto, { randomWord: E.hwRand }))');
  }
  const out = new Uint8Array(length);
  for (let off = 0; off < length; off += MAX_CHUNK) {
    source.getRandomValues(out.subarray(off, Math.min(off + MAX_CHUNK, length)));
  }
  return out;
}
