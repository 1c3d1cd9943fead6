/**
 * Finding and running the device engines of ../shared/engines (Espruino, xst) for tests, and
 * bundling a test entry for them. An engine is found at ESPRUINO= / XST= or at
 * ../shared/engines/<name> from the repo root; absent, a test skips with `engineMissing`.
 * xsnap (XSNAP=, else the worker npm ci builds from @agoric/xsnap) is found by findXsnap.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type EngineName = 'espruino' | 'xst';

export function enginePath(name: EngineName): string | undefined {
  const env = name === 'espruino' ? process.env.ESPRUINO : process.env.XST;
  if (env) return existsSync(env) ? env : undefined;
  // ../shared beside the clone; a worktree one level deeper (…/wt/<name>) finds it one more level up.
  for (const up of [['..'], ['..', '..']]) {
    const p = join(REPO_ROOT, ...up, 'shared', 'engines', name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The one-line reason for a skip when the engine is absent. */
export function engineMissing(name: EngineName): string {
  return `needs ../shared/engines/${name} (or ${name === 'espruino' ? 'ESPRUINO' : 'XST'}=), absent here`;
}

/**
 * What a test bundle needs on Espruino 2v29 beyond lowering: a small Map (the error-code table
 * is one). The device build proper (scripts/build-device*) has its own, complete set.
 */
const ESPRUINO_PRELUDE = 'if(typeof Map==="undefined"){var Map=function(a){this.k=[];this.v=[];if(a)for(var i=0;i<a.length;i++)this.set(a[i][0],a[i][1])};'
  + 'Map.prototype.get=function(k){var i=this.k.indexOf(k);return i<0?undefined:this.v[i]};'
  + 'Map.prototype.has=function(k){return this.k.indexOf(k)>=0};'
  + 'Map.prototype.set=function(k,x){var i=this.k.indexOf(k);if(i<0){this.k.push(k);this.v.push(x)}else this.v[i]=x;return this}}\n';

/**
 * Bundles a TypeScript entry to one IIFE script (esbuild), with extra plugins (e.g. the limb
 * backend). With `lower`, syntax Espruino lacks (destructuring, spread/rest, default
 * parameters, optional chaining, `**`) is lowered and the Espruino prelude put first.
 */
export async function bundleForEngine(entry: string, plugins: Plugin[], lower: boolean): Promise<string> {
  const result = await build({
    entryPoints: [entry], bundle: true, write: false, format: 'iife', platform: 'neutral', target: 'es2020',
    mainFields: ['module', 'main'], conditions: ['import', 'default'], logLevel: 'silent', legalComments: 'none', plugins,
    supported: lower
      ? { destructuring: false, 'object-rest-spread': false, 'default-argument': false, 'optional-chain': false, 'exponent-operator': false, 'rest-argument': false }
      : {},
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join('\n'));
  const text = result.outputFiles![0]!.text;
  return lower ? ESPRUINO_PRELUDE + text : text;
}

/**
 * Runs a script file in the engine and resolves with its stdout (stdin closed, so Espruino
 * leaves its REPL when the script ends). Killed after timeoutMs.
 */
export function runEngine(name: EngineName, file: string, timeoutMs: number): Promise<{ stdout: string; code: number | null }> {
  const bin = enginePath(name);
  if (bin === undefined) return Promise.reject(new Error(engineMissing(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [file], { cwd: dirname(file), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stdout += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name} did not finish in ${timeoutMs} ms; output so far:\n${stdout.slice(-2000)}`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ stdout, code }); });
  });
}

/** An engine binary, or why it is absent (the skip line). */
export interface EngineLocation {
  readonly path: string | undefined;
  readonly note: string;
}

function locate(name: EngineName, envVar: string): EngineLocation {
  const env = process.env[envVar];
  if (env && !existsSync(env)) return { path: undefined, note: `${envVar}=${env} does not exist` };
  const path = enginePath(name);
  return path ? { path, note: path } : { path: undefined, note: engineMissing(name) };
}

export const findXst = (): EngineLocation => locate('xst', 'XST');
export const findEspruino = (): EngineLocation => locate('espruino', 'ESPRUINO');

/** The xsnap worker binary that `npm ci` built inside node_modules/@agoric/xsnap (or XSNAP=). */
export function findXsnap(): EngineLocation {
  const fromEnv = process.env['XSNAP'];
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv, note: `XSNAP=${fromEnv}` } : { path: undefined, note: `XSNAP=${fromEnv} does not exist` };
  const path = join(REPO_ROOT, 'node_modules', '@agoric', 'xsnap', 'xsnap-native', 'xsnap', 'build', 'bin', 'lin', 'release', 'xsnap-worker');
  return existsSync(path) ? { path, note: path }
    : { path: undefined, note: 'needs the xsnap worker that npm ci builds from @agoric/xsnap (gcc and make: build-essential)' };
}
