/** mqtt:// and mqtts:// URLs, parsed without the WHATWG URL class (absent on small engines). */
import { MicroTlsError } from '../errors.js';

export interface BrokerAddress {
  protocol: 'mqtt' | 'mqtts';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

const SCHEMES: Record<string, 'mqtt' | 'mqtts'> = { mqtt: 'mqtt', tcp: 'mqtt', mqtts: 'mqtts', ssl: 'mqtts', tls: 'mqtts' };

export const DEFAULT_PORTS = { mqtt: 1883, mqtts: 8883 } as const;

/**
 * scheme://[user[:password]@]host[:port][/] split by hand: Espruino's regular expressions
 * have no `?` or `(?:`, so one pattern cannot say "optional". The result is the groups the
 * former single pattern had: [, scheme, user, password, host, port].
 */
function splitUrl(s: string): (string | undefined)[] | undefined {
  const sep = s.indexOf('://');
  const scheme = s.slice(0, sep);
  if (sep <= 0 || !/^[a-z]+$/.test(scheme)) return undefined;
  let rest = s.slice(sep + 3);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const info = rest.slice(0, at);
    if (info.includes('/')) return undefined;
    const colon = info.indexOf(':');
    user = colon < 0 ? info : info.slice(0, colon);
    if (colon >= 0) password = info.slice(colon + 1);
    rest = rest.slice(at + 1);
  }
  let host: string;
  let after: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || !/^[0-9a-fA-F:.]+$/.test(rest.slice(1, close))) return undefined;
    host = rest.slice(0, close + 1);
    after = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    after = colon < 0 ? '' : rest.slice(colon);
    if (host === '' || /[\/?#]/.test(host)) return undefined;
  }
  let port: string | undefined;
  if (after !== '') {
    if (!/^:[0-9]+$/.test(after)) return undefined;
    port = after.slice(1);
  }
  return [s, scheme, user, password, host, port];
}

export function parseBrokerUrl(url: string): BrokerAddress {
  const m = splitUrl(url.trim());
  const protocol = m ? SCHEMES[m[1]!] : undefined;
  if (!m || !protocol) {
    throw new MicroTlsError('SSL_BAD_INPUT_DATA', `'${url}' is not mqtt[s]://host[:port]`);
  }
  const port = m[5] !== undefined ? Number(m[5]) : DEFAULT_PORTS[protocol];
  if (port < 1 || port > 65_535) throw new MicroTlsError('SSL_BAD_INPUT_DATA', `port ${port} is not 1-65535`);
  const address: BrokerAddress = { protocol, host: m[4]!.startsWith('[') ? m[4]!.slice(1, -1) : m[4]!, port };
  if (m[2]) address.username = decodeURIComponent(m[2]);
  if (m[3] !== undefined) address.password = decodeURIComponent(m[3]);
  return address;
}
