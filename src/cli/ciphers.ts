/**
 * `--ciphers` for every command: one syntax. A list separated by colons (OpenSSL and
 * mosquitto) or commas, of IANA names (TLS_RSA_WITH_AES_128_GCM_SHA256), OpenSSL names
 * (AES128-GCM-SHA256) or code points (0x009c), in preference order. ALL and DEFAULT mean
 * every suite microtls has. Names of suites microtls does not speak are refused with the
 * reason, since the usual one is a key exchange other than RSA.
 */
import { CIPHER_SUITES, findSuite } from '../handshake/cipher-suites.js';
import { UsageError } from './usage.js';

/** IANA names, deduplicated, in the order given. */
export function parseCipherList(text: string): string[] {
  const items = text.split(/[\s,:]+/).filter(Boolean);
  if (items.length === 0) throw new UsageError('--ciphers needs at least one cipher suite name');
  const out: string[] = [];
  for (const item of items) {
    if (/^(ALL|DEFAULT)$/i.test(item)) {
      for (const s of CIPHER_SUITES) if (!out.includes(s.name)) out.push(s.name);
      continue;
    }
    const suite = findSuite(item);
    if (!suite) throw new UsageError(unknownSuite(item));
    if (!out.includes(suite.name)) out.push(suite.name);
  }
  return out;
}

function unknownSuite(item: string): string {
  const known = CIPHER_SUITES.map((s) => s.openssl).join(':');
  const why = /(ECDHE|DHE|ECDH|EDH|PSK|CHACHA|TLS_AES_|TLS_CHACHA)/i.test(item)
    ? `microtls speaks TLS 1.2 with RSA key exchange only, so '${item}' is not available`
    : `'${item}' is not a cipher suite microtls knows`;
  return `${why}. Use any of (OpenSSL names; IANA names such as TLS_RSA_WITH_AES_128_GCM_SHA256 work too):\n  ${known}`;
}

/** The suites as a mosquitto.conf `ciphers` line that lets an RSA-key-exchange client in. */
export const MOSQUITTO_CIPHERS_LINE = `ciphers ${CIPHER_SUITES.map((s) => s.openssl).join(':')}`;
