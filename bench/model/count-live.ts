/**
 * The work of the engines bench's live handshakes, counted against the very servers and PKI those
 * runs use (bench/engines.ts: `openssl s_server` with the test PKI, its client-certificate twin
 * with the device CA), with the suites the live runs offer (the defaults) and the same verifier
 * state: the verifying modes warm (one caching verifier, the second connection counted), as a
 * live client that keeps its verdicts pays from its second handshake on, and the resumption
 * after a verified full handshake, each ended with a close_notify as the live runs end theirs.
 * So the counts describe the runs they predict.
 */
import { completeProvider } from '../../hw/index.js';
import { connect } from '../../src/node/index.js';
import { systemClock } from '../../src/time/clock.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { countHandshake, deviceCountingProvider, type WorkCounts } from './count-modes.js';
import { DEVICE_MODES, type DeviceModeId } from './device-modes.js';

export interface LiveTarget {
  sServerPort: number;
  clientAuthPort: number;
  ca: string;
  client1024: { cert: string; key: string };
  client2048: { cert: string; key: string };
}

export interface LiveCount extends WorkCounts {
  /** The suite the counted handshake negotiated (the live run's is printed beside it). */
  cipherSuite: string;
}

export async function countLiveModes(t: LiveTarget): Promise<Record<DeviceModeId, LiveCount>> {
  // The limb counts (Espruino's) with Espruino's cache keys: the live run's later connections to
  // one server reuse the Montgomery context of its modulus there (limb-counter.ts).
  const counting = deviceCountingProvider({ espruinoEquality: true });
  const full = completeProvider(counting.provider);
  const verifier = createChainVerifier({ trusted: t.ca, clock: systemClock, provider: full, usage: 'serverAuth' });
  const out = {} as Record<DeviceModeId, LiveCount>;
  for (const mode of DEVICE_MODES) {
    const cc = mode.id === 'cc1024' ? t.client1024 : mode.id === 'cc2048' ? t.client2048 : undefined;
    const verify = mode.id === 'none' ? false : verifier;
    const base = {
      host: '127.0.0.1', port: cc ? t.clientAuthPort : t.sServerPort, servername: 'localhost', provider: full, verify,
      ...(cc ? { cert: cc.cert, key: cc.key } : {}),
    };
    // Warm-up connection: the verifier's verdicts cached, and the session the resumption offers.
    const first = await connect(base);
    const session = first.getSession();
    // The resumption keeps the full handshake's suite.
    const suite = first.cipherSuite ?? '';
    first.destroy();
    const opts = { ...base, ...(mode.id === 'resume' && session ? { session } : {}) };
    const work = await countHandshake(counting, opts, undefined, true);
    if (work.resumed !== (mode.id === 'resume')) throw new Error(`live count ${mode.id}: resumed is ${work.resumed}`);
    out[mode.id] = { ...work, cipherSuite: suite };
  }
  return out;
}
