import { getDefaultProvider } from '../../hw/index.js';
import type { FullCryptoProvider } from '../../hw/provider.js';
import type { PublicKey, RsaPublicKey } from '../crypto/key-types.js';
import { rsaEncryptPkcs1v15 } from '../crypto/rsa.js';
import { concatBytes, constantTimeEqual, toHex } from '../encoding/bytes.js';
import { asMicroTlsError, MicroTlsError } from '../errors.js';
import { AlertDescription, AlertLevel, alertName, tlsError, type Alert } from '../record/alerts.js';
import { ContentType, MAX_CIPHERTEXT, MAX_PLAINTEXT } from '../record/constants.js';
import { DEFAULT_MAX_HANDSHAKE_MESSAGE, HandshakeAssembler, type HandshakeMessage } from '../record/handshake-assembler.js';
import { RecordLayer, type TlsRecord } from '../record/record-layer.js';
import { parseCertificateRequest, type CertificateRequest } from './certificate-request.js';
import { encodeCertificateMessage, parseCertificateMessage } from './certificate.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, type CipherSuite } from './cipher-suites.js';
import { encodeClientHello, isIpLiteral, serverNameExtension, signatureAlgorithmsExtension } from './client-hello.js';
import { encodeRsaClientKeyExchange, rsaPremasterSecret } from './client-key-exchange.js';
import { ExtensionType, HandshakeType, handshakeName } from './constants.js';
import { createProtection, deriveMasterSecret, deriveTrafficKeys, finishedVerifyData } from './key-schedule.js';
import { handshakeMessage } from './message.js';
import { parseNewSessionTicket, type NewSessionTicket } from './new-session-ticket.js';
import {
  requireClockSet, resolveSuites, resolveVerifier, validateServerName,
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
  readonly resumed: boolean;
  readonly secureRenegotiation: boolean;
  readonly sessionTicket: NewSessionTicket | undefined;
  readonly certificateRequest: CertificateRequest | undefined;
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
  | 'connected'
  | 'closed'
  | 'failed';

/** Input allowed to queue while the engine waits for an asynchronous certificate verifier. */
const MAX_BUFFERED_WHILE_PAUSED = 2 * (MAX_CIPHERTEXT + 5);

type HandlerName = 'onServerHello' | 'onCertificate' | 'onCertificateRequest' | 'onServerHelloDone' | 'onNewSessionTicket' | 'onFinished';

/**
 * The heart of the state machine: for each state, the handshake messages that may come
 * next and the method that handles each. Anything else is unexpected_message.
 * ChangeCipherSpec is a record type, not a handshake message; it is accepted only in
 * wait_change_cipher_spec. HelloRequest is handled in every state (ignored during the
 * handshake, declined afterwards) and never enters the transcript.
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
  connected: {},
  closed: {},
  failed: {},
};

export class TlsClient {
  private readonly provider: FullCryptoProvider;
  private readonly random: (n: number) => Uint8Array;
  private readonly now: () => number;
  private readonly suites: CipherSuite[];
  private readonly verifier: CertificateVerifier | undefined;
  private readonly verifyClock: Clock | undefined;
  private readonly records = new RecordLayer();
  private readonly assembler: HandshakeAssembler;
  private readonly transcript: Transcript;
  private readonly offeredExtensions = new Set<number>();
  private readonly out: Uint8Array[] = [];

  private stateValue: TlsClientState = 'idle';
  private busy = false;
  private paused = false;
  private closeSent = false;
  private failure: MicroTlsError | undefined;

  private clientRandom = new Uint8Array(32);
  private serverRandom = new Uint8Array(32);
  private sessionId = new Uint8Array(0);
  private suite: CipherSuite | undefined;
  private chain: Uint8Array[] = [];
  private serverKey: RsaPublicKey | undefined;
  private masterSecret: Uint8Array | undefined;
  private ticketExpected = false;
  private secureRenegotiation = false;
  private ticket: NewSessionTicket | undefined;
  private certRequest: CertificateRequest | undefined;
  private readonly times = { start: 0, serverHello: 0, serverHelloDone: 0, finished: 0 };
  private info: HandshakeInfo | undefined;

  constructor(private readonly options: TlsClientOptions, private readonly events: TlsClientEvents) {
    // Configuration errors surface here, before any byte goes out.
    this.provider = options.provider ?? getDefaultProvider();
    const resolved = resolveVerifier(options, this.provider);
    this.verifier = resolved.verify;
    this.verifyClock = resolved.clock;
    validateServerName(options.serverName);
    this.suites = resolveSuites(options.cipherSuites);
    this.random = options.random ?? ((n) => this.provider.randomBytes(n));
    this.now = options.now ?? (() => Date.now());
    const max = options.maxHandshakeMessageSize ?? DEFAULT_MAX_HANDSHAKE_MESSAGE;
    if (!(Number.isInteger(max) && max >= 1024 && max <= 0xffffff)) {
      throw new MicroTlsError('SSL_BAD_CONFIG', `maxHandshakeMessageSize ${max} must be an integer between 1024 and 16777215`);
    }
    this.assembler = new HandshakeAssembler(max);
    this.transcript = new Transcript(this.provider);
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
      if (this.options.sessionTickets !== false) extensions.push([ExtensionType.session_ticket, new Uint8Array(0)]);
      for (const [type] of extensions) this.offeredExtensions.add(type);
      // Secure renegotiation is signalled with the SCSV instead of an empty extension (RFC 5746 3.3).
      this.offeredExtensions.add(ExtensionType.renegotiation_info);
      const hello = encodeClientHello({
        random: this.clientRandom,
        sessionId: this.sessionId,
        cipherSuites: [...this.suites.map((s) => s.code), TLS_EMPTY_RENEGOTIATION_INFO_SCSV],
        extensions,
      });
      this.transcript.add(hello);
      this.sendHandshake(hello);
      this.stateValue = 'wait_server_hello';
    });
  }

  /** Bytes from the server, in any chunking. Never throws: failures become the error event. */
  receive(bytes: Uint8Array): void {
    if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.records.feed(bytes);
    if (this.paused && this.records.buffered > MAX_BUFFERED_WHILE_PAUSED) {
      // A server has nothing to send while we verify its certificate; one flooding us
      // must not grow the buffer without bound.
      this.fail(tlsError('SSL_BUFFER_TOO_SMALL', 'unexpected_message',
        `the server sent ${this.records.buffered} bytes while its certificate was being verified`));
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
    this.guard(() => {
      let off = 0;
      do {
        const end = Math.min(off + MAX_PLAINTEXT, data.length);
        this.emit(this.records.seal(ContentType.applicationData, data.subarray(off, end)));
        off = end;
      } while (off < data.length);
    });
  }

  /** Sends close_notify. The server's close_notify later arrives as the close event. */
  close(): void {
    if (this.closeSent || this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.guard(() => this.sendAlert(AlertLevel.warning, AlertDescription.close_notify));
    if (this.stateValue !== 'connected') this.stateValue = 'closed';
  }

  /** The driver gave up (timeout, socket error): records the error, sends nothing more. */
  abort(err: MicroTlsError): void {
    if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
    this.failure = err;
    this.stateValue = 'failed';
    this.assembler.clear();
    this.events.error?.(err);
  }

  // ---- input processing ---------------------------------------------------------------

  private pump(): void {
    if (this.busy) return; // re-entered from an event handler; the running loop continues
    this.busy = true;
    try {
      while (!this.paused && this.stateValue !== 'failed' && this.stateValue !== 'closed') {
        const msg = this.assembler.next();
        if (msg) {
          const pending = this.dispatch(msg);
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
          throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message', `application data received before the handshake finished (state ${this.stateValue})`);
        }
        if (rec.fragment.length > 0) this.events.data?.(rec.fragment);
        return;
    }
  }

  private dispatch(msg: HandshakeMessage): void | Promise<void> {
    if (msg.type === HandshakeType.hello_request) return this.onHelloRequest(msg);
    const handler = EXPECTED[this.stateValue][msg.type];
    if (!handler) {
      const expected = Object.keys(EXPECTED[this.stateValue]).map((t) => handshakeName(Number(t)));
      if (this.stateValue === 'wait_change_cipher_spec') expected.push('ChangeCipherSpec');
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message',
        `received ${handshakeName(msg.type)} while waiting for ${expected.join(' or ') || 'nothing'} (state ${this.stateValue})`);
    }
    // Finished is checked against the transcript before it; it adds itself afterwards.
    if (msg.type !== HandshakeType.finished) this.transcript.add(msg.raw);
    return this[handler](msg);
  }

  private onAlert(fragment: Uint8Array): void {
    if (fragment.length !== 2) {
      throw tlsError('SSL_INVALID_RECORD', 'decode_error', `alert record of ${fragment.length} bytes (must be exactly 2)`);
    }
    const level = fragment[0]!;
    const description = fragment[1]!;
    const alert = { level, description, name: alertName(description), sent: false };
    this.events.alert?.(alert);
    if (level === AlertLevel.fatal) {
      const err = new MicroTlsError('SSL_FATAL_ALERT_MESSAGE',
        `the server sent fatal alert ${alert.name} (${description})${this.stateValue === 'connected' ? '' : ` during the handshake (state ${this.stateValue})`}`,
        { receivedAlert: description });
      this.terminate(err);
      return;
    }
    if (level !== AlertLevel.warning) {
      throw tlsError('SSL_INVALID_RECORD', 'illegal_parameter', `alert with unknown level ${level}`);
    }
    if (description === AlertDescription.close_notify) {
      // RFC 5246 7.2.1: answer with our own close_notify, then the connection is over.
      if (!this.closeSent) this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.stateValue = 'closed';
      this.assembler.clear();
      // Our close_notify must reach the driver before it reacts to the close by ending the transport.
      this.flush();
      this.events.close?.();
    }
    // Other warnings (no_renegotiation, user_canceled) carry no action for a client.
  }

  private onChangeCipherSpec(fragment: Uint8Array): void {
    if (this.stateValue !== 'wait_change_cipher_spec') {
      throw tlsError('SSL_UNEXPECTED_MESSAGE', 'unexpected_message', `ChangeCipherSpec received in state ${this.stateValue}`);
    }
    if (fragment.length !== 1 || fragment[0] !== 1) {
      throw tlsError('SSL_BAD_HS_CHANGE_CIPHER_SPEC', 'decode_error', 'ChangeCipherSpec must be the single byte 1');
    }
    const keys = deriveTrafficKeys(this.provider, this.suite!, this.masterSecret!, this.clientRandom, this.serverRandom);
    this.records.setReadProtection(createProtection(this.provider, this.suite!, keys.server, this.random));
    this.stateValue = 'wait_finished';
  }

  // ---- handshake message handlers (called through EXPECTED) ------------------------------

  private onServerHello(msg: HandshakeMessage): void {
    const sh = parseServerHello(msg.body);
    if (sh.version !== 0x0303) {
      throw tlsError('SSL_BAD_HS_PROTOCOL_VERSION', 'protocol_version',
        `the server chose protocol version 0x${sh.version.toString(16).padStart(4, '0')}; microtls speaks only TLS 1.2 (0x0303)`);
    }
    const suite = this.suites.find((s) => s.code === sh.cipherSuite);
    if (!suite) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter',
        `the server chose cipher suite 0x${sh.cipherSuite.toString(16).padStart(4, '0')}, which was not offered`);
    }
    if (sh.compression !== 0) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'illegal_parameter', `the server chose compression method ${sh.compression}; only null is offered`);
    }
    for (const [type, data] of sh.extensions) {
      if (!this.offeredExtensions.has(type)) {
        throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'unsupported_extension', `the server sent extension ${type}, which was not offered`);
      }
      if (type === ExtensionType.renegotiation_info) {
        // Initial handshake: renegotiated_connection must be empty (RFC 5746 3.4).
        if (data.length !== 1 || data[0] !== 0) {
          throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'handshake_failure', 'renegotiation_info in the ServerHello is not empty');
        }
        this.secureRenegotiation = true;
      } else if (type === ExtensionType.session_ticket || type === ExtensionType.server_name) {
        if (data.length !== 0) throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'decode_error', `extension ${type} in the ServerHello must be empty`);
        if (type === ExtensionType.session_ticket) this.ticketExpected = true;
      } else {
        throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'unsupported_extension', `extension ${type} is not supported in a ServerHello`);
      }
    }
    if (!this.secureRenegotiation && this.options.requireSecureRenegotiation) {
      throw tlsError('SSL_BAD_HS_SERVER_HELLO', 'handshake_failure', 'the server does not support secure renegotiation (RFC 5746) and requireSecureRenegotiation is set');
    }
    this.suite = suite;
    this.serverRandom = sh.random.slice();
    this.sessionId = sh.sessionId.slice();
    this.records.strictVersion = true;
    this.transcript.start(suite.prfHash);
    this.times.serverHello = this.now();
    this.stateValue = 'wait_certificate';
  }

  private onCertificate(msg: HandshakeMessage): void | Promise<void> {
    const chain = parseCertificateMessage(msg.body);
    if (chain.length === 0) {
      throw tlsError('SSL_BAD_HS_CERTIFICATE', 'decode_error', 'the server sent an empty certificate chain; RSA key exchange needs its certificate');
    }
    this.chain = chain.map((c) => c.slice());
    if (!this.verifier) {
      this.acceptServerKey(serverPublicKey(this.chain[0]!, false));
      return;
    }
    // Verification first (as Mbed TLS does): an untrusted chain is the more useful error.
    const outcome = this.verifier({ chain: this.chain, serverName: this.options.serverName });
    if (outcome instanceof Promise) return outcome.then((o) => this.applyVerifyOutcome(o));
    this.applyVerifyOutcome(outcome);
  }

  private applyVerifyOutcome(o: VerifyOutcome): void {
    if (!o.ok) {
      throw new MicroTlsError(o.code ?? 'X509_CERT_VERIFY_FAILED', `server certificate verification failed: ${o.reason}`,
        { alert: AlertDescription[o.alert ?? 'bad_certificate'], flags: o.flags ?? 0 });
    }
    // The key of the certificate the verifier parsed and checked, not a second parse.
    this.acceptServerKey(o.chain?.[0]?.publicKey ?? serverPublicKey(this.chain[0]!, true));
  }

  private acceptServerKey(key: PublicKey): void {
    if (key.type !== 'rsa') {
      throw tlsError('SSL_PK_TYPE_MISMATCH', 'handshake_failure',
        `the server certificate has an ${key.type.toUpperCase()} key, but the negotiated suite uses RSA key exchange (configure an RSA server certificate)`);
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
    if (this.certRequest) {
      // No client certificate configured yet: an empty Certificate lets servers that only
      // request (not require) one continue (RFC 5246 7.4.6).
      const cert = encodeCertificateMessage([]);
      this.transcript.add(cert);
      flight.push(cert);
    }
    const premaster = rsaPremasterSecret(this.random);
    const cke = encodeRsaClientKeyExchange(rsaEncryptPkcs1v15(this.serverKey!, premaster, this.random));
    this.transcript.add(cke);
    flight.push(cke);
    this.masterSecret = deriveMasterSecret(this.provider, suite, premaster, this.clientRandom, this.serverRandom);
    premaster.fill(0);
    this.events.keylog?.(`CLIENT_RANDOM ${toHex(this.clientRandom)} ${toHex(this.masterSecret)}`);
    this.sendHandshake(concatBytes(...flight));
    this.emit(this.records.seal(ContentType.changeCipherSpec, Uint8Array.of(1)));
    const keys = deriveTrafficKeys(this.provider, suite, this.masterSecret, this.clientRandom, this.serverRandom);
    this.records.setWriteProtection(createProtection(this.provider, suite, keys.client, this.random));
    const verifyData = finishedVerifyData(this.provider, suite, this.masterSecret, 'client finished', this.transcript.digest());
    const finished = handshakeMessage(HandshakeType.finished, verifyData);
    this.transcript.add(finished);
    this.sendHandshake(finished);
    this.stateValue = this.ticketExpected ? 'wait_new_session_ticket' : 'wait_change_cipher_spec';
  }

  private onNewSessionTicket(msg: HandshakeMessage): void {
    this.ticket = parseNewSessionTicket(msg.body);
    this.stateValue = 'wait_change_cipher_spec';
  }

  private onFinished(msg: HandshakeMessage): void {
    if (msg.body.length !== 12) throw tlsError('SSL_BAD_HS_FINISHED', 'decode_error', `Finished of ${msg.body.length} bytes (must be 12)`);
    const expected = finishedVerifyData(this.provider, this.suite!, this.masterSecret!, 'server finished', this.transcript.digest());
    if (!constantTimeEqual(expected, msg.body)) {
      throw tlsError('SSL_BAD_HS_FINISHED', 'decrypt_error', 'the server Finished does not match the handshake (tampering or a broken server)');
    }
    this.transcript.add(msg.raw);
    this.times.finished = this.now();
    this.stateValue = 'connected';
    const t = this.times;
    this.info = {
      protocol: 'TLSv1.2',
      cipherSuite: this.suite!,
      peerCertificates: this.chain,
      sessionId: this.sessionId,
      resumed: false,
      secureRenegotiation: this.secureRenegotiation,
      sessionTicket: this.ticket,
      certificateRequest: this.certRequest,
      timings: { ...t, handshakeMs: t.finished - t.start },
    };
    this.events.handshake?.(this.info);
  }

  private onHelloRequest(msg: HandshakeMessage): void {
    if (msg.body.length !== 0) throw tlsError('SSL_UNEXPECTED_MESSAGE', 'decode_error', 'HelloRequest must be empty');
    // During a handshake it is ignored (RFC 5246 7.4.1.1); afterwards we decline: microtls
    // never renegotiates, and a warning keeps the connection usable.
    if (this.stateValue === 'connected' && !this.closeSent) this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
  }

  // ---- output and failure -------------------------------------------------------------

  private sendHandshake(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length; off += MAX_PLAINTEXT) {
      this.emit(this.records.seal(ContentType.handshake, bytes.subarray(off, Math.min(off + MAX_PLAINTEXT, bytes.length))));
    }
  }

  private sendAlert(level: number, description: number): void {
    this.emit(this.records.seal(ContentType.alert, Uint8Array.of(level, description)));
    if (description === AlertDescription.close_notify) this.closeSent = true;
    this.events.alert?.({ level, description, name: alertName(description), sent: true });
  }

  private emit(record: Uint8Array): void {
    this.out.push(record);
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
    const parts = n === 1 || total > MAX_PLAINTEXT ? this.out.splice(0, n) : [concatBytes(...this.out.splice(0, n))];
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
    if (typeof alert === 'number') {
      try {
        this.sendAlert(AlertLevel.fatal, alert);
      } catch {
        // Sealing can only fail on counter exhaustion; the connection is lost either way.
      }
    } else {
      try {
        this.sendAlert(AlertLevel.fatal, AlertDescription.internal_error);
      } catch { /* as above */ }
    }
    this.flush();
    this.terminate(err);
  }

  private terminate(err: MicroTlsError): void {
    this.failure = err;
    this.stateValue = 'failed';
    this.assembler.clear();
    this.masterSecret?.fill(0);
    this.flush();
    this.events.error?.(err);
  }
}

