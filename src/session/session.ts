/**
 * A resumable TLS 1.2 session: what the client keeps after a full handshake so that a later
 * connection can take the abbreviated handshake (RFC 5077 ticket or RFC 5246 session ID).
 *
 * The text form is what `--sess-out` writes and `--sess-in` reads. It is parsed strictly
 * (exact key set, exact types, exact lengths) because a session file is trusted with a
 * master secret: a half-understood file must be refused, never "repaired".
 */
import { MicroTlsError } from '../errors.js';
import { fromHex, toHex } from '../encoding/bytes.js';
import { isHexDigits } from '../encoding/charset.js';

/** RFC 6066 max_fragment_length values microtls can negotiate. */
export type MaxFragmentLength = 512 | 1024 | 2048 | 4096;

export interface TlsSession {
  /** Only TLS 1.2 exists in microtls; kept so a future version cannot resume a 1.2 session by accident. */
  readonly protocol: 'TLSv1.2';
  /** IANA cipher suite code (e.g. 0x009c); resumption must get exactly this suite back. */
  readonly cipherSuite: number;
  /** 48 bytes. */
  readonly masterSecret: Uint8Array;
  /** 0..32 bytes; empty when the server issued only a ticket. */
  readonly sessionId: Uint8Array;
  /** RFC 5077 ticket (opaque to the client), absent for session-ID-only sessions. */
  readonly ticket?: Uint8Array;
  /** Seconds, from NewSessionTicket; 0 = unspecified (RFC 5077 3.3). */
  readonly ticketLifetimeHint: number;
  /** Milliseconds since the Unix epoch when the session was established (or its ticket received). */
  readonly receivedAt: number;
  /** The SNI name the session was made with; it is offered to that exact name only. */
  readonly serverName: string;
  /** RFC 7627: the master secret was derived from the session hash. */
  readonly extendedMasterSecret: boolean;
  /** RFC 7366 was negotiated (it only changes CBC suites). */
  readonly encryptThenMac: boolean;
  /** RFC 6066 limit negotiated for the session, if any; it stays in force on resumption. */
  readonly maxFragmentLength?: MaxFragmentLength;
  /**
   * The full handshake that made the session verified the server's certificate. Resuming
   * skips the certificate, so a client that verifies only resumes sessions that have this.
   */
  readonly serverVerified?: true;
  /**
   * The trustId (x509 ChainVerifier) of the verifier that accepted the server: a verifying
   * client resumes only sessions verified against the same CA certificates and rules.
   */
  readonly verifiedWith?: string;
}

export const SESSION_FORMAT = 'microtls-session';
export const SESSION_FORMAT_VERSION = 1;

const MAX_FRAGMENT_LENGTHS: readonly number[] = [512, 1024, 2048, 4096];
const MASTER_SECRET_LENGTH = 48;
const MAX_SESSION_ID_LENGTH = 32;
const MAX_TICKET_LENGTH = 0xffff;
/** RFC 5246 F.1.4 suggests 24 hours as the upper bound of a session's life. */
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 24 * 3600;
/** RFC 8446 caps ticket lifetimes at 7 days; a 1.2 hint above that is not believed either. */
export const MAX_TICKET_LIFETIME_SECONDS = 7 * 24 * 3600;

type FieldKind = 'hex' | 'int' | 'bool' | 'text';
/**
 * The fields of the text form after `format` and `version`, in the order they are written:
 * each with its JSON type (bytes are lower-case hex) and its range (a value for integers, a
 * length for bytes and text); parsing requires exactly these keys.
 */
const FIELDS: ReadonlyArray<readonly [key: keyof TlsSession, kind: FieldKind, min: number, max: number, optional?: true]> = [
  ['protocol', 'text', 7, 7], ['cipherSuite', 'int', 0, 0xffff], ['masterSecret', 'hex', MASTER_SECRET_LENGTH, MASTER_SECRET_LENGTH],
  ['sessionId', 'hex', 0, MAX_SESSION_ID_LENGTH], ['ticketLifetimeHint', 'int', 0, 0xffffffff], ['receivedAt', 'int', 0, Number.MAX_SAFE_INTEGER],
  ['serverName', 'text', 1, 255], ['extendedMasterSecret', 'bool', 0, 0], ['encryptThenMac', 'bool', 0, 0],
  ['ticket', 'hex', 1, MAX_TICKET_LENGTH, true], ['maxFragmentLength', 'int', 512, 4096, true], ['serverVerified', 'bool', 0, 0, true],
  ['verifiedWith', 'text', 64, 64, true],
];
/** A maximal ticket in hex plus the other fields with room to spare: larger input is not a session. */
const MAX_SESSION_TEXT_LENGTH = 2 * MAX_TICKET_LENGTH + 4096;
const KNOWN_KEYS: ReadonlySet<string> = new Set<string>(['format', 'version', ...FIELDS.map((f) => f[0])]);

function bad(message: string): never {
  throw new MicroTlsError('SSL_BAD_INPUT_DATA', `session: ${message}`);
}

/**
 * Checks the invariants every session must satisfy; used on both sides of serialization so a
 * bad in-memory session is not written out and a bad file is not read in.
 */
export function validateSession(s: TlsSession): void {
  for (const [key, kind, min, max, optional] of FIELDS) {
    const v = s[key] as unknown;
    if (v === undefined && optional) continue;
    // Every integer range ends at or below 2^53 - 1, so an integer in range is a safe one.
    const typed = kind === 'hex' ? v instanceof Uint8Array : kind === 'int' ? Number.isInteger(v) : typeof v === (kind === 'bool' ? 'boolean' : 'string');
    const size = kind === 'int' ? (v as number) : kind === 'bool' ? 0 : typed ? (v as string).length : -1;
    if (!typed || size < min || size > max) {
      bad(`${key} must be ${kind === 'bool' ? 'a boolean' : kind === 'int' ? `an integer ${min}..${max}` : `${min}..${max} ${kind === 'hex' ? 'bytes' : 'characters'}`}`);
    }
  }
  if (s.protocol !== 'TLSv1.2') bad(`protocol ${s.protocol} is not TLSv1.2`);
  // Without either there is nothing to offer the server: such a session cannot resume.
  if (s.ticket === undefined && s.sessionId.length === 0) bad('neither a session ID nor a ticket');
  if (s.maxFragmentLength !== undefined && !MAX_FRAGMENT_LENGTHS.includes(s.maxFragmentLength)) {
    bad('maxFragmentLength must be 512, 1024, 2048 or 4096');
  }
  if ((s.serverVerified as unknown) === false) bad('serverVerified must be true when present');
  if (s.verifiedWith !== undefined && (s.serverVerified !== true || !isHexDigits(s.verifiedWith, 64, 64))) {
    bad('verifiedWith must be 64 lower-case hex digits, on a verified session');
  }
}

/** One JSON object, one key per line, so a person can see what a session file holds (and diff two). */
export function serializeSession(s: TlsSession): string {
  validateSession(s);
  const obj: Record<string, unknown> = { format: SESSION_FORMAT, version: SESSION_FORMAT_VERSION };
  for (const [key, kind] of FIELDS) {
    const v = s[key];
    if (v !== undefined) obj[key] = kind === 'hex' ? toHex(v as Uint8Array) : v;
  }
  return JSON.stringify(obj, null, 2) + '\n';
}

/** One field of the text form: bytes from hex; other kinds are checked by validateSession. */
function readField(key: string, kind: FieldKind, v: unknown): unknown {
  if (kind !== 'hex') return v;
  // Lower-case only: the writer never produces anything else, so anything else was edited.
  if (typeof v !== 'string' || v.length % 2 !== 0 || !isHexDigits(v, 0, v.length)) bad(`${key} is not lower-case hex`);
  return fromHex(v);
}

/** Parses the text written by serializeSession; anything else is MBEDTLS_ERR_SSL_BAD_INPUT_DATA. */
export function parseSession(text: string): TlsSession {
  if (typeof text !== 'string') bad('input is not text');
  if (text.length > MAX_SESSION_TEXT_LENGTH) bad(`${text.length} characters, more than a session can take (${MAX_SESSION_TEXT_LENGTH})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    bad('not a microtls session file (not JSON)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('not a JSON object');
  const obj = parsed as Record<string, unknown>;
  if (obj.format !== SESSION_FORMAT) bad(`format is not "${SESSION_FORMAT}"`);
  // A newer writer may change meanings, not only add fields: refuse rather than guess.
  if (obj.version !== SESSION_FORMAT_VERSION) {
    throw new MicroTlsError('SSL_VERSION_MISMATCH', `session: file version ${String(obj.version)}, this microtls reads version ${SESSION_FORMAT_VERSION}`);
  }
  for (const key of Object.keys(obj)) if (!KNOWN_KEYS.has(key)) bad(`unknown key "${key}"`);
  for (const [key, , , , optional] of FIELDS) if (!optional && !(key in obj)) bad(`missing key "${key}"`);
  const session: Record<string, unknown> = {};
  for (const [key, kind] of FIELDS) if (key in obj) session[key] = readField(key, kind, obj[key]);
  validateSession(session as unknown as TlsSession);
  return session as unknown as TlsSession;
}

export interface SessionLifetimeOptions {
  /** Upper bound on a session's age, and the lifetime of a session without a ticket hint. Default 24 h. */
  maxAgeSeconds?: number;
}

/**
 * Seconds the session may be offered for: the ticket's hint when the server gave one (capped
 * at 7 days, RFC 8446's bound, and at maxAgeSeconds), otherwise maxAgeSeconds.
 */
export function sessionLifetimeSeconds(s: TlsSession, opts: SessionLifetimeOptions = {}): number {
  const maxAge = opts.maxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (s.ticket !== undefined && s.ticketLifetimeHint > 0) return Math.min(s.ticketLifetimeHint, MAX_TICKET_LIFETIME_SECONDS, maxAge);
  return maxAge;
}

/**
 * May `session` be offered when connecting to `serverName` at `now` (ms since the epoch)?
 * The name must be the same string: a session is a secret shared with one server, and
 * offering it to another name would let that server learn it was resumed (and, with a
 * stolen ticket key, impersonate the first). A clock that went backwards (now before
 * receivedAt) makes the age unknown, so the session is not used.
 */
export function isSessionUsable(session: TlsSession, serverName: string, now: number, opts: SessionLifetimeOptions = {}): boolean {
  if (session.serverName !== serverName) return false;
  const age = now - session.receivedAt;
  if (!(age >= 0)) return false;
  return age < sessionLifetimeSeconds(session, opts) * 1000;
}
