/**
 * Espruino 2v29 interpreter faults the build works around, checked inside the real binary:
 * an arrow function that uses `this` and is parsed but not run (the unused side of `??`, as in
 * TlsClient's `options.random ?? (n => this.provider.randomBytes(n))`) corrupts the variable
 * pool, and the next garbage collection aborts the interpreter (ASSERT in jsvar.c). The build
 * turns such arrows into plain functions (scripts/build-device.mjs).
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

if (!enginePath('espruino')) {
  test.skip(`Espruino interpreter quirks — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: TlsClient with its own random source survives garbage collection', async () => {
    const run = await runInEspruino(`
      var p = microtls.getDefaultProvider();
      for (var i = 0; i < 5; i++) {
        var c = new microtls.TlsClient({ verify: false, serverName: 'localhost', provider: p,
          random: function (n) { return p.randomBytes(n); }, now: function () { return Date.now(); } }, { output: function () {} });
        c.start();
        c = undefined;
        process.memory(); // runs a garbage collection
      }
      out({ event: 'survived', state: 'ok' });
      done();
    `, {}, 60_000, 'ram');
    assert.is(eventOf(run, 'survived').state, 'ok');
    assert.not.match(run.stdout, /ASSERT/);
  });
}

test.run();
