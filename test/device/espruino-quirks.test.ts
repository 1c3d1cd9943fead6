/**
 * Espruino 2v29 interpreter faults the build works around, checked inside the real binary:
 * an arrow function that uses `this` and is parsed but not run (the unused side of `??`, as in
 * TlsClient's `options.random ?? (n => this.provider.randomBytes(n))`) corrupts the variable
 * pool, and the next garbage collection aborts the interpreter (ASSERT in jsvar.c). The build
 * turns such arrows into plain functions (scripts/build-device.mjs). And String#indexOf,
 * #includes and #replace report a match for a needle that runs off the end of the string
 * after matching its first characters (`"abc".indexOf("cd")` is 2): the bundle patches them.
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

  test('inside Espruino: string search finds no needle that runs off the end of the string', async () => {
    const run = await runInEspruino(`
      out({ event: 'search',
        indexOf: ['abc'.indexOf('cd'), 'host:'.indexOf('://'), 'abcab'.indexOf('abx'), 'abcab'.indexOf('ab', 1), 'a://b'.indexOf('://'), 'abc'.indexOf('')],
        includes: ['abc'.includes('cd'), 'abc'.includes('bc')],
        replace: ['abc'.replace('cd', 'X'), 'abcd'.replace('cd', 'X')],
        url: (function () { try { microtls.parseBrokerUrl('mqtt:/'); return 'parsed'; } catch (e) { return e.codeName; } })() });
      done();
    `);
    const e = eventOf(run, 'search');
    assert.equal(e.indexOf, [-1, -1, -1, 3, 1, 0]);
    assert.equal(e.includes, [false, true]);
    assert.equal(e.replace, ['abc', 'abX']);
    assert.is(e.url, 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA');
  });
}

test.run();
