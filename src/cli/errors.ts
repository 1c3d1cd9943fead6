/**
 * `microtls errors CODE…`: name and meaning of an Mbed TLS error code, as the reference
 * device shows codes in its "Status codes" field (manual, Appendix I). Accepts `-0x2180`,
 * `0x2180`, `-8576`, or a name; a combined code such as -0x21E2 (high-level X509 part plus
 * low-level ASN.1 part, as Mbed TLS adds them) is split into both. `--flags 0x0C` names
 * certificate verification flags.
 */
import { describeError, formatCode } from '../errors.js';
import { flagNames, VERIFY_FLAG_MEANINGS, type VerifyFlagName } from '../x509/flags.js';
import type { CliIo } from './main.js';
import { versionLine } from './version.js';

const USAGE = `usage: microtls errors CODE...        e.g. microtls errors -0x2180 -0x7780 SSL_INVALID_MAC
       microtls errors --flags FLAGS    e.g. microtls errors --flags 0x0C (certificate verify flags)`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    if (argv.length > 0) io.out(`microtls errors explains the error codes the reference device shows in its "Status codes" field.\n${versionLine('errors')}\n`);
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    io.out(versionLine('errors'));
    return 0;
  }
  if (argv[0] === '--flags') return flags(argv.slice(1), io);
  let unknown = 0;
  for (const arg of argv) {
    const lines = explain(arg);
    if (lines.length === 0) {
      io.err(`${arg}: not an Mbed TLS error code microtls knows`);
      unknown++;
    }
    for (const l of lines) io.out(l);
  }
  return unknown === 0 ? 0 : 1;
}

function explain(arg: string): string[] {
  const direct = describeError(arg);
  if (direct) return [`${formatCode(direct.code)} ${direct.name}: ${direct.meaning}`];
  const m = /^-?(0x[0-9a-f]+|\d+)$/i.exec(arg.trim());
  if (!m) return [];
  const value = Math.abs(Number(m[1]));
  // Mbed TLS error = high-level (0x1000..0x7F80) + low-level (0x0001..0x007F).
  const high = describeError(-(value & 0xff80));
  const low = describeError(-(value & 0x007f));
  if (!high || !low || (value & 0x007f) === 0) return [];
  return [
    `${formatCode(-value)} = ${formatCode(high.code)} ${high.name}: ${high.meaning}`,
    `${' '.repeat(formatCode(-value).length)} + ${formatCode(low.code)} ${low.name}: ${low.meaning}`,
  ];
}

function flags(args: string[], io: CliIo): number {
  if (args.length !== 1 || !/^(0x[0-9a-f]+|\d+)$/i.test(args[0]!)) {
    io.err(USAGE);
    return 2;
  }
  const value = Number(args[0]);
  const names = flagNames(value);
  if (names.length === 0) io.out(`0x${value.toString(16)}: no flag set (verification passed)`);
  for (const n of names) {
    const meaning = VERIFY_FLAG_MEANINGS[n as VerifyFlagName];
    io.out(meaning ? `${n}: ${meaning}` : `${n}: not a verify flag microtls knows`);
  }
  return names.every((n) => n in VERIFY_FLAG_MEANINGS) ? 0 : 1;
}
