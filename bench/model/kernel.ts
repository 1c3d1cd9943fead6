/**
 * The cost model's machine-speed reference: one loop of typed-array reads, a multiply, masks
 * and a write, the same in every engine (ES5 text, for Espruino too). The probes time it among
 * their unit costs (engine-costs.ts, espruino-bundle-costs.ts) and the engines bench between its
 * live handshakes (bench/engines.ts through test/device/xs-live-harness.js's kernel scenario,
 * which runs this loop; espruino-live.ts), each on the clock its runs are timed with; the
 * model's live check scales its predictions by the ratio (run-model.ts checkLive).
 */
export const KERNEL_FUNCTION = `
function kernel(rounds) {
  var a = new Uint8Array(1024), x = 7;
  for (var r = 0; r < rounds; r++) for (var i = 0; i < 1024; i++) { x = ((x ^ a[i]) * 31 + i) & 0xffff; a[i] = x & 0xff; }
  return x;
}
`;

/** Rounds of 1024 iterations per timed kernel between live handshakes: about 20 ms in XS, 7 ms under --jitless. */
export const KERNEL_ROUNDS = 160;
/** About 120 ms of Espruino's CPU here (3 us an iteration): twelve of its clock's 10 ms ticks. */
export const ESPRUINO_KERNEL_ROUNDS = 40;
export const LIVE_KERNEL_CASE = 'reference kernel between the live handshakes: engine busy';
