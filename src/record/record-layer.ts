import { concatBytes } from '../encoding/bytes.js';
import { tlsError } from './alerts.js';
import { CONTENT_TYPE_NAMES, MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, TLS12 } from './constants.js';
import { nullProtection, type RecordProtection } from './protection.js';
import { SequenceNumber } from './sequence.js';

export interface TlsRecord {
  readonly type: number;
  readonly version: number;
  /** Plaintext after protection was removed. */
  readonly fragment: Uint8Array;
}

/**
 * Record framing and protection, both directions. Input arrives in arbitrary chunks;
 * `nextRecord()` returns one whole, checked, decrypted record at a time, so at most one
 * partial record is buffered beyond what the transport handed over.
 */
export class RecordLayer {
  private input: Uint8Array = new Uint8Array(0);
  private inputOffset = 0;
  private readProtection: RecordProtection = nullProtection;
  private writeProtection: RecordProtection = nullProtection;
  private readSeq = new SequenceNumber();
  private writeSeq = new SequenceNumber();
  /**
   * Until the ServerHello fixed the version, a record may carry any 3.x version (a server
   * refusing TLS 1.2 answers with a 3.1 alert, and we want to report that alert).
   */
  strictVersion = false;

  get readEncrypted(): boolean {
    return this.readProtection !== nullProtection;
  }

  get writeEncrypted(): boolean {
    return this.writeProtection !== nullProtection;
  }

  /** Bytes buffered but not yet returned as records. */
  get buffered(): number {
    return this.input.length - this.inputOffset;
  }

  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.inputOffset === this.input.length) {
      this.input = bytes;
    } else {
      this.input = concatBytes(this.input.subarray(this.inputOffset), bytes);
    }
    this.inputOffset = 0;
  }

  /** The next complete record, or undefined when more bytes are needed. Throws on bad input. */
  nextRecord(): TlsRecord | undefined {
    const avail = this.input.length - this.inputOffset;
    if (avail < RECORD_HEADER_LENGTH) return undefined;
    const h = this.inputOffset;
    const type = this.input[h]!;
    const version = (this.input[h + 1]! << 8) | this.input[h + 2]!;
    const length = (this.input[h + 3]! << 8) | this.input[h + 4]!;
    // Check the header before waiting for the body: garbage must fail now, not after
    // buffering up to 64 KiB that will never arrive.
    if (!(type in CONTENT_TYPE_NAMES)) {
      throw tlsError('SSL_INVALID_RECORD', 'unexpected_message', `record of unknown content type ${type} (not TLS, or stream corrupted)`);
    }
    if (this.strictVersion ? version !== TLS12 : version >> 8 !== 3) {
      throw tlsError('SSL_INVALID_RECORD', 'protocol_version',
        `record version 0x${version.toString(16).padStart(4, '0')}, expected 0x0303 (TLS 1.2); is the peer speaking TLS?`);
    }
    const limit = this.readEncrypted ? MAX_CIPHERTEXT : MAX_PLAINTEXT;
    if (length > limit) {
      throw tlsError('SSL_INVALID_RECORD', 'record_overflow', `record of ${length} bytes exceeds the limit of ${limit}`);
    }
    if (avail < RECORD_HEADER_LENGTH + length) return undefined;
    const body = this.input.subarray(h + RECORD_HEADER_LENGTH, h + RECORD_HEADER_LENGTH + length);
    this.inputOffset += RECORD_HEADER_LENGTH + length;
    if (this.inputOffset === this.input.length) {
      this.input = new Uint8Array(0);
      this.inputOffset = 0;
    }
    const seq = this.readSeq.next();
    const fragment = this.readProtection.open(type, seq, body);
    if (fragment.length > MAX_PLAINTEXT) {
      throw tlsError('SSL_INVALID_RECORD', 'record_overflow', `decrypted record of ${fragment.length} bytes exceeds 2^14`);
    }
    return { type, version, fragment };
  }

  /** One protected record (header included) carrying `data` (at most 2^14 bytes). */
  seal(type: number, data: Uint8Array): Uint8Array {
    if (data.length > MAX_PLAINTEXT) throw new RangeError('record plaintext over 2^14');
    const out = this.writeProtection.seal(type, this.writeSeq.next(), data, RECORD_HEADER_LENGTH);
    const length = out.length - RECORD_HEADER_LENGTH;
    out[0] = type;
    out[1] = TLS12 >> 8;
    out[2] = TLS12 & 0xff;
    out[3] = length >>> 8;
    out[4] = length & 0xff;
    return out;
  }

  /** After sending ChangeCipherSpec: later records use `p`, sequence restarts at 0. */
  setWriteProtection(p: RecordProtection): void {
    this.writeProtection = p;
    this.writeSeq = new SequenceNumber();
  }

  /** After receiving ChangeCipherSpec. */
  setReadProtection(p: RecordProtection): void {
    this.readProtection = p;
    this.readSeq = new SequenceNumber();
  }

  /** Test hook: start the sequence numbers somewhere else (counter-wrap tests). */
  setSequenceNumbers(read: SequenceNumber | undefined, write: SequenceNumber | undefined): void {
    if (read) this.readSeq = read;
    if (write) this.writeSeq = write;
  }
}
