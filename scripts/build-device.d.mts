/** Types of scripts/build-device.mjs, for the tests and benchmarks that build a bundle. */
export interface BundleResult {
  readonly name: string;
  readonly path: string;
  readonly raw: number;
  readonly gz: number;
  readonly budget: number;
  readonly over: boolean;
}
export function buildDevice(options?: { only?: 'xs' | 'espruino'; log?: (line: string) => void }): Promise<{ results: BundleResult[]; failed: boolean }>;
