/**
 * A provider wrapper that counts work instead of timing it, for a device cost model:
 * multiply the counts by a board's measured per-block costs to predict a handshake or a
 * record's price on hardware we do not have at hand.
 *
 * Hash work is counted in compression-function blocks, from the bytes fed, at digest time:
 * ceil((n + 1 + length field) / block length), as Merkle-Damgard padding makes it. A context
 * that is cloned and digested twice counts its shared prefix twice; that is the real cost on
 * providers that buffer and hash at digest() (Espruino) and an upper bound elsewhere.
 * AEAD counts are the work of a full seal/open, also when open() rejects early.
 * Public-key operations are counted per modulus size / curve (their cost depends on little
 * else), and only when the inner provider has them: the wrapper never adds one, so routing
 * is unchanged, and work src/crypto does in pure JS for lack of an engine op is not counted.
 * ecdsaVerifyMessage also counts, per hash, the compression blocks of the hash the engine runs
 * internally: that work never goes through hash() and would otherwise be missing from the model.
 * Each public-key operation also adds its modular multiplications by operand size, derived from
 * the exponent and src/crypto's window schedule (hw/modmul-schedule.ts), since the arithmetic
 * itself runs below the hooks.
 * A key's first private operation draws its blinding pair (hw/modmul-schedule.ts): the wrapper
 * tells first uses by the key object, as bigint.ts's cache does, and counts the inversion apart.
 * Another backend's products (the limb backend's, which runs its own schedule) can be counted
 * beside them by `shadows`: each is called at the same hooks with the same arguments and returns
 * the products that backend's operation would do (modMulBy[name]).
 * The wire counters are fed by the transport (noteSent / noteReceived): bytes each way, and
 * round trips as the number of times data arrived after the client had sent something.
 */
import { BLINDING_REFRESH_USES, ecdsaVerifyMultiplications, rsaBlindingInversions, rsaPrivateMultiplications, rsaPublicMultiplications, type ModMulCounts } from './modmul-schedule.js';
import { HASH_INFO, type EcCurveName, type AeadCipher, type AesBlockCipher, type CryptoProvider, type HashContext, type HashName, type MacContext } from './provider.js';

export interface OpCount {
  calls: number;
  bytes: number;
  /** Hash: compression-function calls. AES: block-cipher invocations. */
  blocks: number;
  /**
   * Hash only: compressions on a streaming engine (noble, OpenSSL): blocks are compressed as
   * they are fed, and a clone copies the state, so a cloned transcript's shared prefix is paid
   * once. `blocks` is the buffered engine's figure (everything hashed at digest).
   */
  streamingBlocks?: number;
}

export interface CryptoCounts {
  hash: Record<HashName, OpCount>;
  /**
   * Blocks include hashing an over-long key, the inner hash and the outer hash. streamingBlocks
   * counts the two keyed blocks once per context made (a clone copies them); blocks, the
   * buffered engine's figure, once per digest (it hashes them again each time).
   */
  hmac: Record<HashName, OpCount>;
  /**
   * Fixed per-operation work besides the blocks: HMAC contexts keyed, and states copied
   * (hash clones: the transcript's digest; HMAC clones: the PRF's keyed templates).
   */
  hmacKeySetups: number;
  hashClones: number;
  hmacClones: number;
  aes: { keySetups: number; block: OpCount; cbc: OpCount; gcm: OpCount; ccm: OpCount };
  /** GF(2^128) multiplications done by GCM (one per 16-byte block of AAD, ciphertext and lengths). */
  ghashBlocks: number;
  random: { calls: number; bytes: number };
  /**
   * rsaPublic / rsaPrivate calls per modulus bit length ("2048"), ecdsaVerify and
   * ecdsaVerifyMessage per curve; ecdsaVerifyMessage's internal hashing in compression blocks
   * per hash (as `hash` counts them).
   */
  publicKey: {
    rsaPublic: { calls: number; byBits: Record<string, number> };
    rsaPrivate: { calls: number; byBits: Record<string, number> };
    ecdsaVerify: { calls: number; byCurve: Record<string, number> };
    ecdsaVerifyMessage: { calls: number; byCurve: Record<string, number>; hashBlocks: Record<string, number> };
  };
  /** Modular multiplications (squarings included) by operand size class in bits ("1024"), on the BigInt backend's schedule. */
  modMul: Record<string, number>;
  /** Modular inversions by size class: the BigInt backend's blinding pairs, drawn on a key's first use. */
  modInverse: Record<string, number>;
  /** The same multiplications as another backend does them, per shadow name (createCountingProvider's `shadows`). */
  modMulBy: Record<string, Record<string, number>>;
  wire: { bytesSent: number; bytesReceived: number; roundTrips: number };
}

/** Another backend's products for the same operations (see createCountingProvider). */
export interface ModMulShadow {
  rsaPublic?(modulus: Uint8Array, e: Uint8Array, input: Uint8Array): ModMulCounts;
  rsaPrivate?(key: Parameters<NonNullable<CryptoProvider['rsaPrivate']>>[0], input: Uint8Array): ModMulCounts;
}

export interface CountingProvider {
  provider: CryptoProvider;
  counts(): CryptoCounts;
  reset(): void;
  /** The transport wrote n bytes to the peer. */
  noteSent(n: number): void;
  /** n bytes arrived from the peer. */
  noteReceived(n: number): void;
}

const HASHES: readonly HashName[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

function zero(): OpCount {
  return { calls: 0, bytes: 0, blocks: 0 };
}

function zeroHash(): OpCount {
  return { calls: 0, bytes: 0, blocks: 0, streamingBlocks: 0 };
}

function emptyCounts(): CryptoCounts {
  const perHash = () => Object.fromEntries(HASHES.map((h) => [h, zeroHash()])) as Record<HashName, OpCount>;
  return {
    hash: perHash(),
    hmac: perHash(),
    hmacKeySetups: 0,
    hashClones: 0,
    hmacClones: 0,
    aes: { keySetups: 0, block: zero(), cbc: zero(), gcm: zero(), ccm: zero() },
    ghashBlocks: 0,
    random: { calls: 0, bytes: 0 },
    publicKey: {
      rsaPublic: { calls: 0, byBits: {} },
      rsaPrivate: { calls: 0, byBits: {} },
      ecdsaVerify: { calls: 0, byCurve: {} },
      ecdsaVerifyMessage: { calls: 0, byCurve: {}, hashBlocks: {} },
    },
    modMul: {},
    modInverse: {},
    modMulBy: {},
    wire: { bytesSent: 0, bytesReceived: 0, roundTrips: 0 },
  };
}

/** Bit length of a big-endian modulus, without bigint.ts (this file must run where BigInt does not). */
function modulusBits(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return i === n.length ? 0 : (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

function tally(r: { calls: number }, table: Record<string, number>, key: string): void {
  r.calls++;
  table[key] = (table[key] ?? 0) + 1;
}

/** Compression blocks for an n-byte message: 0x80, zero fill, 64- or 128-bit length. */
export function hashBlocks(alg: HashName, n: number): number {
  const { blockLength } = HASH_INFO[alg];
  const lengthField = blockLength === 128 ? 16 : 8;
  return Math.ceil((n + 1 + lengthField) / blockLength);
}

const blocksOf = (n: number) => Math.ceil(n / 16);

/** CCM's CBC-MAC input: B0, then AAD with its 2/6/10-byte length prefix, then the payload. */
function ccmMacBlocks(aad: number, payload: number): number {
  const header = aad === 0 ? 0 : aad < 0xff00 ? 2 : aad <= 0xffffffff ? 6 : 10;
  return 1 + blocksOf(aad + header) + blocksOf(payload);
}

export function createCountingProvider(inner: CryptoProvider, options: { shadows?: Record<string, ModMulShadow> } = {}): CountingProvider {
  let c = emptyCounts();
  const shadows = options.shadows ?? {};
  const shadowCount = (name: string, counts: ModMulCounts | undefined) => {
    if (!counts) return;
    const into = (c.modMulBy[name] ??= {});
    for (const [k, n] of Object.entries(counts)) into[k] = (into[k] ?? 0) + n;
  };
  // Private keys seen, with their uses: a key object's first use draws the blinding pair (as
  // bigint.ts's per-key cache does; kept across reset(), as the backend's cache is).
  const keyUses: { key: object; uses: number }[] = [];
  const firstUse = (key: object): boolean => {
    let e = keyUses.find((x) => x.key === key);
    if (!e) {
      if (keyUses.length >= 32) keyUses.shift();
      e = { key, uses: BLINDING_REFRESH_USES };
      keyUses.push(e);
    }
    const fresh = e.uses >= BLINDING_REFRESH_USES;
    e.uses = fresh ? 1 : e.uses + 1;
    return fresh;
  };
  /** Sent since data last arrived: the next arrival completes a round trip. */
  let awaiting = false;

  class CountingHash implements HashContext {
    constructor(private readonly alg: HashName, private readonly h: HashContext, private fed = 0) {}
    update(data: Uint8Array): HashContext {
      const { blockLength } = HASH_INFO[this.alg];
      const before = Math.floor(this.fed / blockLength);
      this.fed += data.length;
      c.hash[this.alg].streamingBlocks! += Math.floor(this.fed / blockLength) - before;
      this.h.update(data);
      return this;
    }
    digest(): Uint8Array {
      const r = c.hash[this.alg];
      r.calls++;
      r.bytes += this.fed;
      const all = hashBlocks(this.alg, this.fed);
      r.blocks += all;
      r.streamingBlocks! += all - Math.floor(this.fed / HASH_INFO[this.alg].blockLength);
      return this.h.digest();
    }
    clone(): HashContext {
      c.hashClones++;
      return new CountingHash(this.alg, this.h.clone(), this.fed);
    }
  }

  function countAead(inner: AeadCipher, mode: 'gcm' | 'ccm', blocks: (aad: number, payload: number) => number, ghash: boolean): AeadCipher {
    const count = (aad: number, payload: number) => {
      // Looked up per call, not captured: reset() replaces the counters object.
      const record = c.aes[mode];
      record.calls++;
      record.bytes += payload;
      record.blocks += blocks(aad, payload);
      if (ghash) c.ghashBlocks += blocksOf(aad) + blocksOf(payload) + 1;
    };
    return {
      tagLength: inner.tagLength,
      seal(nonce, plaintext, aad) {
        count(aad.length, plaintext.length);
        return inner.seal(nonce, plaintext, aad);
      },
      open(nonce, sealed, aad) {
        count(aad.length, Math.max(0, sealed.length - inner.tagLength));
        return inner.open(nonce, sealed, aad);
      },
    };
  }

  const p: { -readonly [K in keyof CryptoProvider]: CryptoProvider[K] } = { name: `counting(${inner.name})` };
  if (inner.hash) {
    const hash = inner.hash.bind(inner);
    p.hash = (alg) => new CountingHash(alg, hash(alg));
  }
  if (inner.hmac) {
    const hmac = inner.hmac.bind(inner);
    p.hmac = (alg, key) => {
      const m = hmac(alg, key);
      const { blockLength, outputLength } = HASH_INFO[alg];
      // Keying (an over-long key hashed, then key ^ ipad and key ^ opad: one compression each)
      // is counted when the context is made; a clone copies that state and pays nothing, as
      // the PRF's cloned templates do on providers that offer clone().
      // On a buffered engine (`blocks`) the keyed blocks are fed, not compressed: every digest
      // hashes key ^ ipad and key ^ opad again, clone or not.
      const longKey = key.length > blockLength ? hashBlocks(alg, key.length) : 0;
      c.hmacKeySetups++;
      c.hmac[alg].blocks += longKey;
      c.hmac[alg].streamingBlocks! += longKey + 2;
      const wrap = (ctxInner: MacContext, fedBefore: number): MacContext => {
        let fed = fedBefore;
        const ctx: MacContext = {
          update(data) {
            fed += data.length;
            ctxInner.update(data);
            return ctx;
          },
          digest() {
            const r = c.hmac[alg];
            r.calls++;
            r.bytes += fed;
            // Inner and outer hashes; streaming, less the keyed blocks counted at creation.
            const n = hashBlocks(alg, blockLength + fed) + hashBlocks(alg, blockLength + outputLength);
            r.blocks += n;
            r.streamingBlocks! += n - 2;
            return ctxInner.digest();
          },
        };
        if (ctxInner.clone) {
          const clone = ctxInner.clone.bind(ctxInner);
          ctx.clone = () => {
            c.hmacClones++;
            return wrap(clone(), fed);
          };
        }
        return ctx;
      };
      return wrap(m, 0);
    };
  }
  if (inner.aesBlock) {
    const aesBlock = inner.aesBlock.bind(inner);
    p.aesBlock = (key) => {
      const b = aesBlock(key);
      c.aes.keySetups++;
      const count = (bytes: number) => {
        c.aes.block.calls++;
        c.aes.block.bytes += bytes;
        c.aes.block.blocks += blocksOf(bytes);
      };
      const counted: AesBlockCipher = {
        encryptBlock(block) {
          count(block.length);
          return b.encryptBlock(block);
        },
      };
      // Bulk paths are passed through (counted) only if the inner cipher has them, so modes
      // built on this cipher take the same path they would take without counting.
      if (b.encryptBlocks) {
        const encryptBlocks = b.encryptBlocks.bind(b);
        counted.encryptBlocks = (blocks) => {
          count(blocks.length);
          return encryptBlocks(blocks);
        };
      }
      if (b.cbcMacBlocks) {
        const cbcMacBlocks = b.cbcMacBlocks.bind(b);
        counted.cbcMacBlocks = (iv, blocks) => {
          count(blocks.length);
          return cbcMacBlocks(iv, blocks);
        };
      }
      return counted;
    };
  }
  if (inner.aesCbc) {
    const aesCbc = inner.aesCbc.bind(inner);
    p.aesCbc = (key) => {
      const cbc = aesCbc(key);
      c.aes.keySetups++;
      const count = (data: Uint8Array) => {
        c.aes.cbc.calls++;
        c.aes.cbc.bytes += data.length;
        c.aes.cbc.blocks += blocksOf(data.length);
      };
      return {
        encrypt(iv, data) {
          count(data);
          return cbc.encrypt(iv, data);
        },
        decrypt(iv, data) {
          count(data);
          return cbc.decrypt(iv, data);
        },
      };
    };
  }
  if (inner.aesGcm) {
    const aesGcm = inner.aesGcm.bind(inner);
    p.aesGcm = (key) => {
      const g = aesGcm(key);
      c.aes.keySetups++;
      // CTR over the payload plus E(J0) for the tag mask.
      return countAead(g, 'gcm', (_aad, n) => blocksOf(n) + 1, true);
    };
  }
  if (inner.aesCcm) {
    const aesCcm = inner.aesCcm.bind(inner);
    p.aesCcm = (key, tagLength) => {
      const a = aesCcm(key, tagLength);
      c.aes.keySetups++;
      // CBC-MAC blocks plus CTR over the payload plus S0 for the tag mask.
      return countAead(a, 'ccm', (aad, n) => ccmMacBlocks(aad, n) + blocksOf(n) + 1, false);
    };
  }
  if (inner.randomBytes) {
    const randomBytes = inner.randomBytes.bind(inner);
    p.randomBytes = (length) => {
      c.random.calls++;
      c.random.bytes += length;
      return randomBytes(length);
    };
  }

  if (inner.rsaPublic) {
    const rsaPublic = inner.rsaPublic.bind(inner);
    p.rsaPublic = (modulus, e, input) => {
      const r = c.publicKey.rsaPublic;
      tally(r, r.byBits, String(modulusBits(modulus)));
      rsaPublicMultiplications(modulus, e, c.modMul);
      for (const [name, sh] of Object.entries(shadows)) shadowCount(name, sh.rsaPublic?.(modulus, e, input));
      return rsaPublic(modulus, e, input);
    };
  }
  if (inner.rsaPrivate) {
    const rsaPrivate = inner.rsaPrivate.bind(inner);
    p.rsaPrivate = (key, input) => {
      const r = c.publicKey.rsaPrivate;
      tally(r, r.byBits, String(modulusBits(key.modulus)));
      const fresh = firstUse(key);
      rsaPrivateMultiplications(key, c.modMul, fresh);
      rsaBlindingInversions(key, fresh, c.modInverse);
      for (const [name, sh] of Object.entries(shadows)) shadowCount(name, sh.rsaPrivate?.(key, input));
      return rsaPrivate(key, input);
    };
  }
  if (inner.ecdsaVerify) {
    const ecdsaVerify = inner.ecdsaVerify.bind(inner);
    p.ecdsaVerify = (curve: EcCurveName, point, digest, sig) => {
      const r = c.publicKey.ecdsaVerify;
      tally(r, r.byCurve, curve);
      ecdsaVerifyMultiplications(curve, c.modMul);
      // The estimate stands for every backend (no shadow runs ECDSA).
      for (const name of Object.keys(shadows)) shadowCount(name, ecdsaVerifyMultiplications(curve));
      return ecdsaVerify(curve, point, digest, sig);
    };
  }
  if (inner.ecdsaVerifyMessage) {
    const ecdsaVerifyMessage = inner.ecdsaVerifyMessage.bind(inner);
    p.ecdsaVerifyMessage = (curve: EcCurveName, point, hash, message, sig) => {
      const r = c.publicKey.ecdsaVerifyMessage;
      tally(r, r.byCurve, curve);
      ecdsaVerifyMultiplications(curve, c.modMul);
      for (const name of Object.keys(shadows)) shadowCount(name, ecdsaVerifyMultiplications(curve));
      // Only for hashes the cost model knows; an engine refuses anything else without hashing.
      if (Object.prototype.hasOwnProperty.call(HASH_INFO, hash)) {
        r.hashBlocks[hash] = (r.hashBlocks[hash] ?? 0) + hashBlocks(hash, message.length);
      }
      return ecdsaVerifyMessage(curve, point, hash, message, sig);
    };
  }

  return {
    provider: Object.freeze(p) as CryptoProvider,
    counts: () => snapshot(c),
    reset() {
      c = emptyCounts();
      awaiting = false;
    },
    noteSent(n) {
      if (n <= 0) return;
      c.wire.bytesSent += n;
      awaiting = true;
    },
    noteReceived(n) {
      if (n <= 0) return;
      c.wire.bytesReceived += n;
      if (awaiting) c.wire.roundTrips++;
      awaiting = false;
    },
  };
}

/** A snapshot, so a caller holding one does not see it change (structuredClone is not on every engine). */
function snapshot(x: CryptoCounts): CryptoCounts {
  return JSON.parse(JSON.stringify(x)) as CryptoCounts;
}
