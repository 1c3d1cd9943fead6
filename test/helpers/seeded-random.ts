import { sha256 } from '@noble/hashes/sha2.js';
import { utf8Encode } from '../../src/encoding/bytes.js';

/**
 * A deterministic random source for transcript recording and replay: SHA-256 of
 * seed || counter, streamed. Only for tests: it makes the client's bytes reproducible.
 */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  const s = utf8Encode(seed);
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (pool.length === 0) {
        const block = new Uint8Array(s.length + 4);
        block.set(s);
        new DataView(block.buffer).setUint32(s.length, counter++);
        pool = sha256(block);
      }
      const take = Math.min(pool.length, n - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}
