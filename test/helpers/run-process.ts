/**
 * Programs run as processes for the command-line tests: `microtls` itself (bin/microtls.js)
 * and the tools it is compared with (mosquitto_pub/sub, openssl), with their output collected
 * and their exit awaited with a deadline. A program that is not installed fails the one test
 * that needs it, with the Debian package to install (programs.ts); it never reaches the
 * runner as an unhandled 'error' event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findProgram, missingProgramMessage } from './programs.js';

export const MICROTLS_BIN = fileURLToPath(new URL('../../bin/microtls.js', import.meta.url));

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

export interface Running {
  readonly child: ChildProcess;
  stdout(): Buffer;
  stderr(): string;
  /** Resolves once stdout or stderr matches; rejects when the process exits first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** The exit; rejects after `ms` (and kills the process). */
  exited(ms?: number): Promise<Finished>;
  kill(signal?: NodeJS.Signals): void;
}

export interface StartOptions {
  stdin?: string | Uint8Array;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts `cmd args`; `microtls` means `node bin/microtls.js`. Throws, naming the package, when `cmd` is not installed. */
export function start(cmd: string, args: string[], opts: StartOptions = {}): Running {
  const program = cmd === 'microtls' ? process.execPath : findProgram(cmd);
  if (!program) throw new Error(missingProgramMessage(cmd));
  const [file, argv] = cmd === 'microtls' ? [program, [MICROTLS_BIN, ...args]] : [program, args];
  const t0 = Date.now();
  const child = spawn(file, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const out: Buffer[] = [];
  let err = '';
  let spawnError: Error | undefined;
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const l of [...listeners]) l();
  };
  child.stdout!.on('data', (d: Buffer) => { out.push(d); changed(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); changed(); });
  child.stdin!.on('error', () => {}); // a program that exits before reading its input
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = new Error(`${cmd} could not be started: ${e.message}. ${missingProgramMessage(cmd)}`, { cause: e });
      changed();
      reject(spawnError);
    });
    child.once('close', (code, signal) => {
      changed();
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err, ms: Date.now() - t0 });
    });
  });
  done.catch(() => {}); // observed through exited()/waitFor()
  let exitedFlag = false;
  void done.then(() => { exitedFlag = true; changed(); }, () => {});
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  const text = (): string => `stdout: ${JSON.stringify(Buffer.concat(out).toString('latin1'))}\nstderr: ${JSON.stringify(err)}`;
  return {
    child,
    stdout: () => Buffer.concat(out),
    stderr: () => err,
    waitFor(re, ms = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (spawnError) finish(spawnError);
          else if (re.test(Buffer.concat(out).toString('latin1')) || re.test(err)) finish();
          else if (exitedFlag) finish(new Error(`${cmd} ${args.join(' ')}: exited (code ${child.exitCode}) before printing ${re}\n${text()}`));
        };
        const timer = setTimeout(() => finish(new Error(`${cmd} ${args.join(' ')}: no output matching ${re} within ${ms} ms\n${text()}`)), ms);
        const finish = (e?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (e) reject(e);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    exited(ms = 20_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${cmd} ${args.join(' ')}: still running after ${ms} ms (killed)\n${text()}`));
        }, ms);
      });
      return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Runs to completion: exit code, stdout bytes, stderr text. */
export async function run(cmd: string, args: string[], opts: StartOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  return start(cmd, args, opts).exited(opts.timeoutMs);
}

/** `microtls ARGS` to completion. */
export function microtls(args: string[], opts: StartOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  return run('microtls', args, opts);
}
