import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeError, MicroTlsError, formatCode } from '../../src/errors.js';

test('appendix codes keep their exact values', () => {
  assert.is(describeError(-0x7780)?.name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.is(describeError('-0x2180')?.name, 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  assert.is(describeError('SSL_INVALID_MAC')?.code, -0x7180);
  assert.is(formatCode(-0x7780), '-0x7780');
});

test('error class carries code and name', () => {
  const e = new MicroTlsError('SSL_INVALID_RECORD', 'record too long');
  assert.is(e.code, -0x7200);
  assert.is(e.label, '-0x7200 MBEDTLS_ERR_SSL_INVALID_RECORD');
  assert.ok(e.message.includes('record too long'));
});

test.run();
