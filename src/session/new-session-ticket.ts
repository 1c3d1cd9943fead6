/**
 * RFC 5077 3.3 NewSessionTicket body:
 *   struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 * An empty ticket is legal: the server changed its mind after promising one, and the
 * client simply has no ticket to store (the session ID may still resume).
 */
import { ByteReader } from '../encoding/reader.js';

export interface NewSessionTicket {
  /** Seconds; 0 = unspecified. */
  readonly lifetimeHint: number;
  /** A copy, so a stored session does not pin the whole received handshake buffer. */
  readonly ticket: Uint8Array;
}

export function parseNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new ByteReader(body, 'SSL_BAD_HS_NEW_SESSION_TICKET', 'NewSessionTicket');
  const lifetimeHint = r.u32('ticket_lifetime_hint');
  const ticket = r.vec16('ticket').slice();
  r.end();
  return { lifetimeHint, ticket };
}
