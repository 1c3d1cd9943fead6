/**
 * `npm run bench:calibrate -- --coremark PATH`: measures this machine's CoreMark beside the
 * reference kernel in xst and Espruino, and writes bench/model/host-calibration.json (host-speed.ts
 * says why). PATH is a CoreMark 1.0 binary built from eembc/coremark (`make compile PORT_DIR=posix
 * XCFLAGS=-O2`), run with the performance-run arguments, three times, the engines' probes before,
 * between and after them.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { median } from '../lib/stats.js';
import { measureBundled, measureEspruino } from './engine-costs.js';
import { CALIBRATION_FILE, type HostCalibration } from './host-speed.js';

const PERFORMANCE_RUN = ['0x0', '0x0', '0x66', '0', '7', '1', '2000'];

function coremarkOnce(binary: string): number {
  const out = execFileSync(binary, PERFORMANCE_RUN, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (!/Correct operation validated/.test(out)) throw new Error(`CoreMark did not validate its run:\n${out}`);
  const m = /Iterations\/Sec\s*:\s*([\d.]+)/.exec(out);
  if (!m) throw new Error(`no Iterations/Sec in CoreMark's output:\n${out}`);
  return Number(m[1]);
}

async function kernels(): Promise<Record<string, number>> {
  const xst = await measureBundled('xst');
  const esp = await measureEspruino(xst?.units, xst?.kernelUs);
  const out: Record<string, number> = {};
  if (xst) out.xst = xst.kernelUs;
  if (esp) out.espruino = esp.kernelUs;
  return out;
}

const at = process.argv.indexOf('--coremark');
const binary = at > 0 ? process.argv[at + 1] : process.env.COREMARK;
if (!binary) {
  console.error('usage: npm run bench:calibrate -- --coremark PATH (a CoreMark binary built from eembc/coremark)');
  process.exit(2);
}
const build = process.argv.includes('--build') ? process.argv[process.argv.indexOf('--build') + 1]! : 'eembc/coremark, make compile PORT_DIR=posix XCFLAGS=-O2';

// Kernel, CoreMark, kernel, ... : each CoreMark run is paired with the mean of the kernels on
// either side of it, and what is stored is the median pairing (CoreMark times kernel is this
// machine's constant; both drift with the load by 10-30% over minutes here).
const kernelRuns: Record<string, number>[] = [await kernels()];
const runs: number[] = [];
for (let i = 0; i < 3; i++) {
  runs.push(coremarkOnce(binary));
  kernelRuns.push(await kernels());
  console.log(`CoreMark run ${i + 1}: ${runs[i]!.toFixed(0)} iterations/s; kernels ${JSON.stringify(kernelRuns[i + 1])}`);
}
const coremark = median(runs);
const kernelUs: Record<string, number> = {};
for (const e of Object.keys(kernelRuns[0]!)) {
  const products = runs.map((cm, i) => cm * (kernelRuns[i]![e]! + kernelRuns[i + 1]![e]!) / 2).filter(Number.isFinite);
  if (products.length === runs.length) kernelUs[e] = median(products) / coremark;
}
if (!Object.keys(kernelUs).length) throw new Error('no engine ran (../shared/engines/xst, ../shared/engines/espruino)');
const cal: HostCalibration = {
  coremark: Math.round(coremark),
  coremarkRuns: runs.map((r) => Math.round(r)),
  coremarkBuild: `${build}; ${PERFORMANCE_RUN.join(' ')}`,
  kernelUs,
  measuredAt: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  machine: `${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores`,
};
writeFileSync(CALIBRATION_FILE, `${JSON.stringify(cal, null, 2)}\n`);
console.log(`wrote ${CALIBRATION_FILE}: CoreMark ${cal.coremark}`);
