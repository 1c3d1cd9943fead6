/**
 * `npm run bench:handshake`: microtls against Node's own TLS client, same server, same run.
 *
 * The server is Node's TLS server in a child process (so server work does not share the
 * client's event loop), TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256, RSA-2048 certificate.
 *  - Handshake: N sequential full handshakes (TCP connect included, no verification, no
 *    tickets offered) per client; median ms and ratio to Node's tls.connect.
 *  - Throughput: 16 KB application-data writes to a sink that acknowledges the total;
 *    MB/s for microtls (node and noble providers) and Node's tls.
 *  - Verified handshake: certificates from src/node/pki.ts, server key RSA-2048
 *    (RSA key exchange), the server presents leaf + intermediate, the client trusts the root
 *    and checks the name: Node's tls.connect({ ca, rejectUnauthorized: true, servername })
 *    against microtls connect({ verify: true, ca, servername }). Chains: RSA-2048 root and
 *    intermediate; a P-256 intermediate under an RSA root (one ECDSA signature to check);
 *    P-256 root and intermediate (two ECDSA signatures).
 *    "reconnect" rows are what a client reconnecting with the same CA pays (parsed CA and
 *    signature verdicts remembered, src/x509/verifier.ts); "cold" rows build a verifier
 *    with cache: false per handshake, so the CA is parsed and every signature verified each
 *    time, which is the cost of a first connection.
 * Targets: handshake <= 1.5x Node; node provider >= 50% of Node; noble >= 30 MB/s.
 * Targets: verified RSA-2048 chain <= 1.5x Node with CA verification; P-256-signed chain <= 2x.
 *
 *   npm run bench:handshake -- [iterations=200] [megabytes=64]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import tls from 'node:tls';
import { completeProvider, nobleProvider } from '../hw/index.js';
import { createNodeProvider } from '../hw/node.js';
import type { CryptoProvider } from '../hw/provider.js';
import { connect } from '../src/node/index.js';
import { issueCertificate, type Issued, type KeySpec } from '../src/node/pki.js';
import { systemClock } from '../src/time/clock.js';
import { createChainVerifier } from '../src/x509/verifier.js';
import { createTestPki } from '../test/helpers/pki.js';

const ITER = Number(process.argv[2] ?? 200);
const MB = Number(process.argv[3] ?? 64);
const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';
const OPENSSL_SUITE = 'AES128-GCM-SHA256';

const SERVER = `
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
const opts = { key: readFileSync(process.env.KEY), cert: readFileSync(process.env.CERT), minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: process.env.CIPHERS };
// Handshake server: completes the handshake and closes.
const hs = tls.createServer(opts, (s) => { s.on('error', () => {}); s.end(); });
// Sink: first 8 bytes = total length; replies 'k' once that much arrived.
const sink = tls.createServer(opts, (s) => {
  s.on('error', () => {});
  let total = -1, got = 0, head = Buffer.alloc(0);
  s.on('data', (d) => {
    if (total < 0) { head = Buffer.concat([head, d]); if (head.length < 8) return; total = Number(head.readBigUInt64BE(0)); d = head.subarray(8); }
    got += d.length;
    if (got >= total) { s.write('k'); got = -Infinity; }
  });
});
// Verified-handshake servers: one per chain, presenting leaf + intermediate.
const chains = JSON.parse(process.env.CHAINS);
const chainServers = chains.map((c) => tls.createServer({ ...opts, key: c.key, cert: c.cert }, (s) => { s.on('error', () => {}); s.end(); }));
const listen = (srv) => new Promise((r) => srv.listen(0, '127.0.0.1', r));
await listen(hs); await listen(sink);
for (const srv of chainServers) await listen(srv);
console.log(JSON.stringify({ hs: hs.address().port, sink: sink.address().port, chains: chainServers.map((s) => s.address().port) }));
`;

interface Chain {
  readonly label: string;
  readonly caPem: string;
  readonly serverKeyPem: string;
  /** Leaf then intermediate. */
  readonly serverCertPem: string;
}

/** root -> intermediate -> RSA-2048 leaf (CN and SAN localhost, 127.0.0.1), keys as given. */
function makeChain(label: string, rootKey: KeySpec, intermediateKey: KeySpec): Chain {
  const root: Issued = issueCertificate({ subject: [['O', 'microtls bench'], ['CN', `Bench Root ${label}`]], key: rootKey, ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const inter = issueCertificate({ subject: [['O', 'microtls bench'], ['CN', `Bench Intermediate ${label}`]], issuer: root, key: intermediateKey, ca: true, pathLen: 0, keyUsage: ['keyCertSign', 'cRLSign'] });
  const leaf = issueCertificate({
    subject: [['O', 'microtls bench'], ['CN', 'localhost']], issuer: inter, key: { type: 'rsa', bits: 2048 }, ca: false,
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
  });
  return { label, caPem: root.certPem, serverKeyPem: leaf.keyPem, serverCertPem: leaf.certPem + inter.certPem };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function nodeHandshake(port: number): Promise<number> {
  const t0 = performance.now();
  const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ciphers: OPENSSL_SUITE, maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' });
  await once(s, 'secureConnect');
  const ms = performance.now() - t0;
  s.destroy();
  return ms;
}

async function nodeVerifiedHandshake(port: number, ca: string): Promise<number> {
  const t0 = performance.now();
  const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, rejectUnauthorized: true, ciphers: OPENSSL_SUITE, maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2' });
  await once(s, 'secureConnect');
  const ms = performance.now() - t0;
  if (!s.authorized) throw new Error(`node tls did not verify the chain: ${String(s.authorizationError)}`);
  s.destroy();
  return ms;
}

/** `cold`: a verifier without the trust-store cache, made inside the timed handshake (a first connection's cost). */
async function microVerifiedHandshake(port: number, provider: CryptoProvider, ca: string, cold: boolean): Promise<number> {
  const t0 = performance.now();
  const verify = cold
    ? createChainVerifier({ trusted: ca, cache: false, clock: systemClock, provider: completeProvider(provider), usage: 'serverAuth' })
    : true;
  const s = await connect({ host: '127.0.0.1', port, servername: 'localhost', verify, ca, cipherSuites: [SUITE], provider, sessionTickets: false });
  const ms = performance.now() - t0;
  s.destroy();
  return ms;
}

async function microHandshake(port: number, provider: CryptoProvider): Promise<number> {
  const t0 = performance.now();
  const s = await connect({ host: '127.0.0.1', port, verify: false, cipherSuites: [SUITE], provider, sessionTickets: false });
  const ms = performance.now() - t0;
  s.destroy();
  return ms;
}

async function throughput(write: (b: Buffer) => boolean, sock: NodeJS.EventEmitter, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(16384, 0x5a);
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(bytes));
  const ack = once(sock, 'data');
  const t0 = performance.now();
  write(head);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!write(chunk)) await once(sock, 'drain');
  }
  await ack;
  return bytes / 1e6 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const pki = createTestPki();
  const chains = [
    makeChain('RSA-2048', { type: 'rsa', bits: 2048 }, { type: 'rsa', bits: 2048 }),
    makeChain('P-256 intermediate, RSA root', { type: 'rsa', bits: 2048 }, { type: 'ec', curve: 'P-256' }),
    makeChain('P-256 root and intermediate', { type: 'ec', curve: 'P-256' }, { type: 'ec', curve: 'P-256' }),
  ];
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
    env: {
      ...process.env, KEY: pki.keyPath, CERT: pki.certPath, CIPHERS: `${OPENSSL_SUITE}:@SECLEVEL=0`,
      CHAINS: JSON.stringify(chains.map((c) => ({ key: c.serverKeyPem, cert: c.serverCertPem }))),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const ports = JSON.parse(line.toString()) as { hs: number; sink: number; chains: number[] };
  const nodeP = createNodeProvider();
  try {
    const clients: [string, () => Promise<number>][] = [
      ['node tls.connect', () => nodeHandshake(ports.hs)],
      ['microtls (node provider)', () => microHandshake(ports.hs, nodeP)],
      ['microtls (noble provider)', () => microHandshake(ports.hs, nobleProvider)],
    ];
    const results = new Map<string, number[]>(clients.map(([n]) => [n, []]));
    for (let i = 0; i < 20; i++) for (const [, f] of clients) await f(); // warm-up
    // Interleaved so drift (CPU frequency, GC) hits every client alike.
    for (let i = 0; i < ITER; i++) for (const [n, f] of clients) results.get(n)!.push(await f());
    const base = median(results.get('node tls.connect')!);
    console.log(`Full handshake, ${SUITE}, RSA-2048, no verification, ${ITER} iterations (median, TCP connect included)`);
    for (const [n] of clients) {
      const m = median(results.get(n)!);
      console.log(`  ${n.padEnd(28)} ${m.toFixed(3).padStart(7)} ms   ${(m / base).toFixed(2)}x Node`);
    }

    for (const [i, chain] of chains.entries()) {
      const port = ports.chains[i]!;
      const vclients: [string, () => Promise<number>][] = [
        ['node tls.connect (ca)', () => nodeVerifiedHandshake(port, chain.caPem)],
        ['microtls node, reconnect', () => microVerifiedHandshake(port, nodeP, chain.caPem, false)],
        ['microtls noble, reconnect', () => microVerifiedHandshake(port, nobleProvider, chain.caPem, false)],
        ['microtls node, cold', () => microVerifiedHandshake(port, nodeP, chain.caPem, true)],
        ['microtls noble, cold', () => microVerifiedHandshake(port, nobleProvider, chain.caPem, true)],
      ];
      const vres = new Map<string, number[]>(vclients.map(([n]) => [n, []]));
      for (let k = 0; k < 10; k++) for (const [, f] of vclients) await f(); // warm-up
      for (let k = 0; k < ITER; k++) for (const [n, f] of vclients) vres.get(n)!.push(await f());
      const vbase = median(vres.get('node tls.connect (ca)')!);
      console.log(`\nVerified handshake, ${chain.label} chain (leaf + intermediate sent, root as CA, name checked), ${ITER} iterations`);
      for (const [n] of vclients) {
        const m = median(vres.get(n)!);
        console.log(`  ${n.padEnd(28)} ${m.toFixed(3).padStart(7)} ms   ${(m / vbase).toFixed(2)}x Node`);
      }
    }

    const bytes = MB * 1024 * 1024;
    console.log(`\nApplication data, ${SUITE}, 16 KB writes, ${MB} MB to a sink`);
    const ns = tls.connect({ host: '127.0.0.1', port: ports.sink, rejectUnauthorized: false, ciphers: OPENSSL_SUITE, maxVersion: 'TLSv1.2' });
    await once(ns, 'secureConnect');
    const nodeRate = await throughput((b) => ns.write(b), ns, bytes);
    ns.destroy();
    console.log(`  ${'node tls'.padEnd(28)} ${nodeRate.toFixed(1).padStart(7)} MB/s`);
    for (const [n, p] of [['microtls (node provider)', nodeP], ['microtls (noble provider)', nobleProvider]] as const) {
      const s = await connect({ host: '127.0.0.1', port: ports.sink, verify: false, cipherSuites: [SUITE], provider: p });
      const rate = await throughput((b) => s.write(b), s, n.includes('noble') ? Math.min(bytes, 32 * 1024 * 1024) : bytes);
      s.destroy();
      console.log(`  ${n.padEnd(28)} ${rate.toFixed(1).padStart(7)} MB/s   ${((rate / nodeRate) * 100).toFixed(0)}% of Node`);
    }
  } finally {
    child.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
