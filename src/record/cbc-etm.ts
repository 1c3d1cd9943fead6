import { constantTimeEqual } from '../encoding/bytes.js';
import { tlsError } from './alerts.js';
import { CbcHmacBase } from './cbc.js';
import type { RecordProtection } from './protection.js';

/**
 * AES-CBC records with Encrypt-then-MAC (RFC 7366): IV || CBC(plaintext || padding) || MAC,
 * the MAC over the record header and IV || ciphertext. The receiver checks the MAC before
 * it decrypts anything, so padding is only ever examined in authenticated records: the
 * padding oracles and Lucky Thirteen timing that MAC-then-encrypt (cbc.ts) has to mask
 * cannot arise, and the padding check below may branch.
 */
export class EtmCbcProtection extends CbcHmacBase implements RecordProtection {
  seal(type: number, seq: Uint8Array, plaintext: Uint8Array, headroom = 0): Uint8Array {
    const padLen = 15 - (plaintext.length % 16); // value of each padding byte; padLen + 1 bytes total
    const data = new Uint8Array(plaintext.length + padLen + 1);
    data.set(plaintext, 0);
    data.fill(padLen, plaintext.length);
    const iv = this.random(16);
    const ct = this.cipher.encrypt(iv, data);
    const out = new Uint8Array(headroom + 16 + ct.length + this.macLength);
    out.set(iv, headroom);
    out.set(ct, headroom + 16);
    const body = out.subarray(headroom, headroom + 16 + ct.length);
    out.set(this.mac(seq, type, body), headroom + body.length);
    return out;
  }

  open(type: number, seq: Uint8Array, fragment: Uint8Array): Uint8Array {
    const encLen = fragment.length - this.macLength;
    // IV plus at least one block, whole blocks only; all public.
    if (encLen < 32 || encLen % 16 !== 0) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} (encrypt-then-MAC) record of ${fragment.length} bytes is not a valid length`);
    }
    const body = fragment.subarray(0, encLen);
    if (!constantTimeEqual(this.mac(seq, type, body), fragment.subarray(encLen))) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} (encrypt-then-MAC) record failed the MAC check`);
    }
    const plain = this.cipher.decrypt(body.subarray(0, 16), body.subarray(16));
    const padLen = plain[plain.length - 1]!;
    const dataLen = plain.length - padLen - 1;
    let bad = dataLen < 0 ? 1 : 0;
    for (let i = Math.max(0, dataLen); i < plain.length && !bad; i++) bad = plain[i] === padLen ? 0 : 1;
    if (bad) {
      // Authentic but badly padded: the peer's CBC code is broken, not an attacker's probe.
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} (encrypt-then-MAC) record has invalid padding`);
    }
    return plain.slice(0, dataLen);
  }
}
