import type { FullCryptoProvider } from '../../hw/provider.js';
import { prf } from '../crypto/prf.js';
import { concatBytes } from '../encoding/bytes.js';
import { AeadProtection } from '../record/aead.js';
import { CbcProtection } from '../record/cbc.js';
import { EtmCbcProtection } from '../record/cbc-etm.js';
import type { RecordProtection } from '../record/protection.js';
import { keyBlockLength, type CipherSuite } from './cipher-suites.js';

export interface TrafficKeys {
  readonly macKey: Uint8Array;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

/** RFC 5246 6.3: key_block split as client MAC, server MAC, client key, server key, client IV, server IV. */
export function deriveTrafficKeys(
  provider: FullCryptoProvider, suite: CipherSuite, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array,
): { client: TrafficKeys; server: TrafficKeys } {
  const block = prf(provider, suite.prfHash, masterSecret, 'key expansion', concatBytes(serverRandom, clientRandom), keyBlockLength(suite));
  const mac = suite.macLength;
  let off = 0;
  const take = (n: number): Uint8Array => block.slice(off, (off += n));
  const clientMac = take(mac);
  const serverMac = take(mac);
  const clientKey = take(suite.keyLength);
  const serverKey = take(suite.keyLength);
  const clientIv = take(suite.fixedIvLength);
  const serverIv = take(suite.fixedIvLength);
  return {
    client: { macKey: clientMac, key: clientKey, iv: clientIv },
    server: { macKey: serverMac, key: serverKey, iv: serverIv },
  };
}

/**
 * The record protection for one direction of a suite, with its keys prepared once.
 * `encryptThenMac` (RFC 7366, negotiated per connection) changes only CBC suites.
 */
export function createProtection(
  provider: FullCryptoProvider, suite: CipherSuite, keys: TrafficKeys, random: (n: number) => Uint8Array, encryptThenMac = false,
): RecordProtection {
  const name = `aes-${suite.keyLength * 8}-${suite.mode}`;
  if (suite.mode !== 'cbc') {
    return new AeadProtection(name, suite.mode === 'gcm' ? provider.aesGcm(keys.key) : provider.aesCcm(keys.key, suite.tagLength as 8 | 16), keys.iv);
  }
  const Protection = encryptThenMac ? EtmCbcProtection : CbcProtection;
  return new Protection(`${name}-hmac-${suite.macHash}`, provider, provider.aesCbc(keys.key), suite.macHash!, keys.macKey, random);
}

/** RFC 5246 7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(
  provider: FullCryptoProvider, suite: CipherSuite, masterSecret: Uint8Array, label: 'client finished' | 'server finished', transcriptHash: Uint8Array,
): Uint8Array {
  return prf(provider, suite.prfHash, masterSecret, label, transcriptHash, 12);
}
