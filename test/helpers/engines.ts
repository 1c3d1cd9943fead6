/**
 * Where the device engines are. Shared builds live in `../shared/engines/` beside the
 * repository (`../../shared` from a worktree under the clone's parent also counts);
 * `XST=`, `ESPRUINO=` and `XSNAP=` name a binary someone built themselves. xsnap comes
 * from the @agoric/xsnap dev dependency, which builds its worker at install.
 * Each finder returns a path, or undefined with a one-line reason for the skip.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface EngineLocation {
  readonly path: string | undefined;
  /** Why it is absent (for the skip line), or where it came from. */
  readonly note: string;
}

/** The first `shared/` beside the repository or one level further up. */
export function sharedDir(): string | undefined {
  for (const up of ['..', join('..', '..')]) {
    const dir = resolve(repoRoot, up, 'shared');
    if (existsSync(join(dir, 'engines'))) return dir;
  }
  return undefined;
}

function sharedEngine(name: string, envVar: string): EngineLocation {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    return existsSync(fromEnv) ? { path: fromEnv, note: `${envVar}=${fromEnv}` } : { path: undefined, note: `${envVar}=${fromEnv} does not exist` };
  }
  const shared = sharedDir();
  const path = shared ? join(shared, 'engines', name) : undefined;
  if (path && existsSync(path)) return { path, note: path };
  return { path: undefined, note: `needs ../shared/engines/${name} (or ${envVar}=/path/to/${name})` };
}

export const findXst = (): EngineLocation => sharedEngine('xst', 'XST');
export const findEspruino = (): EngineLocation => sharedEngine('espruino', 'ESPRUINO');

/** The xsnap worker binary that `npm ci` built inside node_modules/@agoric/xsnap. */
export function findXsnap(): EngineLocation {
  const fromEnv = process.env['XSNAP'];
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv, note: `XSNAP=${fromEnv}` } : { path: undefined, note: `XSNAP=${fromEnv} does not exist` };
  const path = join(repoRoot, 'node_modules', '@agoric', 'xsnap', 'xsnap-native', 'xsnap', 'build', 'bin', 'lin', 'release', 'xsnap-worker');
  return existsSync(path) ? { path, note: path }
    : { path: undefined, note: 'needs the xsnap worker that npm ci builds from @agoric/xsnap (gcc and make: build-essential)' };
}
