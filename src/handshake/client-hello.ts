import { asciiEncode } from '../encoding/bytes.js';
import { ByteWriter } from '../encoding/writer.js';
import { ExtensionType, HandshakeType } from './constants.js';
import { handshakeMessage } from './message.js';
import { parseIpAddress } from '../x509/ip.js';

export interface ClientHelloParams {
  readonly random: Uint8Array;
  /** Empty for a new session; a session ID to resume (session-ID resumption, later). */
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  /** Extensions in the order they are sent: [type, body]. */
  readonly extensions: ReadonlyArray<readonly [number, Uint8Array]>;
}

/** ClientHello for TLS 1.2 with null compression only. */
export function encodeClientHello(p: ClientHelloParams): Uint8Array {
  const w = new ByteWriter(512);
  w.u16(0x0303);
  w.bytes(p.random);
  w.vec8(p.sessionId);
  w.prefixed(2, (v) => { for (const s of p.cipherSuites) v.u16(s); });
  w.vec8(Uint8Array.of(0)); // compression_methods: null only
  if (p.extensions.length > 0) {
    w.prefixed(2, (v) => {
      for (const [type, body] of p.extensions) v.u16(type).vec16(body);
    });
  }
  return handshakeMessage(HandshakeType.client_hello, w.finish());
}

/**
 * RFC 6066 3: no IP literal in server_name. The same rule as the certificate name check
 * (src/x509/ip.ts), so a name is an address for both or a host name for both.
 */
export function isIpLiteral(host: string): boolean {
  return parseIpAddress(host) !== undefined;
}

/** server_name extension body with one host_name entry (RFC 6066 3). */
export function serverNameExtension(host: string): Uint8Array {
  const name = asciiEncode(host.replace(/\.$/, ''));
  return new ByteWriter(name.length + 5)
    .prefixed(2, (w) => w.u8(0).vec16(name))
    .finish();
}

export function signatureAlgorithmsExtension(schemes: readonly number[]): Uint8Array {
  return new ByteWriter(2 + 2 * schemes.length).prefixed(2, (w) => { for (const s of schemes) w.u16(s); }).finish();
}

export { ExtensionType };
