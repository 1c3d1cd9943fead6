/**
 * Every system program a test runs is listed in .ci/apt-packages, the one list .ci/run installs
 * from and the README points to: a test that starts a new program without listing it would pass
 * here and fail on a fresh machine.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProgram, missingProgramMessage, PROGRAM_PACKAGES, requireProgram } from './helpers/programs.js';

const testDir = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'vectors') out.push(...sources(p));
    } else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('programs started through the helpers are all in .ci/apt-packages', () => {
  const used = new Set<string>();
  for (const file of sources(testDir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:spawnProgram|runProgram|requireProgram)\('([^']+)'/g)) used.add(m[1]!);
  }
  assert.ok(used.size >= 3, `found only ${[...used].join(', ')}`);
  used.delete('microtls-no-such-program'); // this file's own absent program
  const unlisted = [...used].filter((p) => !PROGRAM_PACKAGES.has(p));
  assert.equal(unlisted, [], 'programs the tests run that .ci/apt-packages does not list');
});

test('a missing program is reported with the package to install', () => {
  assert.is(PROGRAM_PACKAGES.get('mosquitto_sub'), 'mosquitto-clients');
  assert.match(missingProgramMessage('mosquitto_sub'), /apt-get install mosquitto-clients/);
  assert.is(findProgram('microtls-no-such-program'), undefined);
  assert.throws(() => requireProgram('microtls-no-such-program'), /not installed.*\.ci\/apt-packages/);
});

test.run();
