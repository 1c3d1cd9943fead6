/**
 * mosquitto_pub / mosquitto_sub command-line flags, shared by `microtls pub` and `microtls sub`,
 * as one table: the parser, the help text and the list of refused flags all read it, so
 * a flag cannot be accepted without being documented.
 *
 * One documented difference: --insecure turns certificate verification off entirely (the
 * reference device's "Verify Server Certificate = Disable"), where mosquitto only skips the
 * hostname check. And any TLS option (--cafile, --capath, --cert, --key, --insecure,
 * --ciphers, --tls-version) turns TLS on, as it does in mosquitto's tools.
 */
import { readFileSync } from 'node:fs';
import { connect, whenConnected, type ConnectOptions, type MqttClient, type Packet, type QoS } from '../mqtt/index.js';
import { parseBrokerUrl } from '../mqtt/url.js';
import { concatBytes } from '../encoding/bytes.js';
import { encodePem } from '../encoding/pem.js';
import { loadClientCredentials } from '../client-auth/credentials.js';
import { loadCertificatesLeniently } from '../x509/input.js';
import { MicroTlsError } from '../errors.js';
import { parseCipherList } from './ciphers.js';
import { readCaDirectory, readCertificateFile, readKeyFile } from './input-files.js';
import { UsageError } from './usage.js';
import { versionLine } from './version.js';

export { UsageError } from './usage.js';

export type Tool = 'pub' | 'sub';

export interface MqttCliArgs {
  host: string;
  port?: number;
  topics: string[];
  message?: Uint8Array;
  /** -l: one message per line of standard input. */
  stdinLines: boolean;
  repeat: number;
  repeatDelayMs: number;
  /** -M: QoS 1/2 messages in flight at most (the library's maxInflight). */
  maxInflight?: number;
  qos: QoS;
  retain: boolean;
  clientId?: string;
  clientIdPrefix?: string;
  username?: string;
  password?: string;
  keepalive: number;
  clean: boolean;
  count?: number;
  timeoutSeconds?: number;
  verbose: boolean;
  debug: boolean;
  quiet: boolean;
  noStaleRetained: boolean;
  retainedOnly: boolean;
  removeRetained: boolean;
  exitAfterSubscribe: boolean;
  filterOut: string[];
  unsubscribe: string[];
  /** -N: no end of line after each message. */
  noEol: boolean;
  /** -F format string (mosquitto_sub's %t %p %x …). */
  format?: string;
  tls: boolean;
  cafile?: string;
  capath?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  ciphers?: string[];
  will?: { topic: string; payload: Uint8Array; qos: QoS; retain: boolean };
  help: boolean;
  version: boolean;
}

interface Draft extends MqttCliArgs {
  willTopic?: string;
  willPayload: Uint8Array;
  willQos: QoS;
  willRetain: boolean;
  messageSources: number;
}

interface OptionSpec {
  /** Short and long spellings, as mosquitto accepts them. */
  names: string[];
  /** Name of the value in the help text; absent for a flag. */
  value?: string;
  tools: Tool[];
  /** One text, or one per tool where they differ. */
  help: string | Record<Tool, string>;
  apply(a: Draft, v: string): void;
}

const BOTH: Tool[] = ['pub', 'sub'];
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

function qosOf(v: string): QoS {
  if (v !== '0' && v !== '1' && v !== '2') throw new UsageError(`Invalid QoS given: ${v}`);
  return Number(v) as QoS;
}

function intOf(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`Invalid ${flag} value: ${v}`);
  return n;
}

function message(a: Draft, m: Uint8Array | undefined): void {
  a.messageSources++;
  a.message = m;
}

function readMessageFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`Unable to read file '${path}': ${(e as Error).message}`);
  }
}

const tlsOn = (a: Draft): void => {
  a.tls = true;
};

const OPTIONS: OptionSpec[] = [
  { names: ['-c', '--disable-clean-session'], tools: BOTH, help: 'disable clean session: the broker keeps the session (subscriptions, queued QoS 1/2 messages) for this client id. Needs -i.', apply: (a) => { a.clean = false; } },
  { names: ['-C'], value: 'msg_count', tools: ['sub'], help: 'disconnect and exit after receiving \'msg_count\' messages.', apply: (a, v) => { a.count = intOf('-C', v, 1, Number.MAX_SAFE_INTEGER); } },
  { names: ['-d', '--debug'], tools: BOTH, help: 'enable debug messages (every packet sent and received, reconnect progress).', apply: (a) => { a.debug = true; } },
  { names: ['-E'], tools: ['sub'], help: 'exit once all subscriptions have been acknowledged by the broker.', apply: (a) => { a.exitAfterSubscribe = true; } },
  { names: ['-f', '--file'], value: 'file', tools: ['pub'], help: 'send the contents of a file as the message.', apply: (a, v) => message(a, readMessageFile(v)) },
  { names: ['-F'], value: 'format', tools: ['sub'], help: 'output format: %t topic, %p payload, %x / %X payload in hex, %l length, %q QoS, %r retained, %m message id, %I ISO 8601 time, %U Unix time, %j JSON, %% a literal %; \\n \\t \\0 \\\\ escapes. See mosquitto_sub(1).', apply: (a, v) => { a.format = v; } },
  { names: ['-h', '--host'], value: 'host', tools: BOTH, help: 'mqtt host to connect to. Defaults to localhost.', apply: (a, v) => { a.host = v; } },
  { names: ['-i', '--id'], value: 'id', tools: BOTH, help: { pub: 'id to use for this client. Defaults to microtls_pub_ appended with the process id.', sub: 'id to use for this client. Defaults to microtls_sub_ appended with the process id.' }, apply: (a, v) => { a.clientId = v; } },
  { names: ['-I', '--id-prefix'], value: 'id_prefix', tools: BOTH, help: 'define the client id as id_prefix appended with the process id.', apply: (a, v) => { a.clientIdPrefix = v; } },
  { names: ['-k', '--keepalive'], value: 'keepalive', tools: BOTH, help: 'keep alive in seconds for this client. Defaults to 60.', apply: (a, v) => { a.keepalive = intOf('keepalive', v, 0, 65_535); } },
  { names: ['-l', '--stdin-line'], tools: ['pub'], help: 'read messages from stdin, sending a separate message for each line.', apply: (a) => { a.messageSources++; a.stdinLines = true; } },
  { names: ['-L', '--url'], value: 'URL', tools: BOTH, help: 'specify user, password, hostname, port and topic as a URL in the form: mqtt(s)://[username[:password]@]host[:port]/topic', apply: applyUrl },
  { names: ['-M'], value: 'max_inflight', tools: ['pub'], help: 'the maximum inflight messages for QoS 1/2. Defaults to 20.', apply: (a, v) => { a.maxInflight = intOf('-M', v, 1, 65_535); } },
  { names: ['-m', '--message'], value: 'message', tools: ['pub'], help: 'message payload to send.', apply: (a, v) => message(a, bytes(v)) },
  { names: ['-n', '--null-message'], tools: ['pub'], help: 'send a null (zero length) message.', apply: (a) => message(a, new Uint8Array(0)) },
  { names: ['-N'], tools: ['sub'], help: 'do not add an end of line character when printing the payload.', apply: (a) => { a.noEol = true; } },
  { names: ['-p', '--port'], value: 'port', tools: BOTH, help: 'network port to connect to. Defaults to 1883 for plain MQTT and 8883 for MQTT over TLS.', apply: (a, v) => { a.port = intOf('port', v, 1, 65_535); } },
  { names: ['-P', '--pw'], value: 'password', tools: BOTH, help: 'provide a password', apply: (a, v) => { a.password = v; } },
  { names: ['-q', '--qos'], value: 'qos', tools: BOTH, help: { pub: 'quality of service level to use for all messages. Defaults to 0.', sub: 'quality of service level to use for the subscription. Defaults to 0.' }, apply: (a, v) => { a.qos = qosOf(v); } },
  { names: ['-r', '--retain'], tools: ['pub'], help: 'message should be retained.', apply: (a) => { a.retain = true; } },
  { names: ['-R'], tools: ['sub'], help: 'do not print stale messages (those with retain set).', apply: (a) => { a.noStaleRetained = true; } },
  { names: ['--repeat'], value: 'count', tools: ['pub'], help: 'if publish mode is -f, -m, or -s, then repeat the publish \'count\' times.', apply: (a, v) => { a.repeat = intOf('--repeat', v, 1, Number.MAX_SAFE_INTEGER); } },
  { names: ['--repeat-delay'], value: 'seconds', tools: ['pub'], help: 'if using --repeat, wait \'seconds\' seconds between publishes (decimals allowed).', apply: (a, v) => {
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw new UsageError(`Invalid --repeat-delay value: ${v}`);
    a.repeatDelayMs = Math.round(n * 1000);
  } },
  { names: ['--retained-only'], tools: ['sub'], help: 'only handle messages with the retained flag set, and exit when the first non-retained message is received.', apply: (a) => { a.retainedOnly = true; } },
  { names: ['--remove-retained'], tools: ['sub'], help: 'send a message to the server to clear any received retained messages. Use -T to filter out messages you do not want to be cleared.', apply: (a) => { a.removeRetained = true; } },
  { names: ['-s', '--stdin-file'], tools: ['pub'], help: 'read message from stdin, sending the entire input as a message.', apply: (a) => message(a, new Uint8Array(readFileSync(0))) },
  { names: ['-t', '--topic'], value: 'topic', tools: BOTH, help: { pub: 'mqtt topic to publish to.', sub: 'mqtt topic to subscribe to. May be repeated multiple times.' }, apply: (a, v) => { a.topics.push(v); } },
  { names: ['-T', '--filter-out'], value: 'filter_out', tools: ['sub'], help: 'topic string to filter out of results. May be repeated.', apply: (a, v) => { a.filterOut.push(v); } },
  { names: ['-u', '--username'], value: 'username', tools: BOTH, help: 'provide a username', apply: (a, v) => { a.username = v; } },
  { names: ['-U', '--unsubscribe'], value: 'topic', tools: ['sub'], help: 'unsubscribe from a topic. May be repeated.', apply: (a, v) => { a.unsubscribe.push(v); } },
  { names: ['-v', '--verbose'], tools: ['sub'], help: 'print published messages verbosely ("topic payload").', apply: (a) => { a.verbose = true; } },
  { names: ['-V', '--protocol-version'], value: 'version', tools: BOTH, help: 'MQTT protocol version: mqttv311 (also 311), the only one microtls speaks.', apply: (_a, v) => {
    if (v !== 'mqttv311' && v !== '311') throw new UsageError(`Unsupported protocol version '${v}': microtls speaks MQTT 3.1.1 (mqttv311) only.`);
  } },
  { names: ['-W'], value: 'timeout_secs', tools: ['sub'], help: 'exit after \'timeout_secs\' seconds, with status 27, "Timed out".', apply: (a, v) => { a.timeoutSeconds = intOf('-W', v, 1, 3_600_000); } },
  { names: ['-x'], value: 'session-expiry-interval', tools: BOTH, help: 'session-expiry-interval: an MQTT v5 property; with MQTT 3.1.1 it is ignored, as mosquitto ignores it.', apply: (_a, v) => {
    if (!/^(-1|\d+|∞)$/.test(v) || (/^\d+$/.test(v) && Number(v) > 4294967295)) throw new UsageError(`Invalid session-expiry-interval '${v}'.`);
  } },
  { names: ['--help'], tools: BOTH, help: 'display this message.', apply: (a) => { a.help = true; } },
  { names: ['--version'], tools: BOTH, help: 'print the version and exit.', apply: (a) => { a.version = true; } },
  { names: ['--nodelay'], tools: BOTH, help: 'disable Nagle\'s algorithm (microtls always does).', apply: () => {} },
  { names: ['--quiet'], tools: BOTH, help: 'don\'t print error messages.', apply: (a) => { a.quiet = true; } },
  { names: ['--will-payload'], value: 'payload', tools: BOTH, help: 'payload for the client Will, which is sent by the broker in case of unexpected disconnection. If not given and will-topic is set, a zero length message will be sent.', apply: (a, v) => { a.willPayload = bytes(v); } },
  { names: ['--will-qos'], value: 'qos', tools: BOTH, help: 'QoS level for the client Will.', apply: (a, v) => { a.willQos = qosOf(v); } },
  { names: ['--will-retain'], tools: BOTH, help: 'if given, make the client Will retained.', apply: (a) => { a.willRetain = true; } },
  { names: ['--will-topic'], value: 'topic', tools: BOTH, help: 'the topic on which to publish the client Will.', apply: (a, v) => { a.willTopic = v; } },
  { names: ['--tls'], tools: BOTH, help: 'use TLS 1.2 (implied by every TLS option below and by -L mqtts://).', apply: tlsOn },
  { names: ['--cafile'], value: 'file', tools: BOTH, help: 'file with the trusted CA certificate(s), PEM or DER, to verify the broker.', apply: (a, v) => { a.cafile = v; tlsOn(a); } },
  { names: ['--capath'], value: 'dir', tools: BOTH, help: 'directory of trusted CA certificate files (PEM or DER).', apply: (a, v) => { a.capath = v; tlsOn(a); } },
  { names: ['--cert'], value: 'file', tools: BOTH, help: 'client certificate for authentication, if required by server (PEM or DER).', apply: (a, v) => { a.cert = v; tlsOn(a); } },
  { names: ['--key'], value: 'file', tools: BOTH, help: 'client private key for authentication (RSA, PEM or DER, without a password).', apply: (a, v) => { a.key = v; tlsOn(a); } },
  { names: ['--ciphers'], value: 'ciphers', tools: BOTH, help: 'cipher suites to offer, separated by colons or commas: OpenSSL names (AES128-GCM-SHA256) or IANA names (TLS_RSA_WITH_AES_128_GCM_SHA256).', apply: (a, v) => { a.ciphers = parseCipherList(v); tlsOn(a); } },
  { names: ['--insecure'], tools: BOTH, help: 'do not verify the server certificate at all (the device\'s "Verify Server Certificate = Disable"; mosquitto only skips the hostname check).', apply: (a) => { a.insecure = true; tlsOn(a); } },
  { names: ['--tls-version'], value: 'version', tools: BOTH, help: 'TLS protocol version: tlsv1.2, the only one microtls speaks.', apply: (a, v) => {
    if (v !== 'tlsv1.2') throw new UsageError(`Unsupported --tls-version '${v}': microtls implements tlsv1.2 only.`);
    tlsOn(a);
  } },
];

/** mosquitto flags microtls refuses, with the reason printed. */
const REFUSED: { names: string[]; value: boolean; reason: string }[] = [
  { names: ['-A'], value: true, reason: 'binding to a local address is not supported by microtls' },
  { names: ['--unix'], value: true, reason: 'unix domain sockets are not supported by microtls' },
  { names: ['-D', '--property'], value: true, reason: 'MQTT v5 properties are not supported: microtls speaks MQTT 3.1.1' },
  { names: ['--psk', '--psk-identity'], value: true, reason: 'TLS-PSK is not supported: microtls uses certificates with RSA key exchange' },
  { names: ['--proxy'], value: true, reason: 'SOCKS proxies are not supported by microtls' },
  { names: ['--tls-alpn'], value: true, reason: 'ALPN is not supported by microtls' },
  { names: ['--tls-engine', '--tls-engine-kpass-sha1'], value: true, reason: 'OpenSSL engines are not supported: microtls is not OpenSSL' },
  { names: ['--keyform'], value: true, reason: 'only key files are supported (PEM or DER); --keyform is not needed' },
  { names: ['--tls-use-os-certs'], value: false, reason: 'the OS certificate store is not used: give the broker\'s CA with --cafile or --capath' },
  { names: ['--random-filter'], value: true, reason: '--random-filter is not supported by microtls sub' },
  { names: ['--pretty'], value: false, reason: '--pretty (JSON output) is not supported by microtls sub' },
  { names: ['-e'], value: true, reason: 'response topics are MQTT v5: microtls speaks MQTT 3.1.1' },
];

const byName = new Map<string, OptionSpec>();
for (const o of OPTIONS) for (const n of o.names) byName.set(n, o);
const refusedByName = new Map<string, (typeof REFUSED)[number]>();
for (const r of REFUSED) for (const n of r.names) refusedByName.set(n, r);

function applyUrl(a: Draft, v: string): void {
  const m = /^(mqtts?:\/\/[^/]+)\/(.+)$/.exec(v);
  if (!m) throw new UsageError(`Invalid URL for -L: ${v}`);
  let u;
  try {
    u = parseBrokerUrl(m[1]!);
  } catch (e) {
    throw new UsageError(`Invalid URL for -L: ${v} (${(e as Error).message})`);
  }
  a.host = u.host;
  a.port = u.port;
  if (u.protocol === 'mqtts') a.tls = true;
  if (u.username !== undefined) a.username = u.username;
  if (u.password !== undefined) a.password = u.password;
  a.topics.push(decodeURIComponent(m[2]!));
}

export function parseMqttArgs(argv: string[], tool: Tool): MqttCliArgs {
  const a: Draft = {
    host: 'localhost', topics: [], stdinLines: false, repeat: 1, repeatDelayMs: 0, qos: 0, retain: false, keepalive: 60,
    clean: true, verbose: false, debug: false, quiet: false, noStaleRetained: false, retainedOnly: false, removeRetained: false,
    exitAfterSubscribe: false, filterOut: [], unsubscribe: [], noEol: false, tls: false, insecure: false, help: false,
    version: false, willPayload: new Uint8Array(0), willQos: 0, willRetain: false, messageSources: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const spec = byName.get(flag);
    if (!spec || !spec.tools.includes(tool)) {
      const refused = refusedByName.get(flag);
      if (refused) throw new UsageError(`${flag}: ${refused.reason}.`);
      if (spec) throw new UsageError(`${flag} is a microtls ${spec.tools[0]} option, not one of microtls ${tool}.`);
      throw new UsageError(`Unknown option '${flag}'.`);
    }
    let v = '';
    if (spec.value !== undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} argument given but no ${spec.value} specified.`);
      v = argv[++i]!;
    }
    spec.apply(a, v);
  }
  const { willTopic, willPayload, willQos, willRetain, messageSources, ...args } = a;
  if (args.help || args.version) return args;
  if (args.cert !== undefined !== (args.key !== undefined)) throw new UsageError('Both --cert and --key must be given for a client certificate.');
  if (args.cafile !== undefined && args.capath !== undefined) throw new UsageError('Give either --cafile or --capath, not both.');
  if (args.password !== undefined && args.username === undefined) throw new UsageError('-P given without -u: a password needs a user name (MQTT-3.1.2-22).');
  if (args.clientId !== undefined && args.clientIdPrefix !== undefined) throw new UsageError('-i and -I argument cannot be used together.');
  if (!args.clean && args.clientId === undefined) throw new UsageError('You must provide a client id (-i) if you are using the -c option.');
  if (willTopic !== undefined) args.will = { topic: willTopic, payload: willPayload, qos: willQos, retain: willRetain };
  if (tool === 'pub') {
    if (messageSources > 1) throw new UsageError('Only one type of message can be sent at once.');
    if (args.topics.length !== 1 || messageSources === 0) throw new UsageError('Both topic and message must be supplied.');
  } else if (args.topics.length === 0 && args.unsubscribe.length === 0) {
    throw new UsageError('You must specify a topic to subscribe to.');
  }
  return args;
}

/** Each option's help, mosquitto style: " -h : mqtt host to connect to…", wrapped with the text aligned. */
function optionLines(tool: Tool): string[] {
  const lines: string[] = [];
  for (const o of OPTIONS.filter((x) => x.tools.includes(tool))) {
    const head = ` ${o.names.join(', ')} : `;
    const text = typeof o.help === 'string' ? o.help : o.help[tool];
    lines.push(...wrap(head, text, 100));
  }
  return lines;
}

function wrap(head: string, text: string, width: number): string[] {
  const indent = ' '.repeat(Math.min(head.length, 8));
  const out: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length + word.length > width && line.trim().length > 0 && line !== head) {
      out.push(line.trimEnd());
      line = indent;
    }
    line += `${word} `;
  }
  out.push(line.trimEnd());
  return out;
}

const SYNOPSIS: Record<Tool, string> = {
  pub: `Usage: microtls pub {[-h host] [-p port] [-u username [-P password]] -t topic | -L URL}
                    {-f file | -l | -n | -m message | -s}
                    [-c] [-k keepalive] [-q qos] [-r] [--repeat N] [--repeat-delay time]
                    [-i id] [-I id_prefix] [-d] [--quiet]
                    [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]
                    [[--cafile file | --capath dir] [--cert file --key file]
                      [--ciphers ciphers] [--insecure] [--tls-version tlsv1.2] [--tls]]
       microtls pub --help | --version`,
  sub: `Usage: microtls sub {[-h host] [-p port] [-u username [-P password]] -t topic ... | -L URL [-t topic]}
                    [-c] [-k keepalive] [-q qos] [-C msg_count] [-E] [-R] [--retained-only] [--remove-retained]
                    [-T filter_out ...] [-U topic ...] [-F format] [-N] [-v] [-W timeout_secs]
                    [-i id] [-I id_prefix] [-d] [--quiet]
                    [--will-topic [--will-payload payload] [--will-qos qos] [--will-retain]]
                    [[--cafile file | --capath dir] [--cert file --key file]
                      [--ciphers ciphers] [--insecure] [--tls-version tlsv1.2] [--tls]]
       microtls sub --help | --version`,
};

const INTRO: Record<Tool, string> = {
  pub: 'microtls pub is a simple MQTT 3.1.1 client that will publish a message on a single topic and exit (mosquitto_pub\'s flags and exit codes).',
  sub: 'microtls sub is a simple MQTT 3.1.1 client that will subscribe to a set of topics and print all messages it receives (mosquitto_sub\'s flags and exit codes).',
};

export function helpText(tool: Tool): string {
  return [
    INTRO[tool],
    versionLine(tool),
    '',
    SYNOPSIS[tool],
    '',
    ...optionLines(tool),
    '',
    'Differences from mosquitto:',
    '--insecure: no certificate verification at all (the device\'s "Verify Server Certificate = Disable"), not only no hostname check.',
    'Any TLS option (--cafile, --capath, --cert, --key, --ciphers, --insecure, --tls-version) turns TLS on, port 8883 by default.',
    '',
    'Not supported, refused with a reason: ' + REFUSED.flatMap((r) => r.names).filter((n) => tool === 'sub' || !['--random-filter', '--pretty', '-e'].includes(n)).join(' ') + '.',
    'Exit status as mosquitto\'s: 0 ok; 1 usage or connection error; 1-5 the broker\'s CONNACK refusal code; 7 connection lost',
    '(also: plain MQTT to a TLS port, a certificate the broker requires but none given); 8 TLS error; 27 -W timed out.',
    '',
    'See https://mosquitto.org/ for the flags these follow, `microtls help` for the other commands.',
  ].join('\n');
}

/** Short usage for errors, as mosquitto prints it: the synopsis. */
export const USAGE: Record<Tool, string> = { pub: SYNOPSIS.pub, sub: SYNOPSIS.sub };

/**
 * The flags as client options. Every file is read and checked here, before a connection is
 * made: a garbage CA file, an encrypted key or a key that does not match its certificate is
 * a usage error that names the file, never a retry loop.
 */
export function connectOptionsOf(a: MqttCliArgs, tool: Tool): ConnectOptions {
  const defaultId = `${a.clientIdPrefix ?? `microtls_${tool}_`}${process.pid}`;
  const o: ConnectOptions = {
    host: a.host,
    tls: a.tls,
    clientId: a.clientId ?? defaultId,
    clean: a.clean,
    keepalive: a.keepalive,
    verifyServerCertificate: !a.insecure,
  };
  if (a.port !== undefined) o.port = a.port;
  if (a.username !== undefined) o.username = a.username;
  if (a.password !== undefined) o.password = a.password;
  if (a.will) o.will = a.will;
  if (a.maxInflight !== undefined) o.maxInflight = a.maxInflight;
  if (a.cafile !== undefined || a.capath !== undefined) {
    const files = a.cafile !== undefined ? [readCertificateFile('--cafile', a.cafile)] : readCaDirectory(a.capath!);
    const flag = a.cafile !== undefined ? `--cafile ${a.cafile}` : `--capath ${a.capath}`;
    const { certs, rejected } = loadCertificatesLeniently(files.map((f) => f.bytes));
    if (certs.length === 0) throw new UsageError(`${flag}: no usable CA certificate (${rejected[0]?.message ?? 'none found'})`);
    // One PEM text for the library, whatever mix of PEM and DER files the directory held.
    o.caCertificate = files.length === 1 ? files[0]!.bytes : concatBytes(...certs.map((c) => bytes(encodePem('CERTIFICATE', c.der))));
  }
  if (a.cert !== undefined && a.key !== undefined) {
    const cert = readCertificateFile('--cert', a.cert);
    const key = readKeyFile('--key', a.key);
    try {
      loadClientCredentials({ cert: cert.bytes, key: key.bytes, maxFileBytes: Number.MAX_SAFE_INTEGER });
    } catch (e) {
      throw new UsageError(`--cert ${a.cert} / --key ${a.key}: ${e instanceof MicroTlsError ? e.message : String(e)}`);
    }
    o.clientCertificate = cert.bytes;
    o.privateKey = key.bytes;
  }
  if (a.ciphers) o.ciphers = a.ciphers;
  return o;
}

/** -d output in mosquitto's words: "Client <id> sending PUBLISH (d0, q1, r0, m1, 'topic', ... (5 bytes))". */
export function debugLine(clientId: string, dir: 'sending' | 'received', p: Packet): string {
  const name = p.type.toUpperCase();
  switch (p.type) {
    case 'publish':
      return `Client ${clientId} ${dir} ${name} (d${p.dup ? 1 : 0}, q${p.qos}, r${p.retain ? 1 : 0}, m${p.packetId ?? 0}, '${p.topic}', ... (${p.payload.length} bytes))`;
    case 'connack':
      return `Client ${clientId} ${dir} ${name} (${p.returnCode})`;
    case 'subscribe':
      return `Client ${clientId} ${dir} ${name} (Mid: ${p.packetId}, ${p.subscriptions.map((s) => `Topic: ${s.topic}, QoS: ${s.qos}`).join('; ')})`;
    case 'suback':
      return `Client ${clientId} ${dir} ${name} (Mid: ${p.packetId}, QoS: ${p.returnCodes.join(', ')})`;
    case 'puback': case 'pubrec': case 'pubrel': case 'pubcomp': case 'unsubscribe': case 'unsuback':
      return `Client ${clientId} ${dir} ${name} (Mid: ${p.packetId})`;
    default:
      return `Client ${clientId} ${dir} ${name}`;
  }
}

/** connect() with -d tracing attached before the first packet goes out. */
export function openClient(options: ConnectOptions, debug: boolean, io: { err(line: string): void; out(line: string): void }): { client: MqttClient; ready: Promise<MqttClient> } {
  const c = connect(options);
  if (debug) {
    c.on('packetsend', (p) => io.out(debugLine(c.clientId, 'sending', p)));
    c.on('packetreceive', (p) => io.out(debugLine(c.clientId, 'received', p)));
  }
  return { client: c, ready: whenConnected(c) };
}
