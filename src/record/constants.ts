/** Record-layer constants of TLS 1.2 (RFC 5246 section 6.2). */

export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export const TLS12 = 0x0303;
export const RECORD_HEADER_LENGTH = 5;
/** 2^14: the largest plaintext fragment a record may carry. */
export const MAX_PLAINTEXT = 16384;
/** What protection may add to a fragment (RFC 5246 6.2.3; RFC 6066 4 keeps it under max_fragment_length). */
export const CIPHERTEXT_EXPANSION = 2048;
/** 2^14 + 2048: the largest TLSCiphertext.fragment (RFC 5246 6.2.3). */
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + CIPHERTEXT_EXPANSION;

/** A 16-bit code point as the RFCs write it: 0x009c. */
export function hex16(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0');
}
