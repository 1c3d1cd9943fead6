/**
 * The protocol probe's tape for Espruino (bench/model/glue-tape.ts): what it carries, read back
 * as hex as the engine reads it, replays the recorded handshake to the same client bytes without
 * any crypto, and a tape cut short fails the replay instead of timing a different run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { getDefaultProvider, setDefaultProvider, type CryptoProvider } from '../../hw/index.js';
import { GLUE_FIXTURE } from '../../bench/model/engine-costs.js';
import { recordGlueTape } from '../../bench/model/glue-tape.js';
import { tapePlayer } from '../../bench/model/tape-provider.js';
import { fromHex } from '../../src/encoding/bytes.js';
import { replay, type ReplayFixture } from '../helpers/replay.js';

const text = readFileSync(GLUE_FIXTURE, 'utf8');
const fixture = JSON.parse(text) as ReplayFixture;

function playBack(answers: readonly string[], randoms: readonly string[]) {
  const before = getDefaultProvider();
  let i = 0;
  setDefaultProvider(tapePlayer(answers.map(fromHex)) as CryptoProvider);
  try {
    return replay(fixture, { random: (n) => fromHex(randoms[i++]!).subarray(0, n) });
  } finally {
    setDefaultProvider(before);
  }
}

test('the tape replays the recorded handshake to the recorded client bytes', () => {
  const tape = recordGlueTape(text);
  assert.is(tape.suite, fixture.suite);
  assert.is(tape.server.length, fixture.flow.filter((x) => x.dir === 'server').length);
  assert.is(tape.bytes, fixture.flow.reduce((n, x) => n + x.hex.length / 2, 0));
  assert.ok(tape.answers.length > 10, `${tape.answers.length} answers`);
  const r = playBack(tape.answers, tape.randoms);
  assert.is(r.error, undefined);
  assert.ok(r.closed, 'the echo came back and the client closed');
  assert.is(r.clientBytes, r.expectedClientBytes);
});

test('a tape cut short fails the replay', () => {
  const tape = recordGlueTape(text);
  const r = playBack(tape.answers.slice(0, -3), tape.randoms);
  assert.ok(r.error, 'the engine reports the failure');
  assert.match(r.error!.message, /tape ran out/);
  assert.not.ok(r.closed);
});

test.run();
