/**
 * AES (FIPS 197) for interpreters: the XS provider's block cipher (src/device/xs-provider.ts),
 * in place of @noble/ciphers' AES, which builds about 1.3 MB of lookup tables when its module
 * loads (two 256x256-entry round tables and a 256x256 S-box pair for each direction) and calls
 * a helper per column. Here the four 256-entry round tables of each direction (4 KB each,
 * Int32Array: XS keeps int32 values unboxed) are built on first use, the decryption ones only
 * when something decrypts (CBC), and each round is written out inline over four local words.
 *
 * Words are big-endian: byte 0 of a column is its most significant byte (the FIPS 197 /
 * Rijndael reference layout). Timing: table lookups indexed by secret state, as in Mbed TLS's
 * table AES; none of the targets has AES instructions or a constant-time alternative at a
 * tolerable cost.
 */
import { fail } from '../src/errors.js';
import type { ErrorName } from '../src/errors.js';
import type { AesBlockCipher, AesCbcCipher } from './provider.js';

interface Tables {
  sbox: Uint8Array;
  t0: Int32Array;
  t1: Int32Array;
  t2: Int32Array;
  t3: Int32Array;
}

let enc: Tables | undefined;
let dec: Tables | undefined;

const xtime = (x: number): number => ((x << 1) ^ (x & 0x80 ? 0x11b : 0)) & 0xff;

function mul(a: number, b: number): number {
  let r = 0;
  for (; b > 0; b >>= 1, a = xtime(a)) if (b & 1) r ^= a;
  return r;
}

/** One direction's S-box and round tables; t1..t3 are t0 rotated a byte at a time. */
function tables(inverse: boolean): Tables {
  // S-box from the inverse in GF(2^8) and the affine map (FIPS 197 5.1.1): walk the field by
  // powers of 3, so the inverse of 3^i is 3^(255-i).
  const pow = new Uint8Array(256);
  for (let i = 0, x = 1; i < 256; i++, x ^= xtime(x)) pow[i] = x;
  const s = new Uint8Array(256);
  s[0] = 0x63;
  for (let i = 0; i < 255; i++) {
    const x = pow[(255 - i) % 255]!;
    s[pow[i]!] = (x ^ (x << 1 | x >> 7) ^ (x << 2 | x >> 6) ^ (x << 3 | x >> 5) ^ (x << 4 | x >> 4) ^ 0x63) & 0xff;
  }
  const sbox = inverse ? new Uint8Array(256) : s;
  if (inverse) for (let i = 0; i < 256; i++) sbox[s[i]!] = i;
  const t0 = new Int32Array(256), t1 = new Int32Array(256), t2 = new Int32Array(256), t3 = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = sbox[i]!;
    // MixColumns' column (2, 1, 1, 3), InvMixColumns' (14, 9, 13, 11).
    const w = inverse
      ? (mul(v, 14) << 24) | (mul(v, 9) << 16) | (mul(v, 13) << 8) | mul(v, 11)
      : (xtime(v) << 24) | (v << 16) | (v << 8) | (xtime(v) ^ v);
    t0[i] = w;
    t1[i] = (w >>> 8) | (w << 24);
    t2[i] = (w >>> 16) | (w << 16);
    t3[i] = (w >>> 24) | (w << 8);
  }
  return { sbox, t0, t1, t2, t3 };
}

const encTables = (): Tables => (enc ??= tables(false));
const decTables = (): Tables => (dec ??= tables(true));

/** An expanded key: the round keys (4 words per round) and the number of rounds. */
export interface AesKey {
  readonly rk: Int32Array;
  readonly rounds: number;
}

export function checkAesKey(key: Uint8Array, code: ErrorName, what: string): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail(code, `${what} key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/** FIPS 197 5.2. */
export function expandKey(key: Uint8Array): AesKey {
  const { sbox } = encTables();
  const nk = key.length >> 2;
  const rounds = nk + 6;
  const rk = new Int32Array(4 * (rounds + 1));
  for (let i = 0; i < nk; i++) rk[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
  for (let i = nk, rcon = 1; i < rk.length; i++) {
    let t = rk[i - 1]!;
    if (i % nk === 0) {
      t = (sbox[(t >>> 16) & 255]! << 24) | (sbox[(t >>> 8) & 255]! << 16) | (sbox[t & 255]! << 8) | sbox[t >>> 24]!;
      t ^= rcon << 24;
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) {
      t = (sbox[t >>> 24]! << 24) | (sbox[(t >>> 16) & 255]! << 16) | (sbox[(t >>> 8) & 255]! << 8) | sbox[t & 255]!;
    }
    rk[i] = rk[i - nk]! ^ t;
  }
  return { rk, rounds };
}

/**
 * The equivalent inverse cipher's key schedule (FIPS 197 5.3.5): the round keys in reverse
 * order, InvMixColumns applied to all but the first and last. Columns 1 and 3 are stored
 * swapped: decryptWords() runs the encryption rounds over the state in that column order.
 */
export function expandDecryptionKey(k: AesKey): AesKey {
  const { sbox } = encTables();
  const { t0, t1, t2, t3 } = decTables();
  const n = k.rounds;
  const dk = new Int32Array(k.rk.length);
  for (let r = 0; r <= n; r++) {
    for (let c = 0; c < 4; c++) {
      const w = k.rk[4 * (n - r) + c]!;
      dk[4 * r + ((4 - c) & 3)] = r === 0 || r === n ? w
        : t0[sbox[w >>> 24]!]! ^ t1[sbox[(w >>> 16) & 255]!]! ^ t2[sbox[(w >>> 8) & 255]!]! ^ t3[sbox[w & 255]!]!;
    }
  }
  return { rk: dk, rounds: n };
}

/** The rounds over s[0..3] in place: the cipher with the forward tables, the inverse with the inverse ones. */
function rounds(k: AesKey, s: Int32Array, t: Tables): void {
  const { sbox, t0, t1, t2, t3 } = t;
  const rk = k.rk;
  let s0 = s[0]! ^ rk[0]!, s1 = s[1]! ^ rk[1]!, s2 = s[2]! ^ rk[2]!, s3 = s[3]! ^ rk[3]!;
  let i = 4;
  for (let r = 1; r < k.rounds; r++, i += 4) {
    const u0 = t0[s0 >>> 24]! ^ t1[(s1 >>> 16) & 255]! ^ t2[(s2 >>> 8) & 255]! ^ t3[s3 & 255]! ^ rk[i]!;
    const u1 = t0[s1 >>> 24]! ^ t1[(s2 >>> 16) & 255]! ^ t2[(s3 >>> 8) & 255]! ^ t3[s0 & 255]! ^ rk[i + 1]!;
    const u2 = t0[s2 >>> 24]! ^ t1[(s3 >>> 16) & 255]! ^ t2[(s0 >>> 8) & 255]! ^ t3[s1 & 255]! ^ rk[i + 2]!;
    s3 = t0[s3 >>> 24]! ^ t1[(s0 >>> 16) & 255]! ^ t2[(s1 >>> 8) & 255]! ^ t3[s2 & 255]! ^ rk[i + 3]!;
    s0 = u0; s1 = u1; s2 = u2;
  }
  s[0] = ((sbox[s0 >>> 24]! << 24) | (sbox[(s1 >>> 16) & 255]! << 16) | (sbox[(s2 >>> 8) & 255]! << 8) | sbox[s3 & 255]!) ^ rk[i]!;
  s[1] = ((sbox[s1 >>> 24]! << 24) | (sbox[(s2 >>> 16) & 255]! << 16) | (sbox[(s3 >>> 8) & 255]! << 8) | sbox[s0 & 255]!) ^ rk[i + 1]!;
  s[2] = ((sbox[s2 >>> 24]! << 24) | (sbox[(s3 >>> 16) & 255]! << 16) | (sbox[(s0 >>> 8) & 255]! << 8) | sbox[s1 & 255]!) ^ rk[i + 2]!;
  s[3] = ((sbox[s3 >>> 24]! << 24) | (sbox[(s0 >>> 16) & 255]! << 16) | (sbox[(s1 >>> 8) & 255]! << 8) | sbox[s2 & 255]!) ^ rk[i + 3]!;
}

/** Encrypts the block held in s[0..3] (big-endian words), in place. */
export function encryptWords(k: AesKey, s: Int32Array): void {
  rounds(k, s, encTables());
}

/**
 * Decrypts s[0..3] in place with a key from expandDecryptionKey(). InvShiftRows reads columns
 * (c, c-1, c-2, c-3) where ShiftRows reads (c, c+1, c+2, c+3): with columns 1 and 3 swapped,
 * in the state and in the round keys, the inverse rounds are the forward rounds' code.
 */
export function decryptWords(k: AesKey, s: Int32Array): void {
  let w = s[1]!;
  s[1] = s[3]!; s[3] = w;
  rounds(k, s, decTables());
  w = s[1]!;
  s[1] = s[3]!; s[3] = w;
}

/** Big-endian word at b[i..i+3]. */
export function readWord(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}

export function writeWord(b: Uint8Array, i: number, w: number): void {
  b[i] = w >>> 24; b[i + 1] = w >>> 16; b[i + 2] = w >>> 8; b[i + 3] = w;
}

function load(s: Int32Array, b: Uint8Array, i: number): void {
  s[0] = readWord(b, i); s[1] = readWord(b, i + 4); s[2] = readWord(b, i + 8); s[3] = readWord(b, i + 12);
}

function store(b: Uint8Array, i: number, s: Int32Array): void {
  writeWord(b, i, s[0]!); writeWord(b, i + 4, s[1]!); writeWord(b, i + 8, s[2]!); writeWord(b, i + 12, s[3]!);
}

function checkWholeBlocks(blocks: Uint8Array): void {
  if (blocks.length % 16 !== 0) fail('CIPHER_BAD_INPUT_DATA', `AES bulk input must be whole 16-byte blocks, got ${blocks.length}`);
}

export function aesBlock(key: Uint8Array): AesBlockCipher {
  checkAesKey(key, 'CIPHER_BAD_INPUT_DATA', 'AES');
  const k = expandKey(key);
  const s = new Int32Array(4);
  const ecb = (blocks: Uint8Array): Uint8Array => {
    const out = new Uint8Array(blocks.length);
    for (let i = 0; i < blocks.length; i += 16) {
      load(s, blocks, i);
      encryptWords(k, s);
      store(out, i, s);
    }
    return out;
  };
  return {
    encryptBlock(block) {
      if (block.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES block must be 16 bytes, got ${block.length}`);
      return ecb(block);
    },
    // Bulk paths, so CCM (hw/ccm.ts) avoids a call and an allocation per block.
    encryptBlocks(blocks) {
      checkWholeBlocks(blocks);
      return ecb(blocks);
    },
    cbcMacBlocks(iv, blocks) {
      if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `CBC-MAC IV must be 16 bytes, got ${iv.length}`);
      checkWholeBlocks(blocks);
      load(s, iv, 0);
      for (let i = 0; i < blocks.length; i += 16) {
        s[0] ^= readWord(blocks, i); s[1] ^= readWord(blocks, i + 4); s[2] ^= readWord(blocks, i + 8); s[3] ^= readWord(blocks, i + 12);
        encryptWords(k, s);
      }
      const out = new Uint8Array(16);
      store(out, 0, s);
      return out;
    },
  };
}

function checkCbcInput(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data.length % 16 !== 0) {
    fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes (no padding is applied), got ${data.length}`);
  }
}

export function aesCbc(key: Uint8Array): AesCbcCipher {
  checkAesKey(key, 'CIPHER_BAD_INPUT_DATA', 'AES-CBC');
  const k = expandKey(key);
  // The decryption schedule is only built if this key ever decrypts (TLS uses one direction per key).
  let dk: AesKey | undefined;
  const s = new Int32Array(4);
  return {
    encrypt(iv, data) {
      checkCbcInput(iv, data);
      const out = new Uint8Array(data.length);
      load(s, iv, 0);
      for (let i = 0; i < data.length; i += 16) {
        s[0] ^= readWord(data, i); s[1] ^= readWord(data, i + 4); s[2] ^= readWord(data, i + 8); s[3] ^= readWord(data, i + 12);
        encryptWords(k, s);
        store(out, i, s);
      }
      return out;
    },
    decrypt(iv, data) {
      checkCbcInput(iv, data);
      dk ??= expandDecryptionKey(k);
      const out = new Uint8Array(data.length);
      let p0 = readWord(iv, 0), p1 = readWord(iv, 4), p2 = readWord(iv, 8), p3 = readWord(iv, 12);
      for (let i = 0; i < data.length; i += 16) {
        load(s, data, i);
        const c0 = s[0]!, c1 = s[1]!, c2 = s[2]!, c3 = s[3]!;
        decryptWords(dk, s);
        writeWord(out, i, s[0]! ^ p0); writeWord(out, i + 4, s[1]! ^ p1); writeWord(out, i + 8, s[2]! ^ p2); writeWord(out, i + 12, s[3]! ^ p3);
        p0 = c0; p1 = c1; p2 = c2; p3 = c3;
      }
      return out;
    },
  };
}
