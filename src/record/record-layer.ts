import { tlsError } from './alerts.js';
import { CIPHERTEXT_EXPANSION, ContentType, hex16, MAX_PLAINTEXT, RECORD_HEADER_LENGTH, TLS12 } from './constants.js';
import { nullProtection, type RecordProtection } from './protection.js';
import { SequenceNumber } from './sequence.js';

/**
 * Empty records in a row that are tolerated. Each costs a decryption and delivers nothing,
 * so an endless stream of them is a CPU DoS; Mbed TLS refuses the fourth consecutive empty
 * record with INVALID_MAC (ssl_prepare_record_content, nb_zero), and so do we.
 */
export const MAX_CONSECUTIVE_EMPTY_RECORDS = 3;

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
  /** Received bytes not yet returned as records, as the transport delivered them. */
  private chunks: Uint8Array[] = [];
  private chunkOffset = 0; // consumed bytes of chunks[0]
  private bufferedBytes = 0;
  private readProtection: RecordProtection = nullProtection;
  private writeProtection: RecordProtection = nullProtection;
  private readSeq = new SequenceNumber();
  private writeSeq = new SequenceNumber();
  /**
   * Until the ServerHello fixed the version, a record may carry any 3.x version (a server
   * refusing TLS 1.2 answers with a 3.1 alert, and we want to report that alert).
   */
  strictVersion = false;
  /**
   * Largest plaintext fragment we send: 2^14, or the RFC 6066 max_fragment_length once
   * negotiated (which the server must keep to as well).
   */
  private maxFragment = MAX_PLAINTEXT;
  /**
   * Largest plaintext fragment we accept: what the receive buffers hold, narrowed to the
   * negotiated max_fragment_length unless the client accepts larger records from servers
   * that ignore it. It bounds what one record can make us buffer (the RAM MFL saves).
   */
  private receiveFragment = MAX_PLAINTEXT;
  /** The receive buffers' size (TlsClientOptions.receiveBufferSize), for the error message. */
  private receiveCapacity = MAX_PLAINTEXT;
  /** Empty records received in a row (see MAX_CONSECUTIVE_EMPTY_RECORDS). */
  private emptyInARow = 0;

  get maxFragmentLength(): number {
    return this.maxFragment;
  }

  /** Largest plaintext fragment accepted from the peer. */
  get receiveLimit(): number {
    return this.receiveFragment;
  }

  /**
   * RFC 6066: from the ServerHello on, records either way carry at most `n` plaintext bytes.
   * `acceptLarger`: records from the server are still accepted up to the receive capacity.
   */
  setMaxFragmentLength(n: number, acceptLarger = false): void {
    if (!Number.isInteger(n) || n < 512 || n > MAX_PLAINTEXT) throw new RangeError(`max fragment length ${n}`);
    this.maxFragment = n;
    this.receiveFragment = acceptLarger ? Math.max(n, this.receiveCapacity) : Math.min(n, this.receiveCapacity);
  }

  /** The receive buffers hold records of at most `n` plaintext bytes (512 to 2^14). */
  setReceiveCapacity(n: number): void {
    if (!Number.isInteger(n) || n < 512 || n > MAX_PLAINTEXT) throw new RangeError(`receive capacity ${n}`);
    this.receiveCapacity = n;
    this.receiveFragment = Math.min(this.receiveFragment, n);
  }

  get readEncrypted(): boolean {
    return this.readProtection !== nullProtection;
  }

  /** Bytes buffered but not yet returned as records. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /**
   * Chunks are kept as delivered and joined only when a whole record is there, so a peer
   * trickling a record byte by byte costs one copy of it, not one copy per byte.
   */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.bufferedBytes += bytes.length;
  }

  /** `n` bytes from the front of the buffer, consumed; a view when they sit in one chunk. */
  private take(n: number): Uint8Array {
    // A zero-length body may end the received bytes: the header's take() then emptied `chunks`.
    if (n === 0) return new Uint8Array(0);
    // Inside the first chunk: a view of it, no copy.
    const out = this.chunks[0]!.length - this.chunkOffset >= n ? undefined : new Uint8Array(n);
    let piece: Uint8Array | undefined = out;
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length - this.chunkOffset);
      piece = c.subarray(this.chunkOffset, this.chunkOffset + k);
      if (out) out.set(piece, filled);
      filled += k;
      this.chunkOffset += k;
      if (this.chunkOffset === c.length) {
        this.chunks.shift();
        this.chunkOffset = 0;
      }
    }
    this.bufferedBytes -= n;
    return out ?? piece!;
  }

  private peekHeader(): Uint8Array {
    const h = new Uint8Array(RECORD_HEADER_LENGTH);
    let filled = 0;
    let off = this.chunkOffset;
    for (const c of this.chunks) {
      while (off < c.length && filled < RECORD_HEADER_LENGTH) h[filled++] = c[off++]!;
      if (filled === RECORD_HEADER_LENGTH) break;
      off = 0;
    }
    return h;
  }

  /** The next complete record, or undefined when more bytes are needed. Throws on bad input. */
  nextRecord(): TlsRecord | undefined {
    if (this.bufferedBytes < RECORD_HEADER_LENGTH) return undefined;
    const h = this.peekHeader();
    const type = h[0]!;
    const version = (h[1]! << 8) | h[2]!;
    const length = (h[3]! << 8) | h[4]!;
    // Check the header before waiting for the body: garbage must fail now, not after
    // buffering up to 64 KiB that will never arrive.
    // The four types are consecutive: change_cipher_spec (20) to application_data (23).
    if (type < ContentType.changeCipherSpec || type > ContentType.applicationData) {
      throw tlsError('SSL_INVALID_RECORD', 'unexpected_message', `record of unknown content type ${type} (not TLS?)`);
    }
    if (this.strictVersion ? version !== TLS12 : version >> 8 !== 3) {
      throw tlsError('SSL_INVALID_RECORD', 'protocol_version',
        `record version ${hex16(version)}, not 0x0303 (TLS 1.2)`);
    }
    const limit = this.readEncrypted ? this.receiveFragment + CIPHERTEXT_EXPANSION : this.receiveFragment;
    if (length > limit) {
      throw this.overflow(`record of ${length} bytes`, limit);
    }
    if (this.bufferedBytes < RECORD_HEADER_LENGTH + length) return undefined;
    this.take(RECORD_HEADER_LENGTH);
    const body = this.take(length);
    const seq = this.readSeq.next();
    const fragment = this.readProtection.open(type, seq, body);
    if (fragment.length > this.receiveFragment) {
      throw this.overflow(`decrypted record of ${fragment.length} bytes`, this.receiveFragment);
    }
    if (fragment.length > 0) {
      this.emptyInARow = 0;
    } else if (++this.emptyInARow > MAX_CONSECUTIVE_EMPTY_RECORDS) {
      throw tlsError('SSL_INVALID_MAC', 'bad_record_mac', `${this.emptyInARow} empty records in a row (at most ${MAX_CONSECUTIVE_EMPTY_RECORDS})`);
    }
    return { type, version, fragment };
  }

  private overflow(what: string, limit: number): Error {
    if (this.receiveFragment === this.maxFragment && this.maxFragment < MAX_PLAINTEXT) {
      // The server broke its own agreement; say so, and how to live with such a server.
      return tlsError('SSL_INVALID_RECORD', 'record_overflow',
        `${what} exceeds max_fragment_length ${this.maxFragment}, which the server agreed to; ` +
        `acceptLargerRecords: true accepts up to receiveBufferSize (${this.receiveCapacity})`);
    }
    const why = this.receiveFragment < MAX_PLAINTEXT ? ` (receiveBufferSize ${this.receiveFragment})` : '';
    return tlsError('SSL_INVALID_RECORD', 'record_overflow', `${what} exceeds the limit of ${limit}${why}`);
  }

  /** One protected record (header included) carrying `data` (at most maxFragmentLength bytes). */
  seal(type: number, data: Uint8Array): Uint8Array {
    if (data.length > this.maxFragment) throw new RangeError(`record plaintext over ${this.maxFragment}`);
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
