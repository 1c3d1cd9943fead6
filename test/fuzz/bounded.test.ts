/**
 * A bounded share of the fuzz run (`npm run fuzz` runs the million-iteration version): a
 * few thousand mutated cases per target with a fixed seed. Besides success, only the
 * project's typed error may come out, and no case may take over a second.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCase, runFuzz } from '../../scripts/fuzz/run.js';
import { TARGETS } from '../../scripts/fuzz/targets/index.js';

// Chosen so that the four together stay well under 20 s on the development machine.
const ITERATIONS: Readonly<Record<string, number>> = { tls: 2000, x509: 1000, mqtt: 4000, pem: 2000 };

for (const [name, target] of Object.entries(TARGETS)) {
  test(`${name}: the seeds run unmutated, most of them to success`, () => {
    const seeds = target.seeds();
    let ok = 0;
    for (const s of seeds) {
      const o = runCase(target, s);
      assert.is.not(o.kind, 'escape', `seed ${Buffer.from(s.subarray(0, 8)).toString('hex')}…: ${o.kind === 'escape' ? o.reason : ''}`);
      if (o.kind === 'ok') ok++;
    }
    assert.ok(ok >= seeds.length / 2, `${ok} of ${seeds.length} seeds succeed`);
  });

  test(`${name}: ${ITERATIONS[name]} mutated cases, typed errors only`, () => {
    const s = runFuzz(target, { iterations: ITERATIONS[name]!, seed: 0x5eed });
    const detail = s.failures.map((f) => `#${f.iteration} ${f.reason}`).join('\n');
    assert.is(s.failed, 0, detail);
    // The mutations must reach the refusal paths, and not only break everything at byte 0.
    assert.ok(s.typed + s.steps.refused > s.iterations / 10, `only ${s.typed + s.steps.refused} refusals`);
    assert.ok(s.ok + s.steps.completed > 0, 'nothing got through');
  });
}

test.run();
