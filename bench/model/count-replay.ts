/**
 * The work of the replay that the engines time (test/fixtures/replay/AES128-GCM-SHA256.json: a
 * full handshake without verification, one echo, close), counted in Node with the same code
 * path the engines run: the default provider (noble) behind the counting provider, with an
 * rsaPublic hook that calls src/crypto's own modExp, so the premaster's RSA operation is
 * counted without changing the arithmetic that runs. No network: bytes from the fixture, no
 * round trips, no server time.
 */
import { readFileSync } from 'node:fs';
import { createCountingProvider, getDefaultProvider, nobleProvider, setDefaultProvider, type CryptoProvider } from '../../hw/index.js';
import { modExp } from '../../src/crypto/bigint.js';
import { replay, type ReplayFixture } from '../../test/helpers/replay.js';
import { workFromCounts, type WorkCounts } from './count-modes.js';
import { FIXTURE } from './engine-costs.js';

export function countReplay(file = FIXTURE): WorkCounts {
  const fixture = JSON.parse(readFileSync(file, 'utf8')) as ReplayFixture;
  const inner: CryptoProvider = { ...nobleProvider, name: 'noble + bigint.ts', rsaPublic: (n, e, x) => modExp(x, e, n) };
  const counting = createCountingProvider(inner);
  const before = getDefaultProvider();
  setDefaultProvider(counting.provider);
  try {
    const r = replay(fixture);
    if (r.error) throw r.error;
    // No verification: the leaf is walked to its key, no certificate is parsed in full (count-modes.ts).
    const work = workFromCounts(counting.counts(), 0, false);
    const bytes = (dir: string) => fixture.flow.filter((x) => x.dir === dir).reduce((n, x) => n + x.hex.length / 2, 0);
    return { ...work, bytesSent: bytes('client'), bytesReceived: bytes('server'), roundTrips: 0 };
  } finally {
    setDefaultProvider(before);
  }
}
