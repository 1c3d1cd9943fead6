/**
 * The cost model's protocol probe (bench/model/tape-provider.ts): a recorded handshake replayed
 * with every provider answer from the tape gives the same client bytes, without the provider
 * computing anything; a run that asks for more than was recorded fails instead of inventing answers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getDefaultProvider, nobleProvider, setDefaultProvider, type CryptoProvider } from '../../hw/index.js';
import { createTape } from '../../bench/model/tape-provider.js';
import { GLUE_FIXTURE } from '../../bench/model/engine-costs.js';
import { modExp } from '../../src/crypto/bigint.js';
import { replay, type ReplayFixture } from '../helpers/replay.js';

const fixture = JSON.parse(readFileSync(GLUE_FIXTURE, 'utf8')) as ReplayFixture;

function withProvider<T>(p: CryptoProvider, fn: () => T): T {
  const before = getDefaultProvider();
  setDefaultProvider(p);
  try {
    return fn();
  } finally {
    setDefaultProvider(before);
  }
}

test('the player reproduces the recorded handshake\'s client bytes without computing', () => {
  let computed = 0;
  const counted: CryptoProvider = { ...nobleProvider, name: 'noble, counted', hash: (alg) => (computed++, nobleProvider.hash(alg)), rsaPublic: (n, e, x) => (computed++, modExp(x, e, n)) };
  const tape = createTape(counted as CryptoProvider & Required<Pick<CryptoProvider, 'rsaPublic'>>);
  const recorded = withProvider(tape.recorder(), () => replay(fixture));
  assert.ok(!recorded.error && recorded.clientBytes === recorded.expectedClientBytes, 'the recording run is the real handshake');
  const work = computed;
  assert.ok(work > 0);
  const played = withProvider(tape.player(), () => replay(fixture));
  assert.is(played.error, undefined);
  assert.is(played.clientBytes, recorded.expectedClientBytes, 'the same bytes from the tape');
  assert.is(computed, work, 'nothing computed while playing');
  assert.is(withProvider(tape.player(), () => replay(fixture)).clientBytes, recorded.expectedClientBytes, 'each player starts at the tape\'s beginning');
});

test('a run that differs from the recording runs out of tape', () => {
  const tape = createTape({ ...nobleProvider, rsaPublic: (n, e, x) => modExp(x, e, n) });
  const p = tape.player();
  assert.throws(() => p.hash!('sha256').digest(), /tape ran out/);
});

test.run();
