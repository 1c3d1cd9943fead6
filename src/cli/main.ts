/**
 * `microtls` command-line entry. Each subcommand lives in its own module and is loaded
 * only when used, so `microtls errors` does not pay for the TLS engine.
 */
const COMMANDS: Record<string, { module: string; summary: string }> = {
  probe: { module: './probe.js', summary: 'TLS 1.2 handshake with a server; prints suite, chain, verification and timings' },
  'cert-info': { module: './cert-info.js', summary: 'describe certificate and key files as the reference device does' },
  errors: { module: './errors.js', summary: 'name and meaning of an Mbed TLS error code' },
  pub: { module: './pub.js', summary: 'publish an MQTT message (mosquitto_pub flags)' },
  sub: { module: './sub.js', summary: 'subscribe to MQTT topics (mosquitto_sub flags)' },
};

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export async function main(argv: string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out('usage: microtls <command> [options]\n');
    for (const [name, c] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(10)} ${c.summary}`);
    return cmd ? 0 : 2;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    io.err(`microtls: unknown command '${cmd}' (try: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  const mod = (await import(entry.module)) as { run(argv: string[], io: CliIo): Promise<number> };
  return mod.run(rest, io);
}
