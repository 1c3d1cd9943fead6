/** The Espruino live rows' note on the heap each run ended in (its cost per allocation depends on how full the variable store is). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { heapRange } from '../../bench/model/espruino-live.js';

test('gives the lowest and highest usage, and each total the store had', () => {
  assert.is(heapRange([[23910, 32768], [21212, 32768], [38912, 65536]]), 'heap after the runs 21,212-38,912 of 32,768 / 65,536 variables');
  assert.is(heapRange([[100, 4096]]), 'heap after the runs 100-100 of 4,096 variables');
});

test('runs that reported no heap are left out, and none at all gives no note', () => {
  assert.is(heapRange([undefined, [500, 4096], undefined]), 'heap after the runs 500-500 of 4,096 variables');
  assert.is(heapRange([undefined, undefined]), undefined);
  assert.is(heapRange([]), undefined);
});

test.run();
