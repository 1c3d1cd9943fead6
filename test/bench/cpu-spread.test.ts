/** The engines bench's note on how a mode's CPU times spread (two groups where an engine collects garbage in some handshakes). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpuSpread } from '../../bench/lib/stats.js';

test('counts the handshakes well above the fastest, whatever their order', () => {
  assert.is(cpuSpread([40.2, 61.4, 39.8, 72.3, 41, 58.9]), 'CPU 40-72 ms over 6 handshakes; 3 of them over 1.25x the fastest');
  assert.is(cpuSpread([2.3, 2.4, 2.31]), 'CPU 2.3-2.4 ms over 3 handshakes; 0 of them over 1.25x the fastest');
});

test('a handshake at exactly 1.25x the fastest is not counted; one just above is', () => {
  assert.ok(cpuSpread([8, 10, 10.01]).endsWith('; 1 of them over 1.25x the fastest'), cpuSpread([8, 10, 10.01]));
  assert.ok(cpuSpread([8, 9.9, 9.95]).endsWith('; 0 of them over 1.25x the fastest'), cpuSpread([8, 9.9, 9.95]));
});

test.run();
