/**
 * The README's Figures section from one `npm run bench` result file, so the README quotes one
 * run and names its date: `npx tsx bench/lib/readme-figures.ts bench/results/<date>.json`
 * prints Markdown. Given `bench/results/engines.json` (`npm run bench:engines`), it prints that
 * run's model check: the replays and the live handshakes, predicted and measured.
 */
import { readFileSync } from 'node:fs';
import { FORGE_ON_NODE, type HandshakeResults } from '../handshakes.js';
import type { MemoryResults } from '../memory.js';
import type { ModelResults } from '../model/run-model.js';
import type { ThroughputResults } from '../throughput.js';
import type { MachineInfo } from './machine.js';
import type { Row } from './measure.js';
import { DEVICE_MODES } from '../model/device-modes.js';
import type { EngineBenchResult } from '../engines.js';

interface Report {
  machine: MachineInfo;
  handshakes?: HandshakeResults;
  handshakesJitless?: HandshakeResults;
  throughput?: ThroughputResults;
  crypto?: { symmetric: Row[]; publicKey: Row[] };
  memory?: MemoryResults;
  bundles?: { rows: { file: string; bytes: number; gzip: number }[]; note?: string };
  engines?: EngineBenchResult | string;
  model?: ModelResults;
  targets?: string[];
}

const r = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Report & { rows?: unknown[]; date?: string; modelCheck?: { date: string; check: ModelResults['check'] } };
if (r.rows && r.modelCheck && r.date) {
  // An engines bench result: its model check only.
  const { modelAccuracyLines } = await import('../engines.js');
  const pct = (e: number | undefined) => (e === undefined ? '-' : `${e >= 0 ? '+' : ''}${(e * 100).toFixed(0)}%`);
  const v = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '-' : `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms`);
  const when = `${r.date.slice(0, 10)} ${r.date.slice(11, 16)} UTC`;
  console.log(`The model checked against the \`npm run bench:engines\` run of ${when} (unit probes right after it, in each engine; target +-30%):\n`);
  console.log(['| engine | run | predicted | measured | error |', '| --- | --- | ---: | ---: | ---: |',
    ...r.modelCheck.check.map((c) => `| ${c.engine} | ${c.crossCheck ? `${c.what} (cross-check: ${c.crossCheck})` : c.what} | ${v(c.predictedMs)} | ${c.measuredMs === undefined ? `missing: ${c.missing}` : v(c.measuredMs)} | ${pct(c.error)} |`)].join('\n'));
  console.log(`\n${modelAccuracyLines(r.modelCheck.check, when).map((l) => `- ${l}`).join('\n')}`);
  process.exit(0);
}
const x = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(2)}x`);
const msf = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i ? '---:' : '---')).join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const out: string[] = [];
const m = r.machine;
out.push(`From one \`npm run bench\` run, ${m.date.slice(0, 10)} (${m.cpu}, ${m.cores} cores; Node ${m.node}, OpenSSL ${m.nodeOpenssl}); the full output is in \`bench/results/\`. Ratios are within this run; the machine is noisy, so read ratios, not absolute times.`);

function handshakeTable(h: HandshakeResults): string {
  const row = (mode: HandshakeResults['modes'][number], name: string) => mode.rows.find((x) => x.client === name);
  const cols: [string, string, 'ratio' | 'cpuRatio'][] = [
    ['microtls node provider', 'microtls (node provider)', 'ratio'],
    ['microtls noble', 'microtls (noble provider)', 'ratio'],
    ['microtls Espruino stand-in', 'microtls (Espruino stand-in provider)', 'ratio'],
    ['@reclaimprotocol/tls', '@reclaimprotocol/tls, ECDHE-RSA', 'ratio'],
    ['node-forge (TLS 1.1)', FORGE_ON_NODE, 'ratio'],
    ['node-forge, client CPU', FORGE_ON_NODE, 'cpuRatio'],
    ['node-forge on its own server', 'node-forge (its own server, TLS 1.0)', 'ratio'],
    ['microtls noble, client CPU', 'microtls (noble provider)', 'cpuRatio'],
  ];
  return table(['mode', "Node tls shared context, ms", 'Node fresh context', ...cols.map((c) => c[0])],
    h.modes.map((mode) => [mode.label, msf(row(mode, 'Node tls, one shared SecureContext')?.median), x(row(mode, 'Node tls, fresh SecureContext per connection')?.ratio),
      ...cols.map(([, n, k]) => x(row(mode, n)?.[k]))]));
}
if (r.handshakes) {
  out.push(`\nHandshakes, ${r.handshakes.rounds} interleaved rounds, medians (TCP connect to handshake complete), as ratios to Node's tls with one shared SecureContext on the same server and suite (\`@reclaimprotocol/tls\` against Node on ECDHE-RSA, its only key exchange; node-forge, which has no TLS 1.2, at TLS 1.1 with AES128-SHA against a Node server beside Node's tls at TLS 1.1 on that server; "node-forge on its own server" against Node on forge's server, which answers TLS 1.0 and whose JavaScript RSA decryption dominates both clients' wall time, so that ratio says little about the clients). Node's \`tls.connect({ ca, cert, key })\` builds a fresh SecureContext per connection and parses the CA each time: that is the "fresh" column. Client CPU is this process's CPU per handshake (the servers are child processes).\n`);
  out.push(handshakeTable(r.handshakes));
}
if (r.handshakesJitless) {
  out.push(`\nThe same under \`node --jitless\` (an interpreter-only stand-in for device engines), ${r.handshakesJitless.rounds} rounds:\n`);
  out.push(handshakeTable(r.handshakesJitless));
}
if (r.throughput) {
  const t = r.throughput;
  out.push('\nApplication data, MB/s (16 KB writes; ratio to Node\'s tls):\n');
  out.push(table(['suite', ...t.clients], t.rows.map((row) => [row.suite, row.rates[t.clients[0]!]!.toFixed(0),
    ...t.clients.slice(1).map((c) => `${row.rates[c]!.toFixed(1)} (${x(row.rates[c]! / row.rates[t.clients[0]!]!)})`)])));
}
if (r.crypto) {
  const find = (rows: Row[], name: string, provider: string) => rows.find((q) => q.case === name && q.provider === provider);
  const pick: [string, Row[], string[]][] = [
    ['RSA-2048 encrypt (PKCS#1 v1.5)', r.crypto.publicKey, ['microtls (src/crypto)', 'microtls + node provider']],
    ['RSA-1024 sign SHA-256', r.crypto.publicKey, ['microtls (src/crypto)', 'microtls + node provider']],
    ['RSA-2048 sign SHA-256', r.crypto.publicKey, ['microtls (src/crypto)', 'microtls + node provider']],
    ['ECDSA P-256 verify', r.crypto.publicKey, ['microtls (src/crypto)', 'microtls + node provider']],
    ['SHA-256 16 KB', r.crypto.symmetric, ['noble', 'node', 'espruino-stand-in']],
    ['AES-128-GCM seal 16 KB', r.crypto.symmetric, ['noble', 'node', 'espruino-stand-in']],
  ];
  out.push('\nCrypto, ratio to node:crypto (ops/s or MB/s; `bench:crypto` has every case):\n');
  out.push(table(['case', 'ratio'], pick.map(([name, rows, provs]) => [name, provs.map((p) => `${p} ${x(find(rows, name, p)?.ratio)}`).join('; ')])));
}
if (r.memory) {
  out.push(`\nMemory per idle connection (${r.memory.connections} connections, after gc; heap + array buffers):\n`);
  out.push(table(['client', 'MFL', 'KiB per connection'], r.memory.rows.map((q) => [q.client, q.mfl, (q.jsBytes / 1024).toFixed(1)])));
}
if (r.bundles) {
  out.push(r.bundles.rows.length ? `\nDevice bundles: ${r.bundles.rows.map((b) => `\`${b.file}\` ${(b.bytes / 1024).toFixed(0)} KB, ${(b.gzip / 1024).toFixed(1)} KB gzip`).join('; ')}.` : `\nDevice bundles: ${r.bundles.note}.`);
}
if (r.engines && typeof r.engines === 'object' && r.engines.rows.length) {
  const { formatEngineMarkdown } = await import('../engines.js');
  out.push(`\nEngines (desktop runs of the device engines, this run's engines section, \`bench/engines.ts\`; CPU time of the engine, medians of three handshakes in each of ${r.engines.runs} runs after a warm-up):\n`);
  out.push(formatEngineMarkdown(r.engines));
} else if (r.engines) out.push(`\nEngines: ${typeof r.engines === 'string' ? r.engines : 'no rows'}.`);
if (r.model) {
  const md = r.model;
  const ratios = md.profiles.filter((p) => p.cpuRatio).map((p) => `${p.short} ${p.cpuRatio!.value.toFixed(0)}x${p.cpuRatio!.hostCoreMark ? ` (this machine's CoreMark ${Math.round(p.cpuRatio!.hostCoreMark).toLocaleString('en-US')} from the probes' reference kernel in ${p.engine}, over the ESP32's ${p.cpuRatio!.deviceCoreMark})` : ''}`).join('; ');
  const desktop = r.handshakes?.modes;
  out.push(`\n**Device cost model** (\`bench/model/\`): a MODEL, not a measurement. One handshake per mode is counted (hash compression blocks, AES and GHASH blocks, modular multiplications by operand size, the fixed per-operation work -- hash and HMAC digests, HMAC keyings, state copies, AEAD calls --, bytes, round trips) and multiplied by a device profile's unit costs (\`bench/model/profiles/*.json\`, each figure with its source, estimates marked). The engine profiles' unit costs are measured inside xst (with the XS bundle's provider) and Espruino (with the device bundle) on this machine in the same run, by probes separate from the runs they are checked against, and scaled by this machine's speed over the ESP32's in CoreMark: ${ratios}.\n`);
  const withUnit = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : `${msf(v)} ms`);
  out.push(table(['mode', 'device (its manual)', ...md.profiles.map((p) => `model: ${p.short}`), 'microtls here, measured'],
    DEVICE_MODES.map((dm) => [dm.label, `${dm.deviceText} ms`, ...md.profiles.map((p) => withUnit(md.predictions[p.id]![dm.id].totalMs)),
      `${msf(desktop?.find((q) => q.id === dm.id)?.rows.find((q) => q.client === 'microtls (node provider)')?.median)} ms`])));
  out.push('\nThe model checked on this machine (unit costs measured in each engine, the same model, against the engine\'s own run; target +-30%):\n');
  out.push(table(['engine', 'run', 'predicted', 'measured', 'error'], md.check.map((c) => [c.engine, c.crossCheck ? `${c.what} (cross-check*: ${c.crossCheck})` : c.what, withUnit(c.predictedMs),
    c.measuredMs === undefined ? `missing: ${c.missing}` : `${msf(c.measuredMs)} ms`, c.error === undefined ? '-' : `${c.error >= 0 ? '+' : ''}${(c.error * 100).toFixed(0)}%`])));
}
if (r.model?.check.some((c) => c.crossCheck)) {
  out.push('\n\\* Cross-checks, not like for like (for the reason in the row), so not the target.');
}
// Cross-check targets are summarised by the note above; the rest as the run printed them.
if (r.targets) out.push(`\nTargets as the run reports them:\n\n${r.targets.map((t) => t.replace(/^model cross-check \(not like for like: .*?\), (?=(xsnap|node --jitless|Espruino) )/, 'model cross-check*, ')).map((t) => `- ${t}`).join('\n')}`);
console.log(out.join('\n'));
