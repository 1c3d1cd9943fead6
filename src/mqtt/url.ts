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

export function parseBrokerUrl(url: string): BrokerAddress {
  const m = /^([a-z]+):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[0-9a-fA-F:.]+\]|[^:/?#]+)(?::(\d+))?\/?$/.exec(url.trim());
  const protocol = m ? SCHEMES[m[1]!] : undefined;
  if (!m || !protocol) {
    throw new MicroTlsError('SSL_BAD_INPUT_DATA', `'${url}' is not an MQTT broker URL (mqtt://host[:port] or mqtts://host[:port])`);
  }
  const port = m[5] !== undefined ? Number(m[5]) : DEFAULT_PORTS[protocol];
  if (port < 1 || port > 65_535) throw new MicroTlsError('SSL_BAD_INPUT_DATA', `port ${port} is out of range`);
  const address: BrokerAddress = { protocol, host: m[4]!.replace(/^\[|\]$/g, ''), port };
  if (m[2]) address.username = decodeURIComponent(m[2]);
  if (m[3] !== undefined) address.password = decodeURIComponent(m[3]);
  return address;
}
