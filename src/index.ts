/** `microtls`: the portable core (no Node APIs). */
export * from './errors.js';
export { TlsClient } from './handshake/client.js';
export type { HandshakeInfo, HandshakeTimings, TlsClientEvents, TlsClientState } from './handshake/client.js';
export type { CertificateVerifier, TlsClientOptions, VerifyContext, VerifyOutcome } from './handshake/options.js';
export { createServerVerifier, type ServerVerifierOptions } from './handshake/server-verifier.js';
export { CIPHER_SUITES, findSuite, suiteByCode, type CipherSuite, type RecordMode } from './handshake/cipher-suites.js';
export { AlertDescription, AlertLevel, alertName, type Alert } from './record/alerts.js';
export * from './x509/index.js';
export * from './time/index.js';
export * from './crypto/index.js';
export { serializeSession, parseSession, isSessionUsable, SessionCache, type TlsSession, type MaxFragmentLength } from './session/index.js';
export { loadClientCredentials, type ClientCredentials, type ClientCredentialsInput } from './client-auth/index.js';
