/** Types of scripts/build-device.mjs, for the tests and benchmarks that build a bundle. */
export interface BundleResult {
  readonly name: string;
  readonly path: string;
  readonly raw: number;
  readonly gz: number;
  readonly budget: number;
  readonly over: boolean;
  /** The same bundle minified by esbuild only, before terser. */
  readonly esbuildOnly: { readonly raw: number; readonly gz: number };
  /** Source files bundled, relative to the repo root. */
  readonly inputs: string[];
  readonly polyfills?: string[];
}
export function buildDevice(options?: { only?: 'xs' | 'espruino'; log?: (line: string) => void }): Promise<{ results: BundleResult[]; failed: boolean }>;
/** The device bundles' error table string (src/device/error-codes-packed.ts reads it) from [code, name, meaning] rows. */
export function packErrorCodes(entries: readonly (readonly [number, string, string])[]): string;
/** src/error-codes.ts's table as [code, name, meaning] rows. */
export function nodeErrorTable(): Promise<[number, string, string][]>;
