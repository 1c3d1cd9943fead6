/**
 * SessionCache inside Espruino: the bundle's Map (scripts/build-device-polyfills.mjs) returns
 * arrays from keys(), not iterators, so evicting the least recently used entry must not rely
 * on an iterator's next(). Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one
 * counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

if (!enginePath('espruino')) {
  test.skip(`SessionCache inside Espruino — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: a full SessionCache evicts its least recently used session', async () => {
    const run = await runInEspruino(`
      var cache = new microtls.SessionCache({ maxEntries: 2 });
      function session(name) {
        return { protocol: 'TLSv1.2', cipherSuite: 0x009c, masterSecret: new Uint8Array(48), sessionId: new Uint8Array([1]),
          ticketLifetimeHint: 0, receivedAt: 1000, serverName: name, extendedMasterSecret: true, encryptThenMac: false };
      }
      var result;
      try {
        cache.set(session('a'));
        cache.set(session('b'));
        cache.get('a', 2000); // a is now the most recently used
        cache.set(session('c'));
        result = { names: cache.names(), size: cache.size };
      } catch (e) {
        result = { error: String(e && e.message || e) };
      }
      out({ event: 'cache', result: result });
      done();
    `);
    assert.equal(eventOf(run, 'cache').result, { names: ['a', 'c'], size: 2 });
  });
}

test.run();
