/**
 * Application-data throughput per cipher suite (a section of `npm run bench`; alone:
 * `npx tsx bench/throughput.ts [megabytes=8]`): 16 KB writes to a sink in a child process
 * that answers once it has everything; MB/s for Node's tls and microtls with each provider,
 * the ten suites of the reference device. Each suite is measured twice, interleaved across
 * clients, best kept (the machine is shared).
 */
import { once } from 'node:events';
import tls from 'node:tls';
import { nobleProvider, type CryptoProvider } from '../hw/index.js';
import { createNodeProvider } from '../hw/node.js';
import { createEspruinoProvider } from '../hw/espruino.js';
import { createEspruinoStandIn } from '../test/hw/espruino-standin.js';
import { CIPHER_SUITES } from '../src/handshake/cipher-suites.js';
import { connect } from '../src/node/index.js';
import { createBenchPki, type BenchPki } from './lib/bench-pki.js';
import { startServer } from './lib/children.js';
import { writeSectionJson } from './lib/json-out.js';
import { machineInfo, machineLines } from './lib/machine.js';
import { printTable, ratio } from './lib/table.js';

const MB = Number(process.argv[2] ?? 8);

export interface ThroughputRow {
  suite: string;
  /** MB/s per client name. */
  rates: Record<string, number>;
}
export interface ThroughputResults {
  megabytes: Record<string, number>;
  clients: string[];
  rows: ThroughputRow[];
}

async function pump(write: (b: Buffer) => boolean, sock: NodeJS.EventEmitter, bytes: number): Promise<number> {
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

export async function runThroughput(pki: BenchPki, megabytes = MB): Promise<ThroughputResults> {
  const server = await startServer<{ sink: number }>('node-tls', { BENCH_PKI: JSON.stringify(pki) });
  const port = server.ports.sink;
  const providers: [string, CryptoProvider, number][] = [
    ['microtls (node provider)', createNodeProvider(), megabytes],
    // Pure JS is 10x slower: fewer bytes, the same 16 KB records.
    ['microtls (noble provider)', nobleProvider, Math.max(1, megabytes / 4)],
    ['microtls (Espruino stand-in)', createEspruinoProvider(createEspruinoStandIn()), Math.max(1, megabytes / 4)],
  ];
  const clients = ["Node tls", ...providers.map(([n]) => n)];
  const rows: ThroughputRow[] = [];
  try {
    for (const suite of CIPHER_SUITES) {
      const rates: Record<string, number> = {};
      for (let round = 0; round < 2; round++) {
        const ns = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ciphers: `${suite.openssl}:@SECLEVEL=0`, maxVersion: 'TLSv1.2' });
        await once(ns, 'secureConnect');
        rates['Node tls'] = Math.max(rates['Node tls'] ?? 0, await pump((b) => ns.write(b), ns, megabytes * 2 ** 20));
        ns.destroy();
        for (const [name, p, mb] of providers) {
          const s = await connect({ host: '127.0.0.1', port, verify: false, cipherSuites: [suite.name], provider: p });
          rates[name] = Math.max(rates[name] ?? 0, await pump((b) => s.write(b), s, mb * 2 ** 20));
          s.destroy();
        }
      }
      rows.push({ suite: suite.name, rates });
    }
  } finally {
    server.stop();
  }
  return { megabytes: Object.fromEntries([['Node tls', megabytes], ...providers.map(([n, , mb]) => [n, mb])]), clients, rows };
}

export function printThroughput(r: ThroughputResults): void {
  const [base, ...rest] = r.clients;
  printTable(`Application data: MB/s, 16 KB writes (${Object.entries(r.megabytes).map(([c, m]) => `${c} ${m} MB`).join(', ')}), best of 2; ratio to Node tls`,
    ['suite', ...r.clients],
    r.rows.map((row) => [row.suite, row.rates[base!]!.toFixed(0), ...rest.map((c) => `${row.rates[c]!.toFixed(1)} (${ratio(row.rates[c]! / row.rates[base!]!)})`)]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Under `npm run bench` (BENCH_JSON set) the report prints the tables; alone, this does.
  const alone = !process.env.BENCH_JSON;
  if (alone) for (const l of machineLines(machineInfo())) console.log(l);
  const r = await runThroughput(createBenchPki());
  if (alone) printThroughput(r);
  writeSectionJson(r);
}
