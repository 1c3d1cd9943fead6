import { Prng } from './scripts/fuzz/prng.js';
import { x509Target } from './scripts/fuzz/targets/x509.js';
import { limboCases } from './scripts/fuzz/corpus.js';
import { toHex } from './src/encoding/bytes.js';
const seeds = x509Target.seeds();
for (const i of [9926, 10210]) {
  const r = Prng.forIteration(2, i);
  const base = seeds[r.below(seeds.length)]!;
  const input = x509Target.mutate!(r, base, seeds);
  const c = limboCases()[((input[0]! << 8) | input[1]!) % limboCases().length]!;
  for (let k = 0; k < 2; k++) { const t = performance.now(); x509Target.run(input); console.log(i, c.id, 'role', input[2], 'len', input.length - 3, (input.length - 3) & 63, (performance.now() - t).toFixed(0), 'ms', 'trusted', c.trusted.length, 'int', c.intermediates.length); }
}
