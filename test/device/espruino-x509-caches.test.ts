/**
 * The X.509 caches evict inside the real Espruino binary: the trust stores kept by CA text
 * (verifier.ts, 4 of them) and the signature memo (memo.ts, 16 verdicts). The bundle's Map
 * returns an array from keys(), without next(), so eviction must not rely on an iterator.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXT, issue } from '../helpers/chains.js';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

const LEAVES = 18;

if (!enginePath('espruino')) {
  test.skip(`Espruino X.509 cache eviction — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: a fifth CA text evicts a trust store, a seventeenth verdict evicts from the memo, and verification goes on', async () => {
    const root = issue({ name: 'cache-root', key: 'rsa2048', subject: '/CN=Cache Root', ext: EXT.root });
    const first = issue({ name: 'cache-leaf-0', key: 'rsa2048', subject: '/CN=leaf0.example', issuer: root, ext: EXT.server('DNS:leaf0.example') });
    // One key for every leaf: issuing is quick, and each leaf is a distinct certificate (its own verdict).
    const leaves = [first.der];
    for (let i = 1; i < LEAVES; i++) {
      leaves.push(issue({ name: `cache-leaf-${i}`, key: 'rsa2048', reuseKeyOf: first, subject: `/CN=leaf${i}.example`, issuer: root, ext: EXT.server(`DNS:leaf${i}.example`) }).der);
    }
    const run = await runInEspruino(`
      function attempt(label, f) {
        try { out({ event: label, ok: f() }); } catch (e) { out({ event: label, ok: false, error: String(e && e.message || e) }); }
      }
      var verifiers = [];
      attempt('stores', function () {
        // Six CA texts (the same certificate, different trailing lines): the cache keeps four.
        for (var i = 0; i < 6; i++) verifiers.push(microtls.createServerVerifier({ ca: CA + '\\n'.repeat(i) }));
        return verifiers.length === 6;
      });
      attempt('memo', function () {
        var v = microtls.createServerVerifier({ ca: CA });
        var ok = 0;
        for (var i = 0; i < LEAVES.length; i++) {
          if (v({ chain: [E.toUint8Array(atob(LEAVES[i]))], serverName: 'leaf' + i + '.example' }).ok) ok++;
        }
        return ok;
      });
      done();
    `, { CA: root.pem, LEAVES: leaves.map((d) => Buffer.from(d).toString('base64')) }, 180_000, 'ram');
    const stores = eventOf(run, 'stores');
    assert.is(stores.ok, true, JSON.stringify(stores));
    const memo = eventOf(run, 'memo');
    assert.is(memo.ok, LEAVES, JSON.stringify(memo));
  });
}

test.run();
