/**
 * `microtls sub`: print messages one per line (-v: "topic payload"), stop after -C messages
 * or -W seconds, mosquitto_sub style (flags and exit codes in mqtt-args.ts).
 */
import type { CliIo } from './main.js';
import { USAGE, UsageError, connectOptionsOf, openClient, parseMqttArgs, reportFailure, EXIT, type MqttCliArgs } from './mqtt-args.js';
import { utf8DecodeLenient } from '../encoding/bytes.js';
import { checkTopicFilter } from '../mqtt/codec/rules.js';
import type { MqttClient } from '../mqtt/index.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: MqttCliArgs;
  try {
    args = parseMqttArgs(argv, 'sub');
    if (args.help) {
      io.out(USAGE.sub);
      return EXIT.ok;
    }
    for (const t of args.topics) {
      try {
        checkTopicFilter(t);
      } catch {
        throw new UsageError(`Invalid subscription topic '${t}', are all '+' and '#' wildcards correct?`);
      }
    }
  } catch (e) {
    return reportFailure(e, io, false);
  }
  const a = args;
  let client: MqttClient | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // -W counts from start-up, like mosquitto_sub, so it also bounds a slow connect.
    const timedOut = new Promise<'timeout'>((resolve) => {
      if (a.timeoutSeconds !== undefined) timer = setTimeout(() => resolve('timeout'), a.timeoutSeconds * 1000);
    });
    const opened = openClient(connectOptionsOf(a, `microtls_sub_${process.pid}`), a.debug, io);
    client = opened.client;
    let received = 0;
    let onDone!: () => void;
    const done = new Promise<'done'>((resolve) => (onDone = () => resolve('done')));
    // Listening before CONNACK: with -c the broker sends the session's queued messages right
    // behind it, in the same read, before connectAsync's promise has even resolved.
    client.on('message', (topic, payload, packet) => {
      if (a.noStaleRetained && packet.retain) return;
      if (a.count !== undefined && received >= a.count) return;
      received++;
      const text = utf8DecodeLenient(payload);
      io.out(a.verbose ? `${topic} ${payload.length === 0 ? '(null)' : text}` : text);
      if (a.count !== undefined && received >= a.count) onDone();
    });
    opened.ready.catch(() => {}); // raced below; a late failure after -W must not surface as unhandled
    const first = await Promise.race([opened.ready, timedOut]);
    if (first === 'timeout') {
      await opened.client.end(true);
      if (!a.quiet) io.err('Timed out');
      return EXIT.timeout;
    }
    const c = first;
    // mosquitto_sub keeps going across broker restarts; report, don't exit.
    let lastError: Error | undefined;
    c.on('error', (e) => {
      lastError = e;
      if (!a.quiet) io.err(`Error: ${e.message}`);
    });
    // The client gave up (the broker refused a reconnect for good): nothing more can come.
    const gaveUp = new Promise<'ended'>((resolve) => c.once('end', () => resolve('ended')));
    const granted = await c.subscribe(a.topics, { qos: a.qos });
    if (granted.every((g) => g.qos === 0x80)) {
      // mosquitto_sub's words and behaviour: disconnect, exit status 0.
      await c.end();
      if (!a.quiet) io.err('All subscription requests were denied.');
      return EXIT.ok;
    }
    const outcome = await Promise.race([done, timedOut, gaveUp]);
    if (outcome === 'ended') {
      // Printed already by the error listener above; only the exit code is left to decide.
      return reportFailure(lastError ?? new Error('the connection closed'), { err: () => {} }, true);
    }
    await c.end();
    if (outcome === 'timeout') {
      if (!a.quiet) io.err('Timed out');
      return EXIT.timeout;
    }
    return EXIT.ok;
  } catch (e) {
    await client?.end(true);
    return reportFailure(e, io, a.quiet);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
