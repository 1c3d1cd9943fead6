/**
 * Handshake latency in the reference device's five modes, microtls with each provider against
 * Node's tls and the peers, in one run (a section of `npm run bench`; alone:
 * `npx tsx bench/handshakes.ts [rounds]`, or `node --jitless --import tsx bench/handshakes.ts`).
 *
 * Every client connects over loopback to a server in a child process (its work does not share
 * this event loop); time is from TCP connect to handshake complete. Rounds are interleaved --
 * each round runs every client of every mode once -- so noise hits all clients alike; medians
 * and 90th percentiles of the rounds. Clients:
 *  - microtls with the node, noble and Espruino stand-in providers, TLS_RSA_WITH_AES_128_GCM_SHA256
 *    (RSA key exchange, as the device). Verification keeps the parsed CA and signature verdicts
 *    across connections (src/x509/verifier.ts); the "cold" row builds a verifier without that
 *    cache per connection, as a first connection pays.
 *  - Node's tls.connect with its options per connection: Node builds a fresh SecureContext for
 *    every connection, so it parses the CA (and the client certificate and key) each time.
 *  - Node's tls.connect with one shared SecureContext made once per mode.
 *  - @reclaimprotocol/tls (webcrypto): it has no RSA key exchange, so it runs
 *    ECDHE-RSA-AES128-GCM-SHA256 against the same server, beside Node on that same suite; no
 *    client certificates and no TLS 1.2 resumption, so those rows are absent.
 *  - node-forge: TLS 1.1 at most, so TLS 1.1 with TLS_RSA_WITH_AES_128_CBC_SHA against a Node
 *    server that allows it (the same certificate and machinery as microtls's server), beside
 *    Node's tls at TLS 1.1 on that same server: the head-to-head row. Also against forge's own
 *    server (it answers TLS 1.0, see the note) beside Node on that server, whose JavaScript RSA
 *    decryption dominates both clients' wall time. No verification and verification only.
 */
import { constants as cryptoConstants } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import net from 'node:net';
import forge from 'node-forge';
import { makeTLSClient, setCryptoImplementation, loadX509FromPem } from '@reclaimprotocol/tls';
import { webcryptoCrypto } from '@reclaimprotocol/tls/webcrypto';
import { completeProvider, nobleProvider, type CryptoProvider } from '../hw/index.js';
import { createNodeProvider } from '../hw/node.js';
import { createEspruinoProvider } from '../hw/espruino.js';
import { createEspruinoStandIn } from '../test/hw/espruino-standin.js';
import { connect } from '../src/node/index.js';
import type { TlsSession } from '../src/session/session.js';
import { systemClock } from '../src/time/clock.js';
import { createChainVerifier } from '../src/x509/verifier.js';
import { createBenchPki, type BenchPki } from './lib/bench-pki.js';
import { startServer } from './lib/children.js';
import { pongExchange } from './lib/pong.js';
import { writeSectionJson } from './lib/json-out.js';
import { JITLESS, machineInfo, machineLines } from './lib/machine.js';
import { summarize, type Summary } from './lib/stats.js';
import { ms, printTable, ratio } from './lib/table.js';
import { DEVICE_MODES, type DeviceModeId } from './model/device-modes.js';
import { KERNEL_FUNCTION, KERNEL_ROUNDS } from './model/kernel.js';

const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? (JITLESS ? 20 : 60));
const WARMUP = JITLESS ? 1 : 3;
const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';
const NODE_SUITE = 'AES128-GCM-SHA256:@SECLEVEL=0';
const ECDHE_SUITE = 'ECDHE-RSA-AES128-GCM-SHA256';

export interface HandshakeRow extends Summary {
  client: string;
  /** The row this one is compared with (same server and suite). */
  baseline: string;
  /** median / the baseline's median. */
  ratio?: number;
  /** median / Node's tls with a fresh SecureContext per connection, same server. */
  ratioFresh?: number;
  /** This process's CPU time per handshake (the client's work: servers run in child processes), median ms. */
  cpuMedian: number;
  /** cpuMedian / the baseline's. */
  cpuRatio?: number;
}
export interface HandshakeMode {
  id: DeviceModeId;
  label: string;
  rows: HandshakeRow[];
  /**
   * Under --jitless: the cost model's reference kernel (kernel.ts), us per iteration of CPU time,
   * the median of one timing per round of this mode: the machine's speed while it ran, which the
   * model's check compares with its probes'.
   */
  kernelUs?: number;
}
export interface HandshakeResults {
  jitless: boolean;
  rounds: number;
  modes: HandshakeMode[];
  notes: string[];
}

type Run = () => Promise<number>;
interface Client {
  name: string;
  baseline: string;
  fresh: string;
  run: Run;
}

const NODE_FRESH = "Node tls, fresh SecureContext per connection";
const NODE_SHARED = "Node tls, one shared SecureContext";
const NODE_ECDHE = "Node tls, shared context, ECDHE-RSA";
const NODE_ON_FORGE = "Node tls on forge's server (TLS 1.0)";
const NODE_LEGACY = "Node tls, TLS 1.1 AES128-SHA, shared context";
/** The "TCP only" row of a mode with `n` round trips. */
export const tcpOnly = (n: number) => `TCP only, ${n} round trip${n === 1 ? '' : 's'} (no TLS)`;
export const FORGE_ON_NODE = 'node-forge (TLS 1.1 AES128-SHA, Node\'s server)';

async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((r) => setImmediate(r));
}

async function nodeConnect(options: tls.ConnectionOptions, expectResumed = false): Promise<number> {
  const t0 = performance.now();
  const s = tls.connect({ host: '127.0.0.1', servername: 'localhost', ...options });
  await Promise.race([once(s, 'secureConnect'), once(s, 'error').then(([e]) => { throw e; })]);
  const t = performance.now() - t0;
  if (options.rejectUnauthorized && !s.authorized) throw new Error(`Node did not verify: ${String(s.authorizationError)}`);
  if (expectResumed && !s.isSessionReused()) throw new Error('Node did not resume');
  s.destroy();
  return t;
}

async function nodeSession(options: tls.ConnectionOptions): Promise<Buffer> {
  const s = tls.connect({ host: '127.0.0.1', servername: 'localhost', ...options });
  const ticket = new Promise<Buffer>((r) => s.once('session', r));
  await once(s, 'secureConnect');
  const b = await ticket;
  s.destroy();
  return b;
}

function reclaimHandshake(port: number, verify: boolean, rootCAs: unknown[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const client = makeTLSClient({
      host: 'localhost',
      verifyServerCertificate: verify,
      rootCAs: rootCAs as never,
      cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
      supportedProtocolVersions: ['TLS1_2'],
      logger: { info() {}, debug() {}, trace() {}, warn() {}, error() {} } as never,
      write({ header, content }) {
        socket.write(header);
        socket.write(content);
      },
      onHandshake() {
        const t = performance.now() - t0;
        socket.destroy();
        resolve(t);
      },
      onTlsEnd(err) {
        if (err) {
          socket.destroy();
          reject(err);
        }
      },
    });
    socket.on('data', (d) => client.handleReceivedBytes(new Uint8Array(d)));
    socket.on('connect', () => void client.startHandshake());
    socket.on('error', reject);
  });
}

/** `caStore`: forge's parsed trust store, made once and kept across connections (as Node's shared context keeps its CA). */
function forgeHandshake(port: number, verify: boolean, caStore: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const conn = forge.tls.createConnection({
      server: false,
      caStore: (verify ? caStore : []) as never,
      cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
      virtualHost: 'localhost',
      verify: (_c, verified, depth, certs) => {
        if (!verify) return true;
        // forge checks the chain; the host name of the leaf is the caller's job.
        if (verified === true && depth === 0) {
          const names = certs[0]!.getExtension('subjectAltName') as { altNames?: { value: string }[] } | undefined;
          return names?.altNames?.some((n) => n.value === 'localhost') ? true : { message: 'host name mismatch', alert: forge.tls.Alert.Description.bad_certificate };
        }
        return verified;
      },
      connected: () => {
        const t = performance.now() - t0;
        socket.destroy();
        resolve(t);
      },
      tlsDataReady: (c) => {
        socket.write(Buffer.from(c.tlsData.getBytes(), 'binary'));
      },
      dataReady: (c) => {
        c.data.getBytes();
      },
      closed: () => {},
      error: (_c, e) => {
        socket.destroy();
        reject(new Error(`forge: ${e.message}`));
      },
    });
    socket.on('connect', () => conn.handshake());
    socket.on('data', (d: Buffer) => conn.process(d.toString('binary')));
    socket.on('error', reject);
  });
}

export async function runHandshakes(pki: BenchPki, rounds = ROUNDS): Promise<HandshakeResults> {
  const node = await startServer<{ main: number; mutual: number; legacy: number; pong: number }>('node-tls', { BENCH_PKI: JSON.stringify(pki) });
  const forgeServer = await startServer<{ forge: number }>('forge-tls', { BENCH_PKI: JSON.stringify(pki) });
  setCryptoImplementation(webcryptoCrypto);
  const reclaimRoots = [await loadX509FromPem(pki.caPem)];
  const providers: [string, CryptoProvider][] = [
    ['node', createNodeProvider()],
    ['noble', nobleProvider],
    ['Espruino stand-in', createEspruinoProvider(createEspruinoStandIn())],
  ];
  const { main, mutual } = node.ports;
  const mt = (p: CryptoProvider, extra: Record<string, unknown>, port = main, expectResumed = false): Run => async () => {
    const t0 = performance.now();
    const s = await connect({ host: '127.0.0.1', port, servername: 'localhost', cipherSuites: [SUITE], provider: p, sessionTickets: expectResumed, timeout: 60_000, ...extra } as never);
    const t = performance.now() - t0;
    if (s.resumed !== expectResumed) throw new Error(`microtls resumed: ${s.resumed}`);
    s.destroy();
    return t;
  };
  const sessions = new Map<string, TlsSession>();
  for (const [name, p] of providers) {
    const s = await connect({ host: '127.0.0.1', port: main, servername: 'localhost', verify: true, ca: pki.caPem, cipherSuites: [SUITE], provider: p });
    sessions.set(name, s.getSession()!);
    s.destroy();
  }
  const nodeVerify: tls.ConnectionOptions = { ca: pki.caPem, rejectUnauthorized: true, ciphers: NODE_SUITE, maxVersion: 'TLSv1.2' };
  const nodeSess = await nodeSession({ ...nodeVerify, port: main });
  const shared = (o: tls.SecureContextOptions) => tls.createSecureContext({ ciphers: NODE_SUITE, maxVersion: 'TLSv1.2', ...o });

  const clientsFor = (id: DeviceModeId): Client[] => {
    const list: Client[] = [];
    const add = (name: string, run: Run, baseline = NODE_SHARED, fresh = NODE_FRESH) => list.push({ name, run, baseline, fresh });
    const verify = id !== 'none';
    const cc = id === 'cc1024' ? pki.client1024 : id === 'cc2048' ? pki.client2048 : undefined;
    const port = cc ? mutual : main;
    const nodeOpts: tls.ConnectionOptions = verify ? { ...nodeVerify } : { rejectUnauthorized: false, ciphers: NODE_SUITE, maxVersion: 'TLSv1.2' };
    if (cc) Object.assign(nodeOpts, { cert: cc.certPem, key: cc.keyPem });
    const ctx = shared({ ...(verify ? { ca: pki.caPem } : {}), ...(cc ? { cert: cc.certPem, key: cc.keyPem } : {}) });
    const resume = id === 'resume';
    add(NODE_FRESH, () => nodeConnect({ ...nodeOpts, port, ...(resume ? { session: nodeSess } : {}) }, resume));
    add(NODE_SHARED, () => nodeConnect({ secureContext: ctx, rejectUnauthorized: verify, port, ...(resume ? { session: nodeSess } : {}) }, resume));
    for (const [pn, p] of providers) {
      const extra: Record<string, unknown> = { verify, ...(verify ? { ca: pki.caPem } : {}), ...(cc ? { cert: cc.certPem, key: cc.keyPem } : {}) };
      if (resume) extra.session = sessions.get(pn);
      add(`microtls (${pn} provider)`, mt(p, extra, port, resume));
      if (id === 'verify' && pn !== 'Espruino stand-in') {
        const full = completeProvider(p);
        add(`microtls (${pn} provider), cold verifier`, async () =>
          mt(p, { verify: createChainVerifier({ trusted: pki.caPem, cache: false, clock: systemClock, provider: full, usage: 'serverAuth' }), ca: pki.caPem })());
      }
    }
    // The host's socket work alone, for the cost model's check (a full handshake has two round trips, a resumption one).
    if (id === 'none' || id === 'resume') add(tcpOnly(resume ? 1 : 2), () => pongExchange(node.ports.pong, resume ? 1 : 2));
    if (id === 'none' || id === 'verify') {
      const ectx = shared({ ciphers: ECDHE_SUITE, ...(verify ? { ca: pki.caPem } : {}) });
      add(NODE_ECDHE, () => nodeConnect({ secureContext: ectx, rejectUnauthorized: verify, port: main }), NODE_ECDHE);
      add('@reclaimprotocol/tls, ECDHE-RSA', () => reclaimHandshake(main, verify, reclaimRoots), NODE_ECDHE);
      const fport = forgeServer.ports.forge;
      const fopts: tls.ConnectionOptions = {
        port: fport, ciphers: 'AES128-SHA:@SECLEVEL=0', minVersion: 'TLSv1', maxVersion: 'TLSv1.1',
        // forge sends no renegotiation_info; OpenSSL 3 refuses such a server unless told otherwise.
        secureOptions: cryptoConstants.SSL_OP_LEGACY_SERVER_CONNECT,
        ...(verify ? { ca: pki.caPem, rejectUnauthorized: true } : { rejectUnauthorized: false }),
      };
      const caStore = forge.pki.createCaStore([pki.caPem]);
      add(NODE_ON_FORGE, () => nodeConnect(fopts), NODE_ON_FORGE, NODE_ON_FORGE);
      add('node-forge (its own server, TLS 1.0)', () => forgeHandshake(fport, verify, caStore), NODE_ON_FORGE, NODE_ON_FORGE);
      const lctx = tls.createSecureContext({ ciphers: 'AES128-SHA:@SECLEVEL=0', minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ...(verify ? { ca: pki.caPem } : {}) });
      add(NODE_LEGACY, () => nodeConnect({ secureContext: lctx, rejectUnauthorized: verify, port: node.ports.legacy }), NODE_LEGACY, NODE_LEGACY);
      add(FORGE_ON_NODE, () => forgeHandshake(node.ports.legacy, verify, caStore), NODE_LEGACY, NODE_LEGACY);
    }
    return list;
  };

  const plan = DEVICE_MODES.map((m) => ({ mode: m, clients: clientsFor(m.id) }));
  const samples = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const failed = new Map<string, string>();
  const key = (m: string, c: string) => `${m}\u0000${c}`;
  // The same loop text the probes time, so both run the same bytecode.
  const kernel = JITLESS ? (new Function(`${KERNEL_FUNCTION}\nreturn kernel;`)() as (rounds: number) => number) : undefined;
  const kernels = new Map<DeviceModeId, number[]>();
  try {
    for (let r = -WARMUP; r < rounds; r++) {
      for (const { mode, clients } of plan) {
        if (kernel && r >= 0) {
          const k0 = process.cpuUsage();
          kernel(KERNEL_ROUNDS);
          const d = process.cpuUsage(k0);
          if (!kernels.has(mode.id)) kernels.set(mode.id, []);
          kernels.get(mode.id)!.push((d.user + d.system) / (KERNEL_ROUNDS * 1024));
        }
        for (const c of clients) {
          const k = key(mode.id, c.name);
          if (failed.has(k)) continue;
          await settle();
          const c0 = process.cpuUsage();
          let t: number;
          try {
            t = await c.run();
          } catch (e) {
            // One client failing (a peer's limitation, a refused handshake) leaves the others' rows.
            failed.set(k, (e as Error).message?.split('\n')[0] ?? String(e));
            continue;
          }
          const d = process.cpuUsage(c0);
          if (r < 0) continue;
          if (!samples.has(k)) samples.set(k, []);
          samples.get(k)!.push(t);
          if (!cpu.has(k)) cpu.set(k, []);
          cpu.get(k)!.push((d.user + d.system) / 1000);
        }
      }
    }
  } finally {
    node.stop();
    forgeServer.stop();
  }
  const modes: HandshakeMode[] = plan.map(({ mode, clients }) => {
    const med = (c: string) => summarize(samples.get(key(mode.id, c)) ?? []).median;
    const cpuMed = (c: string) => summarize(cpu.get(key(mode.id, c)) ?? []).median;
    const k = kernels.get(mode.id);
    return {
      id: mode.id,
      label: mode.label,
      ...(k?.length ? { kernelUs: summarize(k).median } : {}),
      rows: clients.map((c) => {
        const s = summarize(samples.get(key(mode.id, c.name)) ?? []);
        const cm = cpuMed(c.name);
        return { client: c.name, baseline: c.baseline, ...s, ratio: s.median / med(c.baseline), ratioFresh: s.median / med(c.fresh), cpuMedian: cm, cpuRatio: cm / cpuMed(c.baseline) };
      }),
    };
  });
  return {
    jitless: JITLESS,
    rounds,
    modes,
    notes: [
      ...[...failed].map(([k, msg]) => `FAILED ${k.replace('\u0000', ': ')}: ${msg}`),
      `${NODE_FRESH}: what tls.connect({ ca, cert, key }) does -- it parses the CA (and the client certificate and key) on every connection.`,
      `${NODE_SHARED}: tls.createSecureContext once per mode, passed as secureContext.`,
      'microtls keeps the parsed CA and signature verdicts across connections (like Node with a shared context); the cold-verifier row parses and verifies everything per connection.',
      `${tcpOnly(2)} / ${tcpOnly(1)}: connect, then per round trip ${'300'} bytes out and 1200 back, then close, to a plain TCP server: the host's socket work alone, which the cost model's check adds to its prediction of a live handshake in Node.`,
      `@reclaimprotocol/tls has no RSA key exchange: it runs ${ECDHE_SUITE}, compared with ${NODE_ECDHE} on the same server.`,
      'client CPU: this process\'s CPU time per handshake (median); every server runs in a child process, so it is the client\'s own work, less exposed to the neighbours than wall time. On forge\'s server, whose JavaScript RSA decryption dominates the wall time, it is the comparison that tells the clients apart.',
      `node-forge has no TLS 1.2: ${FORGE_ON_NODE} runs TLS 1.1 against a Node server (the same certificate as microtls's), compared with ${NODE_LEGACY} on that server -- the head-to-head row. It keeps its parsed CA store across connections, as the shared contexts do.`,
      `node-forge (its own server): compared with ${NODE_ON_FORGE}; forge's server answers TLS 1.0 even to a TLS 1.1 ClientHello (node-forge 1.4.3 starts its version search at the second entry), so both clients run TLS 1.0 there, and forge's JavaScript RSA decryption on the server dominates both clients' wall time (so wall-time ratios there say little about the clients).`,
    ],
  };
}

export function printHandshakes(r: HandshakeResults): void {
  const title = `Handshakes${r.jitless ? ' under node --jitless (interpreter only, a stand-in for device engines)' : ''}: ${r.rounds} interleaved rounds, median and p90 ms, TCP connect to handshake complete`;
  console.log(`\n${title}`);
  for (const m of r.modes) {
    printTable(`  ${m.label}`, ['client', 'median', 'p90', 'vs baseline', 'vs Node fresh', 'client CPU', 'CPU vs baseline', 'baseline'],
      m.rows.map((row) => [row.client, ms(row.median), ms(row.p90), row.client === row.baseline ? '1.00x' : ratio(row.ratio), ratio(row.ratioFresh),
        ms(row.cpuMedian), row.client === row.baseline ? '1.00x' : ratio(row.cpuRatio), row.client === row.baseline ? '' : row.baseline]), 1);
  }
  for (const n of r.notes) console.log(`  note: ${n}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Under `npm run bench` (BENCH_JSON set) the report prints the tables; alone, this does.
  const alone = !process.env.BENCH_JSON;
  if (alone) for (const l of machineLines(machineInfo())) console.log(l);
  const r = await runHandshakes(createBenchPki());
  if (alone) printHandshakes(r);
  writeSectionJson(r);
}
