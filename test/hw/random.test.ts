/** Random bytes: right length, not constant, and a loud failure instead of a weak fallback. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { toHex } from '../../src/encoding/bytes.js';
import { nobleProvider } from '../../hw/index.js';
import { webCryptoRandomBytes } from '../../hw/random.js';
import { providersUnderTest } from './providers.js';

for (const { label, provider } of providersUnderTest()) {
  test(`randomBytes length and variability [${label}]`, () => {
    for (const n of [0, 1, 3, 32, 65537 + 3]) assert.is(provider.randomBytes(n).length, n, `length ${n}`);
    const a = provider.randomBytes(32);
    const b = provider.randomBytes(32);
    assert.is.not(toHex(a), toHex(b), 'two draws are equal');
    // 32 random bytes are never all one value (probability 2^-248).
    assert.ok(new Set(a).size > 1, 'constant bytes');
    // Beyond the 65536-byte Web Crypto chunk, the tail must be filled too.
    const big = provider.randomBytes(70000);
    assert.ok(new Set(big.subarray(65536)).size > 100, 'tail after the first chunk not random');
  });
}

test('missing getRandomValues is ENTROPY_SOURCE_FAILED, never a Math.random fallback', () => {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  assert.ok(saved?.configurable, 'cannot simulate a platform without Web Crypto');
  const originalRandom = Math.random;
  let mathRandomCalls = 0;
  Math.random = () => {
    mathRandomCalls++;
    return originalRandom();
  };
  try {
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    for (const fn of [() => webCryptoRandomBytes(8), () => nobleProvider.randomBytes(8)]) {
      try {
        fn();
        assert.unreachable('random bytes without an entropy source');
      } catch (e) {
        assert.instance(e, MicroTlsError);
        assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_ENTROPY_SOURCE_FAILED');
        assert.match((e as Error).message, /getRandomValues/);
      }
    }
    assert.is(mathRandomCalls, 0);
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved!);
    Math.random = originalRandom;
  }
  assert.is(nobleProvider.randomBytes(4).length, 4);
});

test.run();
