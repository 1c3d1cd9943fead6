/**
 * The XS bundle (src/device/xs.ts, one minified ESM file) inside the device engines with no
 * sockets: the ten recorded replays, re-chunked input, a tampered Finished, a wrong CA and
 * a wrong random seed, in xst (Moddable XS 17.9.1, ../shared/engines/xst or XST=), in
 * QuickJS (quickjs-emscripten) and in xsnap (XS 13.3 from @agoric/xsnap).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { findXsnap, findXst } from '../helpers/engines.js';
import { replayInQuickJs, replayInXsnap, replayInXst, type EngineReplayRun } from './xs-engines.js';
import { expectedClientBytes, replayCases, type EngineReplayOutcome } from './xs-replay-cases.js';

const cases = replayCases();
const fixtureCases = cases.filter((c) => !c.options);

function engineTests(engine: string, run: () => Promise<EngineReplayRun>): void {
  let result: EngineReplayRun | undefined;
  let failure: Error | undefined;
  const outcome = async (name: string): Promise<EngineReplayOutcome> => {
    if (!result && !failure) {
      try {
        result = await run();
        console.log(`${engine}: bundle loaded in ${result.loadMs} ms; replay ms per suite: ${fixtureCases.map((c) => `${c.name} ${result!.outcomes.get(c.name)?.ms}`).join(', ')}`);
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
    }
    if (failure) throw failure;
    const o = result!.outcomes.get(name);
    assert.ok(o, `no outcome for ${name}`);
    return o!;
  };

  test(`${engine}: one fixture per suite`, () => {
    assert.equal(fixtureCases.map((c) => JSON.parse(c.fixture).suite).sort(), CIPHER_SUITES.map((s) => s.name).sort());
  });

  for (const c of fixtureCases) {
    test(`${engine} replay ${c.name}: identical client bytes, echo decrypted, clean close`, async () => {
      const f = JSON.parse(c.fixture) as { suite: string; message: string };
      const r = await outcome(c.name);
      assert.is(r.error, undefined, r.error && `${r.error.codeName}: ${r.error.message}`);
      assert.is(r.cipherSuite, f.suite);
      assert.is(r.extendedMasterSecret, true);
      assert.is(r.encryptThenMac, f.suite.includes('_CBC_'));
      assert.is(r.received, f.message);
      assert.ok(r.closed, 'server close_notify processed');
      assert.is(r.clientBytesLength, expectedClientBytes(c.fixture));
      assert.ok(r.clientBytesMatch, 'client bytes equal the recording');
    });
  }

  test(`${engine}: re-chunked server bytes give the same client bytes`, async () => {
    const r = await outcome('rechunked');
    assert.is(r.error, undefined);
    assert.ok(r.clientBytesMatch);
    assert.ok(r.closed);
  });

  test(`${engine}: a flipped bit in the server's Finished ends with MBEDTLS_ERR_SSL_INVALID_MAC`, async () => {
    const r = await outcome('tampered-finished');
    assert.is(r.error?.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC');
    assert.is(r.cipherSuite, undefined);
    assert.is(r.received, undefined);
  });

  test(`${engine}: the recorded chain against another CA ends with MBEDTLS_ERR_X509_CERT_VERIFY_FAILED`, async () => {
    const r = await outcome('wrong-ca');
    assert.is(r.error?.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', r.error?.message);
    assert.is(r.cipherSuite, undefined);
  });

  test(`${engine}: another random seed does not reproduce the recording`, async () => {
    const r = await outcome('wrong-seed');
    assert.not.ok(r.clientBytesMatch);
    assert.ok(r.error);
  });
}

const xst = findXst();
if (xst.path) engineTests('xst', () => replayInXst(xst.path!, cases));
else test.skip(`xst replays from the XS bundle — ${xst.note}`, () => {});

engineTests('QuickJS', () => replayInQuickJs(cases));

const xsnap = findXsnap();
if (xsnap.path) engineTests('xsnap', () => replayInXsnap(xsnap.path!, cases));
else test.skip(`xsnap replays from the XS bundle — ${xsnap.note}`, () => {});

test.run();
