/** Session resumption (RFC 5077 tickets, session IDs) and the hello extensions that go with them (EMS, ETM, MFL). */
export {
  DEFAULT_SESSION_MAX_AGE_SECONDS, MAX_TICKET_LIFETIME_SECONDS, SESSION_FORMAT, SESSION_FORMAT_VERSION,
  isSessionUsable, parseSession, serializeSession, sessionLifetimeSeconds, validateSession,
} from './session.js';
export type { MaxFragmentLength, SessionLifetimeOptions, TlsSession } from './session.js';
export { SessionCache } from './cache.js';
export type { SessionCacheOptions } from './cache.js';
export {
  MAX_FRAGMENT_LENGTH_CODES, encodeExtension, encodeOfferedExtensions, maxFragmentLengthCode,
  maxFragmentLengthFromCode, negotiateExtensions, offeredExtensionList, parseExtensionBlock,
} from './extensions.js';
export type { Extension, ExtensionOffer, NegotiatedExtensions } from './extensions.js';
export { parseNewSessionTicket } from './new-session-ticket.js';
export type { NewSessionTicket } from './new-session-ticket.js';
export { MASTER_SECRET_LENGTH, classicMasterSecret, deriveMasterSecret, extendedMasterSecret } from './ems.js';
export type { MasterSecretInput, PrfHash } from './ems.js';
export { checkResumedServerHello, serverResumed, sessionFromHandshake, sessionMatchesOffer } from './resumption.js';
export type { CompletedHandshake } from './resumption.js';
