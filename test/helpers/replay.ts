/**
 * Replays a recorded exchange through the engine with no socket. Portable on purpose (no
 * Node APIs): the same function is how the core is later checked on other JS engines.
 */
import { getDefaultProvider } from '../../hw/index.js';
import { concatBytes, fromHex, toHex, utf8DecodeStrict, utf8Encode } from '../../src/encoding/bytes.js';
import type { MicroTlsError } from '../../src/errors.js';
import { TlsClient, type HandshakeInfo } from '../../src/handshake/client.js';
import { seededRandom } from './seeded-random.js';

export interface ReplayFixture {
  readonly suite: string;
  readonly seed: string;
  readonly now: number;
  readonly serverName: string;
  readonly message: string;
  readonly flow: readonly { readonly dir: 'client' | 'server'; readonly hex: string }[];
}

export interface ReplayResult {
  readonly clientBytes: string;
  readonly expectedClientBytes: string;
  readonly received: string | undefined;
  readonly handshake: HandshakeInfo | undefined;
  readonly closed: boolean;
  readonly error: MicroTlsError | undefined;
}

/** `chunk` > 0 re-chunks the server's bytes (the engine must not care); `random` replaces the seeded stream (to record it). */
export function replay(f: ReplayFixture, opts: { seed?: string; chunk?: number; tamper?: (server: Uint8Array[]) => void; random?: (n: number) => Uint8Array } = {}): ReplayResult {
  const out: Uint8Array[] = [];
  let received = '';
  let handshake: HandshakeInfo | undefined;
  let closed = false;
  let error: MicroTlsError | undefined;
  const engine: TlsClient = new TlsClient({
    verify: false, serverName: f.serverName, cipherSuites: [f.suite], provider: getDefaultProvider(),
    random: opts.random ?? seededRandom(opts.seed ?? f.seed), now: () => f.now,
  }, {
    output: (b) => out.push(b.slice()),
    handshake: (info) => { handshake = info; engine.write(utf8Encode(f.message)); },
    data: (d) => {
      received += utf8DecodeStrict(d) ?? '\ufffd';
      if (received === f.message) engine.close();
    },
    close: () => { closed = true; },
    error: (e) => { error = e; },
  });
  engine.start();
  const server = f.flow.filter((x) => x.dir === 'server').map((x) => fromHex(x.hex));
  opts.tamper?.(server);
  for (const chunk of server) {
    if (opts.chunk) for (let i = 0; i < chunk.length; i += opts.chunk) engine.receive(chunk.subarray(i, i + opts.chunk));
    else engine.receive(chunk);
  }
  return {
    clientBytes: toHex(concatBytes(...out)),
    expectedClientBytes: f.flow.filter((x) => x.dir === 'client').map((x) => x.hex).join(''),
    received: handshake ? received : undefined,
    handshake,
    closed,
    error,
  };
}
