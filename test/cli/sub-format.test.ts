import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileFormat } from '../../src/cli/sub-format.js';
import { UsageError } from '../../src/cli/usage.js';

const message = { topic: 't/1', payload: new TextEncoder().encode('hi'), qos: 1, retain: false, mid: 7 } as unknown as Parameters<ReturnType<typeof compileFormat>>[0];
const text = (format: string): string => new TextDecoder().decode(compileFormat(format)(message, new Date(0)));

test('-F field widths pad as mosquitto_sub does', () => {
  assert.is(text('%5t|%-5t|'), '  t/1|t/1  |');
});

test('-F with a huge field width is a usage error, not a RangeError', () => {
  assert.throws(() => compileFormat('%999999999t'), (e: unknown) => e instanceof UsageError && /larger than 4096/.test((e as Error).message));
});

test.run();
