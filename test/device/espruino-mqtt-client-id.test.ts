/**
 * Generated MQTT client ids inside Espruino. Espruino has no crypto.getRandomValues, so unless
 * the adapter hands the MQTT client E.hwRand, an id comes from the clock alone, and two devices
 * that connect in the same millisecond (a fleet powered up together) take the same id and knock
 * each other off the broker. The clock is pinned here, so ids that still differ cannot come from it.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

if (!enginePath('espruino')) {
  test.skip(`Espruino MQTT client ids — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: clients without a clientId get ids from the hardware random source, not the clock', async () => {
    const run = await runInEspruino(`
      Date.now = function () { return 1767225600000; };
      var ids = [];
      var clients = [];
      for (var i = 0; i < 3; i++) {
        // Port 9 (discard) is closed on loopback: each attempt fails, and the client is ended below.
        var c = microtls.connectMqtt('mqtt://127.0.0.1:9', { reconnectPeriod: 0 });
        c.on('error', function () {});
        ids.push(c.clientId);
        clients.push(c);
      }
      clients.forEach(function (c) { c.end(true); });
      out({ event: 'ids', ids: ids });
      done();
    `);
    const ids = eventOf(run, 'ids').ids as string[];
    assert.is(ids.length, 3);
    for (const id of ids) assert.match(id, /^microtls_[0-9a-f]{8}$/);
    assert.is(new Set(ids).size, 3, `ids repeat under one clock value: ${ids.join(', ')}`);
  });
}

test.run();
