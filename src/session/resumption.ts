/**
 * The rules that connect a stored session to a new handshake: which session may be offered
 * with which ClientHello, how the client sees that the server resumed, and what a resumed
 * ServerHello must agree with. Kept apart from the engine so each rule has its own tests.
 */
import { tlsError } from '../record/alerts.js';
import { hex16 } from '../record/constants.js';
import { constantTimeEqual } from '../encoding/bytes.js';
import type { ExtensionOffer, NegotiatedExtensions } from './extensions.js';
import { validateSession, type TlsSession } from './session.js';
import type { NewSessionTicket } from './new-session-ticket.js';

/**
 * Whether `session` can be offered in a ClientHello that carries `offer`. Offering it
 * otherwise only wastes the ticket: RFC 7627 5.3 makes a server refuse to resume an EMS
 * session without EMS in the ClientHello, and OpenSSL aborts (illegal_parameter) when the
 * max_fragment_length offered differs from the one stored in the session.
 */
export function sessionMatchesOffer(session: TlsSession, offer: ExtensionOffer): boolean {
  if (session.extendedMasterSecret && !offer.extendedMasterSecret) return false;
  return session.maxFragmentLength === offer.maxFragmentLength;
}

/**
 * The server resumed iff its ServerHello echoes the non-empty session ID the client sent
 * (RFC 5246 7.4.1.3; with a ticket the client sends a fresh random ID for this purpose,
 * RFC 5077 3.4).
 */
export function serverResumed(offeredSessionId: Uint8Array, serverSessionId: Uint8Array): boolean {
  return offeredSessionId.length > 0 && constantTimeEqual(offeredSessionId, serverSessionId);
}

/**
 * Checks a ServerHello that resumed `session`. The suite must be the session's (RFC 5246
 * 7.4.1.3) and EMS must be used exactly when the session used it (RFC 7627 5.3: either
 * mismatch is a handshake abort, otherwise a downgraded resumption would reuse a master
 * secret that lacks the transcript binding). Encrypt-then-MAC is taken from the new
 * ServerHello, per connection, as OpenSSL does.
 */
export function checkResumedServerHello(session: TlsSession, cipherSuite: number, negotiated: NegotiatedExtensions): void {
  if (cipherSuite !== session.cipherSuite) {
    throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter',
      `resumed session used suite ${hex16(session.cipherSuite)}, ServerHello chose ${hex16(cipherSuite)}`);
  }
  if (negotiated.extendedMasterSecret !== session.extendedMasterSecret) {
    throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'handshake_failure',
      `resumed session ${session.extendedMasterSecret ? 'used' : 'did not use'} extended master secret, the ServerHello differs`);
  }
  if (negotiated.maxFragmentLength !== undefined && negotiated.maxFragmentLength !== session.maxFragmentLength) {
    throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter',
      `max_fragment_length ${negotiated.maxFragmentLength} differs from the resumed session's ${session.maxFragmentLength ?? 'none'}`);
  }
}

export interface CompletedHandshake {
  readonly cipherSuite: number;
  readonly masterSecret: Uint8Array;
  /** The server's session ID from ServerHello (may be empty). */
  readonly sessionId: Uint8Array;
  readonly serverName: string;
  readonly negotiated: NegotiatedExtensions;
  /** From NewSessionTicket, when the server sent one. */
  readonly newTicket?: NewSessionTicket;
  /** ms since the epoch. */
  readonly now: number;
  /** The server certificate was verified in the handshake that established the master secret. */
  readonly serverVerified: boolean;
  /** trustId of the verifier that accepted the server, when known. */
  readonly verifiedWith?: string;
}

/**
 * The session to store after a full handshake (or to refresh after a resumption that
 * brought a new ticket), or undefined when the server gave nothing to resume with.
 */
export function sessionFromHandshake(h: CompletedHandshake): TlsSession | undefined {
  const ticket = h.newTicket && h.newTicket.ticket.length > 0 ? h.newTicket.ticket : undefined;
  if (ticket === undefined && h.sessionId.length === 0) return undefined;
  const n = h.negotiated;
  // Optional fields are left out, not set to undefined: the text form lists exactly what is present.
  const session: { -readonly [K in keyof TlsSession]: TlsSession[K] } = {
    protocol: 'TLSv1.2',
    cipherSuite: h.cipherSuite,
    masterSecret: h.masterSecret.slice(),
    sessionId: h.sessionId.slice(),
    ticketLifetimeHint: ticket !== undefined ? h.newTicket!.lifetimeHint : 0,
    receivedAt: h.now,
    serverName: h.serverName,
    extendedMasterSecret: n.extendedMasterSecret,
    encryptThenMac: n.encryptThenMac,
  };
  if (ticket !== undefined) session.ticket = ticket;
  if (n.maxFragmentLength !== undefined) session.maxFragmentLength = n.maxFragmentLength;
  if (h.serverVerified) {
    session.serverVerified = true;
    if (h.verifiedWith !== undefined) session.verifiedWith = h.verifiedWith;
  }
  validateSession(session);
  return session;
}
