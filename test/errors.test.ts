import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeError, ERROR_CODES, errorCode, fail, MicroTlsError, formatCode, type ErrorName } from '../src/errors.js';

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

test('error names are checked by the type checker, short and full forms alike', () => {
  const short: ErrorName = 'SSL_INVALID_RECORD';
  const full: ErrorName = 'MBEDTLS_ERR_SSL_INVALID_RECORD';
  const own: ErrorName = 'MICROTLS_ERR_MQTT_TIMEOUT';
  assert.is(errorCode(short), errorCode(full));
  assert.is(errorCode(own), -0x5a80);
  // Each line below must stay a type error: `npm test` runs the type check first, and an
  // unused @ts-expect-error fails it. At run time the same names throw.
  // @ts-expect-error misspelt name
  assert.throws(() => new MicroTlsError('SSL_INVALID_RECROD', 'x'));
  // @ts-expect-error a name from no table
  assert.throws(() => fail('NO_SUCH_ERROR', 'x'));
  // @ts-expect-error the MICROTLS_ prefix is never dropped
  assert.throws(() => errorCode('ERR_MQTT_TIMEOUT'));
});

test('every row of the table is reachable by its name', () => {
  for (const info of ERROR_CODES.values()) assert.is(errorCode(info.name as ErrorName), info.code, info.name);
});

test.run();
