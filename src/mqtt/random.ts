/**
 * Randomness for jitter and generated client ids. Never a non-cryptographic generator (predictable, and
 * banned in the core): the default is crypto.getRandomValues where the engine has it.
 */
export type RandomSource = (out: Uint8Array) => void;

interface GlobalCrypto {
  crypto?: { getRandomValues?(a: Uint8Array): Uint8Array };
}

export function defaultRandomSource(): RandomSource | undefined {
  const c = (globalThis as unknown as GlobalCrypto).crypto;
  const get = c?.getRandomValues;
  return get ? (out) => void get.call(c, out) : undefined;
}

/** Uniform in [0, 1) from 32 random bits. */
export function randomUnit(source: RandomSource): number {
  const b = new Uint8Array(4);
  source(b);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 4294967296;
}
