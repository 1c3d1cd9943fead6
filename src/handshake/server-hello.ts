import { ByteReader } from '../encoding/reader.js';
import { parseExtensionBlock, type Extension } from '../session/extensions.js';

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compression: number;
  /** In the server's order; duplicates are rejected while parsing. */
  readonly extensions: readonly Extension[];
}

/** Syntax only; the engine checks the values against what it offered. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'SSL_BAD_HS_SERVER_HELLO', 'ServerHello');
  const version = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vec8('session_id', 0, 32);
  const cipherSuite = r.u16('cipher_suite');
  const compression = r.u8('compression_method');
  const extensions = r.done ? [] : parseExtensionBlock(r.vec16('extensions'));
  r.end();
  return { version, random, sessionId, cipherSuite, compression, extensions };
}
