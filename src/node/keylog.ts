import { appendFileSync } from 'node:fs';

export type KeyLogOption = string | ((line: string) => void);

/**
 * NSS key-log sink (https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/)
 * for Wireshark: the option wins, else SSLKEYLOGFILE as browsers and OpenSSL tools honour it.
 * Writes are synchronous appends of whole lines so concurrent connections never interleave
 * halves of a line.
 */
export function keyLogSink(option: KeyLogOption | undefined, env: NodeJS.ProcessEnv = process.env): ((line: string) => void) | undefined {
  if (typeof option === 'function') return option;
  const path = option ?? env['SSLKEYLOGFILE'];
  if (!path) return undefined;
  return (line) => appendFileSync(path, line + '\n', { mode: 0o600 });
}
