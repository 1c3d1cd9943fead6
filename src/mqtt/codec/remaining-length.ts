/** The variable-length "Remaining Length" field (section 2.2.3): 7 bits a byte, at most 4 bytes. */
import { protocolError } from '../errors.js';
import { MAX_REMAINING_LENGTH } from './packets.js';

export function remainingLengthSize(n: number): number {
  if (n < 0 || n > MAX_REMAINING_LENGTH) protocolError('MQTT §2.2.3', `remaining length ${n} exceeds 268,435,455`);
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

export function writeRemainingLength(buf: Uint8Array, offset: number, n: number): number {
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    buf[offset++] = b;
  } while (n > 0);
  return offset;
}
