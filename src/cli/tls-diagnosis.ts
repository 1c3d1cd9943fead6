/**
 * The TLS failures people actually hit, recognised from the engine's error, and the words
 * that name cause and fix. Shared by probe and pub/sub, which add their own flag advice.
 */
import type { MicroTlsError } from '../errors.js';
import { certificateNames } from './chain-text.js';
import { MOSQUITTO_CIPHERS_LINE } from './ciphers.js';

/** The server refused every suite offered: its fatal handshake_failure came in answer to the ClientHello. */
export function noCommonCipher(err: MicroTlsError | undefined): boolean {
  return err?.codeName === 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE' && err.info.receivedAlert === 40 && /state wait_server_hello\)/.test(err.message);
}

export function noCommonCipherLines(where: string): string[] {
  return [
    `${where} accepts none of the cipher suites microtls offers: microtls speaks TLS 1.2 with RSA key exchange only (no ECDHE).`,
    `For mosquitto, add to the listener in mosquitto.conf: ${MOSQUITTO_CIPHERS_LINE}`,
  ];
}

/** The server sent a CertificateRequest and no client certificate was configured (whatever alert followed). */
export function certificateMissing(err: MicroTlsError | undefined): boolean {
  return err?.info.certificateRequested === true;
}

/** "DNS:a, IP:b; CN c" when verification failed on the host name; `chain` as presented, or from the error. */
export function hostNameMismatch(err: MicroTlsError | undefined, chain?: readonly Uint8Array[]): string | undefined {
  const flags = err?.info.flags;
  if (typeof flags !== 'number' || (flags & 0x04) === 0) return undefined;
  const fromError = err!.info.chain;
  const leaf = chain?.[0] ?? (Array.isArray(fromError) && fromError[0] instanceof Uint8Array ? fromError[0] : undefined);
  return leaf ? certificateNames(leaf) : undefined;
}

/** Connection refused: the line with what was tried (the name given and the address it resolved to). */
export function refusedLine(message: string, where: string): string | undefined {
  if (!/ECONNREFUSED/.test(message)) return undefined;
  const tried = /ECONNREFUSED (\S+)/.exec(message)?.[1];
  return `nothing accepts connections on ${where}${tried && tried !== where ? ` (address tried: ${tried})` : ''}`;
}
