/**
 * The XS bundle (src/device/xs.ts: one ESM file, minified) built for the engine tests into
 * a temporary directory beside the engine-side harness modules, which import it as
 * `./microtls.xs.js` exactly as an application on the device would.
 *
 * Where the repository has the device build (scripts/build-device.mjs, `npm run build:device`),
 * that is what runs, so the tests exercise the file a user flashes; otherwise esbuild bundles
 * the entry directly with the same settings.
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
export const XS_ENTRY = join(here, '..', '..', 'src', 'device', 'xs.ts');

export interface XsBundle {
  readonly dir: string;
  readonly path: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  remove(): void;
}

const root = join(here, '..', '..');
const DEVICE_BUILD = join(root, 'scripts', 'build-device.mjs');
const DEVICE_OUTPUT = join(root, 'dist', 'device', 'microtls.xs.js');

let built: Promise<string> | undefined;

/** The bundle text, built once per process. */
export function buildXsBundleText(): Promise<string> {
  return (built ??= existsSync(DEVICE_BUILD) ? deviceBuild() : esbuildBundle());
}

interface DeviceBuildModule {
  buildDevice?(options: { only?: 'xs' | 'espruino'; log?: (line: string) => void }): Promise<{ results: { name: string; path: string }[] }>;
}

/**
 * The project's device build, XS bundle only; a size-budget failure is the build's own
 * concern (it fails `npm run build:device`), the file is written all the same.
 */
async function deviceBuild(): Promise<string> {
  const m = (await import(pathToFileURL(DEVICE_BUILD).href)) as DeviceBuildModule;
  if (m.buildDevice) {
    const { results } = await m.buildDevice({ only: 'xs', log: () => undefined });
    const xs = results.find((r) => r.path.endsWith('microtls.xs.js'));
    return readFileSync(xs?.path ?? DEVICE_OUTPUT, 'utf8');
  }
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [DEVICE_BUILD], { cwd: root, timeout: 180_000 }, (err, _out, errText) => {
      if (existsSync(DEVICE_OUTPUT) && (!err || /budget/.test(errText))) resolve(readFileSync(DEVICE_OUTPUT, 'utf8'));
      else reject(new Error(`npm run build:device failed: ${err?.message ?? 'no output'}\n${errText}`));
    });
  });
}

async function esbuildBundle(): Promise<string> {
  const result = await build({
    entryPoints: [XS_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    minify: true,
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    logLevel: 'silent',
    legalComments: 'none',
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join('\n'));
  return result.outputFiles[0]!.text;
}

/** Writes the bundle and the named harness files (from test/device/) into a fresh directory. */
export async function writeXsBundle(harness: readonly string[]): Promise<XsBundle> {
  const text = await buildXsBundleText();
  const dir = mkdtempSync(join(tmpdir(), 'microtls-xs-'));
  const path = join(dir, 'microtls.xs.js');
  writeFileSync(path, text);
  for (const h of harness) copyFileSync(join(here, h), join(dir, h));
  const bytes = Buffer.byteLength(text);
  return { dir, path, bytes, gzipBytes: gzipSync(text).length, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
