import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CIPHER_SUITES, findSuite, keyBlockLength } from '../../src/handshake/cipher-suites.js';

test('CBC suites carry an HMAC and no tag; AEAD suites a tag and no HMAC', () => {
  for (const s of CIPHER_SUITES) {
    if (s.mode === 'cbc') {
      assert.is(s.tagLength, 0, s.name);
      assert.is(s.macLength, s.macHash === 'sha1' ? 20 : 32, s.name);
    } else {
      assert.is(s.macLength, 0, s.name);
      assert.is(s.tagLength, s.mode === 'ccm8' ? 8 : 16, s.name);
    }
  }
});

test('key block: MAC keys only for CBC suites (RFC 5246 6.3)', () => {
  assert.is(keyBlockLength(findSuite('AES128-SHA')!), 2 * (20 + 16));
  assert.is(keyBlockLength(findSuite('AES256-SHA256')!), 2 * (32 + 32));
  assert.is(keyBlockLength(findSuite('AES128-GCM-SHA256')!), 2 * (16 + 4));
  assert.is(keyBlockLength(findSuite('AES256-CCM8')!), 2 * (32 + 4));
});

test.run();
