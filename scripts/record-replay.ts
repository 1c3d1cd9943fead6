/**
 * Records real TLS 1.2 exchanges between the microtls engine and `openssl s_server` as
 * JSON fixtures in test/fixtures/replay/, for test/handshake/replay.test.ts to replay with no
 * socket. The client runs with a seeded random source and a fixed clock, so replaying the
 * server's bytes makes the engine produce exactly the recorded client bytes.
 *
 *   npx tsx scripts/record-replay.ts            # all ten suites
 *   npx tsx scripts/record-replay.ts AES128-CCM8
 *
 * The script, the conversation and the fixture format are the contract with the replay
 * test: ClientHello → handshake → client sends MESSAGE → s_server echoes it → client
 * close_notify → server close_notify.
 */
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { getDefaultProvider } from '../hw/index.js';
import { toHex, utf8Encode } from '../src/encoding/bytes.js';
import { TlsClient } from '../src/handshake/client.js';
import { CIPHER_SUITES, findSuite, type CipherSuite } from '../src/handshake/cipher-suites.js';
import { createTestPki } from '../test/helpers/pki.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { retryConnect, startOpensslServer } from '../test/helpers/servers.js';
import { withTimeout } from '../test/helpers/async.js';

export interface ReplayFixture {
  readonly description: string;
  readonly recordedWith: string;
  readonly suite: string;
  readonly seed: string;
  readonly now: number;
  readonly serverName: string;
  readonly message: string;
  /** The byte streams in the order they happened, hex, one entry per transport chunk. */
  readonly flow: { readonly dir: 'client' | 'server'; readonly hex: string }[];
}

export const REPLAY_NOW = Date.UTC(2026, 0, 1);
export const REPLAY_MESSAGE = 'hello from the microtls replay recorder';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function record(suite: CipherSuite): Promise<ReplayFixture> {
  createTestPki();
  const server = await startOpensslServer({ cipher: suite.openssl, extraArgs: ['-naccept', '1'] });
  const seed = `microtls-replay-${suite.name}`;
  const flow: { dir: 'client' | 'server'; hex: string }[] = [];
  try {
    const sock = await retryConnect(() => new Promise<net.Socket>((res, rej) => {
      const s = net.connect(server.port, '127.0.0.1');
      s.once('connect', () => res(s));
      s.once('error', rej);
    }));
    await withTimeout(new Promise<void>((resolve, reject) => {
      let echoed = '';
      const engine = new TlsClient({
        verify: false, serverName: 'localhost', cipherSuites: [suite.code], provider: getDefaultProvider(),
        random: seededRandom(seed), now: () => REPLAY_NOW,
      }, {
        output: (b) => { flow.push({ dir: 'client', hex: toHex(b) }); sock.write(b); },
        handshake: () => engine.write(utf8Encode(REPLAY_MESSAGE)),
        data: (d) => {
          echoed += Buffer.from(d).toString();
          if (echoed === REPLAY_MESSAGE) engine.close();
        },
        close: () => { sock.end(); resolve(); },
        error: reject,
      });
      sock.on('data', (d: Buffer) => { flow.push({ dir: 'server', hex: d.toString('hex') }); engine.receive(new Uint8Array(d)); });
      engine.start();
    }), 10_000, `recording ${suite.name}`);
  } finally {
    await server.close();
  }
  return {
    description: `TLS 1.2 ${suite.name} between the microtls engine and openssl s_server, recorded by scripts/record-replay.ts`,
    recordedWith: 'openssl s_server -tls1_2 -quiet (echo via stdin/stdout), RSA-2048 test certificate',
    suite: suite.name, seed, now: REPLAY_NOW, serverName: 'localhost', message: REPLAY_MESSAGE, flow,
  };
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const suites = wanted.length ? wanted.map((w) => findSuite(w)!).filter(Boolean) : [...CIPHER_SUITES];
  for (const suite of suites) {
    const fixture = await record(suite);
    const file = join(root, 'test', 'fixtures', 'replay', `${suite.openssl}.json`);
    writeFileSync(file, JSON.stringify(fixture, null, 1) + '\n');
    console.log(`recorded ${suite.name}: ${fixture.flow.length} chunks -> ${file}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
