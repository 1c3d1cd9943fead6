import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertForFlags, flagNames, VERIFY_FLAGS } from '../../src/x509/flags.js';

const F = VERIFY_FLAGS;

test('flag values are Mbed TLS x509.h values', () => {
  assert.equal(
    [F.BADCERT_EXPIRED, F.BADCERT_CN_MISMATCH, F.BADCERT_NOT_TRUSTED, F.BADCERT_OTHER, F.BADCERT_FUTURE, F.BADCERT_KEY_USAGE, F.BADCERT_EXT_KEY_USAGE, F.BADCERT_BAD_MD, F.BADCERT_BAD_PK, F.BADCERT_BAD_KEY],
    [0x01, 0x04, 0x08, 0x0100, 0x0200, 0x0800, 0x1000, 0x4000, 0x8000, 0x010000],
  );
});

test('flagNames lists set bits and unknown leftovers', () => {
  assert.equal(flagNames(0), []);
  assert.equal(flagNames(0x0c), ['BADCERT_CN_MISMATCH', 'BADCERT_NOT_TRUSTED']);
  assert.equal(flagNames(0x01 | 0x100000), ['BADCERT_EXPIRED', '0x100000']);
});

test('alert per flags, in Mbed TLS order', () => {
  assert.is(alertForFlags(F.BADCERT_NOT_TRUSTED), 'unknown_ca');
  assert.is(alertForFlags(F.BADCERT_EXPIRED), 'certificate_expired');
  assert.is(alertForFlags(F.BADCERT_EXPIRED | F.BADCERT_NOT_TRUSTED), 'certificate_expired');
  assert.is(alertForFlags(F.BADCERT_CN_MISMATCH | F.BADCERT_EXPIRED), 'bad_certificate');
  assert.is(alertForFlags(F.BADCERT_BAD_KEY), 'unsupported_certificate');
  assert.is(alertForFlags(F.BADCERT_OTHER | F.BADCERT_CN_MISMATCH), 'access_denied');
  assert.is(alertForFlags(F.BADCERT_FUTURE), 'certificate_unknown');
});

test.run();
