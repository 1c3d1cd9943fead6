/**
 * A provider that answers from a tape: one run through `recorder()` writes every answer the
 * inner provider gives (digests, MACs, ciphertexts, random bytes, RSA results) in call order;
 * `player()` then gives the same answers in the same order without computing anything. A
 * handshake replayed with the player costs what the protocol code costs without its crypto
 * (records, messages, state machine, key schedule glue): the cost model's protocol unit
 * (engine-entry.ts). Deterministic runs only: the player returns answers by position.
 */
import type { AeadCipher, AesBlockCipher, AesCbcCipher, CryptoProvider, HashContext, HashName, MacContext } from '../../hw/provider.js';

export interface Tape {
  recorder(): CryptoProvider;
  player(): CryptoProvider;
  /** What the recorder wrote, in call order (for a player in another engine: espruino-bundle-costs.ts). */
  answers(): readonly Uint8Array[];
}

export function createTape(inner: CryptoProvider & Required<Pick<CryptoProvider, 'rsaPublic'>>): Tape {
  const tape: Uint8Array[] = [];
  const keep = (b: Uint8Array): Uint8Array => (tape.push(b.slice()), b);

  const recordCtx = <C extends HashContext | MacContext>(c: C): C => {
    const w = {
      update(d: Uint8Array) { c.update(d); return w; },
      digest: () => keep(c.digest()),
      ...(c.clone ? { clone: () => recordCtx(c.clone!() as C) } : {}),
    };
    return w as unknown as C;
  };
  const recordAead = (a: AeadCipher): AeadCipher => ({ tagLength: a.tagLength, seal: (n, p, d) => keep(a.seal(n, p, d)), open: (n, s, d) => { const r = a.open(n, s, d); return r && keep(r); } });

  return {
    answers: () => tape,
    recorder: () => ({
      name: `record(${inner.name})`,
      hash: (alg: HashName) => recordCtx(inner.hash!(alg)),
      hmac: (alg: HashName, key: Uint8Array) => recordCtx(inner.hmac!(alg, key)),
      aesBlock: (key) => {
        const b = inner.aesBlock!(key);
        return { encryptBlock: (x) => keep(b.encryptBlock(x)) } as AesBlockCipher;
      },
      aesCbc: (key) => {
        const c = inner.aesCbc!(key);
        return { encrypt: (iv, d) => keep(c.encrypt(iv, d)), decrypt: (iv, d) => keep(c.decrypt(iv, d)) } as AesCbcCipher;
      },
      aesGcm: (key) => recordAead(inner.aesGcm!(key)),
      aesCcm: (key, t) => recordAead(inner.aesCcm!(key, t)),
      ...(inner.randomBytes ? { randomBytes: (n: number) => keep(inner.randomBytes!(n)) } : {}),
      rsaPublic: (n, e, x) => keep(inner.rsaPublic(n, e, x)),
    }),
    player: () => tapePlayer(tape),
  };
}

/** A provider giving `answers` in order, from its own start (a recorder's tape, or one recorded elsewhere: glue-tape.ts). */
export function tapePlayer(answers: readonly Uint8Array[]): CryptoProvider {
  let at = 0;
  const next = (): Uint8Array => {
    const b = answers[at++];
    if (!b) throw new Error('the tape ran out: the run is not the recorded one');
    return b.slice();
  };
  const ctx = (): HashContext & MacContext => {
    const w: HashContext & MacContext = { update: () => w, digest: next, clone: ctx };
    return w;
  };
  const aead = (tagLength: number): AeadCipher => ({ tagLength, seal: next, open: next });
  return {
    name: 'tape',
    hash: ctx,
    hmac: ctx,
    aesBlock: () => ({ encryptBlock: next }),
    aesCbc: () => ({ encrypt: next, decrypt: next }),
    aesGcm: () => aead(16),
    aesCcm: (_k, t) => aead(t),
    randomBytes: next,
    rsaPublic: next,
  };
}
