/**
 * The work of one handshake in each of the reference device's modes, counted (no timing):
 * a live handshake against Node's TLS server (bench/servers/node-tls.ts) through the counting
 * provider over the node provider with noble's HMAC (the devices' keyed-once, copied HMAC) -- whose rsaPublic / rsaPrivate / ecdsaVerifyMessage hooks
 * let the public-key work be counted -- and a TCP socket whose reads and writes feed the
 * counter's wire totals. Verification uses a verifier without caches, so every connection
 * parses the CA and checks the signature, as a device that keeps no verdicts pays.
 */
import { once } from 'node:events';
import net from 'node:net';
import { completeProvider, createCountingProvider, nobleProvider, type CountingProvider, type CryptoCounts, type FullCryptoProvider, type HashName } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { connect } from '../../src/node/index.js';
import type { TlsSession } from '../../src/session/session.js';
import { systemClock } from '../../src/time/clock.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import type { BenchPki } from '../lib/bench-pki.js';
import { startServer } from '../lib/children.js';
import { DEVICE_MODES, type DeviceModeId } from './device-modes.js';
import { limbShadow } from './limb-counter.js';
import { sizeClass } from '../../hw/modmul-schedule.js';
import { loadClientCredentials } from '../../src/client-auth/credentials.js';

export const MODEL_SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';

/** What the cost model multiplies: one handshake's work. */
export interface WorkCounts {
  /**
   * Compression blocks per hash, hashing, HMAC and engine-internal hashing together, on a
   * streaming hash engine (a cloned transcript's prefix paid once).
   */
  hashBlocks: Partial<Record<HashName, number>>;
  /** The same on an engine that hashes a context's whole input at digest (Espruino's one-shot natives). */
  hashBlocksBuffered: Partial<Record<HashName, number>>;
  /** Hash digests, each with a fixed cost besides its blocks (context, padding, output). */
  hashCalls: number;
  /** HMAC digests (inner and outer hash finished), each with a fixed cost besides its blocks. */
  hmacCalls: number;
  /** HMAC contexts keyed (besides the two keyed blocks counted in hashBlocks). */
  hmacKeySetups: number;
  /** Hash states copied (the transcript's digests) and HMAC states copied (the PRF's templates). */
  hashClones: number;
  hmacClones: number;
  /** AES block-cipher invocations (ECB, CBC, CTR and CBC-MAC inside GCM/CCM). */
  aesBlocks: number;
  aesKeySetups: number;
  /** AEAD seals and opens (GCM, CCM), each with a fixed cost besides its blocks (nonce, counter, tag). */
  aeadCalls: number;
  ghashBlocks: number;
  /** Modular multiplications by operand size class in bits, on the BigInt backend's schedule (XS, Node without WebAssembly). */
  modMul: Record<string, number>;
  /** The same on the limb backend (Espruino), counted by running it (bench/model/limb-counter.ts). */
  modMulLimb?: Record<string, number>;
  /** Modular inversions by size class (the BigInt backend's blinding pairs, drawn on a key's first use). */
  modInverse?: Record<string, number>;
  /** RSA public operations (each with a fixed cost besides its products: conversions, padding). */
  rsaPublicCalls?: number;
  /** Private keys loaded (PEM and DER decoded, consistency checked) by modulus size class: `connect({ cert, key })` loads them per connection. */
  keyImports?: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  roundTrips: number;
  /** DER bytes of certificates parsed in full: when verifying, the server's chain, and the CA when cold. */
  certificateBytes: number;
  /** Certificate chains verified (path, memo, names, dates: the work besides parsing and signatures). */
  verifications?: number;
  /**
   * Verifiers built from CA text: `connect({ ca })` builds one on every connection that verifies,
   * a resumption included, which checks no chain but binds the session to the verifier's trust id.
   */
  verifierBuilds?: number;
  /** Of `verifications`, those by a verifier without caches: the CA parsed and the signature checked again, and what that check does besides (UnitCosts.coldVerifyCall). */
  coldVerifications?: number;
  /** Full handshake (the server decrypts a premaster secret) or resumed. */
  resumed: boolean;
}

export function workFromCounts(c: CryptoCounts, certificateBytes: number, resumed: boolean): WorkCounts {
  const hashBlocks: Partial<Record<HashName, number>> = {};
  const hashBlocksBuffered: Partial<Record<HashName, number>> = {};
  for (const alg of Object.keys(c.hash) as HashName[]) {
    const engine = c.publicKey.ecdsaVerifyMessage.hashBlocks[alg] ?? 0;
    const streaming = (c.hash[alg].streamingBlocks ?? 0) + (c.hmac[alg].streamingBlocks ?? 0) + engine;
    const buffered = c.hash[alg].blocks + c.hmac[alg].blocks + engine;
    if (streaming) hashBlocks[alg] = streaming;
    if (buffered) hashBlocksBuffered[alg] = buffered;
  }
  const a = c.aes;
  let hashCalls = 0;
  let hmacCalls = 0;
  for (const alg of Object.keys(c.hash) as HashName[]) {
    hashCalls += c.hash[alg].calls;
    hmacCalls += c.hmac[alg].calls;
  }
  return {
    hashBlocks,
    hashBlocksBuffered,
    hashCalls,
    hmacCalls,
    hmacKeySetups: c.hmacKeySetups,
    hashClones: c.hashClones,
    hmacClones: c.hmacClones,
    aesBlocks: a.block.blocks + a.cbc.blocks + a.gcm.blocks + a.ccm.blocks,
    aesKeySetups: a.keySetups,
    aeadCalls: a.gcm.calls + a.ccm.calls,
    ghashBlocks: c.ghashBlocks,
    modMul: { ...c.modMul },
    ...(c.modMulBy['limb'] ? { modMulLimb: { ...c.modMulBy['limb'] } } : {}),
    modInverse: { ...c.modInverse },
    rsaPublicCalls: c.publicKey.rsaPublic.calls,
    bytesSent: c.wire.bytesSent,
    bytesReceived: c.wire.bytesReceived,
    roundTrips: c.wire.roundTrips,
    certificateBytes,
    resumed,
  };
}

function pemDerLength(pem: string): number {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
}

type ConnectOptions = Parameters<typeof connect>[0];

/** A TCP socket whose writes and reads feed the counter's wire totals. */
export async function countedSocket(counting: CountingProvider, host: string, port: number): Promise<net.Socket> {
  const sock = net.connect({ host, port });
  await once(sock, 'connect');
  const write = sock.write.bind(sock) as (chunk: Uint8Array, ...rest: unknown[]) => boolean;
  sock.write = ((chunk: Uint8Array, ...rest: unknown[]) => {
    counting.noteSent(chunk.length);
    return write(chunk, ...rest);
  }) as typeof sock.write;
  sock.prependListener('data', (d: Buffer) => counting.noteReceived(d.length));
  return sock;
}

/**
 * One handshake with `options` (provider: the counting one, completed), counted from a reset;
 * `caPem` is charged as parsed when the options verify. The connection is closed after; with
 * `closeNotify` by end(), its close_notify sealed and sent inside the count (what a timed
 * connect-then-end pays), else dropped uncounted.
 */
export async function countHandshake(counting: CountingProvider, options: ConnectOptions & { host: string; port: number }, caPem?: string, closeNotify = false): Promise<WorkCounts> {
  // Client credentials given as files are loaded per connection (src/handshake/options.ts
  // resolveCredentials): the chain parsed, the key decoded and checked. Counted here, since no
  // provider hook sees them.
  const files = options.credentials === undefined && options.cert !== undefined && options.key !== undefined;
  const credentials = files ? loadClientCredentials({ cert: options.cert!, key: options.key! }) : undefined;
  counting.reset();
  const s = await connect({ ...options, socket: await countedSocket(counting, options.host, options.port) });
  const resumed = s.resumed;
  // Parsed in full only when verifying (the verifier parses the chain; the key is the leaf's from
  // that parse). Without verification the engine walks the leaf to its key and parses nothing else
  // (src/handshake/server-key.ts), too little to count.
  const verifying = options.verify !== false;
  const chain = resumed || !verifying ? 0 : (s.handshake?.peerCertificates ?? []).reduce((n, c) => n + c.length, 0);
  const clientChain = credentials ? credentials.chain.reduce((n, der) => n + der.length, 0) : 0;
  const certificateBytes = chain + (verifying && caPem && !resumed ? pemDerLength(caPem) : 0) + clientChain;
  if (closeNotify) await new Promise<void>((resolve) => s.end(() => resolve()));
  s.destroy();
  const work = workFromCounts(counting.counts(), certificateBytes, resumed);
  if (credentials) work.keyImports = { [String(sizeClass(credentials.bits))]: 1 };
  work.verifications = verifying && !resumed ? 1 : 0;
  work.verifierBuilds = verifying ? 1 : 0;
  return work;
}

/**
 * The counting provider the model counts with: the node provider (whose public-key hooks let
 * that work be counted) with noble's HMAC. node:crypto's HMAC cannot copy a keyed state, so the
 * PRF would re-key it per HMAC; every device provider (noble, XS, Espruino: hw/hmac.ts) keys once
 * per PRF call and copies, and the counts should be those of the device's path.
 * `espruinoEquality`: the limb shadow's caches keyed as Espruino keys them (limb-counter.ts).
 */
export function deviceCountingProvider(options: { espruinoEquality?: boolean } = {}): CountingProvider {
  const node = createNodeProvider();
  return createCountingProvider({ ...node, name: 'node + noble HMAC', hmac: (alg, key) => nobleProvider.hmac!(alg, key) },
    { shadows: { limb: limbShadow({ contentKeyed: options.espruinoEquality === true }) } });
}

/** A verifier without caches: every connection parses the CA and checks the signature. */
export function coldVerifier(caPem: string, provider: FullCryptoProvider) {
  return createChainVerifier({ trusted: caPem, cache: false, clock: systemClock, provider, usage: 'serverAuth' });
}

/**
 * The counts per device mode, cold (a verifier without caches). `warm`, when given, also gets the
 * verifying modes counted as a client that keeps its verdicts counts them from its second
 * connection on (src/x509/verifier.ts: the CA parsed once, signatures checked once): what the
 * live runs that reuse one CA measure, for the model's check.
 */
export async function countModes(pki: BenchPki, warm?: Partial<Record<DeviceModeId, WorkCounts>>): Promise<Record<DeviceModeId, WorkCounts>> {
  const server = await startServer<{ main: number; mutual: number }>('node-tls', { BENCH_PKI: JSON.stringify(pki) });
  const counting = deviceCountingProvider();
  const full = completeProvider(counting.provider);
  const out = {} as Record<DeviceModeId, WorkCounts>;
  try {
    for (const mode of DEVICE_MODES) {
      const cc = mode.id === 'cc1024' ? pki.client1024 : mode.id === 'cc2048' ? pki.client2048 : undefined;
      const verify = mode.id !== 'none';
      const port = cc ? server.ports.mutual : server.ports.main;
      const options = (session?: TlsSession): ConnectOptions & { host: string; port: number } => ({
        host: '127.0.0.1', port, servername: 'localhost', cipherSuites: [MODEL_SUITE], provider: full,
        verify: verify ? coldVerifier(pki.caPem, full) : false,
        ...(cc ? { cert: cc.certPem, key: cc.keyPem } : {}),
        ...(session ? { session } : {}),
        sessionTickets: mode.id === 'resume',
      });
      let session: TlsSession | undefined;
      if (mode.id === 'resume') {
        const first = await connect(options());
        session = first.getSession();
        first.destroy();
      }
      const work = await countHandshake(counting, options(session), verify ? pki.caPem : undefined);
      work.coldVerifications = work.verifications ?? 0;
      if (work.resumed !== (mode.id === 'resume')) throw new Error(`${mode.id}: resumed is ${work.resumed}`);
      out[mode.id] = work;
      if (warm && verify && mode.id !== 'resume') {
        // One caching verifier across two connections; the second is counted.
        const cached = createChainVerifier({ trusted: pki.caPem, clock: systemClock, provider: full, usage: 'serverAuth' });
        (await connect({ ...options(), verify: cached })).destroy();
        warm[mode.id] = await countHandshake(counting, { ...options(), verify: cached });
      }
    }
  } finally {
    server.stop();
  }
  return out;
}
