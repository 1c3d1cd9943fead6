/**
 * `microtls sub`: print messages as mosquitto_sub does (raw payload bytes, -v, -F, -N), stop
 * after -C messages, -W seconds, -E, --retained-only or a signal; keep going across broker
 * restarts like mosquitto_sub, retrying every second. Flags in mqtt-args.ts, exit codes and
 * error explanations in mqtt-failure.ts, output in sub-format.ts.
 */
import type { CliIo } from './main.js';
import { UsageError, connectOptionsOf, helpText, openClient, parseMqttArgs, type MqttCliArgs } from './mqtt-args.js';
import { EXIT, reportFailure, type FailureContext } from './mqtt-failure.js';
import { messageWriter } from './sub-format.js';
import { onStopSignal } from './signals.js';
import { topicMatches } from './topic-match.js';
import { versionLine } from './version.js';
import { checkTopicFilter } from '../mqtt/codec/rules.js';
import type { MqttClient } from '../mqtt/index.js';

/**
 * mosquitto_sub retries every second, without growing the delay; so does microtls sub (the
 * library's default backoff doubles up to 30 s, right for a fleet of devices, slow for a
 * person watching a terminal).
 */
export const RECONNECT_MS = 1000;

/** The protocol's largest packet: 268,435,455 bytes of remaining length plus a 5-byte fixed header. */
const MAX_MQTT_PACKET = 268_435_460;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: MqttCliArgs;
  let write: (m: { topic: string; payload: Uint8Array; qos: number; retain: boolean; packetId?: number }) => Uint8Array;
  const quiet = argv.includes('--quiet');
  try {
    args = parseMqttArgs(argv, 'sub');
    if (args.help) {
      io.out(helpText('sub'));
      return EXIT.ok;
    }
    if (args.version) {
      io.out(versionLine('sub'));
      return EXIT.ok;
    }
    for (const t of [...args.topics, ...args.filterOut, ...args.unsubscribe]) {
      try {
        checkTopicFilter(t);
      } catch {
        throw new UsageError(`Invalid subscription topic '${t}', are all '+' and '#' wildcards correct?`);
      }
    }
    write = messageWriter(args);
  } catch (e) {
    return reportFailure(e, io, { tls: false, host: '', port: 0, clientCertificate: false, quiet });
  }
  const a = args;
  const ctx: FailureContext = { tls: a.tls, host: a.host, port: a.port ?? (a.tls ? 8883 : 1883), clientCertificate: a.cert !== undefined, quiet: a.quiet };
  const output = io.write ? io.write.bind(io) : (b: Uint8Array) => io.out(Buffer.from(b).toString('utf8').replace(/\n$/, ''));
  let client: MqttClient | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = onStopSignal();
  try {
    // -W counts from start-up, like mosquitto_sub, so it also bounds a slow connect.
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (a.timeoutSeconds !== undefined) timer = setTimeout(() => resolve('timeout'), a.timeoutSeconds * 1000);
    });
    const stopped = stop.stopped.then(() => 'signal' as const);
    const opened = openClient({
      ...connectOptionsOf(a, 'sub'),
      reconnectPeriod: RECONNECT_MS,
      maxReconnectPeriod: RECONNECT_MS,
      // The delay is then exactly RECONNECT_MS, so the progress line can say it.
      random: (out) => out.fill(0xff),
      // A PC tool takes what mosquitto_sub takes: any packet the protocol allows (the library's
      // default is sized for a device).
      maxPacketSize: MAX_MQTT_PACKET,
    }, a.debug, io);
    const c0 = opened.client;
    client = c0;
    let received = 0;
    let onDone!: () => void;
    const done = new Promise<'done'>((resolve) => (onDone = () => resolve('done')));
    // Listening before CONNACK: with -c the broker sends the session's queued messages right
    // behind it, in the same read, before connectAsync's promise has even resolved.
    c0.on('message', (topic, payload, packet) => {
      if (a.count !== undefined && received >= a.count) return;
      if (a.filterOut.some((f) => topicMatches(f, topic))) return;
      if (a.retainedOnly && !packet.retain) {
        onDone();
        return;
      }
      if (a.removeRetained && packet.retain && payload.length > 0) {
        c0.publish(topic, new Uint8Array(0), { qos: 0, retain: true }).catch(() => {});
      }
      if (a.noStaleRetained && packet.retain) return;
      received++;
      output(write({ topic, payload, qos: packet.qos, retain: packet.retain, ...(packet.packetId !== undefined ? { packetId: packet.packetId } : {}) }));
      if (a.count !== undefined && received >= a.count) onDone();
    });
    opened.ready.catch(() => {}); // raced below; a late failure after -W must not surface as unhandled
    const first = await Promise.race([opened.ready, timedOut, stopped]);
    if (first === 'timeout' || first === 'signal') {
      await c0.end(first === 'timeout');
      if (first === 'timeout' && !a.quiet) io.err('Timed out');
      return first === 'timeout' ? EXIT.timeout : EXIT.ok;
    }
    const c = first;
    // mosquitto_sub keeps going across broker restarts; report, don't exit.
    let lastError: Error | undefined;
    let outage = false;
    let printed: Error | undefined;
    c.on('error', (e) => {
      lastError = e;
      if (a.quiet) return;
      if (a.debug) {
        io.err(`Error: ${e.message}`);
        printed = e;
      } else if (!outage) {
        outage = true;
        io.err(`Connection lost (${e.message}); reconnecting every ${RECONNECT_MS / 1000} s (-d shows each attempt).`);
      }
    });
    c.on('close', () => {
      // The client schedules its reconnect right after 'close'; read the attempt number then.
      setImmediate(() => {
        if (c.state !== 'reconnecting' || a.quiet) return;
        const attempt = c.status().reconnectAttempts;
        if (a.debug) io.err(`Client ${c.clientId} reconnecting in ${RECONNECT_MS / 1000} s (attempt ${attempt})`);
        else if (!outage) {
          outage = true;
          io.err(`Connection lost; reconnecting every ${RECONNECT_MS / 1000} s (-d shows each attempt).`);
        }
      });
    });
    c.on('connect', () => {
      if (outage && !a.quiet) io.err('Reconnected.');
      outage = false;
    });
    // The client gave up (the broker refused a reconnect for good): nothing more can come.
    const gaveUp = new Promise<'ended'>((resolve) => c.once('end', () => resolve('ended')));
    if (a.topics.length > 0) {
      const granted = await c.subscribe(a.topics, { qos: a.qos });
      if (granted.every((g) => g.qos === 0x80)) {
        // mosquitto_sub's words and behaviour: disconnect, exit status 0.
        await c.end();
        if (!a.quiet) io.err('All subscription requests were denied.');
        return EXIT.ok;
      }
    }
    if (a.unsubscribe.length > 0) await c.unsubscribe(a.unsubscribe);
    if (a.exitAfterSubscribe) {
      await c.end();
      return EXIT.ok;
    }
    const outcome = await Promise.race([done, timedOut, gaveUp, stopped]);
    if (outcome === 'ended') {
      // The outage notice did not say why; the reason for giving up is worth a line (unless -d printed it).
      const why = lastError ?? new Error('the connection closed');
      return reportFailure(why, printed === why ? { err: () => {} } : io, ctx);
    }
    await c.end();
    if (outcome === 'timeout') {
      if (!a.quiet) io.err('Timed out');
      return EXIT.timeout;
    }
    return EXIT.ok;
  } catch (e) {
    await client?.end(true);
    return reportFailure(e, io, ctx);
  } finally {
    stop.dispose();
    if (timer) clearTimeout(timer);
  }
}
