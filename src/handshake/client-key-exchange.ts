import { ByteWriter } from '../encoding/writer.js';
import { HandshakeType } from './constants.js';
import { handshakeMessage } from './message.js';

/**
 * The RSA premaster secret: client_version (the version we offered, 3.3, not the
 * negotiated one, RFC 5246 7.4.7.1, so a rollback is detected by the server) and 46
 * random bytes.
 */
export function rsaPremasterSecret(random: (n: number) => Uint8Array): Uint8Array {
  const pms = new Uint8Array(48);
  pms[0] = 3;
  pms[1] = 3;
  pms.set(random(46), 2);
  return pms;
}

/** ClientKeyExchange for RSA: EncryptedPreMasterSecret as an opaque<0..2^16-1>. */
export function encodeRsaClientKeyExchange(encrypted: Uint8Array): Uint8Array {
  return handshakeMessage(HandshakeType.client_key_exchange, new ByteWriter(encrypted.length + 2).vec16(encrypted).finish());
}
