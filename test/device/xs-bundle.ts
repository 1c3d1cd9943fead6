/**
 * The XS bundle (src/device/xs.ts: one ESM file, minified) built for the engine tests into
 * a temporary directory beside the engine-side harness modules, which import it as
 * `./microtls.xs.js` exactly as an application on the device would.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

export async function buildXsBundleText(): Promise<string> {
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
