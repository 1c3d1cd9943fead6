/** Handshake message and extension numbers (RFC 5246 7.4, RFC 6066, RFC 5077, RFC 5746, RFC 7627, RFC 7366). */

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;

const HS_NAMES = new Map<number, string>(Object.entries(HandshakeType).map(([k, v]) => [v, k]));
export function handshakeName(type: number): string {
  return HS_NAMES.get(type) ?? `handshake_type_${type}`;
}

export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  signature_algorithms: 13,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  session_ticket: 35,
  renegotiation_info: 0xff01,
} as const;
