/**
 * The big-integer backends (bigint.ts + noble; the limb backend on its JS kernel; the limb
 * backend on the WebAssembly kernel, bigint-wasm.ts, which backend.ts ships for RSA on Node)
 * on Node against node:crypto, and inside the device engines with the same run's `node --jitless` figure
 * beside them. Called by bench/crypto.ts (`npm run bench:crypto -- backends`, or as part of the
 * whole run); also runnable alone: `tsx bench/crypto-backends.ts`.
 *
 * Node rows: ops/s of process CPU time (process.cpuUsage: on the shared machine wall time mostly
 * measures the neighbours), best of interleaved rounds, ratio against node:crypto. The same table is
 * measured again in a child process with OpenSSL's AVX-512 IFMA path masked
 * (OPENSSL_ia32cap=:~0x200000), which OpenSSL 3.0 uses for 2048-bit RSA on this CPU.
 * Engine rows: ms per operation from one bundle per backend, absolute (the engines differ
 * from V8 too much for a ratio), each beside `node --jitless` running the identical bundle;
 * the engines come from ../shared/engines or ESPRUINO= / XST= (test/helpers/engines.ts).
 * BENCH_ENGINES_ONLY=1 skips the Node tables, BENCH_NODE_ONLY=1 the engines.
 */
import * as nc from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as big from '../src/crypto/bigint.js';
import * as limb from '../src/crypto/bigint-limb.js';
import { wasmModExp, wasmRsaPrivate } from '../src/crypto/bigint-wasm.js';
import { wasmKernel } from '../src/crypto/limb-wasm.js';
import { ecdsaVerifyCompact as nobleVerify } from '../src/crypto/ecdsa-noble.js';
import { ecdsaVerifyCompact as limbVerify } from '../src/crypto/ecdsa-limb.js';
import { importPrivateKey } from '../src/crypto/keys.js';
import { rsaSignPkcs1v15 } from '../src/crypto/rsa.js';
import type { RsaPrivateKey } from '../src/crypto/key-types.js';
import { toHex } from '../src/encoding/bytes.js';
import { bundleForEngine, enginePath, REPO_ROOT, type EngineName } from '../test/helpers/engines.js';
// @ts-expect-error plain ESM script without types
import { limbBackendPlugin } from '../scripts/limb-backend-plugin.mjs';

const rnd = (n: number): Uint8Array => new Uint8Array(nc.randomBytes(n));

interface Fixture {
  rsa: Record<1024 | 2048, { node: nc.KeyObject; pub: nc.KeyObject; ours: RsaPrivateKey }>;
  ec: Record<'P-256' | 'P-384', { pub: nc.KeyObject; point: Uint8Array; msg: Buffer; digest: Uint8Array; der: Buffer; rs: Uint8Array; hash: string }>;
}

function fixture(): Fixture {
  const rsa = {} as Fixture['rsa'];
  for (const bits of [1024, 2048] as const) {
    const kp = nc.generateKeyPairSync('rsa', { modulusLength: bits });
    rsa[bits] = { node: kp.privateKey, pub: kp.publicKey, ours: importPrivateKey(kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as RsaPrivateKey };
  }
  const ec = {} as Fixture['ec'];
  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384']] as const) {
    const kp = nc.generateKeyPairSync('ec', { namedCurve: curve });
    const jwk = kp.publicKey.export({ format: 'jwk' });
    const point = new Uint8Array(Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]));
    const msg = nc.randomBytes(100);
    ec[curve] = {
      pub: kp.publicKey, point, msg, hash, digest: new Uint8Array(nc.createHash(hash).update(msg).digest()),
      der: nc.sign(hash, msg, kp.privateKey), rs: new Uint8Array(nc.sign(hash, msg, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' })),
    };
  }
  return { rsa, ec };
}

type Backend = { name: string; modExp: typeof big.modExp; rsaPrivate: typeof big.rsaPrivate; verify?: typeof nobleVerify };

/** The wasm kernel's operations, refusing to fall back (a row must time the kernel or fail). */
const strictWasm = {
  modExp: (b: Uint8Array, e: Uint8Array, m: Uint8Array): Uint8Array => {
    const r = wasmModExp(b, e, m);
    if (r === undefined) throw new Error('the wasm kernel did not take the modulus');
    return r;
  },
  rsaPrivate: (k: RsaPrivateKey, x: Uint8Array, r: (n: number) => Uint8Array): Uint8Array => {
    const s = wasmRsaPrivate(k, x, r);
    if (s === undefined) throw new Error('the wasm kernel did not take the key');
    return s;
  },
};

const BACKENDS: Backend[] = [
  { name: 'BigInt', modExp: big.modExp, rsaPrivate: big.rsaPrivate, verify: nobleVerify },
  { name: 'limb', modExp: limb.modExp, rsaPrivate: limb.rsaPrivate, verify: limbVerify },
  // RSA only: ECDSA stays on noble where the kernel runs.
  { name: 'wasm', modExp: strictWasm.modExp, rsaPrivate: strictWasm.rsaPrivate },
];

interface NodeRow { case: string; node: number; ours: Record<string, number> }

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * ops per second of process CPU time for each candidate: `rounds` interleaved rounds of
 * totalMs / rounds each (calls in batches of about 2 ms, so reading the clock costs nothing),
 * best round kept; a warm-up of a tenth of a round first.
 */
function measureCpuInterleaved(fns: ReadonlyArray<() => unknown>, totalMs: number, rounds: number): number[] {
  const roundMs = totalMs / rounds;
  const batch = fns.map((fn) => {
    let calls = 0;
    const start = cpuMs();
    while (cpuMs() - start < roundMs / 10 || calls < 2) { fn(); calls++; }
    return Math.max(1, Math.round((calls * 2) / (cpuMs() - start)));
  });
  const best = fns.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      let calls = 0;
      const start = cpuMs();
      let spent = 0;
      while (spent < roundMs) {
        for (let k = 0; k < batch[i]!; k++) fn();
        calls += batch[i]!;
        spent = cpuMs() - start;
      }
      best[i] = Math.max(best[i]!, (calls * 1000) / spent);
    });
  }
  return best;
}

function nodeRows(f: Fixture, ms: number): NodeRow[] {
  const rows: NodeRow[] = [];
  const add = (name: string, base: () => unknown, ours: (b: Backend) => (() => unknown) | undefined) => {
    const fns = BACKENDS.map(ours);
    const ops = measureCpuInterleaved([base, ...fns.filter((g): g is () => unknown => g !== undefined)], ms, 5);
    const r: NodeRow = { case: name, node: ops[0]!, ours: {} };
    let k = 1;
    BACKENDS.forEach((b, i) => { if (fns[i] !== undefined) r.ours[b.name] = ops[k++]!; });
    rows.push(r);
  };
  const k2 = f.rsa[2048];
  const x = rnd(256);
  x[0] = 0;
  add('RSA-2048 public (e = 65537)',
    () => nc.publicEncrypt({ key: k2.pub, padding: nc.constants.RSA_NO_PADDING }, x),
    (b) => () => b.modExp(x, k2.ours.publicExponent, k2.ours.modulus));
  const digest = new Uint8Array(32);
  for (const bits of [1024, 2048] as const) {
    const k = f.rsa[bits];
    add(`RSA-${bits} CRT sign (PKCS#1 v1.5, checked)`,
      () => nc.sign('sha256', digest, k.node),
      (b) => {
        const engine = { rsaPublic: (n: Uint8Array, e: Uint8Array, v: Uint8Array) => b.modExp(v, e, n), rsaPrivate: (key: unknown, v: Uint8Array) => b.rsaPrivate(key as RsaPrivateKey, v, rnd) };
        return () => rsaSignPkcs1v15(k.ours, 'sha256', digest, rnd, engine);
      });
  }
  for (const curve of ['P-256', 'P-384'] as const) {
    const e = f.ec[curve];
    add(`ECDSA ${curve} verify`,
      () => nc.verify(e.hash, e.msg, e.pub, e.der),
      (b) => {
        const verify = b.verify;
        if (verify === undefined) return undefined;
        return () => { if (!verify(curve, e.point, e.digest, e.rs)) throw new Error('verify failed'); };
      });
  }
  return rows;
}

function printNodeRows(title: string, rows: NodeRow[]): void {
  console.log(`\n${title}`);
  const kernel = wasmKernel();
  console.log(`  wasm = the limb backend on the WebAssembly kernel (${kernel === undefined ? 'absent' : kernel.simd ? 'SIMD module' : 'scalar module'}), RSA only; time ratios: limb / BigInt, wasm / BigInt`);
  console.log(['case'.padEnd(40), 'node:crypto'.padStart(12), ...BACKENDS.map((b) => `${b.name} ops/s (x node)`.padStart(24)), 'limb/BigInt'.padStart(12), 'wasm/BigInt'.padStart(12)].join(''));
  const ratio = (r: NodeRow, name: string): string => (r.ours[name] === undefined ? '-' : `${(r.ours.BigInt! / r.ours[name]!).toFixed(2)}x`);
  for (const r of rows) {
    const cells = BACKENDS.map((b) => (r.ours[b.name] === undefined ? '-' : `${r.ours[b.name]!.toFixed(1)} (${(r.node / r.ours[b.name]!).toFixed(1)}x slower)`).padStart(24));
    console.log([r.case.padEnd(40), r.node.toFixed(0).padStart(12), ...cells, ratio(r, 'limb').padStart(12), ratio(r, 'wasm').padStart(12)].join(''));
  }
}

// ---- engines ---------------------------------------------------------------------------------

function benchInput(f: Fixture, minMs: number): string {
  const keyHex = (k: RsaPrivateKey) => ({ n: toHex(k.modulus), e: toHex(k.publicExponent), d: toHex(k.privateExponent), p: toHex(k.prime1), q: toHex(k.prime2), dp: toHex(k.exponent1), dq: toHex(k.exponent2), qi: toHex(k.coefficient) });
  const x = (bits: number) => { const v = rnd(bits / 8); v[0] = 0; return toHex(v); };
  return JSON.stringify({
    minMs,
    rsaPublic: { n: toHex(f.rsa[2048].ours.modulus), e: toHex(f.rsa[2048].ours.publicExponent), x: x(2048) },
    keys: [{ name: 'RSA-1024 CRT sign', key: keyHex(f.rsa[1024].ours), x: x(1024) }, { name: 'RSA-2048 CRT sign', key: keyHex(f.rsa[2048].ours), x: x(2048) }],
    ecdsa: (['P-256', 'P-384'] as const).map((c) => ({ name: `ECDSA ${c} verify`, curve: c, point: toHex(f.ec[c].point), digest: toHex(f.ec[c].digest), rs: toHex(f.ec[c].rs) })),
  });
}

/** Runs a script; resolves with its BENCH line (ms per op) and the process's CPU seconds. */
function runScript(cmd: string, args: string[], file: string): { ms: Record<string, number>; cpu: number } | string {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time "$0" "$@" ${JSON.stringify(file)} </dev/null`, cmd, ...args], { encoding: 'utf8', timeout: 600_000 });
  const line = /BENCH (\{.*\})/.exec(r.stdout ?? '');
  if (!line) return `no result (${(r.stdout ?? '').slice(-300)} ${(r.stderr ?? '').slice(-300)})`;
  const cpu = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr ?? '');
  return { ms: JSON.parse(line[1]!), cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
}

/**
 * CPU milliseconds per operation: the process CPU time of a run with k more calls than
 * another, divided by k (start-up, parsing, warm-up and caches cancel out). Wall time on a
 * shared machine mostly measures the neighbours; CPU time does not.
 */
function cpuPerOp(cmd: string, args: string[], dir: string, script: string, input: object, name: string, wallMs: number): number {
  const k = Math.max(2, Math.min(2000, Math.ceil(400 / Math.max(wallMs, 0.01))));
  const cpu = (calls: number): number => {
    const file = join(dir, `cpu-${calls}.js`);
    writeFileSync(file, `var BENCH = ${JSON.stringify({ ...input, only: name, calls })};\n${PRINT_SHIM}${script}\n`);
    const r = runScript(cmd, args, file);
    if (typeof r === 'string') throw new Error(r);
    return r.cpu;
  };
  return ((cpu(1 + k) - cpu(1)) * 1000) / k;
}

// print() is the engines' output; node --jitless gets it from console.log.
const PRINT_SHIM = "if (typeof print === 'undefined') globalThis.print = function (s) { console.log(s); };\n";

async function engineRows(f: Fixture): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backends-'));
  try {
    const entry = join(REPO_ROOT, 'bench/backends-entry.ts');
    const scripts: Record<string, string> = {
      limb: await bundleForEngine(entry, [limbBackendPlugin, smallErrorsPlugin()], false),
      BigInt: await bundleForEngine(entry, [smallErrorsPlugin()], false),
    };
    const input = JSON.parse(benchInput(f, 300)) as object;
    const runs: Array<[string, string, string, string[]]> = [['limb', 'node --jitless', process.execPath, ['--jitless']], ['BigInt', 'node --jitless', process.execPath, ['--jitless']]];
    for (const engine of ['espruino', 'xst'] as EngineName[]) {
      const bin = enginePath(engine);
      if (bin === undefined) { console.log(`  ${engine}: skipped (needs ../shared/engines/${engine})`); continue; }
      runs.push(['limb', engine, bin, []]);
      if (engine === 'xst') runs.push(['BigInt', engine, bin, []]);
    }
    const got: Array<{ label: string; wall: Record<string, number>; cpu: Record<string, number> }> = [];
    for (const [backend, engine, cmd, args] of runs) {
      const file = join(dir, `${backend}.js`);
      writeFileSync(file, `var BENCH = ${JSON.stringify(input)};\n${PRINT_SHIM}${scripts[backend]}\n`);
      const r = runScript(cmd, args, file);
      if (typeof r === 'string') { console.log(`  ${engine} ${backend}: ${r}`); continue; }
      const cpu: Record<string, number> = {};
      for (const c of Object.keys(r.ms)) if (c !== 'total wall') cpu[c] = cpuPerOp(cmd, args, dir, scripts[backend]!, input, c, r.ms[c]!);
      got.push({ label: `${engine} ${backend}`, wall: r.ms, cpu });
    }
    const cases = Object.keys(got[0]?.cpu ?? {});
    const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
    console.log(['case (ms: CPU / wall)'.padEnd(28), ...got.map((g) => g.label.padStart(24))].join(''));
    for (const c of cases) console.log([c.padEnd(28), ...got.map((g) => `${fmt(g.cpu[c]!)} / ${fmt(g.wall[c]!)}`.padStart(24))].join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * src/errors.ts for engine bundles: the error-code table is a Map built with destructuring,
 * which needs the device build's lowering; the benchmark only needs the constructor.
 */
export function smallErrorsPlugin(): import('esbuild').Plugin {
  const target = join(REPO_ROOT, 'src/errors.js');
  return {
    name: 'small-errors',
    setup(build) {
      build.onResolve({ filter: /(^|\/)errors\.js$/ }, (args) => (join(args.resolveDir, args.path) === target ? { path: 'errors', namespace: 'small-errors' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'small-errors' }, () => ({ loader: 'js', contents: 'export function MicroTlsError(name, message) { this.message = message; }' }));
    },
  };
}

export async function backendsSection(ms: number): Promise<void> {
  const f = fixture();
  if (process.env.BENCH_ENGINES_ONLY) {
    await engineRows(f);
    return;
  }
  printNodeRows(`Big-integer backends on Node ${process.version} (ops per CPU second, best of 5 interleaved rounds; ratio = node:crypto time / ours)`, nodeRows(f, ms));
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--masked-child', String(ms)], {
    encoding: 'utf8', env: { ...process.env, OPENSSL_ia32cap: ':~0x200000' }, timeout: 300_000,
  });
  process.stdout.write(child.stdout ?? '');
  if (process.env.BENCH_NODE_ONLY) return;
  console.log('\nBig-integer backends inside the device engines (ms per operation after one warm-up, process CPU time and wall time; absolute, with node --jitless running the same bundle in the same run)');
  await engineRows(f);
}

if (process.argv[2] === '--masked-child') {
  printNodeRows('The same with OpenSSL\'s AVX-512 IFMA path masked (OPENSSL_ia32cap=:~0x200000)', nodeRows(fixture(), Number(process.argv[3])));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await backendsSection(500);
}
