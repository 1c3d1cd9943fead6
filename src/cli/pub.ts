/** `microtls pub`: publish one message, mosquitto_pub style (flags and exit codes in mqtt-args.ts). */
import type { CliIo } from './main.js';
import { USAGE, UsageError, connectOptionsOf, openClient, parseMqttArgs, reportFailure, EXIT, type MqttCliArgs } from './mqtt-args.js';
import { checkTopicName } from '../mqtt/codec/rules.js';
import type { MqttClient } from '../mqtt/index.js';

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: MqttCliArgs;
  try {
    args = parseMqttArgs(argv, 'pub');
    if (args.help) {
      io.out(USAGE.pub);
      return EXIT.ok;
    }
    try {
      checkTopicName(args.topics[0]!);
    } catch {
      throw new UsageError(`Invalid publish topic '${args.topics[0]}', does it contain '+' or '#'?`);
    }
  } catch (e) {
    return reportFailure(e, io, false);
  }
  let client: MqttClient | undefined;
  try {
    const options = connectOptionsOf(args, `microtls_pub_${process.pid}`);
    const opened = openClient({ ...options, reconnectPeriod: 0 }, args.debug, io);
    client = opened.client;
    const c = await opened.ready;
    await c.publish(args.topics[0]!, args.message!, { qos: args.qos, retain: args.retain });
    await c.end();
    return EXIT.ok;
  } catch (e) {
    await client?.end(true);
    return reportFailure(e, io, args.quiet);
  }
}
