/**
 * Transcript replay: exchanges recorded once against openssl s_server by
 * scripts/record-replay.ts, replayed with no socket. The engine must produce the recorded
 * client bytes exactly and decrypt the server's echo.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { replay, type ReplayFixture } from '../helpers/replay.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replay');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ReplayFixture);

test('one fixture per suite', () => {
  assert.equal(fixtures.map((f) => f.suite).sort(), CIPHER_SUITES.map((s) => s.name).sort());
});

for (const f of fixtures) {
  test(`replay ${f.suite}: identical client bytes, echo decrypted, clean close`, () => {
    const r = replay(f);
    assert.is(r.error, undefined, r.error?.message);
    assert.is(r.handshake?.cipherSuite.name, f.suite);
    // s_server agrees to both by default: the fixtures exercise EMS and (CBC) ETM records.
    assert.is(r.handshake?.extendedMasterSecret, true, 'extended master secret');
    assert.is(r.handshake?.encryptThenMac, r.handshake?.cipherSuite.mode === 'cbc', 'encrypt-then-MAC exactly for CBC');
    assert.is(r.received, f.message);
    assert.ok(r.closed, 'server close_notify processed');
    assert.is(r.clientBytes, r.expectedClientBytes);
  });
}

test('replay is independent of how the server bytes are chunked', () => {
  for (const f of fixtures.slice(0, 3)) {
    for (const chunk of [1, 7, 1000]) {
      const r = replay(f, { chunk });
      assert.is(r.error, undefined);
      assert.is(r.clientBytes, r.expectedClientBytes, `${f.suite} chunk ${chunk}`);
    }
  }
});

test('a different random seed does not reproduce the recording (the check has teeth)', () => {
  const r = replay(fixtures[0]!, { seed: 'another seed' });
  assert.is.not(r.clientBytes, r.expectedClientBytes);
  // The server's Finished was computed for the recorded randoms: the handshake must fail.
  assert.ok(r.error, 'handshake must fail');
  assert.is(r.handshake, undefined);
});

test('a flipped bit in the server\'s Finished is caught', () => {
  const f = fixtures.find((x) => x.suite.includes('GCM'))!;
  const r = replay(f, {
    tamper: (server) => {
      // The chunk holding the server's ChangeCipherSpec record ends with its Finished.
      const ccs = (c: Uint8Array) => c.some((_, i) => c[i] === 20 && c[i + 1] === 3 && c[i + 2] === 3 && c[i + 3] === 0 && c[i + 4] === 1 && c[i + 5] === 1);
      const c = server.find(ccs)!;
      c[c.length - 1]! ^= 1;
    },
  });
  assert.is(r.error?.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC');
});

test.run();
