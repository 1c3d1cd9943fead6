/**
 * Master secret derivation, classic (RFC 5246 8.1) and extended (RFC 7627 4).
 *
 * Classic: PRF(pre_master, "master secret", client_random || server_random). The randoms are
 * all that binds the secret to the connection, so a man in the middle that relays the same
 * randoms and premaster to two servers gets the same master secret on both (the triple
 * handshake attack). Extended binds it to the session hash, i.e. the whole transcript up to
 * and including ClientKeyExchange, which contains both servers' certificates.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import { HASH_INFO } from '../../hw/provider.js';
import { prf } from '../crypto/prf.js';
import { concatBytes } from '../encoding/bytes.js';
import { MicroTlsError } from '../errors.js';

export const MASTER_SECRET_LENGTH = 48;
export type PrfHash = 'sha256' | 'sha384';

const RANDOM_LENGTH = 32;

export type MasterSecretInput =
  | { readonly extendedMasterSecret: true; readonly sessionHash: Uint8Array }
  | { readonly extendedMasterSecret: false; readonly clientRandom: Uint8Array; readonly serverRandom: Uint8Array };

function badInput(message: string): never {
  // Wrong lengths here are engine bugs, not peer input: no alert is implied.
  throw new MicroTlsError('SSL_INTERNAL_ERROR', `master secret: ${message}`);
}

export function classicMasterSecret(provider: FullCryptoProvider, hash: PrfHash, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  if (clientRandom.length !== RANDOM_LENGTH || serverRandom.length !== RANDOM_LENGTH) badInput('client and server randoms must be 32 bytes');
  return prf(provider, hash, preMaster, 'master secret', concatBytes(clientRandom, serverRandom), MASTER_SECRET_LENGTH);
}

/**
 * `sessionHash` = Hash(handshake_messages), ClientHello through ClientKeyExchange, with the
 * PRF's hash (RFC 7627 3). It must be computed before CertificateVerify is added.
 */
export function extendedMasterSecret(provider: FullCryptoProvider, hash: PrfHash, preMaster: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  if (sessionHash.length !== HASH_INFO[hash].outputLength) badInput(`session hash must be ${HASH_INFO[hash].outputLength} bytes for ${hash}`);
  return prf(provider, hash, preMaster, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

export function deriveMasterSecret(provider: FullCryptoProvider, hash: PrfHash, preMaster: Uint8Array, input: MasterSecretInput): Uint8Array {
  return input.extendedMasterSecret
    ? extendedMasterSecret(provider, hash, preMaster, input.sessionHash)
    : classicMasterSecret(provider, hash, preMaster, input.clientRandom, input.serverRandom);
}

