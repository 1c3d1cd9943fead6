/**
 * The development machine's speed in CoreMark, for the run at hand.
 *
 * The engine profiles turn costs measured here into an ESP32's by the CoreMark ratio between the
 * two. CoreMark is a C program, built from eembc/coremark (not in this tree, and not runnable in
 * CI); the machines this bench runs on are shared cloud instances whose speed differs by a factor
 * of two from one instance to the next. So CoreMark is measured once, beside the reference kernel
 * (kernel.ts) in each engine, by `npm run bench:calibrate`, and stored in host-calibration.json.
 * A later run's own kernel time then gives that run's CoreMark: a machine twice as fast runs the
 * kernel in half the time, and its costs are multiplied by twice the ratio.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export interface HostCalibration {
  /** CoreMark 1.0 iterations per second on one core, the median of the runs. */
  coremark: number;
  coremarkRuns: number[];
  /** How that CoreMark was built and run. */
  coremarkBuild: string;
  /** The reference kernel, microseconds per iteration, per engine, on the probes' clock, measured around the CoreMark runs. */
  kernelUs: Record<string, number>;
  measuredAt: string;
  machine: string;
}

export const CALIBRATION_FILE = join(fileURLToPath(new URL('.', import.meta.url)), 'host-calibration.json');

export function loadCalibration(file = CALIBRATION_FILE): HostCalibration | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HostCalibration) : undefined;
}

/** CoreMark of this machine while the run's kernel took `kernelUs` in `engine`; undefined when that engine was not calibrated. */
export function hostCoreMark(cal: HostCalibration, engine: string, kernelUs: number): number | undefined {
  const k = cal.kernelUs[engine];
  if (!(k && k > 0 && kernelUs > 0)) return undefined;
  return (cal.coremark * k) / kernelUs;
}
