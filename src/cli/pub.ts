/**
 * `microtls pub`: publish, mosquitto_pub style: one message (-m, -f, -s, -n), repeated
 * (--repeat, --repeat-delay), or one per line of standard input (-l). Flags in mqtt-args.ts,
 * exit codes and error explanations in mqtt-failure.ts.
 */
import type { CliIo } from './main.js';
import { UsageError, connectOptionsOf, helpText, openClient, parseMqttArgs, type MqttCliArgs } from './mqtt-args.js';
import { EXIT, reportFailure, type FailureContext } from './mqtt-failure.js';
import { onStopSignal } from './signals.js';
import { versionLine } from './version.js';
import { checkTopicName } from '../mqtt/codec/rules.js';
import type { MqttClient } from '../mqtt/index.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: MqttCliArgs;
  const quiet = argv.includes('--quiet');
  try {
    args = parseMqttArgs(argv, 'pub');
    if (args.help) {
      io.out(helpText('pub'));
      return EXIT.ok;
    }
    if (args.version) {
      io.out(versionLine('pub'));
      return EXIT.ok;
    }
    try {
      checkTopicName(args.topics[0]!);
    } catch {
      throw new UsageError(`Invalid publish topic '${args.topics[0]}', does it contain '+' or '#'?`);
    }
  } catch (e) {
    return reportFailure(e, io, { tls: false, host: '', port: 0, clientCertificate: false, quiet });
  }
  const a = args;
  const ctx: FailureContext = { tls: a.tls, host: a.host, port: a.port ?? (a.tls ? 8883 : 1883), clientCertificate: a.cert !== undefined, quiet: a.quiet };
  let client: MqttClient | undefined;
  const stop = onStopSignal();
  try {
    const options = connectOptionsOf(a, 'pub');
    const opened = openClient({ ...options, reconnectPeriod: 0 }, a.debug, io);
    client = opened.client;
    opened.ready.catch(() => {}); // raced below against a signal
    const first = await Promise.race([opened.ready, stop.stopped]);
    if (typeof first === 'string') {
      await opened.client.end(true);
      return EXIT.ok;
    }
    const c = first;
    const publish = (payload: Uint8Array): Promise<void> => c.publish(a.topics[0]!, payload, { qos: a.qos, retain: a.retain });
    let interrupted = false;
    void stop.stopped.then(() => (interrupted = true));
    if (a.stdinLines) {
      await publishLines(publish, stop.stopped);
    } else {
      for (let i = 0; i < a.repeat && !interrupted; i++) {
        if (i > 0 && a.repeatDelayMs > 0) await Promise.race([sleep(a.repeatDelayMs), stop.stopped]);
        if (interrupted) break;
        await publish(a.message!);
      }
    }
    await c.end();
    return EXIT.ok;
  } catch (e) {
    await client?.end(true);
    return reportFailure(e, io, ctx);
  } finally {
    stop.dispose();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * -l: each line of standard input is one message, without its newline; an empty line is a
 * zero-length message and a last line without a newline is sent too (as mosquitto_pub does).
 * Messages are handed to the client as they are read: it keeps them in order and sends at
 * most -M (maxInflight) unacknowledged; reading pauses while many wait, so memory stays bounded.
 */
async function publishLines(publish: (p: Uint8Array) => Promise<void>, stopped: Promise<unknown>, maxPending = 256): Promise<void> {
  let rest: Buffer = Buffer.alloc(0);
  const pending = new Set<Promise<void>>();
  const stdin = process.stdin;
  let failure: unknown;
  await new Promise<void>((resolve, reject) => {
    let ended = false;
    const send = (line: Uint8Array): void => {
      const p = publish(line).then(() => {
        pending.delete(p);
        if (pending.size < maxPending / 2 && !ended) stdin.resume();
        if (ended && pending.size === 0) finish();
      }, (e: unknown) => {
        pending.delete(p);
        failure ??= e;
        finish();
      });
      pending.add(p);
      if (pending.size >= maxPending) stdin.pause();
    };
    const onData = (chunk: Buffer): void => {
      rest = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let nl: number;
      while ((nl = rest.indexOf(0x0a)) >= 0) {
        send(new Uint8Array(rest.subarray(0, nl)));
        rest = rest.subarray(nl + 1);
      }
    };
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      if (failure !== undefined) reject(failure);
      else resolve();
    };
    const onEnd = (): void => {
      ended = true;
      if (rest.length) send(new Uint8Array(rest));
      if (pending.size === 0) finish();
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    // A signal: stop reading and disconnect now, as mosquitto_pub does (a broker that stopped
    // acknowledging must not hold the command open).
    void stopped.then(() => {
      ended = true;
      finish();
    });
  });
}
