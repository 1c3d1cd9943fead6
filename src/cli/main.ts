/**
 * `microtls` command-line entry. Each subcommand lives in its own module and is loaded
 * only when used, so `microtls errors` does not pay for the TLS engine.
 */
import { packageVersion } from './version.js';

const COMMANDS: Record<string, { module: string; summary: string }> = {
  probe: { module: './probe.js', summary: 'TLS 1.2 handshake with a server; prints chain, suite, extensions, verification and timings (openssl s_client style)' },
  'cert-info': { module: './cert-info.js', summary: 'judge certificate and key files as the reference device does (PEM, 4096 bytes, key sizes, expiry)' },
  errors: { module: './errors.js', summary: 'name and meaning of an Mbed TLS error code' },
  pub: { module: './pub.js', summary: 'publish MQTT messages (mosquitto_pub flags and exit codes)' },
  sub: { module: './sub.js', summary: 'subscribe to MQTT topics (mosquitto_sub flags and exit codes)' },
};

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Raw bytes to standard output (sub's payloads); without it they go through out() as UTF-8 text. */
  write?(bytes: Uint8Array): void;
}

const defaultIo: CliIo = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  write: (b) => void process.stdout.write(b),
};

function overview(io: CliIo): void {
  io.out(`microtls ${packageVersion()}: a TLS 1.2 client and MQTT 3.1.1 client for microcontrollers, and its command line.`);
  io.out('');
  io.out('Usage: microtls <command> [options]');
  io.out('       microtls help <command>     full help of one command (also: microtls <command> --help)');
  io.out('       microtls --version');
  io.out('');
  for (const [name, c] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(10)} ${c.summary}`);
}

/** Output to a reader that went away (`microtls probe … | head -1`) ends quietly, as other tools do on SIGPIPE. */
function quietEpipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // pub/sub listen too and stop cleanly (signals.ts); alone, this handler ends the process.
    if (e.code === 'EPIPE' && process.stdout.listenerCount('error') === 1) process.exit(0);
  });
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (io === defaultIo) quietEpipe();
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    io.out(`microtls ${packageVersion()}`);
    return 0;
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || (cmd === 'help' && rest.length === 0)) {
    overview(io);
    return cmd ? 0 : 2;
  }
  if (cmd === 'help') {
    const entry = COMMANDS[rest[0]!];
    if (!entry) {
      io.err(`microtls: no command '${rest[0]}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return 2;
    }
    return load(entry.module).then((m) => m.run(['--help'], io));
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    io.err(`microtls: unknown command '${cmd}' (commands: ${Object.keys(COMMANDS).join(', ')}; microtls --help)`);
    return 2;
  }
  return (await load(entry.module)).run(rest, io);
}

async function load(module: string): Promise<{ run(argv: string[], io: CliIo): Promise<number> }> {
  return (await import(module)) as { run(argv: string[], io: CliIo): Promise<number> };
}
