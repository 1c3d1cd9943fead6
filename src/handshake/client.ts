import { getDefaultProvider } from '../../hw/index.js';
import type { FullCryptoProvider } from '../../hw/provider.js';
import type { PublicKey, RsaPublicKey } from '../crypto/key-types.js';
import { rsaEncryptPkcs1v15 } from '../crypto/rsa.js';
import { concatBytes, constantTimeEqual, toHex } from '../encoding/bytes.js';
import { asMicroTlsError, MicroTlsError } from '../errors.js';
import { AlertDescription, AlertLevel, alertName, MAX_CONSECUTIVE_WARNING_ALERTS, tlsError, type Alert } from '../record/alerts.js';
import { CIPHERTEXT_EXPANSION, ContentType, hex16, MAX_CIPHERTEXT } from '../record/constants.js';
import { DEFAULT_MAX_HANDSHAKE_MESSAGE, HandshakeAssembler, type HandshakeMessage } from '../record/handshake-assembler.js';
import { RecordLayer, type TlsRecord } from '../record/record-layer.js';
import { parseCertificateRequest, planClientCertificate, type CertificateRequest } from '../client-auth/certificate-request.js';
import { encodeCertificateVerify } from '../client-auth/certificate-verify.js';
import type { ClientCredentials } from '../client-auth/credentials.js';
import { deriveMasterSecret } from '../session/ems.js';
import { negotiateExtensions, offeredExtensionList, type ExtensionOffer, type NegotiatedExtensions } from '../session/extensions.js';
import { parseNewSessionTicket, type NewSessionTicket } from '../session/new-session-ticket.js';
import { checkResumedServerHello, serverResumed, sessionFromHandshake, sessionMatchesOffer } from '../session/resumption.js';
import { isSessionUsable, type MaxFragmentLength, type TlsSession } from '../session/session.js';
import { getDefaultClock } from '../time/clock.js';
import { encodeCertificateMessage, parseCertificateMessage } from './certificate.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, type CipherSuite } from './cipher-suites.js';
import { encodeClientHello, isIpLiteral, serverNameExtension, signatureAlgorithmsExtension } from './client-hello.js';
import { encodeRsaClientKeyExchange, rsaPremasterSecret } from './client-key-exchange.js';
import { ExtensionType, HandshakeType, handshakeName } from './constants.js';
import { createProtection, deriveTrafficKeys, finishedVerifyData, type TrafficKeys } from './key-schedule.js';
import { handshakeMessage } from './message.js';
import {
  requireClockSet, resolveCredentials, resolveSuites, resolveVerifier, validateMaxFragmentLength, validateReceiveBufferSize, validateServerName,
  type CertificateVerifier, type TlsClientOptions, type VerifyOutcome,
} from './options.js';
import { parseServerHello } from './server-hello.js';
import { serverPublicKey } from './server-key.js';
import { OFFERED_SIGNATURE_ALGORITHMS } from './signature-algorithms.js';
import { Transcript } from './transcript.js';
import type { Clock } from '../time/clock.js';

export interface HandshakeTimings {
  /** `now()` values (ms) at ClientHello, ServerHello, ServerHelloDone and server Finished. */
  readonly start: number;
  readonly serverHello: number;
  readonly serverHelloDone: number;
  readonly finished: number;
  /** ClientHello to server Finished. */
  readonly handshakeMs: number;
}

export interface HandshakeInfo {
  readonly protocol: 'TLSv1.2';
  readonly cipherSuite: CipherSuite;
  /** DER, leaf first, as presented. */
  readonly peerCertificates: readonly Uint8Array[];
  readonly sessionId: Uint8Array;
  /** A session was offered in the ClientHello (ticket or session ID). */
  readonly sessionOffered: boolean;
  /** The server accepted it: abbreviated handshake, no certificates exchanged. */
  readonly resumed: boolean;
  readonly secureRenegotiation: boolean;
  readonly extendedMasterSecret: boolean;
  /** RFC 7366 in use (CBC suites only). */
  readonly encryptThenMac: boolean;
  /** RFC 6066 limit in force for records both ways, if any. */
  readonly maxFragmentLength: MaxFragmentLength | undefined;
  /** The NewSessionTicket of this handshake, if the server sent one. */
  readonly sessionTicket: NewSessionTicket | undefined;
  /**
   * What to pass as `session` next time (undefined when the server gave nothing to resume
   * with, no serverName was set, or the clock is not set, since expiry needs it).
   */
  readonly session: TlsSession | undefined;
  readonly certificateRequest: CertificateRequest | undefined;
  /** True when our certificate chain and CertificateVerify were sent. */
  readonly clientCertificateSent: boolean;
  readonly timings: HandshakeTimings;
}

/** Everything the engine tells its driver. Only `output` is required. */
export interface TlsClientEvents {
  /** Bytes to send to the server, in order. */
  output(bytes: Uint8Array): void;
  handshake?(info: HandshakeInfo): void;
  data?(bytes: Uint8Array): void;
  /** Every alert sent or received (close_notify included). */
  alert?(alert: Alert & { readonly sent: boolean }): void;
  /** The server's close_notify arrived (ours has been sent in reply): no more data either way. */
  close?(): void;
  /** The connection failed; the fatal alert (if any) is already in `output`. */
  error?(err: MicroTlsError): void;
  /** NSS key-log line for Wireshark: CLIENT_RANDOM <client random> <master secret>. */
  keylog?(line: string): void;
}

export type TlsClientState =
  | 'idle'
  | 'wait_server_hello'
  | 'wait_certificate'
  | 'wait_certificate_request_or_done'
  | 'wait_server_hello_done'
  | 'wait_new_session_ticket'
  | 'wait_change_cipher_spec'
  | 'wait_finished'
  | 'wait_resumed_new_session_ticket'
  | 'wait_resumed_change_cipher_spec'
  | 'wait_resumed_finished'
  | 'connected'
  | 'closed'
  | 'failed';

/** Input allowed to queue while the engine waits for an asynchronous certificate verifier: two records at the receive limit. */
function maxBufferedWhilePaused(receiveLimit: number): number {
  return 2 * (receiveLimit + CIPHERTEXT_EXPANSION + 5);
}
/** Output records are joined into one transport write only up to this many bytes. */
const MAX_FLUSH_JOIN = 16384;

type HandlerName = 'onServerHello' | 'onCertificate' | 'onCertificateRequest' | 'onServerHelloDone' | 'onNewSessionTicket' | 'onFinished' | 'onResumedFinished';

/**
 * The heart of the state machine: for each state, the handshake messages that may come
 * next and the method that handles each. Anything else is unexpected_message.
 * ChangeCipherSpec is a record type, not a handshake message; it is accepted only in the
 * states of AFTER_CHANGE_CIPHER_SPEC. HelloRequest is handled in every state (ignored during the
 * handshake, declined once afterwards) and never enters the transcript.
 */
const EXPECTED: Readonly<Record<TlsClientState, Readonly<Partial<Record<number, HandlerName>>>>> = {
  idle: {},
  wait_server_hello: { [HandshakeType.server_hello]: 'onServerHello' },
  wait_certificate: { [HandshakeType.certificate]: 'onCertificate' },
  wait_certificate_request_or_done: {
    [HandshakeType.certificate_request]: 'onCertificateRequest',
    [HandshakeType.server_hello_done]: 'onServerHelloDone',
  },
  wait_server_hello_done: { [HandshakeType.server_hello_done]: 'onServerHelloDone' },
  wait_new_session_ticket: { [HandshakeType.new_session_ticket]: 'onNewSessionTicket' },
  wait_change_cipher_spec: {},
  wait_finished: { [HandshakeType.finished]: 'onFinished' },
  // Abbreviated handshake (RFC 5246 7.3, RFC 5077 3.1): after a ServerHello that resumed,
  // the server's CCS and Finished come first, then ours.
  wait_resumed_new_session_ticket: { [HandshakeType.new_session_ticket]: 'onNewSessionTicket' },
  wait_resumed_change_cipher_spec: {},
  wait_resumed_finished: { [HandshakeType.finished]: 'onResumedFinished' },
  connected: {},
  closed: {},
  failed: {},
};

/** The states that accept ChangeCipherSpec, and the state it leads to. */
const AFTER_CHANGE_CIPHER_SPEC: Readonly<Partial<Record<TlsClientState, TlsClientState>>> = {
  wait_change_cipher_spec: 'wait_finished',
  wait_resumed_change_cipher_spec: 'wait_resumed_finished',
};

export class TlsClient {
  // Fields without an initializer are `declare`d: as class fields they would each become an
  // `= undefined` assignment in every device bundle, for values the constructor or a later
  // handshake step sets anyway.
  private declare readonly provider: FullCryptoProvider;
  private declare readonly random: (n: number) => Uint8Array;
  private declare readonly now: () => number;
  private declare readonly suites: CipherSuite[];
  private declare readonly verifier: CertificateVerifier | undefined;
  private declare readonly verifyClock: Clock | undefined;
  private declare readonly trustId: string | undefined;
  private readonly records = new RecordLayer();
  private declare readonly assembler: HandshakeAssembler;
  private declare readonly transcript: Transcript;
  private readonly offeredExtensions = new Set<number>();
  private readonly out: Uint8Array[] = [];
  private declare readonly credentials: ClientCredentials | undefined;
  private declare readonly maxFragmentLength: MaxFragmentLength | undefined;
  /** Wall clock for session lifetimes (undefined while not set: then no session is offered or stored). */
  private declare readonly sessionClock: () => number | undefined;

  private stateValue: TlsClientState = 'idle';
  private busy = false;
  private paused = false;
  private closeSent = false;
  /** A no_renegotiation warning was sent (once per connection, see onHelloRequest). */
  private renegotiationDeclined = false;
  /** Warning alerts received in a row (see MAX_CONSECUTIVE_WARNING_ALERTS). */
  private warningsInARow = 0;
  private declare failure: MicroTlsError | undefined;

  private clientRandom = new Uint8Array(32);
  private serverRandom = new Uint8Array(32);
  private sessionId = new Uint8Array(0);
  private declare suite: CipherSuite | undefined;
  private chain: Uint8Array[] = [];
  private declare serverKey: RsaPublicKey | undefined;
  private declare masterSecret: Uint8Array | undefined;
  private secureRenegotiation = false;
  private declare ticket: NewSessionTicket | undefined;
  private declare certRequest: CertificateRequest | undefined;
  private clientCertificateSent = false;
  /** Why an empty Certificate answered the server's CertificateRequest, for the error if the server then refuses. */
  private declare clientCertificateSkipped: string | undefined;
  private declare offer: ExtensionOffer | undefined;
  private declare negotiated: NegotiatedExtensions | undefined;
  /** The session put in the ClientHello, if any. */
  private declare offeredSession: TlsSession | undefined;
  private resumed = false;
  /** Both directions' keys, once derived (see trafficKeys). */
  private declare keyBlock: { client: TrafficKeys; server: TrafficKeys } | undefined;
  private readonly times = { start: 0, serverHello: 0, serverHelloDone: 0, finished: 0 };
  private declare info: HandshakeInfo | undefined;

  private declare readonly options: TlsClientOptions;
  private declare readonly events: TlsClientEvents;

  constructor(options: TlsClientOptions, events: TlsClientEvents) {
    this.options = options;
    this.events = events;
    // Configuration errors surface here, before any byte goes out.
    this.provider = options.provider ?? getDefaultProvider();
    const resolved = resolveVerifier(options, this.provider);
    this.verifier = resolved.verify;
    this.verifyClock = resolved.clock;
    this.trustId = resolved.trustId;
    validateServerName(options.serverName);
    if (options.verify === true && options.serverName === undefined) {
      // Without a name the chain check would pass any certificate the CA ever issued
      // (Mbed TLS 3.6.3 refuses this too, CVE-2025-27809).
      throw new MicroTlsError('SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME',
        'verify: true needs serverName, the DNS name or IP the certificate must match');
    }
    this.suites = resolveSuites(options.cipherSuites);
    const source = options.random ?? ((n: number) => this.provider.randomBytes(n));
    // Randoms, premaster and IVs are secrets: a source that returns short would leave zero bytes in them.
    this.random = (n) => {
      const r = source(n);
      if (!(r instanceof Uint8Array) || r.length !== n) {
        throw new MicroTlsError('SSL_NO_RNG', `random source returned ${r instanceof Uint8Array ? r.length : 'no'} bytes, not ${n}`);
      }
      return r;
    };
    this.now = options.now ?? (() => Date.now());
    const max = options.maxHandshakeMessageSize ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
    if (!(Number.isInteger(max) && max >= 1024 && max <= 0xffffff)) {
      throw new MicroTlsError('SSL_BAD_CONFIG', `maxHandshakeMessageSize must be an integer 1024..16777215, got ${max}`);
    }
    this.assembler = new HandshakeAssembler(max);
    this.credentials = resolveCredentials(options);
    this.maxFragmentLength = validateMaxFragmentLength(options.maxFragmentLength);
    this.records.setReceiveCapacity(validateReceiveBufferSize(options.receiveBufferSize, this.maxFragmentLength));
    const clock = options.clock ?? getDefaultClock();
    this.sessionClock = () => clock.now()?.getTime();
    // Only a client that may have to sign the transcript keeps its messages (see Transcript).
    this.transcript = new Transcript(this.provider, this.credentials !== undefined);
  }

  get state(): TlsClientState {
    return this.stateValue;
  }

  /** Set once the handshake completed. */
  get handshake(): HandshakeInfo | undefined {
    return this.info;
  }

  get error(): MicroTlsError | undefined {
    return this.failure;
  }

  get cipherSuite(): CipherSuite | undefined {
    return this.suite;
  }

  /** DER certificates the server presented, leaf first. */
  get peerCertificates(): readonly Uint8Array[] {
    return this.chain;
  }

  /** Sends the ClientHello. */
  start(): void {
    if (this.stateValue !== 'idle') throw new MicroTlsError('SSL_BAD_INPUT_DATA', 'start() called twice');
    this.guard(() => {
      requireClockSet(this.verifyClock);
      this.times.start = this.now();
      this.clientRandom = this.random(32).slice();
      const extensions: [number, Uint8Array][] = [];
      const host = this.options.serverName;
      if (host !== undefined && !isIpLiteral(host)) extensions.push([ExtensionType.server_name, serverNameExtension(host)]);
      extensions.push([ExtensionType.signature_algorithms, signatureAlgorithmsExtension(OFFERED_SIGNATURE_ALGORITHMS)]);
      const tickets = this.options.sessionTickets !== false;
      const baseOffer: ExtensionOffer = {
        sessionTicket: tickets,
        extendedMasterSecret: this.options.extendedMasterSecret !== false,
        // RFC 7366 changes only CBC records: with AEAD suites alone it would be 4 wasted bytes.
        encryptThenMac: this.options.encryptThenMac !== false && this.suites.some((s) => s.mode === 'cbc'),
        maxFragmentLength: this.maxFragmentLength,
      };
      const session = this.resumableSession(baseOffer, tickets);
      if (session?.ticket !== undefined && tickets) {
        // RFC 5077 3.4: a fresh session ID, echoed by a server that accepts the ticket.
        this.sessionId = this.random(32).slice();
        this.offer = { ...baseOffer, sessionTicket: session.ticket };
      } else {
        if (session) this.sessionId = session.sessionId.slice();
        this.offer = baseOffer;
      }
      this.offeredSession = session;
      extensions.push(...offeredExtensionList(this.offer));
      for (const [type] of extensions) this.offeredExtensions.add(type);
      // Secure renegotiation is signalled with the SCSV instead of an empty extension (RFC 5746 3.3).
      this.offeredExtensions.add(ExtensionType.renegotiation_info);
      const hello = encodeClientHello({
        random: this.clientRandom,
        sessionId: this.sessionId,
        cipherSuites: this.suites.map((s) => s.code).concat(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
        extensions,
      });
      this.transcript.add(hello);
      this.sendRecords(ContentType.handshake, hello);
      this.stateValue = 'wait_server_hello';
    });
  }

  /**
   * The `session` option if it may be offered: same server name, not expired by the
   * session clock, its suite still offered, verified if we verify, and resumable with this offer (EMS, MFL). Any
   * other session is left out silently: the handshake is then simply a full one.
   */
  private resumableSession(offer: ExtensionOffer, tickets: boolean): TlsSession | undefined {
    const s = this.options.session;
    const now = this.sessionClock();
    if (!s || now === undefined || this.options.serverName === undefined) return undefined;
    if (!isSessionUsable(s, this.options.serverName, now)) return undefined;
    if (!this.suites.some((suite) => suite.code === s.cipherSuite)) return undefined;
    // Resuming skips the certificate: a verifying client must not inherit an unverified session.
    if (this.verifier && !s.serverVerified) return undefined;
    // ...nor one verified by another verifier (other CA certificates, rules or function).
    if (this.verifier && (this.trustId === undefined || s.verifiedWith !== this.trustId)) return undefined;
    if (s.ticket !== undefined && !tickets && s.sessionId.length === 0) return undefined;
    return sessionMatchesOffer(s, offer) ? s : undefined;
  }

  /** Bytes from the server, in any chunking. Never throws: failures become the error event. */
  receive(bytes: Uint8Array): void {
    if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.records.feed(bytes);
    if (this.paused && this.records.buffered > maxBufferedWhilePaused(this.records.receiveLimit)) {
      // A server has nothing to send while we verify its certificate; one flooding us
      // must not grow the buffer without bound.
      this.fail(tlsError('SSL_BUFFER_TOO_SMALL', 'unexpected_message',
        `server sent ${this.records.buffered} bytes during certificate verification`));
      return;
    }
    this.pump();
  }

  /**
   * Application data; split into records of at most 2^14 bytes. An empty write sends one
   * empty application_data record (legal, and what Mbed TLS does), e.g. as a liveness probe.
   */
  write(data: Uint8Array): void {
    if (this.stateValue !== 'connected' || this.closeSent) {
      throw new MicroTlsError('SSL_BAD_INPUT_DATA', `cannot write application data in state ${this.stateValue}${this.closeSent ? ' after close' : ''}`);
    }
    // Not through guard(): an MQTT answer is written from inside receive(), and each nested
    // method frame holds locks on `this` in Espruino (see pump).
    try {
      this.sendRecords(ContentType.applicationData, data);
    } catch (e) {
      this.fail(e);
      return;
    }
    this.flush();
  }

  /** Sends close_notify. The server's close_notify later arrives as the close event. */
  close(): void {
    if (this.closeSent || this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.guard(() => this.sendAlert(AlertLevel.warning, AlertDescription.close_notify));
    if (this.stateValue !== 'connected') this.stateValue = 'closed';
  }

  /** The driver gave up (timeout, socket error): records the error, sends no alert. */
  abort(err: MicroTlsError): void {
    if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.terminate(err);
  }

  // ---- input processing ---------------------------------------------------------------

  private pump(): void {
    if (this.busy) return; // re-entered from an event handler; the running loop continues
    this.busy = true;
    try {
      while (!this.paused && this.stateValue !== 'failed' && this.stateValue !== 'closed') {
        const msg = this.assembler.next();
        if (msg) {
          // The handler is called from here, not from within dispatch(): Espruino holds about two
          // locks on `this` per nested method frame and, at its maximum of 15, never frees the
          // object again (espruino/Espruino#2616 upstream), so the deepest handshake path is kept to 5 frames.
          const handler = this.dispatch(msg);
          const pending = this[handler](msg);
          if (pending) {
            this.paused = true;
            pending.then(
              () => { this.paused = false; this.flush(); this.pump(); },
              (e: unknown) => { this.paused = false; this.fail(e); },
            );
          }
          continue;
        }
        const rec = this.records.nextRecord();
        if (!rec) break;
        this.onRecord(rec);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.busy = false;
      this.flush();
    }
  }

  private onRecord(rec: TlsRecord): void {
    if (this.assembler.midMessage && rec.type !== ContentType.handshake && rec.type !== ContentType.alert) {
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message', `${rec.type === ContentType.changeCipherSpec ? 'ChangeCipherSpec' : 'application data'} inside a fragmented handshake message`);
    }
    if (rec.type !== ContentType.alert) this.warningsInARow = 0;
    switch (rec.type) {
      case ContentType.handshake:
        this.assembler.push(rec.fragment);
        return;
      case ContentType.alert:
        this.onAlert(rec.fragment);
        return;
      case ContentType.changeCipherSpec:
        this.onChangeCipherSpec(rec.fragment);
        return;
      case ContentType.applicationData:
        if (this.stateValue !== 'connected') {
          throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message', `application data before the handshake finished (state ${this.stateValue})`);
        }
        // Called here, not through tell(): what the application does with the data (an MQTT
        // answer written at once) runs one method frame less deep (see pump).
        if (rec.fragment.length > 0 && this.events.data) this.events.data(rec.fragment);
        return;
    }
  }

  /** The handler of `msg` in this state (the message is in the transcript then). */
  private dispatch(msg: HandshakeMessage): HandlerName | 'onHelloRequest' {
    if (msg.type === HandshakeType.hello_request) return 'onHelloRequest';
    const handler = EXPECTED[this.stateValue][msg.type];
    if (!handler) {
      const expected = Object.keys(EXPECTED[this.stateValue]).map((t) => handshakeName(Number(t)));
      if (AFTER_CHANGE_CIPHER_SPEC[this.stateValue]) expected.push('ChangeCipherSpec');
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message',
        `received ${handshakeName(msg.type)} while waiting for ${expected.join(' or ') || 'nothing'} (state ${this.stateValue})`);
    }
    // Finished is checked against the transcript before it; it adds itself afterwards.
    if (msg.type !== HandshakeType.finished) this.transcript.add(msg.raw);
    return handler;
  }

  private onAlert(fragment: Uint8Array): void {
    if (fragment.length !== 2) {
      throw tlsError('SSL_INVALID_RECORD', 'decode_error', `alert of ${fragment.length} bytes, not 2`);
    }
    const level = fragment[0]!;
    const description = fragment[1]!;
    const alert = { level, description, name: alertName(description), sent: false };
    this.tell('alert', alert);
    if (level === AlertLevel.fatal) {
      // Whatever alert a server sends after asking for a certificate we did not have, that is the cause to report.
      const skipped = this.stateValue === 'connected' ? undefined : this.clientCertificateSkipped;
      const err = new MicroTlsError('SSL_FATAL_ALERT_MESSAGE',
        `server sent fatal alert ${alert.name} (${description})${this.stateValue === 'connected' ? '' : ` during the handshake (state ${this.stateValue})`}`
        + (skipped ? `; it asked for a client certificate (CertificateRequest) and none was sent: ${skipped}` : ''),
        { receivedAlert: description, ...(skipped ? { certificateRequested: true, clientCertificateConfigured: this.credentials !== undefined } : {}) });
      this.terminate(err);
      return;
    }
    if (level !== AlertLevel.warning) {
      throw tlsError('SSL_INVALID_RECORD', 'illegal_parameter', `alert with unknown level ${level}`);
    }
    if (description !== AlertDescription.close_notify && ++this.warningsInARow >= MAX_CONSECUTIVE_WARNING_ALERTS) {
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message',
        `${this.warningsInARow} warning alerts in a row (last: ${alert.name}; at most ${MAX_CONSECUTIVE_WARNING_ALERTS - 1} accepted)`);
    }
    if (description === AlertDescription.close_notify) {
      // RFC 5246 7.2.1: answer with our own close_notify, then the connection is over.
      if (!this.closeSent) this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.stateValue = 'closed';
      this.assembler.clear();
      // Our close_notify must reach the driver before it reacts to the close by ending the transport.
      this.flush();
      this.tell('close');
    }
    // Other warnings (no_renegotiation, user_canceled) carry no action for a client.
  }

  private onChangeCipherSpec(fragment: Uint8Array): void {
    const next = AFTER_CHANGE_CIPHER_SPEC[this.stateValue];
    if (!next) {
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message', `ChangeCipherSpec received in state ${this.stateValue}`);
    }
    if (fragment.length !== 1 || fragment[0] !== 1) {
      throw tlsError('SSL_BAD_HS_CHANGE_CIPHER_SPEC', 'decode_error', 'ChangeCipherSpec must be the single byte 1');
    }
    this.records.setReadProtection(createProtection(this.provider, this.suite!, this.trafficKeys().server, this.random, this.negotiated!.encryptThenMac));
    this.stateValue = next;
  }

  // ---- handshake message handlers (called through EXPECTED) ------------------------------

  private onServerHello(msg: HandshakeMessage): void {
    const sh = parseServerHello(msg.body);
    if (sh.version !== 0x0303) {
      throw tlsError('SSL_BAD_HS_PROTOCOL_VERSION', 'protocol_version',
        `server chose version ${hex16(sh.version)}; only TLS 1.2 (0x0303) is supported`);
    }
    const suite = this.suites.find((s) => s.code === sh.cipherSuite);
    if (!suite) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter',
        `server chose cipher suite ${hex16(sh.cipherSuite)}, not offered`);
    }
    if (sh.compression !== 0) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter', `server chose compression ${sh.compression}, not offered`);
    }
    for (const ext of sh.extensions) {
      const type = ext.type;
      const data = ext.body;
      if (!this.offeredExtensions.has(type)) {
        throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'unsupported_extension', `server sent extension ${type}, not offered`);
      }
      if (type === ExtensionType.renegotiation_info) {
        // Initial handshake: renegotiated_connection must be empty (RFC 5746 3.4).
        if (data.length !== 1 || data[0] !== 0) {
          throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'handshake_failure', 'renegotiation_info not empty');
        }
        this.secureRenegotiation = true;
      } else if (type === ExtensionType.server_name) {
        if (data.length !== 0) throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'decode_error', `extension ${type} must be empty`);
      }
      // The offered optional extensions (ticket, EMS, ETM, MFL) are checked by negotiateExtensions below.
    }
    if (!this.secureRenegotiation && this.options.requireSecureRenegotiation) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'handshake_failure', 'requireSecureRenegotiation: server lacks secure renegotiation (RFC 5746)');
    }
    let negotiated = negotiateExtensions(sh.extensions, this.offer!, suite.mode === 'cbc');
    const session = this.offeredSession;
    this.resumed = session !== undefined && serverResumed(this.sessionId, sh.sessionId);
    if (this.resumed) {
      checkResumedServerHello(session!, suite.code, negotiated);
      // RFC 6066 4: the limit is a property of the session; a server need not repeat it.
      if (negotiated.maxFragmentLength === undefined && session!.maxFragmentLength !== undefined) {
        negotiated = { ...negotiated, maxFragmentLength: session!.maxFragmentLength };
      }
      this.masterSecret = session!.masterSecret.slice();
    }
    this.negotiated = negotiated;
    this.suite = suite;
    this.serverRandom = sh.random.slice();
    this.sessionId = sh.sessionId.slice();
    this.records.strictVersion = true;
    if (negotiated.maxFragmentLength !== undefined) this.records.setMaxFragmentLength(negotiated.maxFragmentLength, this.options.acceptLargerRecords === true);
    this.transcript.start(suite.prfHash);
    this.times.serverHello = this.now();
    if (this.resumed) {
      this.transcript.release();
      this.logKeys();
      this.stateValue = negotiated.sessionTicket ? 'wait_resumed_new_session_ticket' : 'wait_resumed_change_cipher_spec';
    } else {
      this.stateValue = 'wait_certificate';
    }
  }

  private onCertificate(msg: HandshakeMessage): void | Promise<void> {
    const chain = parseCertificateMessage(msg.body);
    if (chain.length === 0) {
      throw tlsError('SSL_BAD_HS_CERTIFICATE', 'decode_error', 'server sent an empty certificate chain');
    }
    this.chain = chain.map((c) => c.slice());
    if (!this.verifier) {
      this.acceptServerKey(serverPublicKey(this.chain[0]!, false));
      return;
    }
    // Verification first (as Mbed TLS does): an untrusted chain is the more useful error.
    const outcome = this.verifier({ chain: this.chain, serverName: this.options.serverName });
    if (outcome instanceof Promise) {
      return outcome.then((o) => {
        // The connection may have ended while the verifier ran (abort, close): a late
        // verdict must not move a failed or closed engine back into the handshake.
        if (this.stateValue !== 'wait_certificate') return;
        this.applyVerifyOutcome(o);
      });
    }
    this.applyVerifyOutcome(outcome);
  }

  private applyVerifyOutcome(o: VerifyOutcome): void {
    if (!o.ok) {
      throw new MicroTlsError(o.code ?? 'X509_CERT_VERIFY_FAILED', `server certificate verification failed: ${o.reason}`,
        { alert: AlertDescription[o.alert ?? 'bad_certificate'], flags: o.flags ?? 0, chain: this.chain });
    }
    // The key of the certificate the verifier parsed and checked, not a second parse.
    this.acceptServerKey(o.chain?.[0]?.publicKey ?? serverPublicKey(this.chain[0]!, true));
  }

  private acceptServerKey(key: PublicKey): void {
    if (key.type !== 'rsa') {
      throw tlsError('SSL_PK_TYPE_MISMATCH', 'handshake_failure',
        `server certificate has an ${key.type.toUpperCase()} key; RSA key exchange needs an RSA server certificate`);
    }
    this.serverKey = key;
    this.stateValue = 'wait_certificate_request_or_done';
  }

  private onCertificateRequest(msg: HandshakeMessage): void {
    this.certRequest = parseCertificateRequest(msg.body);
    this.stateValue = 'wait_server_hello_done';
  }

  private onServerHelloDone(msg: HandshakeMessage): void {
    if (msg.body.length !== 0) throw tlsError('SSL_BAD_HS_SERVER_HELLO_DONE', 'decode_error', 'ServerHelloDone must be empty');
    this.times.serverHelloDone = this.now();
    const suite = this.suite!;
    const flight: Uint8Array[] = [];
    const plan = this.certRequest ? planClientCertificate(this.certRequest, this.credentials) : undefined;
    if (plan?.send === 'empty') this.clientCertificateSkipped = plan.reason;
    if (plan) {
      // Without a usable certificate an empty one lets servers that only request (not
      // require) client authentication continue (RFC 5246 7.4.6); the policy is theirs.
      const cert = encodeCertificateMessage(plan.send === 'chain' ? plan.chain : []);
      this.transcript.add(cert);
      flight.push(cert);
    }
    const premaster = rsaPremasterSecret(this.random);
    const cke = encodeRsaClientKeyExchange(rsaEncryptPkcs1v15(this.serverKey!, premaster, this.random, this.provider));
    this.transcript.add(cke);
    flight.push(cke);
    // RFC 7627 4: the session hash covers ClientHello through ClientKeyExchange, not CertificateVerify.
    this.masterSecret = deriveMasterSecret(this.provider, suite.prfHash, premaster, this.negotiated!.extendedMasterSecret
      ? { extendedMasterSecret: true, sessionHash: this.transcript.digest() }
      : { extendedMasterSecret: false, clientRandom: this.clientRandom, serverRandom: this.serverRandom });
    premaster.fill(0);
    if (plan?.send === 'chain') {
      const body = encodeCertificateVerify(this.credentials!.key, plan.scheme, (h) => this.transcript.digestWith(h), this.random, this.provider);
      const verify = handshakeMessage(HandshakeType.certificate_verify, body);
      this.transcript.add(verify);
      flight.push(verify);
      this.clientCertificateSent = true;
    }
    this.transcript.release();
    this.logKeys();
    this.sendRecords(ContentType.handshake, concatBytes(...flight));
    this.sendChangeCipherSpecAndFinished();
    this.stateValue = this.negotiated!.sessionTicket ? 'wait_new_session_ticket' : 'wait_change_cipher_spec';
  }

  /**
   * The key block (RFC 5246 6.3), derived once per handshake: both directions come from the
   * same PRF output, and deriving it for each ChangeCipherSpec would double the PRF work.
   */
  private trafficKeys(): { client: TrafficKeys; server: TrafficKeys } {
    this.keyBlock ??= deriveTrafficKeys(this.provider, this.suite!, this.masterSecret!, this.clientRandom, this.serverRandom);
    return this.keyBlock;
  }

  /** Our ChangeCipherSpec, then Finished under the new keys (which then enters the transcript). */
  private sendChangeCipherSpecAndFinished(): void {
    const suite = this.suite!;
    this.out.push(this.records.seal(ContentType.changeCipherSpec, Uint8Array.of(1)));
    this.records.setWriteProtection(createProtection(this.provider, suite, this.trafficKeys().client, this.random, this.negotiated!.encryptThenMac));
    const verifyData = finishedVerifyData(this.provider, suite, this.masterSecret!, 'client finished', this.transcript.digest());
    const finished = handshakeMessage(HandshakeType.finished, verifyData);
    this.transcript.add(finished);
    this.sendRecords(ContentType.handshake, finished);
  }

  private onNewSessionTicket(msg: HandshakeMessage): void {
    this.ticket = parseNewSessionTicket(msg.body);
    this.stateValue = this.resumed ? 'wait_resumed_change_cipher_spec' : 'wait_change_cipher_spec';
  }

  /** Checks the server's Finished against the transcript before it, then adds it. */
  private checkServerFinished(msg: HandshakeMessage): void {
    if (msg.body.length !== 12) throw tlsError('SSL_BAD_HS_FINISHED', 'decode_error', `Finished of ${msg.body.length} bytes, not 12`);
    const expected = finishedVerifyData(this.provider, this.suite!, this.masterSecret!, 'server finished', this.transcript.digest());
    if (!constantTimeEqual(expected, msg.body)) {
      throw tlsError('SSL_BAD_HS_FINISHED', 'decrypt_error', 'server Finished does not match the handshake');
    }
    this.transcript.add(msg.raw);
  }

  private onFinished(msg: HandshakeMessage): void {
    this.checkServerFinished(msg);
    this.complete();
  }

  /** Abbreviated handshake: the server finished first; our CCS and Finished complete it. */
  private onResumedFinished(msg: HandshakeMessage): void {
    this.checkServerFinished(msg);
    this.sendChangeCipherSpecAndFinished();
    this.complete();
  }

  private complete(): void {
    this.times.finished = this.now();
    this.stateValue = 'connected';
    // Both record protections hold what they need; the key block itself is not kept.
    this.keyBlock = undefined;
    const t = this.times;
    const n = this.negotiated!;
    this.info = {
      protocol: 'TLSv1.2',
      cipherSuite: this.suite!,
      peerCertificates: this.chain,
      sessionId: this.sessionId,
      sessionOffered: this.offeredSession !== undefined,
      resumed: this.resumed,
      secureRenegotiation: this.secureRenegotiation,
      extendedMasterSecret: n.extendedMasterSecret,
      encryptThenMac: n.encryptThenMac,
      maxFragmentLength: n.maxFragmentLength,
      sessionTicket: this.ticket,
      session: this.sessionToKeep(),
      certificateRequest: this.certRequest,
      clientCertificateSent: this.clientCertificateSent,
      timings: { ...t, handshakeMs: t.finished - t.start },
    };
    this.tell('handshake', this.info);
  }

  /**
   * After a full handshake, the new session; after a resumption, the same session, or a
   * refreshed one when the server sent a new ticket (its lifetime counts from now).
   */
  private sessionToKeep(): TlsSession | undefined {
    const now = this.sessionClock();
    const serverName = this.options.serverName;
    // No clock, no expiry: a session that could outlive its ticket is not kept at all.
    if (now === undefined || serverName === undefined) return undefined;
    const fresh = (this.ticket?.ticket.length ?? 0) > 0;
    if (this.resumed && !fresh) return this.offeredSession;
    return sessionFromHandshake({
      cipherSuite: this.suite!.code,
      masterSecret: this.masterSecret!,
      sessionId: this.sessionId,
      serverName,
      negotiated: this.negotiated!,
      newTicket: this.ticket,
      now,
      // A refreshed session inherits the verification of the handshake that made its secret.
      serverVerified: this.resumed ? this.offeredSession!.serverVerified === true : this.verifier !== undefined,
      verifiedWith: this.resumed ? this.offeredSession!.verifiedWith : this.trustId,
    });
  }

  private onHelloRequest(msg: HandshakeMessage): void {
    if (msg.body.length !== 0) throw tlsError('SSL_UNEXPECTED_MESSAGE', 'decode_error', 'HelloRequest must be empty');
    // During a handshake it is ignored (RFC 5246 7.4.1.1); afterwards we decline: microtls
    // never renegotiates, and a warning keeps the connection usable. Declined once only:
    // later ones are ignored (the client MAY), since an alert per 4-byte request would let a
    // server that does not read make us queue output without bound.
    if (this.stateValue === 'connected' && !this.closeSent && !this.renegotiationDeclined) {
      this.renegotiationDeclined = true;
      this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
    }
  }

  // ---- output and failure -------------------------------------------------------------

  /** `data` in records of at most maxFragmentLength bytes; empty data is one empty record. */
  private sendRecords(type: number, data: Uint8Array): void {
    const max = this.records.maxFragmentLength;
    let off = 0;
    do {
      const end = Math.min(off + max, data.length);
      this.out.push(this.records.seal(type, data.subarray(off, end)));
      off = end;
    } while (off < data.length);
  }

  private sendAlert(level: number, description: number): void {
    this.out.push(this.records.seal(ContentType.alert, Uint8Array.of(level, description)));
    if (description === AlertDescription.close_notify) this.closeSent = true;
    this.tell('alert', { level, description, name: alertName(description), sent: true });
  }

  /**
   * One output call per burst of small records (a whole handshake flight goes out as one
   * transport write); bulk application data goes record by record, since joining
   * megabytes would only add a copy (drivers can cork their transport instead).
   */
  private flush(): void {
    const n = this.out.length;
    if (n === 0) return;
    let total = 0;
    for (const b of this.out) total += b.length;
    const parts = n === 1 || total > MAX_FLUSH_JOIN ? this.out.splice(0, n) : [concatBytes(...this.out.splice(0, n))];
    for (const p of parts) this.events.output(p);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.flush();
  }

  private fail(e: unknown): void {
    const err = asMicroTlsError(e, 'SSL_INTERNAL_ERROR', 'internal error');
    if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
    const alert = err.info['alert'];
    try {
      this.sendAlert(AlertLevel.fatal, typeof alert === 'number' ? alert : AlertDescription.internal_error);
    } catch {
      // Sealing can only fail on counter exhaustion; the connection is lost either way.
    }
    this.flush();
    this.terminate(err);
  }

  private terminate(err: MicroTlsError): void {
    this.failure = err;
    this.stateValue = 'failed';
    this.assembler.clear();
    this.masterSecret?.fill(0);
    this.keyBlock = undefined;
    this.flush();
    this.tell('error', err);
  }

  /** The driver's handler for `event`, if it has one (only `output` is required). */
  private tell<K extends Exclude<keyof TlsClientEvents, 'output'>>(event: K, arg?: Parameters<NonNullable<TlsClientEvents[K]>>[0]): void {
    const handler = this.events[event] as ((a: unknown) => void) | undefined;
    if (handler) handler.call(this.events, arg);
  }

  private logKeys(): void {
    if (this.events.keylog) this.tell('keylog', `CLIENT_RANDOM ${toHex(this.clientRandom)} ${toHex(this.masterSecret!)}`);
  }
}

