/**
 * Record protection: turns a plaintext fragment into a TLSCiphertext fragment and back.
 * One object per direction and epoch; the record layer owns the sequence numbers and
 * passes the current one in, so protections are stateless apart from their prepared keys.
 */
export interface RecordProtection {
  /** For diagnostics: 'null', 'aes-128-gcm', 'aes-256-cbc-hmac-sha1', ... */
  readonly name: string;
  /**
   * Builds the fragment for a record of `type` with sequence number `seq` (8 bytes). With
   * `headroom`, the result starts with that many unused bytes (the record layer writes
   * the header there), saving a copy of every record on the send path.
   */
  seal(type: number, seq: Uint8Array, plaintext: Uint8Array, headroom?: number): Uint8Array;
  /** Checks and removes the protection; throws INVALID_MAC (bad_record_mac) on any failure. */
  open(type: number, seq: Uint8Array, fragment: Uint8Array): Uint8Array;
}

/** The initial epoch: records are sent as they are (RFC 5246 TLS_NULL_WITH_NULL_NULL). */
export const nullProtection: RecordProtection = {
  name: 'null',
  seal: (_type, _seq, plaintext, headroom = 0) => {
    if (headroom === 0) return plaintext;
    const out = new Uint8Array(headroom + plaintext.length);
    out.set(plaintext, headroom);
    return out;
  },
  open: (_type, _seq, fragment) => fragment,
};

/** The 13-byte additional data / MAC header: seq_num || type || version || length. */
export function recordAad(seq: Uint8Array, type: number, length: number): Uint8Array {
  const aad = new Uint8Array(13);
  aad.set(seq, 0);
  aad[8] = type;
  aad[9] = 3;
  aad[10] = 3;
  aad[11] = length >>> 8;
  aad[12] = length & 0xff;
  return aad;
}
