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
 * scheme://[user[:password]@]host[:port][/], split by hand: Espruino's regular expressions
 * have no `?` or `(?:`, so one pattern cannot say "optional".
 */
export function parseBrokerUrl(url: string): BrokerAddress {
  const bad = (): never => {
    throw new MicroTlsError('SSL_BAD_INPUT_DATA', `'${url}' is not mqtt[s]://host[:port]`);
  };
  const s = url.trim();
  const sep = s.indexOf('://');
  const scheme = s.slice(0, sep);
  const protocol = SCHEMES[scheme];
  if (sep <= 0 || !/^[a-z]+$/.test(scheme) || !protocol) bad();
  let rest = s.slice(sep + 3);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const info = rest.slice(0, at);
    if (info.includes('/')) bad();
    const colon = info.indexOf(':');
    user = colon < 0 ? info : info.slice(0, colon);
    if (colon >= 0) password = info.slice(colon + 1);
    rest = rest.slice(at + 1);
  }
  let host: string;
  let after: string;
  if (rest.startsWith('[')) {
    // An IPv6 literal, given without its brackets.
    const close = rest.indexOf(']');
    host = rest.slice(1, close);
    if (close < 0 || !/^[0-9a-fA-F:.]+$/.test(host)) bad();
    after = rest.slice(close + 1);
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    after = colon < 0 ? '' : rest.slice(colon);
    if (host === '' || /[\/?#]/.test(host)) bad();
  }
  if (after !== '' && !/^:[0-9]+$/.test(after)) bad();
  const port = after !== '' ? Number(after.slice(1)) : DEFAULT_PORTS[protocol!];
  if (port < 1 || port > 65_535) throw new MicroTlsError('SSL_BAD_INPUT_DATA', `port ${port} is not 1-65535`);
  const address: BrokerAddress = { protocol: protocol!, host, port };
  if (user) address.username = decodeURIComponent(user);
  if (password !== undefined) address.password = decodeURIComponent(password);
  return address;
}
