/**
 * The protocol probe's tape for an engine that cannot run the recorder itself (Espruino, whose
 * bundle has neither noble nor BigInt): a recorded handshake replayed here once through the
 * tape recorder (tape-provider.ts), with the random bytes it drew. The engine replays the same
 * handshake from these answers (espruino-bundle-costs.ts GLUE) and times what its protocol code
 * alone costs. The same source code asks in the same order, so the answers fit; a run that asks
 * otherwise fails its Finished check instead of being timed.
 */
import { getDefaultProvider, setDefaultProvider } from '../../hw/index.js';
import { modExp } from '../../src/crypto/bigint.js';
import { toHex } from '../../src/encoding/bytes.js';
import { replay, type ReplayFixture } from '../../test/helpers/replay.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { createTape } from './tape-provider.js';

export interface GlueTape {
  readonly suite: string;
  readonly serverName: string;
  readonly now: number;
  readonly message: string;
  /** The server's flights, hex. */
  readonly server: readonly string[];
  /** The random bytes the client drew, in order, hex. */
  readonly randoms: readonly string[];
  /** Every provider answer, in call order, hex. */
  readonly answers: readonly string[];
  /** Bytes on the wire both ways: the per-byte figure's divisor. */
  readonly bytes: number;
}

export function recordGlueTape(fixtureText: string): GlueTape {
  const f = JSON.parse(fixtureText) as ReplayFixture;
  const base = getDefaultProvider();
  const tape = createTape({ ...base, rsaPublic: base.rsaPublic ?? ((n, e, x) => modExp(x, e, n)) });
  const seeded = seededRandom(f.seed);
  const randoms: Uint8Array[] = [];
  setDefaultProvider(tape.recorder());
  let r;
  try {
    r = replay(f, { random: (n) => { const b = seeded(n); randoms.push(b); return b; } });
  } finally {
    setDefaultProvider(base);
  }
  if (r.error || r.clientBytes !== r.expectedClientBytes) throw new Error(`glue tape: the recording run failed (${r.error?.codeName ?? 'other client bytes'})`);
  return {
    suite: f.suite, serverName: f.serverName, now: f.now, message: f.message,
    server: f.flow.filter((x) => x.dir === 'server').map((x) => x.hex),
    randoms: randoms.map(toHex),
    answers: tape.answers().map(toHex),
    bytes: f.flow.reduce((n, x) => n + x.hex.length / 2, 0),
  };
}
