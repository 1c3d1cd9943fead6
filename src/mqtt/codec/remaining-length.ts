/** The variable-length "Remaining Length" field (section 2.2.3): 7 bits a byte, at most 4 bytes. */
import { protocolError } from '../errors.js';
import { MAX_REMAINING_LENGTH } from './packets.js';

/** The field's bytes for `n`, low 7 bits first, the top bit saying another byte follows. */
export function remainingLengthBytes(n: number): number[] {
  if (n < 0 || n > MAX_REMAINING_LENGTH) protocolError('MQTT §2.2.3', `remaining length ${n} exceeds 268,435,455`);
  const out: number[] = [];
  do {
    const b = n % 128;
    n = Math.floor(n / 128);
    out.push(n > 0 ? b | 0x80 : b);
  } while (n > 0);
  return out;
}

export function remainingLengthSize(n: number): number {
  return remainingLengthBytes(n).length;
}
