/**
 * Every input the fuzzer ever failed on (test/fixtures/fuzz/<target>/<hash>.hex), replayed:
 * each must now end in success or the project's typed error, within a second of CPU time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuMs, MAX_ITERATION_MS, runCase, savedCases } from '../../scripts/fuzz/run.js';
import { TARGETS } from '../../scripts/fuzz/targets/index.js';

for (const [name, target] of Object.entries(TARGETS)) {
  const cases = savedCases(name);
  if (cases.length === 0) continue;
  test(`${name}: ${cases.length} saved failing input(s) end in a typed error`, () => {
    for (const c of cases) {
      const t0 = cpuMs();
      const o = runCase(target, c.input);
      const ms = cpuMs() - t0;
      assert.is(o.kind === 'escape' ? `${o.reason}\n${o.stack}` : 'typed or ok', 'typed or ok', c.file);
      assert.ok(ms < MAX_ITERATION_MS, `${c.file} took ${ms.toFixed(0)} ms`);
    }
  });
}

test('regression cases exist for the escapes found so far', () => {
  assert.ok(savedCases('tls').length + savedCases('x509').length + savedCases('mqtt').length + savedCases('pem').length > 0);
});

test.run();
