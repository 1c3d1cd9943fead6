/**
 * Runs microtls inside the real Espruino binary (../shared/engines/espruino or ESPRUINO=):
 * builds dist/device/microtls.espruino.js once per process (scripts/build-device.mjs), writes
 * it to the engine's emulated Storage (espruino.flash in a temp dir) and loads it with
 * require(), as a device does, then runs a test script that prints one JSON object per line.
 * Shared by the device tests and the engine benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleResult } from '../../scripts/build-device.mjs';
import { enginePath } from './engines.js';
import { freePort } from './mosquitto.js';
import { createTestPki } from './pki.js';

let built: Promise<BundleResult> | undefined;

/** The Espruino bundle, built once per process (the size budget is the build's business, not the test's). */
export function espruinoBuild(): Promise<BundleResult> {
  built ??= (async () => {
    const { buildDevice } = await import('../../scripts/build-device.mjs');
    const { results } = await buildDevice({ only: 'espruino', log: () => {} });
    return results[0]!;
  })();
  return built;
}

/** Path of the freshly built Espruino bundle. */
export async function espruinoBundle(): Promise<string> {
  return (await espruinoBuild()).path;
}

export interface EspruinoRun {
  /** Every stdout line that parsed as a JSON object, in order. */
  readonly events: Record<string, unknown>[];
  readonly stdout: string;
}

/**
 * `body` is Espruino JavaScript run after `var microtls = require('microtls')` (loaded from
 * Storage); it prints JSON lines with `out({...})` and must call `done()` at the end. `vars`
 * become `var NAME = <JSON>;` lines ahead of it (PEM text, ports).
 */
/**
 * `load`: 'storage' (default) is `require('microtls')` of the Storage file, as on a device: the
 * code stays in flash and costs little RAM, but on this desktop build flash reads are slow;
 * 'ram' evaluates the text from RAM with `E.setFlags({ pretokenise: 1 })`: faster, more RAM.
 */
export async function runInEspruino(body: string, vars: Record<string, unknown> = {}, timeoutMs = 60_000, load: 'storage' | 'ram' = 'storage'): Promise<EspruinoRun> {
  const bin = enginePath('espruino');
  if (!bin) throw new Error('Espruino engine not found');
  const dir = mkdtempSync(join(tmpdir(), 'microtls-espruino-'));
  try {
    const code = readFileSync(await espruinoBundle(), 'utf8');
    // Storage first (a separate run, so the test starts from a clean interpreter, as after a reset).
    writeFileSync(join(dir, 'bundle.js'), code);
    writeFileSync(join(dir, 'store.js'), [
      "require('Storage').write('microtls', require('fs').readFileSync('bundle.js'));",
      "print(JSON.stringify({ stored: require('Storage').read('microtls').length }));",
      'process.exit?process.exit():quit();',
    ].join('\n'));
    await runFile(bin, dir, 'store.js', timeoutMs);
    const prelude = Object.entries(vars).map(([k, v]) => `var ${k} = ${JSON.stringify(v)};`).join('\n');
    writeFileSync(join(dir, 'test.js'), [
      prelude,
      'function out(o) { print(JSON.stringify(o)); }',
      'function done() { setTimeout(function () { process.exit?process.exit():quit(); }, 10); }',
      'var tLoad0 = Date.now();',
      load === 'storage' ? "var microtls = require('microtls');"
        : "E.setFlags({ pretokenise: 1 }); eval(require('fs').readFileSync('bundle.js')); var microtls = globalThis.microtls;",
      'out({ event: "loaded", ms: Date.now() - tLoad0, usage: process.memory().usage });',
      'try {',
      body,
      '} catch (e) { out({ event: "uncaught", message: String(e && e.message || e), stack: e && e.stack }); done(); }',
    ].join('\n'));
    const stdout = await runFile(bin, dir, 'test.js', timeoutMs);
    const events: Record<string, unknown>[] = [];
    for (const line of stdout.split('\n')) {
      const at = line.indexOf('{"');
      if (at < 0) continue;
      try {
        const v = JSON.parse(line.slice(at)) as unknown;
        if (v && typeof v === 'object') events.push(v as Record<string, unknown>);
      } catch {
        // the REPL's own output
      }
    }
    return { events, stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runFile(bin: string, cwd: string, file: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Espruino did not finish ${file} within ${timeoutMs} ms; output:\n${out.slice(-3000)}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

/** The first event named `name`, or a failure that shows what the engine printed. */
export function eventOf(run: EspruinoRun, name: string): Record<string, unknown> {
  const e = run.events.find((x) => x.event === name);
  if (!e) throw new Error(`no "${name}" event from Espruino; output:\n${run.stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').slice(-3000)}`);
  return e;
}

export interface Server {
  readonly port: number;
  close(): Promise<void>;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** `openssl s_server -www` (TLS 1.2, the test PKI's leaf + CA) on a free port, ready when this resolves. */
export async function startSServer(extra: string[] = []): Promise<Server> {
  const pki = createTestPki();
  const port = await freePort();
  const child: ChildProcess = spawn('openssl', ['s_server', '-tls1_2', '-accept', `127.0.0.1:${port}`, '-www', '-quiet',
    '-cert', pki.certPath, '-key', pki.keyPath, '-cert_chain', pki.caCertPath, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port);
  return {
    port,
    close: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

