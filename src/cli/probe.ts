/**
 * `microtls probe HOST[:PORT]`: one TLS 1.2 handshake, report, close_notify. The text
 * output follows `openssl s_client` where they overlap (the chain block) so people can
 * compare the two side by side; `--json` is for scripts and keeps one stable shape.
 */
import { MicroTlsError, asMicroTlsError, formatCode } from '../errors.js';
import { connect, type ConnectOptions } from '../node/connect.js';
import type { TlsSocket } from '../node/tls-socket.js';
import type { VerifyContext, VerifyOutcome } from '../handshake/options.js';
import { parseCertificate } from '../x509/certificate.js';
import { flagNames } from '../x509/flags.js';
import { createServerVerifier } from '../handshake/server-verifier.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseSession, serializeSession, type MaxFragmentLength, type TlsSession } from '../session/session.js';
import type { CliIo } from './main.js';

const USAGE = `usage: microtls probe HOST[:PORT] [options]   (port 8883 by default)
  --cafile FILE       CA certificate(s) (PEM, one or more; or DER) to verify the server against
  --insecure          do not verify the server certificate
  --ciphers LIST      comma-separated IANA suite names, e.g. TLS_RSA_WITH_AES_128_CCM_8
  --servername NAME   SNI name to send (default: HOST unless it is an IP address)
  --keylog FILE       append NSS key-log lines for Wireshark (SSLKEYLOGFILE also works)
  --timeout MS        handshake timeout, TCP connect included (default 30000)
  --cert FILE         client certificate chain (PEM), for servers that ask for one
  --key FILE          private key of --cert (RSA, PKCS#1 or PKCS#8 PEM, without a password)
  --sess-out FILE     save the session (ticket or session ID) to FILE after the handshake
  --sess-in FILE      offer the session saved in FILE (abbreviated handshake if the server agrees)
  --max-frag N        ask for records of at most N bytes (512, 1024, 2048 or 4096; RFC 6066)
  --no-ems            do not offer Extended Master Secret (RFC 7627)
  --no-etm            do not offer Encrypt-then-MAC (RFC 7366)
  --json              print one JSON object instead of text`;

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
}

export interface ProbeReport {
  protocol: string | null;
  cipherSuite: string | null;
  resumed: boolean;
  /** What the server agreed to (null when the handshake did not complete). */
  extensions: { extendedMasterSecret: boolean; encryptThenMac: boolean; maxFragmentLength: number | null } | null;
  verify: { ok: boolean; flags: number; skipped?: boolean; flagNames?: string[]; reason?: string };
  chain: { subject: string; issuer: string; notAfter: string }[];
  handshakeMs: number | null;
  error?: { code: string; name: string; message: string };
}

class UsageError extends Error {}

export function parseProbeArgs(argv: string[]): ProbeArgs {
  const out: Partial<ProbeArgs> & { insecure: boolean; json: boolean; noEms: boolean; noEtm: boolean } = { insecure: false, json: false, noEms: false, noEtm: false };
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
      case '--ciphers': out.ciphers = value().split(',').map((s) => s.trim()).filter(Boolean); break;
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

function describeChain(sock: TlsSocket): ProbeReport['chain'] {
  return sock.peerCertificates.map((c) => ({
    subject: c.subject.toString(),
    issuer: c.issuer.toString(),
    notAfter: c.notAfter.toISOString(),
  }));
}

/** The presented chain when the handshake stopped at verification (the socket never came). */
function describeDerChain(chain: readonly Uint8Array[]): ProbeReport['chain'] {
  return chain.map((der) => {
    try {
      const c = parseCertificate(der);
      return { subject: c.subject.toString(), issuer: c.issuer.toString(), notAfter: c.notAfter.toISOString() };
    } catch (e) {
      const label = e instanceof MicroTlsError ? e.label : 'unparseable';
      return { subject: `(${label})`, issuer: '', notAfter: '' };
    }
  });
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
    io.out(USAGE);
    return 0;
  }
  const report: ProbeReport = {
    protocol: null, cipherSuite: null, resumed: false, extensions: null,
    verify: { ok: false, flags: 0 }, chain: [], handshakeMs: null,
  };
  // Verification runs through a wrapper so that a failure still shows the presented chain
  // and the flags, like s_client's "verify error" lines. Without --cafile the trust store is
  // empty: the chain is shown with advice on which certificate to load (manual, section 4).
  let presented: readonly Uint8Array[] = [];
  let outcome: VerifyOutcome | undefined;
  let verify: ConnectOptions['verify'] = false;
  if (!args.insecure) {
    let trusted: Uint8Array[] = [];
    if (args.cafile) {
      try {
        trusted = [new Uint8Array(readFileSync(args.cafile))];
      } catch (e) {
        io.err(`microtls probe: cannot read --cafile ${args.cafile}: ${(e as Error).message}`);
        return 2;
      }
    }
    const chainVerifier = createServerVerifier({ ca: trusted });
    // The wrapper keeps the verifier's trustId, so --sess-out sessions resume only under the same --cafile.
    verify = Object.assign((ctx: VerifyContext) => {
      presented = ctx.chain;
      outcome = chainVerifier(ctx);
      return outcome;
    }, { trustId: chainVerifier.trustId });
  }
  let files: { cert?: string; key?: string; session?: TlsSession };
  try {
    files = readProbeFiles(args);
  } catch (e) {
    io.err(`microtls probe: ${e instanceof MicroTlsError ? stripLabel(e) : (e as Error).message}`);
    return 2;
  }
  const options: ConnectOptions = {
    host: args.host,
    port: args.port,
    verify,
    ...files,
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
    sock = await connect(options);
    report.protocol = sock.protocol ?? null;
    report.cipherSuite = sock.cipherSuite ?? null;
    report.resumed = sock.resumed;
    const hs = sock.handshake!;
    report.extensions = { extendedMasterSecret: hs.extendedMasterSecret, encryptThenMac: hs.encryptThenMac, maxFragmentLength: hs.maxFragmentLength ?? null };
    report.handshakeMs = sock.timings?.handshakeMs ?? null;
    report.chain = describeChain(sock);
    if (args.sessOut) saveSession(io, args.sessOut, sock.getSession());
    report.verify = args.insecure ? { ok: false, flags: 0, skipped: true } : { ok: true, flags: 0 };
    closedCleanly = await closeGracefully(sock, args.timeout ?? 5000);
  } catch (e) {
    const err = asMicroTlsError(e, 'SSL_INTERNAL_ERROR', 'probe');
    report.error = { code: formatCode(err.code), name: err.codeName, message: stripLabel(err) };
    if (outcome && !outcome.ok) {
      const flags = outcome.flags ?? 0;
      report.verify = { ok: false, flags, flagNames: flagNames(flags), reason: outcome.reason };
      report.chain = describeDerChain(presented);
    }
    sock?.destroy();
  }
  if (args.json) {
    io.out(JSON.stringify(report));
  } else {
    printText(io, args, report, closedCleanly);
  }
  return report.error ? 1 : 0;
}

/** The files the options name, read up front so a missing file is a usage problem, not a TLS one. */
function readProbeFiles(args: ProbeArgs): { cert?: string; key?: string; session?: TlsSession } {
  const read = (flag: string, path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${flag} ${path}: ${(e as Error).message}`);
    }
  };
  const out: { cert?: string; key?: string; session?: TlsSession } = {};
  if (args.cert) out.cert = read('--cert', args.cert);
  if (args.key) out.key = read('--key', args.key);
  if (args.sessIn) {
    const text = read('--sess-in', args.sessIn);
    try {
      out.session = parseSession(text);
    } catch (e) {
      throw new Error(`--sess-in ${args.sessIn}: ${e instanceof MicroTlsError ? stripLabel(e) : (e as Error).message}`);
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

function printText(io: CliIo, args: ProbeArgs, r: ProbeReport, closedCleanly: boolean): void {
  if (r.protocol || r.chain.length > 0) {
    io.out(`CONNECTED ${args.host}:${args.port}`);
    io.out('---');
    io.out('Certificate chain');
    r.chain.forEach((c, i) => {
      io.out(`${String(i).padStart(2)} s:${c.subject}`);
      io.out(`   i:${c.issuer}`);
      io.out(`   notAfter: ${c.notAfter}`);
    });
    io.out('---');
  }
  if (r.protocol) {
    io.out(`Protocol  : ${r.protocol}`);
    io.out(`Cipher    : ${r.cipherSuite}`);
    io.out(`Session   : ${r.resumed ? 'Reused' : 'New'}`);
    const x = r.extensions!;
    io.out(`Extended master secret: ${x.extendedMasterSecret ? 'yes' : 'no'}; encrypt-then-MAC: ${x.encryptThenMac ? 'yes' : 'no'}; max fragment length: ${x.maxFragmentLength ?? 'none'}`);
    io.out(`Verify return code: ${r.verify.skipped ? 'not verified (--insecure)' : '0 (ok)'}`);
    io.out(`Handshake : ${r.handshakeMs} ms`);
  } else if (r.verify.flags) {
    io.out(`Verify return code: flags 0x${r.verify.flags.toString(16)} (${(r.verify.flagNames ?? []).join(', ')})`);
  }
  if (r.error) {
    io.err(`${r.error.code} ${r.error.name}`);
    io.err(r.error.message);
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
