/**
 * The cipher suites microtls speaks, as data, in the reference device's order (manual
 * section 2.3). All use RSA key exchange (the premaster secret encrypted to the server
 * certificate's RSA key). The engine, the CLI's --ciphers, the key schedule and the
 * record layer all read this table; adding a suite is adding a row plus, for a new mode,
 * a protection class.
 */
import { isHexDigits } from '../encoding/charset.js';
export type RecordMode = 'gcm' | 'ccm' | 'ccm8' | 'cbc';

export interface CipherSuite {
  readonly code: number;
  /** IANA name, e.g. TLS_RSA_WITH_AES_128_GCM_SHA256. */
  readonly name: string;
  /** OpenSSL name, for `openssl s_server -cipher` and Node's `ciphers` option. */
  readonly openssl: string;
  readonly keyExchange: 'rsa';
  /** AES key length in bytes. */
  readonly keyLength: 16 | 32;
  readonly mode: RecordMode;
  /** HMAC hash of CBC suites; AEAD suites have none. */
  readonly macHash?: 'sha1' | 'sha256';
  /** Hash of the TLS 1.2 PRF and of the handshake transcript. */
  readonly prfHash: 'sha256' | 'sha384';
  /** Implicit nonce part from the key block (AEAD: 4; CBC: 0, TLS 1.2 sends the whole IV). */
  readonly fixedIvLength: number;
  /** Explicit nonce / IV carried in each record (AEAD: 8, CBC: 16). */
  readonly recordIvLength: number;
  /** AEAD tag length (16, or 8 for CCM_8); 0 for CBC suites, whose records carry a MAC instead. */
  readonly tagLength: number;
  /** HMAC length of CBC suites (20 for SHA-1, 32 for SHA-256); 0 for AEAD suites. */
  readonly macLength: number;
}

/** SHA-1 is "SHA" in suite names. */
const hashName = (h: string): string => (h === 'sha1' ? 'SHA' : h.toUpperCase());

/** One suite; both its names follow from its parts (TLS_RSA_WITH_AES_256_CBC_SHA256 = AES256-SHA256). */
const row = (code: number, keyLength: 16 | 32, mode: RecordMode, prfHash: 'sha256' | 'sha384', macHash?: 'sha1' | 'sha256'): CipherSuite => {
  const bits = keyLength * 8;
  const parts = mode === 'gcm' ? ['GCM', hashName(prfHash)] : mode === 'cbc' ? ['CBC', hashName(macHash!)] : mode === 'ccm' ? ['CCM'] : ['CCM', '8'];
  return {
    code,
    name: `TLS_RSA_WITH_AES_${bits}_${parts.join('_')}`,
    openssl: `AES${bits}-${mode === 'cbc' ? parts[1] : parts.join(mode === 'ccm8' ? '' : '-')}`,
    keyExchange: 'rsa', keyLength, mode, prfHash,
    ...(macHash ? { macHash } : {}),
    fixedIvLength: mode === 'cbc' ? 0 : 4,
    recordIvLength: mode === 'cbc' ? 16 : 8,
    tagLength: mode === 'cbc' ? 0 : mode === 'ccm8' ? 8 : 16,
    macLength: macHash === 'sha1' ? 20 : macHash === 'sha256' ? 32 : 0,
  };
};

export const CIPHER_SUITES: readonly CipherSuite[] = [
  row(0x009d, 32, 'gcm', 'sha384'),
  row(0xc09d, 32, 'ccm', 'sha256'),
  row(0x003d, 32, 'cbc', 'sha256', 'sha256'),
  row(0x0035, 32, 'cbc', 'sha256', 'sha1'),
  row(0xc0a1, 32, 'ccm8', 'sha256'),
  row(0x009c, 16, 'gcm', 'sha256'),
  row(0xc09c, 16, 'ccm', 'sha256'),
  row(0x003c, 16, 'cbc', 'sha256', 'sha256'),
  row(0x002f, 16, 'cbc', 'sha256', 'sha1'),
  row(0xc0a0, 16, 'ccm8', 'sha256'),
];

/** Signalling suite value for secure renegotiation (RFC 5746 3.3), sent after the real suites. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

const byCode = new Map(CIPHER_SUITES.map((s) => [s.code, s]));
const byName = new Map(CIPHER_SUITES.flatMap((s) => [[s.name.toUpperCase(), s], [s.openssl.toUpperCase(), s]] as const));

export function suiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}

/** Accepts an IANA name, an OpenSSL name, a number or a hex string ("0xc0a0"). */
export function findSuite(id: string | number): CipherSuite | undefined {
  if (typeof id === 'number') return byCode.get(id);
  const s = id.trim();
  if (s.length > 2 && /^0x/i.test(s) && isHexDigits(s.slice(2), 1, 4, true)) return byCode.get(Number(s));
  return byName.get(s.toUpperCase());
}

/** Bytes of key material each direction needs from the key block. */
export function keyBlockLength(suite: CipherSuite): number {
  return 2 * (suite.macLength + suite.keyLength + suite.fixedIvLength);
}
