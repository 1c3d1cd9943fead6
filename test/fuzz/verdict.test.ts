/** The fuzzer's judge: what is a typed error, and what is an escape. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError, asMicroTlsError } from '../../src/errors.js';
import { escapeReason } from '../../scripts/fuzz/verdict.js';
import { runCase } from '../../scripts/fuzz/run.js';
import { Prng } from '../../scripts/fuzz/prng.js';
import { mutate } from '../../scripts/fuzz/mutate.js';
import type { FuzzTarget } from '../../scripts/fuzz/target.js';

test('a MicroTlsError with a known code is typed; everything else escapes', () => {
  assert.is(escapeReason(new MicroTlsError('X509_INVALID_FORMAT', 'x')), undefined);
  assert.match(escapeReason(new TypeError('x')) ?? '', /untyped TypeError/);
  assert.match(escapeReason('a string') ?? '', /untyped string/);
  assert.match(escapeReason(new MicroTlsError(-0x7ffe, 'x')) ?? '', /unknown code/);
  assert.match(escapeReason(asMicroTlsError(new TypeError('y'), 'SSL_INTERNAL_ERROR', 'internal error')) ?? '', /internal error/);
  // A runtime error relabelled at an edge is still the bug below it.
  assert.match(escapeReason(asMicroTlsError(new RangeError('z'), 'X509_INVALID_FORMAT', 'der')) ?? '', /wrapping a RangeError/);
  assert.is(escapeReason(asMicroTlsError(new Error('asn1js says no'), 'X509_INVALID_FORMAT', 'der')), undefined);
});

test('runCase reports an escape with the stack of the root cause', () => {
  const t: FuzzTarget = { name: 't', seeds: () => [], run: () => { throw asMicroTlsError(new TypeError('deep'), 'SSL_INTERNAL_ERROR', 'x'); } };
  const o = runCase(t, new Uint8Array(0));
  assert.is(o.kind, 'escape');
  if (o.kind === 'escape') assert.match(o.stack, /TypeError: deep/);
});

test('the generator and the mutator are deterministic per (seed, iteration)', () => {
  const seed = Uint8Array.from({ length: 64 }, (_, i) => i);
  const a = mutate(Prng.forIteration(9, 123), seed);
  const b = mutate(Prng.forIteration(9, 123), seed);
  const c = mutate(Prng.forIteration(9, 124), seed);
  assert.equal([...a], [...b]);
  assert.not.equal([...a], [...c]);
  assert.equal([...seed], Array.from({ length: 64 }, (_, i) => i), 'seed left unchanged');
});

test.run();
