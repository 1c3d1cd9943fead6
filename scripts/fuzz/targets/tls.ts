/**
 * Mutated server flights into the sans-I/O engine. A case is
 *   [fixture index] [mode] [chunk size] payload
 * mode 0: payload is the whole server byte stream of a recorded exchange (ServerHello to
 *         close_notify), mutated; it reaches the handshake parsers and the record layer.
 * mode 1: the recorded handshake is replayed intact, then payload is a stream of plaintext
 *         records (type, version, length, fragment) that the fuzzer seals with the server's
 *         real keys (from the keylog line), so mutations reach the post-handshake code with
 *         valid MACs: alerts, application data, HelloRequest, stray handshake messages.
 * Chunk size 0 feeds the payload in one piece, 63 one record per call, other n in pieces of n bytes.
 */
import { getDefaultProvider } from '../../../hw/index.js';
import { concatBytes, fromHex } from '../../../src/encoding/bytes.js';
import { findSuite } from '../../../src/handshake/cipher-suites.js';
import { TlsClient, type HandshakeInfo } from '../../../src/handshake/client.js';
import { createProtection, deriveTrafficKeys } from '../../../src/handshake/key-schedule.js';
import { RecordLayer } from '../../../src/record/record-layer.js';
import { SequenceNumber } from '../../../src/record/sequence.js';
import { seededRandom } from '../../../test/helpers/seeded-random.js';
import { replayFixtures, serverFlights } from '../corpus.js';
import { mutate } from '../mutate.js';
import type { Prng } from '../prng.js';
import type { FuzzTarget } from '../target.js';

const provider = getDefaultProvider();

/** Plaintext records a server may send after its Finished: the mode 1 seeds. */
const POST_HANDSHAKE = [
  '1703030005 68656c6c6f', // application data "hello"
  '1603030004 00000000', // HelloRequest
  '1503030002 015a', // warning user_canceled
  '1503030002 0100', // close_notify
  '1503030002 0228', // fatal handshake_failure
  '1703030000', // empty application data
  '1603030008 0400000400000000', // NewSessionTicket after the handshake
  '1403030001 01', // ChangeCipherSpec again
].map((h) => fromHex(h.replace(/ /g, '')));

function handshakeFlights(flights: Uint8Array[]): Uint8Array[] {
  // Up to and including the flight with the server's ChangeCipherSpec (and its Finished).
  const i = flights.findIndex((f) => f.some((b, k) => b === 20 && f[k + 1] === 3 && f[k + 2] === 3 && f[k + 3] === 0 && f[k + 4] === 1));
  return flights.slice(0, i + 1);
}

/** Chunk mode that hands over one record per receive() call, as a transport often does. */
const PER_RECORD = 63;

function feed(engine: TlsClient, bytes: Uint8Array, chunk: number): void {
  if (chunk === 0) {
    engine.receive(bytes);
  } else if (chunk === PER_RECORD) {
    // Cut where each record header says its record ends (a lying header cuts at the lie).
    let p = 0;
    while (p < bytes.length) {
      const end = p + 5 <= bytes.length ? Math.min(bytes.length, p + 5 + ((bytes[p + 3]! << 8) | bytes[p + 4]!)) : bytes.length;
      engine.receive(bytes.subarray(p, end));
      p = end;
    }
  } else {
    for (let i = 0; i < bytes.length; i += chunk) engine.receive(bytes.subarray(i, i + chunk));
  }
}

/** The records of a plaintext stream; a header cut short or lying about its length takes what is there. */
function* plaintextRecords(b: Uint8Array): Generator<{ type: number; data: Uint8Array }> {
  let p = 0;
  while (p < b.length) {
    const type = b[p]!;
    const len = p + 5 <= b.length ? (b[p + 3]! << 8) | b[p + 4]! : 0;
    const start = Math.min(p + 5, b.length);
    const end = Math.min(start + len, b.length, start + 16384);
    yield { type, data: b.subarray(start, end) };
    p = end;
  }
}

export function runTlsCase(input: Uint8Array): void {
  const fixtures = replayFixtures();
  if (input.length < 3) return;
  const f = fixtures[input[0]! % fixtures.length]!;
  const mode = input[1]! & 1;
  const chunk = input[2]! % 64;
  const payload = input.subarray(3);
  let failure: unknown;
  let masterSecret: Uint8Array | undefined;
  let clientRandom: Uint8Array | undefined;
  let info: HandshakeInfo | undefined;
  const engine: TlsClient = new TlsClient({
    verify: false, serverName: f.serverName, cipherSuites: [f.suite], provider, random: seededRandom(f.seed), now: () => f.now,
  }, {
    output: () => {},
    handshake: (i) => { info = i; engine.write(new Uint8Array(4)); },
    data: () => {},
    error: (e) => { failure ??= e; },
    keylog: (line) => {
      const [, cr, ms] = line.split(' ');
      clientRandom = fromHex(cr!);
      masterSecret = fromHex(ms!);
    },
  });
  engine.start();
  if (mode === 0) {
    feed(engine, payload, chunk);
  } else {
    const flights = serverFlights(f);
    for (const flight of handshakeFlights(flights)) engine.receive(flight);
    if (!info || !masterSecret || !clientRandom) throw new Error(`fixture ${f.suite} did not complete its handshake`);
    const suite = findSuite(f.suite)!;
    const serverRandom = flights[0]!.subarray(11, 43);
    const keys = deriveTrafficKeys(provider, suite, masterSecret, clientRandom, serverRandom);
    const server = new RecordLayer();
    server.setWriteProtection(createProtection(provider, suite, keys.server, seededRandom('fuzz server IVs'), info.encryptThenMac));
    // The server's Finished was record 0 under these keys.
    const seq = new SequenceNumber();
    seq.next();
    server.setSequenceNumbers(undefined, seq);
    const sealed = [...plaintextRecords(payload)].map((r) => server.seal(r.type, r.data.subarray(0, server.maxFragmentLength)));
    feed(engine, concatBytes(...sealed), chunk);
  }
  if (failure !== undefined) throw failure;
}

export const tlsTarget: FuzzTarget = {
  name: 'tls',
  seeds() {
    const out: Uint8Array[] = [];
    replayFixtures().forEach((f, i) => {
      // As many mode 0 as mode 1 seeds: mode 1 costs a whole handshake per case.
      const flights = concatBytes(Uint8Array.of(i, 0, 0), ...serverFlights(f));
      out.push(flights, flights);
      out.push(concatBytes(Uint8Array.of(i, 1, 0), POST_HANDSHAKE[i % POST_HANDSHAKE.length]!));
      out.push(concatBytes(Uint8Array.of(i, 1, 0), ...POST_HANDSHAKE));
    });
    return out;
  },
  mutate(r: Prng, seed: Uint8Array, seeds: readonly Uint8Array[]): Uint8Array {
    const head = seed.slice(0, 3);
    // Half whole, a quarter one record per call, a quarter small pieces: the verdict must not depend on it.
    const k = r.below(4);
    head[2] = k < 2 ? 0 : k === 2 ? PER_RECORD : 1 + r.below(PER_RECORD - 1);
    const others = seeds.filter((s) => s[1] === seed[1]).map((s) => s.subarray(3));
    return concatBytes(head, mutate(r, seed.subarray(3), others));
  },
  run: runTlsCase,
};
