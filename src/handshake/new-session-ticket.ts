import { ByteReader } from '../encoding/reader.js';

export interface NewSessionTicket {
  /** Seconds; 0 means unspecified (RFC 5077 3.3). */
  readonly lifetimeHint: number;
  readonly ticket: Uint8Array;
}

export function parseNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new ByteReader(body, 'SSL_BAD_HS_NEW_SESSION_TICKET', 'NewSessionTicket');
  const lifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.vec16('ticket');
  r.end();
  return { lifetimeHint, ticket: ticket.slice() };
}
