/**
 * `microtls probe HOST[:PORT]`: one TLS 1.2 handshake, report, close_notify. The text
 * output follows `openssl s_client` where they overlap (the chain block) so people can
 * compare the two side by side; `--json` is for scripts and keeps one stable shape.
 */
import { MicroTlsError, asMicroTlsError, formatCode } from '../errors.js';
import { connect, type ConnectOptions } from '../node/connect.js';
import type { TlsSocket } from '../node/tls-socket.js';
import type { VerifyContext, VerifyOutcome } from '../handshake/options.js';
import { flagNames } from '../x509/flags.js';
import { serverPublicKey } from '../handshake/server-key.js';
import { createServerVerifier } from '../handshake/server-verifier.js';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { parseSession, serializeSession, type MaxFragmentLength, type TlsSession } from '../session/session.js';
import { toHex } from '../encoding/bytes.js';
import type { CliIo } from './main.js';
import { chainEntry, chainLines, type ChainEntry } from './chain-text.js';
import { certificateMissing, hostNameMismatch, noCommonCipher, noCommonCipherLines, refusedLine } from './tls-diagnosis.js';
import { parseCipherList } from './ciphers.js';
import { readCertificateFile, readKeyFile } from './input-files.js';
import { UsageError } from './usage.js';
import { versionLine } from './version.js';
import { progress } from './progress.js';
import { loadTrustedCertificates } from './trust-store.js';
import type { Certificate } from '../x509/certificate.js';

const USAGE = `usage: microtls probe HOST[:PORT] [options]   (port 8883 by default)
  --cafile FILE       CA certificate(s) to verify the server against (PEM, one or more; or DER)
  --insecure          do not verify the server certificate
  --ciphers LIST      suites to offer, separated by colons or commas: OpenSSL names (AES128-GCM-SHA256)
                      or IANA names (TLS_RSA_WITH_AES_128_CCM_8); default all ten (RSA key exchange)
  --servername NAME   SNI name to send and to verify (default: HOST unless it is an IP address)
  --showcerts         print each certificate of the chain in PEM, as openssl s_client -showcerts
  --keylog FILE       append NSS key-log lines for Wireshark (SSLKEYLOGFILE also works)
  --timeout MS        handshake timeout, TCP connect included (default 30000)
  --cert FILE         client certificate chain (PEM or DER), for servers that ask for one
  --key FILE          private key of --cert (RSA, PKCS#1 or PKCS#8, PEM or DER, without a password)
  --sess-out FILE     save the session (ticket or session ID) to FILE after the handshake
  --sess-in FILE      offer the session saved in FILE (abbreviated handshake if the server agrees)
  --max-frag N        ask for records of at most N bytes (512, 1024, 2048 or 4096; RFC 6066)
  --no-ems            do not offer Extended Master Secret (RFC 7627)
  --no-etm            do not offer Encrypt-then-MAC (RFC 7366)
  --json              print one JSON object instead of text
  --help, --version
Exit status: 0 handshake done (and verified, unless --insecure); 1 it failed; 2 usage error.`;

function helpText(): string {
  return [
    'microtls probe makes one TLS 1.2 handshake with a server, as the reference device would, and prints what',
    'openssl s_client prints: the chain, the suite, the extensions agreed, the session and the verification result.',
    versionLine('probe'),
    '',
    USAGE,
  ].join('\n');
}

export interface ProbeArgs {
  host: string;
  port: number;
  insecure: boolean;
  cafile?: string;
  ciphers?: string[];
  servername?: string;
  keylog?: string;
  timeout?: number;
  cert?: string;
  key?: string;
  sessOut?: string;
  sessIn?: string;
  maxFrag?: MaxFragmentLength;
  noEms: boolean;
  noEtm: boolean;
  json: boolean;
  showcerts?: boolean;
}

export interface ProbeReport {
  protocol: string | null;
  cipherSuite: string | null;
  resumed: boolean;
  /** What the server agreed to (null when the handshake did not complete). */
  extensions: {
    extendedMasterSecret: boolean; encryptThenMac: boolean; maxFragmentLength: number | null;
    /** A NewSessionTicket arrived (RFC 5077), with its lifetime hint in seconds. */
    sessionTicket: boolean; ticketLifetimeHint: number | null;
    /** Hex; empty when the server gave no session ID. */
    sessionId: string;
    secureRenegotiation: boolean;
  } | null;
  verify: { ok: boolean; flags: number; skipped?: boolean; flagNames?: string[]; reason?: string };
  /** As presented, leaf first; shown even when the handshake failed after the Certificate message. */
  chain: ChainEntry[];
  handshakeMs: number | null;
  error?: { code: string; name: string; message: string; hint?: string };
}

export function parseProbeArgs(argv: string[]): ProbeArgs {
  const out: Partial<ProbeArgs> & { insecure: boolean; json: boolean; noEms: boolean; noEtm: boolean } = { insecure: false, json: false, noEms: false, noEtm: false };
  if (argv.includes('--help') || argv.includes('--version')) return { ...out, host: '', port: 0 };
  let target: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--insecure': out.insecure = true; break;
      case '--json': out.json = true; break;
      case '--cafile': out.cafile = value(); break;
      case '--ciphers': out.ciphers = parseCipherList(value()); break;
      case '--showcerts': out.showcerts = true; break;
      case '--servername': out.servername = value(); break;
      case '--keylog': out.keylog = value(); break;
      case '--cert': out.cert = value(); break;
      case '--key': out.key = value(); break;
      case '--sess-out': out.sessOut = value(); break;
      case '--sess-in': out.sessIn = value(); break;
      case '--no-ems': out.noEms = true; break;
      case '--no-etm': out.noEtm = true; break;
      case '--max-frag': {
        const v = value();
        const n = Number(v);
        if (![512, 1024, 2048, 4096].includes(n)) throw new UsageError(`--max-frag wants 512, 1024, 2048 or 4096, got '${v}'`);
        out.maxFrag = n as MaxFragmentLength;
        break;
      }
      case '--timeout': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--timeout wants a positive number of milliseconds, got '${v}'`);
        out.timeout = n;
        break;
      }
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (target !== undefined) throw new UsageError(`unexpected argument ${a}`);
        target = a;
    }
  }
  if (target === undefined) throw new UsageError('missing HOST[:PORT]');
  if ((out.cert === undefined) !== (out.key === undefined)) throw new UsageError('--cert and --key go together');
  const { host, port } = splitHostPort(target);
  return { ...out, host, port };
}

function splitHostPort(s: string): { host: string; port: number } {
  let host = s;
  let port = '8883';
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? port;
  } else if ((s.match(/:/g) ?? []).length === 1) {
    [host, port] = s.split(':') as [string, string];
  }
  const n = Number(port);
  if (!host || !Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`bad HOST[:PORT] '${s}'`);
  return { host, port: n };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: ProbeArgs;
  try {
    args = parseProbeArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`microtls probe: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (argv.includes('--help')) {
    io.out(helpText());
    return 0;
  }
  if (argv.includes('--version')) {
    io.out(versionLine('probe'));
    return 0;
  }
  const report: ProbeReport = {
    protocol: null, cipherSuite: null, resumed: false, extensions: null,
    verify: { ok: false, flags: 0 }, chain: [], handshakeMs: null,
  };
  let files: { cert?: Uint8Array; key?: Uint8Array; session?: TlsSession; trusted: Uint8Array[] };
  try {
    files = readProbeFiles(args);
    if (args.keylog) checkWritable('--keylog', args.keylog);
    else if (process.env['SSLKEYLOGFILE']) checkWritable('SSLKEYLOGFILE', process.env['SSLKEYLOGFILE']);
  } catch (e) {
    io.err(`microtls probe: ${e instanceof MicroTlsError ? stripLabel(e) : (e as Error).message}`);
    return 2;
  }
  // Verification runs through a wrapper so that a failure still shows the presented chain
  // and the flags, like s_client's "verify error" lines. Without --cafile the trust store is
  // empty: the chain is shown with advice on which certificate to load (manual, section 4).
  // With --insecure the wrapper only records the chain, so it is shown on any later failure.
  let presented: readonly Uint8Array[] = [];
  let outcome: VerifyOutcome | undefined;
  let verify: ConnectOptions['verify'];
  // MICROTLS_PROGRESS_MS moves the 1 s threshold, so a test can see the line without a slow machine.
  const progressLine = progress((l) => io.err(l), Number(process.env['MICROTLS_PROGRESS_MS'] ?? 1000));
  if (!args.insecure) {
    let trusted: Certificate[] = [];
    if (files.trusted[0]) {
      let loaded = 0;
      let total = 0;
      progressLine.stage(`loading the trusted certificates from ${args.cafile}`);
      ({ certs: trusted } = await loadTrustedCertificates(files.trusted[0], (d, t) => {
        [loaded, total] = [d, t];
        progressLine.update(`loading the trusted certificates from ${args.cafile}: ${loaded} of ${total} read`);
      }));
    }
    const chainVerifier = createServerVerifier({ ca: trusted });
    // The wrapper keeps the verifier's trustId, so --sess-out sessions resume only under the same --cafile.
    verify = Object.assign(async (ctx: VerifyContext) => {
      presented = ctx.chain;
      progressLine.stage(`verifying the server's certificate chain (${ctx.chain.length} certificates)`);
      // One turn of the event loop first, so a progress line that is due is not held up by the verification.
      await new Promise((r) => setImmediate(r));
      outcome = chainVerifier(ctx);
      progressLine.done();
      return outcome;
    }, { trustId: chainVerifier.trustId });
  } else {
    verify = (ctx: VerifyContext): VerifyOutcome => {
      presented = ctx.chain;
      // The key read as the engine reads it without verification (leniently), so --insecure probes what verify: false would.
      return { ok: true, chain: [{ publicKey: serverPublicKey(ctx.chain[0]!, false) }] };
    };
  }
  const options: ConnectOptions = {
    host: args.host,
    port: args.port,
    verify,
    // The --insecure wrapper accepts everything: one stable identity, so --sess-out/--sess-in resume across runs.
    ...(args.insecure ? { verifierId: 'microtls probe --insecure' } : {}),
    ...(files.cert ? { cert: files.cert } : {}),
    ...(files.key ? { key: files.key } : {}),
    ...(files.session ? { session: files.session } : {}),
    ...(args.maxFrag ? { maxFragmentLength: args.maxFrag } : {}),
    ...(args.noEms ? { extendedMasterSecret: false } : {}),
    ...(args.noEtm ? { encryptThenMac: false } : {}),
    ...(args.servername ? { servername: args.servername } : {}),
    ...(args.ciphers ? { cipherSuites: args.ciphers } : {}),
    ...(args.keylog ? { keylog: args.keylog } : {}),
    ...(args.timeout ? { timeout: args.timeout } : {}),
  };
  let sock: TlsSocket | undefined;
  let closedCleanly = false;
  try {
    // The wait for the network is not reported: the timeout (--timeout) bounds it and names the state.
    progressLine.done();
    try {
      sock = await connect(options);
    } finally {
      progressLine.done();
    }
    report.protocol = sock.protocol ?? null;
    report.cipherSuite = sock.cipherSuite ?? null;
    report.resumed = sock.resumed;
    const hs = sock.handshake!;
    report.extensions = {
      extendedMasterSecret: hs.extendedMasterSecret, encryptThenMac: hs.encryptThenMac, maxFragmentLength: hs.maxFragmentLength ?? null,
      sessionTicket: hs.sessionTicket !== undefined, ticketLifetimeHint: hs.sessionTicket?.lifetimeHint ?? null,
      sessionId: toHex(hs.sessionId), secureRenegotiation: hs.secureRenegotiation,
    };
    report.handshakeMs = sock.timings?.handshakeMs ?? null;
    presented = hs.peerCertificates.length > 0 ? hs.peerCertificates : presented;
    if (args.sessOut) saveSession(io, args.sessOut, sock.getSession());
    report.verify = args.insecure ? { ok: false, flags: 0, skipped: true } : { ok: true, flags: 0 };
    closedCleanly = await closeGracefully(sock, args.timeout ?? 5000);
  } catch (e) {
    const err = asMicroTlsError(e, 'SSL_INTERNAL_ERROR', 'probe');
    report.error = { code: formatCode(err.code), name: err.codeName, message: stripLabel(err) };
    const hint = hintFor(err, args, presented);
    if (hint) report.error.hint = hint;
    if (outcome && !outcome.ok) {
      const flags = outcome.flags ?? 0;
      report.verify = { ok: false, flags, flagNames: flagNames(flags), reason: outcome.reason };
    }
    sock?.destroy();
  }
  report.chain = presented.map(chainEntry);
  if (args.json) {
    io.out(JSON.stringify(report));
  } else {
    printText(io, args, report, presented, closedCleanly);
  }
  return report.error ? 1 : 0;
}

/** The line that says what to do, for the failures people hit. */
function hintFor(err: MicroTlsError, args: ProbeArgs, chain: readonly Uint8Array[]): string | undefined {
  const where = `${args.host}:${args.port}`;
  if (certificateMissing(err)) {
    return args.cert
      ? 'The server requires a client certificate, and --cert does not fit its CertificateRequest (see the reason above).'
      : 'The server requires a client certificate and none was given: add --cert FILE --key FILE.';
  }
  if (noCommonCipher(err)) return noCommonCipherLines(where).join(' ');
  const names = hostNameMismatch(err, chain);
  if (names) return `The certificate's names: ${names}. Probe one of them (or set --servername).`;
  const refused = err.codeName === 'MBEDTLS_ERR_NET_CONNECT_FAILED' ? refusedLine(err.message, where) : undefined;
  if (refused) return `${refused[0]!.toUpperCase()}${refused.slice(1)}.`;
  if ((err.codeName === 'MBEDTLS_ERR_NET_CONN_RESET' || err.codeName === 'MBEDTLS_ERR_SSL_CONN_EOF') && chain.length === 0) {
    return `${where} closed the connection on the TLS ClientHello: not a TLS port (plain MQTT is usually 1883, MQTT over TLS 8883)?`;
  }
  return undefined;
}

/** --keylog: a path that cannot be written is a usage error now, not a TLS failure in the middle of the handshake. */
function checkWritable(flag: string, path: string): void {
  try {
    closeSync(openSync(path, 'a', 0o600));
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file '${path}': ${(e as Error).message}`);
  }
}

/** The files the options name, read up front (PEM or DER) so a bad file is a usage problem, not a TLS one. */
function readProbeFiles(args: ProbeArgs): { cert?: Uint8Array; key?: Uint8Array; session?: TlsSession; trusted: Uint8Array[] } {
  const out: { cert?: Uint8Array; key?: Uint8Array; session?: TlsSession; trusted: Uint8Array[] } = { trusted: [] };
  if (args.cafile && !args.insecure) out.trusted = [readCertificateFile('--cafile', args.cafile).bytes];
  if (args.cert) out.cert = readCertificateFile('--cert', args.cert).bytes;
  if (args.key) out.key = readKeyFile('--key', args.key).bytes;
  if (args.sessIn) {
    let text: string;
    try {
      text = readFileSync(args.sessIn, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read --sess-in ${args.sessIn}: ${(e as Error).message}`);
    }
    try {
      out.session = parseSession(text);
    } catch (e) {
      throw new UsageError(`--sess-in ${args.sessIn}: ${e instanceof MicroTlsError ? stripLabel(e) : (e as Error).message}`);
    }
  }
  return out;
}

/** The session file holds the master secret: owner-only, like a key. */
function saveSession(io: CliIo, path: string, session: TlsSession | undefined): void {
  if (!session) {
    io.err(`microtls probe: the server issued no session (no ticket, no session ID); ${path} not written`);
    return;
  }
  writeFileSync(path, serializeSession(session), { mode: 0o600 });
}

function stripLabel(err: MicroTlsError): string {
  const prefix = `${err.label}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

function printText(io: CliIo, args: ProbeArgs, r: ProbeReport, chain: readonly Uint8Array[], closedCleanly: boolean): void {
  if (r.protocol || r.chain.length > 0) {
    io.out(`CONNECTED ${args.host}:${args.port}`);
    io.out('---');
    for (const l of chainLines(chain, r.chain, args.showcerts === true)) io.out(l);
    io.out('---');
  }
  if (r.protocol) {
    const x = r.extensions!;
    io.out(`New, ${r.protocol}, Cipher is ${r.cipherSuite}`);
    io.out(`Secure Renegotiation IS ${x.secureRenegotiation ? '' : 'NOT '}supported`);
    io.out(`Extended master secret: ${x.extendedMasterSecret ? 'yes' : 'no'}; encrypt-then-MAC: ${x.encryptThenMac ? 'yes' : 'no'}; max fragment length: ${x.maxFragmentLength ?? 'none'}; session ticket: ${x.sessionTicket ? `yes (lifetime hint ${x.ticketLifetimeHint} s)` : 'no'}`);
    io.out('SSL-Session:');
    io.out(`    Protocol  : ${r.protocol}`);
    io.out(`    Cipher    : ${r.cipherSuite}`);
    io.out(`    Session-ID: ${x.sessionId.toUpperCase() || '(none)'}`);
    io.out(`    TLS session ticket: ${x.sessionTicket ? `yes, lifetime hint: ${x.ticketLifetimeHint} (seconds)` : 'none'}`);
    io.out(`    Extended master secret: ${x.extendedMasterSecret ? 'yes' : 'no'}`);
    io.out(`Protocol  : ${r.protocol}`);
    io.out(`Cipher    : ${r.cipherSuite}`);
    io.out(`Session   : ${r.resumed ? 'Reused' : 'New'}`);
    io.out(`Verify return code: ${r.verify.skipped ? 'not verified (--insecure)' : '0 (ok)'}`);
    io.out(`Handshake : ${r.handshakeMs} ms`);
  } else if (r.verify.flags) {
    io.out(`Verify return code: flags 0x${r.verify.flags.toString(16)} (${(r.verify.flagNames ?? []).join(', ')})`);
  }
  if (r.error) {
    io.err(`${r.error.code} ${r.error.name}`);
    io.err(r.error.message);
    if (r.error.hint) io.err(r.error.hint);
  } else {
    io.out(closedCleanly ? 'DONE (close_notify sent and received)' : 'DONE (close_notify sent; the server closed without one)');
  }
}

/** Sends close_notify and waits (bounded) for the server's; true when it came. */
function closeGracefully(sock: TlsSocket, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { sock.destroy(); resolve(false); }, ms);
    sock.once('end', () => { clearTimeout(t); resolve(sock.closeNotifyReceived); });
    sock.once('error', (e) => { clearTimeout(t); reject(e instanceof MicroTlsError ? e : asMicroTlsError(e, 'NET_RECV_FAILED', 'close')); });
    sock.resume();
    sock.end();
  });
}
