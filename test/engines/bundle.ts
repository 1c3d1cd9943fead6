/**
 * Bundles test/engines/replay-entry.ts into one self-contained script for a non-Node engine,
 * at test time (no bundle is committed). IIFE, platform neutral: esbuild fails the build on
 * any import it cannot resolve without Node (node:* modules, Node builtins), so a core module
 * that grew a Node dependency breaks this step, not just the run.
 */
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function bundleReplayEntry(): Promise<string> {
  const result = await build({
    entryPoints: [join(here, 'replay-entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2020',
    // @noble/* are ESM-only packages with an "exports" map; neutral has no default
    // mainFields or conditions, so name them.
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    logLevel: 'silent',
    legalComments: 'none',
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join('\n'));
  return result.outputFiles[0]!.text;
}
