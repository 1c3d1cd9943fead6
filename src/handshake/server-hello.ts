import { ByteReader } from '../encoding/reader.js';
import { tlsError } from '../record/alerts.js';

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compression: number;
  /** Extensions by type; duplicates are rejected while parsing. */
  readonly extensions: ReadonlyMap<number, Uint8Array>;
}

/** Syntax only; the engine checks the values against what it offered. */
export function parseServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'SSL_BAD_HS_SERVER_HELLO', 'ServerHello');
  const version = r.u16('server_version');
  const random = r.bytes(32, 'random');
  const sessionId = r.vec8('session_id', 0, 32);
  const cipherSuite = r.u16('cipher_suite');
  const compression = r.u8('compression_method');
  const extensions = new Map<number, Uint8Array>();
  if (!r.done) {
    const ext = r.sub16('extensions');
    while (!ext.done) {
      const type = ext.u16('extension type');
      const data = ext.vec16('extension data');
      if (extensions.has(type)) {
        throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'decode_error', `ServerHello repeats extension ${type}`);
      }
      extensions.set(type, data);
    }
  }
  r.end();
  return { version, random, sessionId, cipherSuite, compression, extensions };
}
