import type { AeadCipher } from '../../hw/provider.js';
import { tlsError } from './alerts.js';
import { recordAad, type RecordProtection } from './protection.js';

/**
 * AES-GCM (RFC 5288) and AES-CCM / CCM_8 (RFC 6655) records. Both build the 12-byte nonce
 * from the 4-byte implicit salt of the key block and an 8-byte explicit part sent in the
 * record. The explicit part is the sequence number: unique per key by construction (the
 * sequence never wraps), costs no random bytes and is what OpenSSL and Mbed TLS send.
 */
export class AeadProtection implements RecordProtection {
  declare readonly name: string;
  private declare readonly cipher: AeadCipher;
  private declare readonly salt: Uint8Array;

  constructor(name: string, cipher: AeadCipher, salt: Uint8Array) {
    this.name = name;
    this.cipher = cipher;
    this.salt = salt;
    if (salt.length !== 4) throw new RangeError('AEAD implicit nonce must be 4 bytes');
  }

  private nonce(explicit: Uint8Array): Uint8Array {
    const n = new Uint8Array(12);
    n.set(this.salt, 0);
    n.set(explicit, 4);
    return n;
  }

  seal(type: number, seq: Uint8Array, plaintext: Uint8Array, headroom = 0): Uint8Array {
    const sealed = this.cipher.seal(this.nonce(seq), plaintext, recordAad(seq, type, plaintext.length));
    const out = new Uint8Array(headroom + 8 + sealed.length);
    out.set(seq, headroom);
    out.set(sealed, headroom + 8);
    return out;
  }

  open(type: number, seq: Uint8Array, fragment: Uint8Array): Uint8Array {
    const tag = this.cipher.tagLength;
    if (fragment.length < 8 + tag) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} record of ${fragment.length} bytes is too short`);
    }
    const explicit = fragment.subarray(0, 8);
    const body = fragment.subarray(8);
    const plain = this.cipher.open(this.nonce(explicit), body, recordAad(seq, type, body.length - tag));
    if (plain === null) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.name} record failed authentication`);
    }
    return plain;
  }
}
