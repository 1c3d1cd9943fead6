import { tlsError } from './alerts.js';

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
  /** Header + body, as it enters the transcript hash. */
  readonly raw: Uint8Array;
}

export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 64 * 1024;

/**
 * Reassembles handshake messages from handshake records: one message may span many
 * records (certificate chains) and one record may hold several messages (ServerHello,
 * Certificate, ServerHelloDone in one flight). The message buffer is allocated once the
 * 4-byte header says the size, after checking it against the cap, so a hostile length
 * cannot make us buffer more than `maxMessageSize`.
 */
export class HandshakeAssembler {
  private header = new Uint8Array(4);
  private headerFill = 0;
  private declare message: Uint8Array | undefined;
  private messageFill = 0;
  private readonly ready: HandshakeMessage[] = [];

  declare readonly maxMessageSize: number;

  constructor(maxMessageSize = DEFAULT_MAX_HANDSHAKE_MESSAGE) {
    this.maxMessageSize = maxMessageSize;
  }

  /** True while a message is partially received (no other content type may interleave). */
  get midMessage(): boolean {
    return this.headerFill > 0;
  }

  push(fragment: Uint8Array): void {
    if (fragment.length === 0) {
      // RFC 5246 6.2.1: zero-length handshake fragments are forbidden.
      throw tlsError('SSL_INVALID_RECORD', 'decode_error', 'empty handshake record');
    }
    let i = 0;
    while (i < fragment.length) {
      if (this.headerFill < 4) {
        const take = Math.min(4 - this.headerFill, fragment.length - i);
        this.header.set(fragment.subarray(i, i + take), this.headerFill);
        this.headerFill += take;
        i += take;
        if (this.headerFill < 4) break;
        const len = (this.header[1]! << 16) | (this.header[2]! << 8) | this.header[3]!;
        if (len > this.maxMessageSize) {
          throw tlsError('SSL_BUFFER_TOO_SMALL', 'illegal_parameter',
            `handshake message type ${this.header[0]} of ${len} bytes exceeds maxHandshakeMessageSize (${this.maxMessageSize})`);
        }
        this.message = new Uint8Array(4 + len);
        this.message.set(this.header, 0);
        this.messageFill = 4;
      }
      const msg = this.message!;
      const take = Math.min(msg.length - this.messageFill, fragment.length - i);
      msg.set(fragment.subarray(i, i + take), this.messageFill);
      this.messageFill += take;
      i += take;
      if (this.messageFill === msg.length) {
        this.ready.push({ type: msg[0]!, body: msg.subarray(4), raw: msg });
        this.message = undefined;
        this.headerFill = 0;
        this.messageFill = 0;
      }
    }
  }

  next(): HandshakeMessage | undefined {
    return this.ready.shift();
  }

  /** Drops queued messages (used when the connection fails). */
  clear(): void {
    this.ready.splice(0); // not `length = 0`: Espruino throws on assigning an array length
    this.message = undefined;
    this.headerFill = 0;
  }
}
