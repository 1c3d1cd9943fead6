/** Child processes of the bench: TLS servers (their work must not share the client's event loop) and report sections. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface Server<P> {
  ports: P;
  stop(): void;
}

/** Starts bench/servers/NAME.ts with `env`; it prints its ports as one JSON line. */
export async function startServer<P>(name: string, env: Record<string, string>): Promise<Server<P>> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'servers', `${name}.ts`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(() => {
    throw new Error(`bench server ${name} exited before listening`);
  });
  const [line] = (await Promise.race([once(child.stdout!, 'data'), exited])) as [Buffer];
  child.stdout!.resume();
  return { ports: JSON.parse(line.toString()) as P, stop: () => child.kill() };
}

/**
 * Runs bench/FILE as a child with node flags (--jitless, --expose-gc) and returns the JSON it
 * wrote to BENCH_JSON, or undefined when it failed (its output went to this terminal).
 */
export async function runSection<T>(file: string, nodeFlags: string[], env: Record<string, string> = {}, args: string[] = []): Promise<T | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-bench-'));
  const out = join(dir, 'section.json');
  try {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(BENCH_DIR, file), ...args], {
      env: { ...process.env, ...env, BENCH_JSON: out },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) {
      console.log(`  (${file} ${nodeFlags.join(' ')} exited with ${code})`);
      return undefined;
    }
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } catch (e) {
    console.log(`  (${file}: ${(e as Error).message})`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
