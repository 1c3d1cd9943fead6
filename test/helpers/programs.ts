/**
 * The system programs tests run (openssl, mosquitto, mosquitto_sub, …), found the way .ci/run
 * finds them, with the Debian package named when one is missing. A missing program then fails
 * the one test that needs it with an instruction, instead of an 'error' event that nobody
 * listens to ending the whole test process.
 */
import { execFileSync, spawn, type ChildProcess, type ExecFileSyncOptions, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** program -> Debian package, from .ci/apt-packages (the list .ci/run installs). */
export const PROGRAM_PACKAGES: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const line of readFileSync(join(root, '.ci', 'apt-packages'), 'utf8').split('\n')) {
    const words = line.trim().split(/\s+/);
    if (!words[0] || words[0].startsWith('#')) continue;
    for (const program of words.slice(1)) map.set(program, words[0]);
  }
  return map;
})();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of a program on PATH or in the sbin directories, or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** What to tell a person when `name` is missing. */
export function missingProgramMessage(name: string): string {
  const pkg = PROGRAM_PACKAGES.get(name);
  return pkg
    ? `'${name}' is not installed: apt-get install ${pkg} (listed in .ci/apt-packages, which .ci/run installs)`
    : `'${name}' is not installed, and .ci/apt-packages does not list it: add its Debian package there`;
}

/** The program's path; throws a message naming the package when it is absent. */
export function requireProgram(name: string): string {
  const path = findProgram(name);
  if (!path) throw new Error(missingProgramMessage(name));
  return path;
}

/**
 * spawn() for a system program. A spawn failure after the start (EACCES, ENOMEM) is kept on
 * `child.spawnError` and ends the child as an exit would, so callers waiting for 'exit' or
 * 'close' see it; nothing is thrown from an event handler.
 */
export function spawnProgram(name: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess & { spawnError?: Error } {
  const child: ChildProcess & { spawnError?: Error } = spawn(requireProgram(name), args, options);
  child.on('error', (err) => {
    child.spawnError = new Error(`${name} could not be started: ${err.message}. ${missingProgramMessage(name)}`, { cause: err });
  });
  return child;
}

/** execFileSync() for a system program, with the package named when it is absent. */
export function runProgram(name: string, args: readonly string[], options: ExecFileSyncOptions & { encoding: BufferEncoding }): string;
export function runProgram(name: string, args: readonly string[], options?: ExecFileSyncOptions): string | Buffer;
export function runProgram(name: string, args: readonly string[], options: ExecFileSyncOptions = {}): string | Buffer {
  return execFileSync(requireProgram(name), args, options);
}
