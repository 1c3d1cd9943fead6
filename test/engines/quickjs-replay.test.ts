/**
 * The portable core on an engine other than Node: the recorded replays (test/fixtures/replay)
 * run inside QuickJS (quickjs-emscripten: QuickJS compiled to WebAssembly, hosted by Node).
 * test/engines/replay-entry.ts is bundled at test time (esbuild, IIFE, platform neutral) and
 * evaluated in a fresh QuickJS context with no host APIs at all: no Buffer, process, crypto,
 * TextEncoder/TextDecoder, timers or console. Only strings cross the boundary.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getQuickJS, type QuickJSContext, type QuickJSRuntime } from 'quickjs-emscripten';
import { toHex } from '../../src/encoding/bytes.js';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { replay, type ReplayFixture } from '../helpers/replay.js';
import { bundleReplayEntry } from './bundle.js';
import type { EngineReplayResult } from './replay-entry.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'replay');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const fixtureText = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const fixtures = [...fixtureText.values()].map((t) => JSON.parse(t) as ReplayFixture);

const MEMORY_LIMIT = 64 * 1024 * 1024;
const CALL_BUDGET_MS = 20_000;

let runtime: QuickJSRuntime | undefined;
let vm: QuickJSContext | undefined;
let deadline = 0;
/** uvu does not print an error thrown by a hook: keep it and fail every test with it. */
let loadError: Error | undefined;
const timings: string[] = [];

/** Calls a global of the bundle with string arguments; returns its string result. */
function call(name: string, ...args: string[]): string {
  if (loadError || !vm) throw loadError ?? new Error('QuickJS context not created');
  const ctx = vm;
  deadline = Date.now() + CALL_BUDGET_MS;
  const fn = ctx.getProp(ctx.global, name);
  const handles = args.map((a) => ctx.newString(a));
  try {
    const r = ctx.callFunction(fn, ctx.undefined, ...handles);
    if (r.error) {
      const err = ctx.dump(r.error) as { name?: string; message?: string; stack?: string };
      r.error.dispose();
      throw new Error(`QuickJS ${name}: ${err?.name}: ${err?.message}\n${err?.stack ?? ''}`);
    }
    const s = ctx.getString(r.value);
    r.value.dispose();
    return s;
  } finally {
    for (const h of handles) h.dispose();
    fn.dispose();
  }
}

function replayInQuickJs(fixtureJson: string, opts?: { seed?: string; chunk?: number }): EngineReplayResult {
  return JSON.parse(call('microtlsReplay', fixtureJson, opts ? JSON.stringify(opts) : '')) as EngineReplayResult;
}

async function load(): Promise<void> {
  const code = await bundleReplayEntry();
  const QuickJS = await getQuickJS();
  runtime = QuickJS.newRuntime({
    memoryLimitBytes: MEMORY_LIMIT,
    maxStackSizeBytes: 1024 * 1024,
    // Polled by the interpreter: a runaway loop is interrupted instead of hanging the suite.
    interruptHandler: () => Date.now() > deadline,
  });
  vm = runtime.newContext();
  deadline = Date.now() + CALL_BUDGET_MS;
  const r = vm.evalCode(code, 'microtls-replay-bundle.js');
  if (r.error) {
    const err = vm.dump(r.error) as { name?: string; message?: string; stack?: string };
    r.error.dispose();
    throw new Error(`loading the bundle in QuickJS: ${err?.name}: ${err?.message}\n${err?.stack ?? ''}`);
  }
  r.value.dispose();
}

test.before(async () => {
  try {
    await load();
  } catch (e) {
    loadError = e instanceof Error ? e : new Error(String(e));
  }
});

test.after(() => {
  if (timings.length) console.log(`QuickJS replay, ms per suite (measured inside QuickJS): ${timings.join(', ')}`);
  vm?.dispose();
  runtime?.dispose();
});

test('the bundle builds (esbuild, neutral platform) and loads in QuickJS', () => {
  assert.is(loadError, undefined, loadError?.message);
});

test('QuickJS: a bare engine (BigInt, no Node or web host APIs)', () => {
  const info = JSON.parse(call('microtlsEngineInfo')) as Record<string, string>;
  assert.is(info['BigInt'], 'function');
  for (const absent of ['Buffer', 'process', 'crypto', 'TextEncoder', 'setTimeout', 'queueMicrotask', 'performance']) {
    assert.is(info[absent], 'undefined', `${absent} must not exist in the QuickJS context`);
  }
  // Installed by src/x509/asn1js-globals.ts: asn1js constructs one when its module loads.
  assert.is(info['TextDecoder'], 'function');
});

test('one fixture per suite', () => {
  assert.equal(fixtures.map((f) => f.suite).sort(), CIPHER_SUITES.map((s) => s.name).sort());
});

for (const [file, text] of fixtureText) {
  const f = JSON.parse(text) as ReplayFixture;
  test(`QuickJS replay ${f.suite}: identical client bytes, echo decrypted, clean close`, () => {
    const r = replayInQuickJs(text);
    assert.is(r.error, undefined, r.error && `${r.error.codeName}: ${r.error.message}`);
    assert.is(r.cipherSuite, f.suite);
    assert.is(r.extendedMasterSecret, true, 'extended master secret');
    assert.is(r.encryptThenMac, f.suite.includes('_CBC_'), 'encrypt-then-MAC exactly for CBC');
    assert.is(r.received, f.message);
    assert.ok(r.closed, 'server close_notify processed');
    const expected = f.flow.filter((x) => x.dir === 'client').reduce((n, x) => n + x.hex.length / 2, 0);
    assert.is(r.clientBytesLength, expected);
    assert.ok(r.clientBytesMatch, `client bytes differ from the recording at byte ${r.firstDifference / 2}`);
    timings.push(`${file.replace(/\.json$/, '')} ${r.ms}`);
  });
}

test('QuickJS: re-chunked server bytes give the same client bytes', () => {
  const r = replayInQuickJs(fixtureText.values().next().value!, { chunk: 7 });
  assert.is(r.error, undefined);
  assert.ok(r.clientBytesMatch);
  assert.ok(r.closed);
});

test('QuickJS: a flipped bit in the server\'s Finished is caught', () => {
  const f = fixtures.find((x) => x.suite.includes('GCM'))!;
  // The server chunk holding its ChangeCipherSpec record ends with its (encrypted) Finished.
  const flow = f.flow.map((x) => ({ ...x }));
  const i = flow.findIndex((x) => x.dir === 'server' && x.hex.includes('140303000101'));
  assert.ok(i >= 0, 'server ChangeCipherSpec chunk');
  const hex = flow[i]!.hex;
  flow[i] = { dir: 'server', hex: hex.slice(0, -2) + (parseInt(hex.slice(-2), 16) ^ 1).toString(16).padStart(2, '0') };
  const r = replayInQuickJs(JSON.stringify({ ...f, flow }));
  assert.is(r.error?.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC');
  assert.is(r.cipherSuite, undefined, 'no handshake');
  assert.is(r.received, undefined);
  // Up to the server's Finished the client's bytes are the recording's; it never sends data.
  assert.not.ok(r.clientBytesMatch);
});

test('QuickJS: a different random seed does not reproduce the recording', () => {
  const r = replayInQuickJs(fixtureText.values().next().value!, { seed: 'another seed' });
  assert.not.ok(r.clientBytesMatch);
  assert.ok(r.error, 'handshake must fail');
  assert.is(r.cipherSuite, undefined);
});

test('QuickJS: the server certificate parses, and asn1js (the DER fallback) agrees with the fast path', () => {
  const leaf = replay(fixtures[0]!).handshake!.peerCertificates[0]!;
  const r = JSON.parse(call('microtlsDer', toHex(leaf))) as { subject?: string; fastPath?: boolean; sameTree?: boolean; error?: unknown };
  assert.is(r.error, undefined, JSON.stringify(r.error));
  assert.ok(r.subject?.includes('CN=localhost'), r.subject);
  assert.ok(r.fastPath);
  assert.ok(r.sameTree, 'asn1js tree equals the fast-path tree inside QuickJS');
});

test.run();
