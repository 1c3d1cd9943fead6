import type { AesCbcCipher, FullCryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { HASH_INFO } from '../../hw/provider.js';
import { hmacKeyedStates } from '../../hw/hmac.js';
import { tlsError } from './alerts.js';
import { recordAad, type RecordProtection } from './protection.js';

/**
 * AES-CBC records with HMAC (MAC-then-encrypt, RFC 5246 6.2.3.2), explicit per-record IV.
 *
 * Lucky Thirteen: a receiver that rejects bad padding faster than a bad MAC, or whose MAC
 * takes less time when more padding was stripped, leaks plaintext through timing. The
 * countermeasures here, in the order the code applies them:
 *  1. Padding is checked over a fixed window (the last min(256, n) bytes) with masks, no
 *     early exit; a bad padding is folded into one `good` flag and treated as no padding.
 *  2. The MAC is computed over the maximum length with masked selection, as OpenSSL's
 *     ssl3_cbc_digest_record and Mbed TLS 3.x's mbedtls_ct_hmac do, at the granularity the
 *     provider interface allows (whole digests, not raw compressions): see constantFlowMac.
 *     The hash calls and the compressions of each, in order, depend only on the public
 *     record length (the 2.x "extra dummy blocks" formula did not: a good record and a badly
 *     padded one of the same length differed by one compression).
 *  3. The received MAC is extracted from its secret offset by reading every candidate
 *     offset with a mask, and compared with constantTimeEqual-style accumulation.
 *  4. Padding and MAC failures are one error (INVALID_MAC, bad_record_mac): no oracle.
 * The keyed inner and outer states are prepared once per connection and cloned per record,
 * which pays for part of the per-candidate finishes. JavaScript gives no hard timing
 * guarantees (JIT, GC); this removes the data-dependent differences the attack measures.
 */
/** What both CBC record formats (MAC-then-encrypt here, encrypt-then-MAC in cbc-etm.ts) hold: keys and the record MAC. */
export abstract class CbcHmacBase {
  // Declared, assigned in the constructor: no field initializers to emit (see TlsClient).
  declare readonly name: string;
  protected declare readonly provider: FullCryptoProvider;
  protected declare readonly cipher: AesCbcCipher;
  protected declare readonly macHash: HashName;
  private declare readonly macKey: Uint8Array;
  protected declare readonly random: (n: number) => Uint8Array;
  protected declare readonly macLength: number;

  constructor(name: string, provider: FullCryptoProvider, cipher: AesCbcCipher, macHash: HashName, macKey: Uint8Array, random: (n: number) => Uint8Array) {
    this.name = name;
    this.provider = provider;
    this.cipher = cipher;
    this.macHash = macHash;
    this.macKey = macKey;
    this.random = random;
    this.macLength = HASH_INFO[macHash].outputLength;
  }

  /** HMAC over seq_num || type || version || length || data (RFC 5246 6.2.3.1). */
  protected mac(seq: Uint8Array, type: number, data: Uint8Array): Uint8Array {
    return this.provider.hmac(this.macHash, this.macKey).update(recordAad(seq, type, data.length)).update(data).digest();
  }
}

export class CbcProtection extends CbcHmacBase implements RecordProtection {
  private declare readonly innerKeyed: HashContext;
  private declare readonly outerKeyed: HashContext;

  constructor(name: string, provider: FullCryptoProvider, cipher: AesCbcCipher, macHash: HashName, macKey: Uint8Array, random: (n: number) => Uint8Array) {
    super(name, provider, cipher, macHash, macKey, random);
    // HMAC (RFC 2104) keyed once on the provider's hash: the open path needs the inner hash
    // state itself, to finish copies of it at every candidate length.
    const keyed = hmacKeyedStates((alg) => provider.hash(alg), macHash, macKey);
    this.innerKeyed = keyed.inner;
    this.outerKeyed = keyed.outer;
  }

  seal(type: number, seq: Uint8Array, plaintext: Uint8Array, headroom = 0): Uint8Array {
    const mac = this.mac(seq, type, plaintext);
    const unpadded = plaintext.length + mac.length;
    const padLen = 15 - (unpadded % 16); // value of each padding byte; padLen + 1 bytes total
    const data = new Uint8Array(unpadded + padLen + 1);
    data.set(plaintext, 0);
    data.set(mac, plaintext.length);
    data.fill(padLen, unpadded);
    const iv = this.random(16);
    const ct = this.cipher.encrypt(iv, data);
    const out = new Uint8Array(headroom + 16 + ct.length);
    out.set(iv, headroom);
    out.set(ct, headroom + 16);
    return out;
  }

  open(type: number, seq: Uint8Array, fragment: Uint8Array): Uint8Array {
    const macLen = this.macLength;
    // Public checks on the record length: IV + at least one block holding MAC + padding byte.
    const minLen = 16 + Math.ceil((macLen + 1) / 16) * 16;
    if (fragment.length < minLen || fragment.length % 16 !== 0) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} record length ${fragment.length} is not a valid CBC length`);
    }
    const plain = this.cipher.decrypt(fragment.subarray(0, 16), fragment.subarray(16));
    const n = plain.length;

    // (1) padding check without branches on secret data.
    const padLen = plain[n - 1]!;
    // good = 1 when padLen + 1 + macLen <= n
    let good = ((n - (padLen + 1 + macLen)) >>> 31) ^ 1;
    const window = Math.min(256, n);
    for (let i = 1; i <= window; i++) {
      const inPad = ((padLen + 1 - i) >>> 31) ^ 1; // 1 when i <= padLen + 1
      const differs = ((plain[n - i]! ^ padLen) + 0xff) >>> 8; // 1 when the byte != padLen
      good &= (inPad & differs) ^ 1;
    }
    // RFC 5246 6.2.3.2: with bad padding, compute the MAC as if there were no padding.
    const padTotal = (padLen + 1) & -good;
    const dataLen = n - macLen - padTotal; // >= 0: good implies it, bad gives n - macLen

    // (2) HMAC at the secret length, with the work of every candidate length (public bounds).
    const expected = this.constantFlowMac(seq, type, plain, dataLen, Math.max(0, n - macLen - 256), n - macLen);

    // (3) fetch the received MAC from its secret offset by scanning all candidate offsets.
    const received = new Uint8Array(macLen);
    const lowest = Math.max(0, n - macLen - 256);
    const highest = n - macLen;
    for (let off = lowest; off <= highest; off++) {
      const eq = (((off ^ dataLen) - 1) >>> 31) & 1; // 1 when off === dataLen
      const mask = -eq & 0xff;
      for (let j = 0; j < macLen; j++) received[j]! |= plain[off + j]! & mask;
    }
    let diff = 0;
    for (let j = 0; j < macLen; j++) diff |= received[j]! ^ expected[j]!;
    const ok = good & (((diff - 1) >>> 31) & 1);
    if (!ok) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} record failed the MAC/padding check`);
    }
    return plain.slice(0, dataLen);
  }

  /**
   * The inner hash of HMAC over header || plain[0, dataLen) for a secret dataLen in the public
   * range [minData, maxData], then the outer hash. A digest of a prefix costs the blocks
   * already absorbed plus one or two final compressions (two when the tail leaves no room for
   * the 0x80 byte and the length field). So the candidate lengths fall into classes (hash
   * block k, one or two final compressions), all public; each class gets exactly one digest:
   * at the secret length when it is in that class, otherwise at the class's longest length,
   * and only the secret one is kept (masked). Every record of a given length thus runs the
   * same digests with the same compressions in the same order: about two per hash block of
   * the 256-byte window instead of one per candidate byte (Mbed TLS 3.x's cost).
   */
  private constantFlowMac(seq: Uint8Array, type: number, plain: Uint8Array, dataLen: number, minData: number, maxData: number): Uint8Array {
    const { blockLength: bl, outputLength } = HASH_INFO[this.macHash];
    const lengthField = bl === 64 ? 8 : 16;
    const pre = bl + 13; // ipad block and record header before the data
    const inner = this.innerKeyed.clone().update(recordAad(seq, type, dataLen));
    let fed = 0; // data bytes absorbed by `inner`
    const innerDigest = new Uint8Array(outputLength);
    const firstBlock = Math.floor((pre + minData) / bl);
    const lastBlock = Math.floor((pre + maxData) / bl);
    for (let k = firstBlock; k <= lastBlock; k++) {
      const base = Math.max(0, k * bl - pre); // data bytes before block k
      if (base > fed) {
        inner.update(plain.subarray(fed, base));
        fed = base;
      }
      // Data lengths ending in block k, split at the last one that still needs one final compression.
      const lo = Math.max(minData, base);
      const hi = Math.min(maxData, (k + 1) * bl - pre - 1);
      const oneFinal = k * bl + bl - 1 - lengthField - pre;
      const classes: Array<[number, number]> = [[lo, Math.min(hi, oneFinal)], [Math.max(lo, oneFinal + 1), hi]];
      for (const [from, to] of classes) {
        if (from > to) continue;
        const here = (((dataLen - from) | (to - dataLen)) >>> 31) ^ 1; // 1 when from <= dataLen <= to
        const len = to ^ ((dataLen ^ to) & -here);
        const d = inner.clone().update(plain.subarray(base, len)).digest();
        const mask = -here & 0xff;
        for (let j = 0; j < outputLength; j++) innerDigest[j]! |= d[j]! & mask;
      }
    }
    return this.outerKeyed.clone().update(innerDigest).digest();
  }
}
