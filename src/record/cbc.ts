import type { AesCbcCipher, FullCryptoProvider, HashName } from '../../hw/provider.js';
import { HASH_INFO } from '../../hw/provider.js';
import { tlsError } from './alerts.js';
import { recordAad, type RecordProtection } from './protection.js';

/**
 * AES-CBC records with HMAC (MAC-then-encrypt, RFC 5246 6.2.3.2), explicit per-record IV.
 *
 * Lucky Thirteen: a receiver that rejects bad padding faster than a bad MAC, or whose MAC
 * takes less time when more padding was stripped, leaks plaintext through timing. The
 * countermeasures here, in the order the code applies them:
 *  1. Padding is checked over a fixed window (the last min(256, n) bytes) with masks, no
 *     early exit; a bad padding is folded into one `good` flag and treated as padLen 0.
 *  2. The MAC is always computed. Its hash work depends on the (secret) data length, so
 *     afterwards the same number of extra compression-function blocks is fed to a dummy
 *     hash as the padding saved: extra = ceil((L1-55)/64) - ceil((L2-55)/64) for 64-byte
 *     block hashes (the Lucky Thirteen paper's formula, as Mbed TLS 2.x does; 128-byte
 *     blocks use 111/128). Total hash work then depends only on the public record length.
 *  3. The received MAC is extracted from its secret offset by reading every candidate
 *     offset with a mask, and compared with constantTimeEqual-style accumulation.
 *  4. Padding and MAC failures are one error (INVALID_MAC, bad_record_mac): no oracle.
 * JavaScript gives no hard timing guarantees (JIT, GC); this removes the large, data-
 * dependent differences the attack measures. Hardware providers keep the same call pattern.
 */
/** What both CBC record formats (MAC-then-encrypt here, encrypt-then-MAC in cbc-etm.ts) hold: keys and the record MAC. */
export abstract class CbcHmacBase {
  protected readonly macLength: number;

  constructor(
    readonly name: string,
    protected readonly provider: FullCryptoProvider,
    protected readonly cipher: AesCbcCipher,
    protected readonly macHash: HashName,
    private readonly macKey: Uint8Array,
    protected readonly random: (n: number) => Uint8Array,
  ) {
    this.macLength = HASH_INFO[macHash].outputLength;
  }

  /** HMAC over seq_num || type || version || length || data (RFC 5246 6.2.3.1). */
  protected mac(seq: Uint8Array, type: number, data: Uint8Array): Uint8Array {
    return this.provider.hmac(this.macHash, this.macKey).update(recordAad(seq, type, data.length)).update(data).digest();
  }
}

export class CbcProtection extends CbcHmacBase implements RecordProtection {
  private readonly hashBlock = HASH_INFO[this.macHash].blockLength;
  private readonly zeroBlocks = new Uint8Array(this.hashBlock * 5);

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

    // (2) MAC over the data, then equalise the hash work.
    const expected = this.mac(seq, type, plain.subarray(0, dataLen));
    const bl = this.hashBlock;
    const lenField = bl === 64 ? 55 : 111;
    const l1 = 13 + n - macLen; // header + data + padding as sent
    const l2 = 13 + dataLen;
    const extra = Math.ceil((l1 - lenField) / bl) - Math.ceil((l2 - lenField) / bl);
    if (extra > 0) {
      const dummy = this.provider.hash(this.macHash);
      let left = extra * bl;
      while (left > 0) {
        const step = Math.min(left, this.zeroBlocks.length);
        dummy.update(this.zeroBlocks.subarray(0, step));
        left -= step;
      }
      dummy.digest();
    }

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
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} record failed the MAC/padding check (tampered, truncated or wrong keys)`);
    }
    return plain.slice(0, dataLen);
  }
}
