/**
 * Memory per idle connection (a section of `npm run bench`, run with --expose-gc; alone:
 * `node --expose-gc --import tsx bench/memory.ts [connections=200]`): N TLS connections held
 * open to an idle server in a child process, per client, with and without Max Fragment Length
 * 4096; after gc, (heap used + array buffers) growth / N, and RSS growth / N beside it.
 * Node's tls keeps its record buffers in OpenSSL's native heap, which only RSS sees; RSS is
 * coarse (pages the allocator keeps), so it is context, not the figure.
 */
import { once } from 'node:events';
import tls from 'node:tls';
import { nobleProvider, type CryptoProvider } from '../hw/index.js';
import { createNodeProvider } from '../hw/node.js';
import { createEspruinoProvider } from '../hw/espruino.js';
import { createEspruinoStandIn } from '../test/hw/espruino-standin.js';
import { connect } from '../src/node/index.js';
import { createBenchPki, type BenchPki } from './lib/bench-pki.js';
import { startServer } from './lib/children.js';
import { writeSectionJson } from './lib/json-out.js';
import { machineInfo, machineLines } from './lib/machine.js';
import { printTable } from './lib/table.js';

const N = Number(process.argv[2] ?? 200);
const SUITE = 'TLS_RSA_WITH_AES_128_GCM_SHA256';

export interface MemoryRow {
  client: string;
  mfl: 'none' | '4096';
  /** Bytes per connection: heap used + array buffers. */
  jsBytes: number;
  rssBytes: number;
}
export interface MemoryResults {
  connections: number;
  rows: MemoryRow[];
}

async function gcSettled(): Promise<{ js: number; rss: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

export async function runMemory(pki: BenchPki, n = N): Promise<MemoryResults> {
  const server = await startServer<{ idle: number }>('node-tls', { BENCH_PKI: JSON.stringify(pki) });
  const port = server.ports.idle;
  const providers: [string, CryptoProvider][] = [
    ['microtls (node provider)', createNodeProvider()],
    ['microtls (noble provider)', nobleProvider],
    ['microtls (Espruino stand-in)', createEspruinoProvider(createEspruinoStandIn())],
  ];
  const rows: MemoryRow[] = [];
  const measureClient = async (client: string, mfl: MemoryRow['mfl'], open: () => Promise<{ destroy(): void }>) => {
    // One connection first, so module-level caches and lazily built tables are not charged per connection.
    (await open()).destroy();
    const before = await gcSettled();
    const held: { destroy(): void }[] = [];
    for (let i = 0; i < n; i++) held.push(await open());
    const after = await gcSettled();
    rows.push({ client, mfl, jsBytes: (after.js - before.js) / n, rssBytes: (after.rss - before.rss) / n });
    for (const s of held) s.destroy();
    await gcSettled();
  };
  try {
    await measureClient("Node tls", 'none', async () => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0', maxVersion: 'TLSv1.2' });
      await once(s, 'secureConnect');
      return s;
    });
    for (const [name, p] of providers) {
      for (const mfl of ['none', '4096'] as const) {
        await measureClient(name, mfl, () => connect({
          host: '127.0.0.1', port, verify: false, cipherSuites: [SUITE], provider: p, ...(mfl === '4096' ? { maxFragmentLength: 4096 } : {}),
        }));
      }
    }
  } finally {
    server.stop();
  }
  return { connections: n, rows };
}

export function printMemory(r: MemoryResults): void {
  printTable(`Memory per idle connection: ${r.connections} connections, after gc, KiB per connection`,
    ['client', 'MFL', 'heap + buffers', 'RSS (context)'],
    r.rows.map((x) => [x.client, x.mfl, (x.jsBytes / 1024).toFixed(1), (x.rssBytes / 1024).toFixed(1)]), 2);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Under `npm run bench` (BENCH_JSON set) the report prints the tables; alone, this does.
  const alone = !process.env.BENCH_JSON;
  if (alone) for (const l of machineLines(machineInfo())) console.log(l);
  const r = await runMemory(createBenchPki());
  if (alone) printMemory(r);
  writeSectionJson(r);
}
