/**
 * mosquitto_pub / mosquitto_sub command-line flags, shared by `microtls pub` and `microtls sub`,
 * and the exit codes those tools use (so scripts written for them keep working).
 *
 * One documented difference: --insecure turns certificate verification off entirely (the
 * reference device's "Verify Server Certificate = Disable"), where mosquitto only skips the
 * hostname check.
 */
import { readFileSync } from 'node:fs';
import { connect, whenConnected, type ConnectOptions, type MqttClient, type Packet, type QoS } from '../mqtt/index.js';
import { parseBrokerUrl } from '../mqtt/url.js';
import { MicroTlsError } from '../errors.js';

/** Exit codes of mosquitto_pub/sub 2.x. */
export const EXIT = {
  ok: 0,
  /** Usage errors and failures to connect (network, TLS). */
  error: 1,
  /** The broker closed the connection (MOSQ_ERR_CONN_LOST). */
  connectionLost: 7,
  /** -W elapsed (MOSQ_ERR_TIMEOUT). */
  timeout: 27,
} as const;

export interface MqttCliArgs {
  host: string;
  port?: number;
  topics: string[];
  message?: Uint8Array;
  qos: QoS;
  retain: boolean;
  clientId?: string;
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
  tls: boolean;
  cafile?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  ciphers?: string[];
  will?: { topic: string; payload: Uint8Array; qos: QoS; retain: boolean };
  help: boolean;
}

const WITH_VALUE = new Set([
  '-h', '-p', '-t', '-m', '-q', '-i', '-u', '-P', '-k', '-C', '-W', '-f', '-L', '-V',
  '--cafile', '--cert', '--key', '--tls-version', '--ciphers', '--will-topic', '--will-payload', '--will-qos',
]);
const FLAGS = new Set(['-r', '-v', '-d', '-n', '-c', '-R', '-s', '--insecure', '--tls', '--will-retain', '--quiet', '--help']);

export class UsageError extends Error {}

function qosOf(v: string): QoS {
  if (v !== '0' && v !== '1' && v !== '2') throw new UsageError(`Invalid QoS given: ${v}`);
  return Number(v) as QoS;
}

function intOf(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`Invalid ${flag} value: ${v}`);
  return n;
}

export function parseMqttArgs(argv: string[], tool: 'pub' | 'sub'): MqttCliArgs {
  const a: MqttCliArgs = {
    host: 'localhost', topics: [], qos: 0, retain: false, keepalive: 60, clean: true, verbose: false, debug: false,
    quiet: false, noStaleRetained: false, tls: false, insecure: false, help: false,
  };
  let willTopic: string | undefined;
  let willPayload: Uint8Array = new Uint8Array(0);
  let willQos: QoS = 0;
  let willRetain = false;
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (!WITH_VALUE.has(flag) && !FLAGS.has(flag)) throw new UsageError(`Unknown option '${flag}'.`);
    let v = '';
    if (WITH_VALUE.has(flag)) {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} argument given but no value specified.`);
      v = argv[++i]!;
    }
    switch (flag) {
      case '-h': a.host = v; break;
      case '-p': a.port = intOf('port', v, 1, 65_535); break;
      case '-t': a.topics.push(v); break;
      case '-m': a.message = bytes(v); break;
      case '-n': a.message = new Uint8Array(0); break;
      case '-f': a.message = new Uint8Array(readFileSync(v)); break;
      case '-s': a.message = new Uint8Array(readFileSync(0)); break;
      case '-q': a.qos = qosOf(v); break;
      case '-r': a.retain = true; break;
      case '-i': a.clientId = v; break;
      case '-u': a.username = v; break;
      case '-P': a.password = v; break;
      case '-k': a.keepalive = intOf('keepalive', v, 0, 65_535); break;
      case '-c': a.clean = false; break;
      case '-C': a.count = intOf('-C', v, 1, Number.MAX_SAFE_INTEGER); break;
      case '-W': a.timeoutSeconds = intOf('-W', v, 1, 3_600_000); break;
      case '-v': a.verbose = true; break;
      case '-d': a.debug = true; break;
      case '-R': a.noStaleRetained = true; break;
      case '--quiet': a.quiet = true; break;
      case '--help': a.help = true; break;
      case '-V':
        if (v !== 'mqttv311' && v !== '311') throw new UsageError(`Unsupported protocol version '${v}': microtls speaks MQTT 3.1.1 (mqttv311) only.`);
        break;
      case '-L': {
        const m = /^(mqtts?:\/\/[^/]+)\/(.+)$/.exec(v);
        if (!m) throw new UsageError(`Invalid URL for -L: ${v}`);
        const u = parseBrokerUrl(m[1]!);
        a.host = u.host;
        a.port = u.port;
        if (u.protocol === 'mqtts') a.tls = true;
        if (u.username !== undefined) a.username = u.username;
        if (u.password !== undefined) a.password = u.password;
        a.topics.push(decodeURIComponent(m[2]!));
        break;
      }
      case '--cafile': a.cafile = v; a.tls = true; break;
      case '--cert': a.cert = v; break;
      case '--key': a.key = v; break;
      case '--insecure': a.insecure = true; break;
      case '--tls': a.tls = true; break;
      case '--tls-version':
        if (v !== 'tlsv1.2') throw new UsageError(`Unsupported --tls-version '${v}': microtls implements tlsv1.2 only.`);
        break;
      case '--ciphers': a.ciphers = v.split(':').filter(Boolean); break;
      case '--will-topic': willTopic = v; break;
      case '--will-payload': willPayload = bytes(v); break;
      case '--will-qos': willQos = qosOf(v); break;
      case '--will-retain': willRetain = true; break;
    }
  }
  if (a.help) return a;
  if (a.cert !== undefined !== (a.key !== undefined)) throw new UsageError('Both --cert and --key must be given for a client certificate.');
  if (a.password !== undefined && a.username === undefined) throw new UsageError('-P given without -u: a password needs a user name (MQTT-3.1.2-22).');
  if (!a.clean && a.clientId === undefined) throw new UsageError('You must provide a client id (-i) if you are using the -c option.');
  if (willTopic !== undefined) a.will = { topic: willTopic, payload: willPayload, qos: willQos, retain: willRetain };
  if (tool === 'pub') {
    if (a.topics.length !== 1 || a.message === undefined) throw new UsageError('Both topic and message must be supplied.');
  } else if (a.topics.length === 0) {
    throw new UsageError('You must specify a topic to subscribe to.');
  }
  return a;
}

/** The flags as client options; the device's settings names, files read here so their errors name the file. */
export function connectOptionsOf(a: MqttCliArgs, defaultClientId: string): ConnectOptions {
  const read = (flag: string, path: string): Uint8Array => {
    try {
      return new Uint8Array(readFileSync(path));
    } catch (e) {
      throw new UsageError(`Unable to load ${flag} file '${path}': ${(e as Error).message}`);
    }
  };
  const o: ConnectOptions = {
    host: a.host,
    tls: a.tls,
    clientId: a.clientId ?? defaultClientId,
    clean: a.clean,
    keepalive: a.keepalive,
    verifyServerCertificate: !a.insecure,
  };
  if (a.port !== undefined) o.port = a.port;
  if (a.username !== undefined) o.username = a.username;
  if (a.password !== undefined) o.password = a.password;
  if (a.will) o.will = a.will;
  if (a.cafile !== undefined) o.caCertificate = read('--cafile', a.cafile);
  if (a.cert !== undefined) o.clientCertificate = read('--cert', a.cert);
  if (a.key !== undefined) o.privateKey = read('--key', a.key);
  if (a.ciphers) o.ciphers = a.ciphers;
  return o;
}

export const USAGE = {
  pub: 'Usage: microtls pub [-h host] [-p port] [-u username [-P password]] -t topic {-m message | -n | -f file | -s}\n'
    + '                   [-q qos] [-r] [-i id] [-c] [-k keepalive] [-d] [-V mqttv311] [-L mqtt(s)://host[:port]/topic]\n'
    + '                   [--will-topic t [--will-payload p] [--will-qos q] [--will-retain]]\n'
    + '                   [--tls] [--cafile file] [--cert file --key file] [--insecure] [--tls-version tlsv1.2] [--ciphers list]\n'
    + '--insecure: no certificate verification at all (the device\'s "Verify Server Certificate = Disable").',
  sub: 'Usage: microtls sub [-h host] [-p port] [-u username [-P password]] -t topic ... [-q qos] [-i id] [-c] [-k keepalive]\n'
    + '                   [-C count] [-W seconds] [-v] [-R] [-d] [-V mqttv311] [-L mqtt(s)://host[:port]/topic]\n'
    + '                   [--tls] [--cafile file] [--cert file --key file] [--insecure] [--tls-version tlsv1.2] [--ciphers list]\n'
    + '--insecure: no certificate verification at all (the device\'s "Verify Server Certificate = Disable").',
};

/** Prints an error as mosquitto's tools do, plus the MQTT/TLS code and name; returns their exit code. */
export function reportFailure(err: unknown, io: { err(line: string): void }, quiet: boolean): number {
  const print = (line: string): void => {
    if (!quiet) io.err(line);
  };
  if (err instanceof UsageError) {
    print(`Error: ${err.message}`);
    print('Use --help to see usage.');
    return EXIT.error;
  }
  const e = err as Error & { returnCode?: number; label?: string; rule?: string };
  if (e.name === 'MqttConnackError' && typeof e.returnCode === 'number') {
    print(`Connection error: ${e.message}`);
    // mosquitto_pub/sub exit with the CONNACK return code.
    return e.returnCode;
  }
  print(`Error: ${e.message ?? String(err)}`);
  return e instanceof MicroTlsError && e.codeName === 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED' ? EXIT.connectionLost : EXIT.error;
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
export function openClient(options: ConnectOptions, debug: boolean, io: { out(line: string): void }): { client: MqttClient; ready: Promise<MqttClient> } {
  const c = connect(options);
  if (debug) {
    c.on('packetsend', (p) => io.out(debugLine(c.clientId, 'sending', p)));
    c.on('packetreceive', (p) => io.out(debugLine(c.clientId, 'received', p)));
  }
  return { client: c, ready: whenConnected(c) };
}
