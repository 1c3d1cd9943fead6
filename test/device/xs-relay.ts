/**
 * The Node side of the live XS tests: one xsnap worker running test/device/xs-live-harness.js
 * over the XS bundle, and the relay for what a device has natively: TCP (net.Socket per
 * worker socket id), timers (a Node timer per id) and random bytes (node:crypto). The relay
 * only moves bytes; it can also flip one bit of the server's Finished, as a hostile network would.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XsnapWorker, type XsnapMeter } from '../helpers/xsnap.js';
import { writeXsBundle, type XsBundle } from './xs-bundle.js';

export interface XsLiveOptions {
  readonly xsnap: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));

/** Binary frames for socket bytes both ways: [0][socket id, u32 big-endian][bytes]. */
const DATA = 0;

function dataFrame(id: number, bytes: Uint8Array): Uint8Array {
  const f = new Uint8Array(5 + bytes.length);
  new DataView(f.buffer).setUint32(1, id);
  f.set(bytes, 5);
  return f;
}

const encoded = (message: unknown): Uint8Array => (message instanceof Uint8Array ? message : json(message));

/** Flips the last byte of the first handshake record after the server's ChangeCipherSpec. */
class FinishedTamper {
  private buf = Buffer.alloc(0);
  private sawCcs = false;
  done = false;

  push(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt16BE(3);
      if (this.buf.length < 5 + len) break;
      const rec = Buffer.from(this.buf.subarray(0, 5 + len));
      this.buf = this.buf.subarray(5 + len);
      if (rec[0] === 20) this.sawCcs = true;
      else if (rec[0] === 22 && this.sawCcs && !this.done) {
        rec[rec.length - 1]! ^= 1;
        this.done = true;
      }
      out.push(rec);
    }
    if (this.done) { out.push(this.buf); this.buf = Buffer.alloc(0); }
    return Buffer.concat(out);
  }
}

/**
 * The host's half of the harness protocol: answers the engine's synchronous queries
 * (connect, write, close, timer, clear, random, done) and sends it socket events and timer
 * expiries through `deliver`. Engine-neutral: xsnap delivers by command, an in-process
 * run (node --jitless) by calling the harness's handleCommand on a later tick.
 */
export class HostRelay {
  /** Flip a bit of the server's Finished on the next connection. */
  tamperNextFinished = false;
  private readonly sockets = new Map<number, { socket: net.Socket; tamper: FinishedTamper | undefined }>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly pending = new Map<number, (result: unknown) => void>();
  private token = 1;

  /** `deliver` gets a JSON-able message, or a binary data frame ([0][id u32][bytes]). */
  constructor(private readonly deliver: (message: unknown) => void) {}

  /** Runs a scenario in the engine; resolves with what it returned (its own error object on failure). */
  run<T = Record<string, unknown>>(scenario: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    const token = this.token++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => { this.pending.delete(token); reject(new Error(`scenario ${scenario} did not finish in ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(token, (r) => { clearTimeout(t); resolve(r as T); });
      this.deliver({ op: 'run', scenario, params, token });
    });
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** A data frame from the engine: send its bytes; answer with the room left (always plenty). */
  private write(request: Uint8Array): Uint8Array {
    const view = new DataView(request.buffer, request.byteOffset, request.byteLength);
    const s = this.sockets.get(view.getUint32(1));
    if (s && !s.socket.destroyed) s.socket.write(request.subarray(5));
    const room = new Uint8Array(4);
    new DataView(room.buffer).setUint32(0, 65536);
    return room;
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const { socket } of this.sockets.values()) socket.destroy();
    this.sockets.clear();
  }

  onQuery(request: Uint8Array): Uint8Array {
    if (request[0] === DATA) return this.write(request);
    const m = JSON.parse(dec.decode(request)) as { op: string; id?: number; [k: string]: unknown };
    switch (m.op) {
      case 'random':
        return new Uint8Array(randomBytes(m['n'] as number));
      case 'timer': {
        const id = m.id!;
        this.timers.set(id, setTimeout(() => { this.timers.delete(id); this.deliver({ op: 'fire', id }); }, m['ms'] as number));
        return new Uint8Array(0);
      }
      case 'clear': {
        clearTimeout(this.timers.get(m.id!));
        this.timers.delete(m.id!);
        return new Uint8Array(0);
      }
      case 'connect': {
        const id = m.id!;
        const socket = net.connect({ host: m['address'] as string, port: m['port'] as number });
        socket.setNoDelay(true);
        const tamper = this.tamperNextFinished ? new FinishedTamper() : undefined;
        this.tamperNextFinished = false;
        this.sockets.set(id, { socket, tamper });
        socket.on('connect', () => this.deliver({ op: 'ev', id, kind: 'connect' }));
        socket.on('data', (d: Buffer) => {
          const bytes = tamper ? tamper.push(d) : d;
          if (bytes.length) this.deliver(dataFrame(id, bytes));
        });
        socket.on('error', () => { /* 'close' follows and is what the engine hears */ });
        socket.on('close', (hadError) => {
          if (this.sockets.delete(id)) this.deliver({ op: 'ev', id, kind: hadError ? 'error' : 'end' });
        });
        return new Uint8Array(0);
      }
      case 'close': {
        const s = this.sockets.get(m.id!);
        this.sockets.delete(m.id!);
        s?.socket.end();
        s?.socket.once('finish', () => s.socket.destroy());
        return new Uint8Array(0);
      }
      case 'dropSockets': {
        // A network failure: every connection reset at once (the engine hears 'error' / 'end').
        for (const { socket } of this.sockets.values()) socket.destroy();
        return new Uint8Array(0);
      }
      case 'done': {
        const resolve = this.pending.get(m['token'] as number);
        this.pending.delete(m['token'] as number);
        resolve?.(m['result']);
        return new Uint8Array(0);
      }
      default:
        return json({ hostError: `unknown op ${m.op}` });
    }
  }
}

/** Time on CPU of a thread from its schedstat (ns resolution; waits for a CPU not counted). */
export function threadCpuMs(schedstat: string): number | undefined {
  try {
    return Number(readFileSync(schedstat, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

export class XsLive {
  readonly worker: XsnapWorker;
  readonly relay: HostRelay;
  lastMeter: XsnapMeter | undefined;

  private constructor(readonly bundle: XsBundle, options: XsLiveOptions) {
    this.relay = new HostRelay((m) => this.deliver(m));
    this.worker = new XsnapWorker(options.xsnap, (q) => this.relay.onQuery(q));
  }

  set tamperNextFinished(on: boolean) {
    this.relay.tamperNextFinished = on;
  }

  get openSockets(): number {
    return this.relay.openSockets;
  }

  run<T = Record<string, unknown>>(scenario: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    return this.relay.run<T>(scenario, params, timeoutMs);
  }

  /** CPU time the worker has used so far, in ms (Linux schedstat), or undefined elsewhere. */
  cpuMs(): number | undefined {
    return this.worker.pid === undefined ? undefined : threadCpuMs(`/proc/${this.worker.pid}/schedstat`);
  }

  static async start(options: XsLiveOptions): Promise<{ live: XsLive; loadMs: number }> {
    const bundle = await writeXsBundle(['xs-live-harness.js']);
    const live = new XsLive(bundle, options);
    const main = join(bundle.dir, 'main.js');
    writeFileSync(main, "import './xs-live-harness.js';\n");
    const t0 = performance.now();
    await live.worker.evaluate(`import(${JSON.stringify(main)}).then(() => { globalThis.harnessLoaded = 'ok'; }, (e) => { globalThis.harnessLoaded = String(e) + ' ' + (e.stack ?? ''); });`);
    const check = await live.worker.evaluate('new TextEncoder().encode(String(globalThis.harnessLoaded)).buffer');
    const loadMs = performance.now() - t0;
    live.lastMeter = check.meter;
    const state = dec.decode(check.reply);
    if (state !== 'ok') {
      await live.close();
      throw new Error(`the XS harness did not load in xsnap: ${state}`);
    }
    return { live, loadMs };
  }

  async close(): Promise<void> {
    this.relay.close();
    await this.worker.close();
    this.bundle.remove();
  }

  private deliver(message: unknown): void {
    this.worker.command(encoded(message)).then((r) => { this.lastMeter = r.meter ?? this.lastMeter; }, () => { /* worker gone: close() reports */ });
  }
}

/**
 * The same harness and bundle in this Node process (for `node --jitless` figures beside
 * the engines'): issueCommand answers from the relay at once, events arrive on a later tick.
 *
 * engineCpuMs() is the CPU time spent in the engine's side alone, as xsnap's own process time
 * is: from each command handed to the harness until the microtasks it started have run, less
 * the host queries answered inside it. Node's socket work (net, streams, libuv) and the
 * relay's are left out, as they are when the same bundle runs in xsnap. run() settles a tick
 * after the scenario's end, so the caller's own code never runs inside a counted span.
 */
export interface InProcessEngine {
  readonly relay: HostRelay;
  readonly loadMs: number;
  run<T = Record<string, unknown>>(scenario: string, params?: Record<string, unknown>): Promise<T>;
  engineCpuMs(): number;
}

export async function startInProcess(bundle: XsBundle): Promise<InProcessEngine> {
  const g = globalThis as unknown as { issueCommand?: (b: ArrayBuffer) => ArrayBuffer; handleCommand?: (b: ArrayBuffer) => unknown };
  let engineMs = 0;
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const relay = new HostRelay((m) => setImmediate(() => {
    const bytes = encoded(m);
    const t0 = cpu();
    // A nextTick queued from a microtask runs once the microtask queue is empty: after the
    // promise jobs this command started (a scenario begins in one).
    queueMicrotask(() => process.nextTick(() => { engineMs += cpu() - t0; }));
    g.handleCommand!(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }));
  g.issueCommand = (b) => {
    const t0 = cpu();
    const r = relay.onQuery(new Uint8Array(b));
    const answer = r.buffer.slice(r.byteOffset, r.byteOffset + r.byteLength) as ArrayBuffer;
    engineMs -= cpu() - t0;
    return answer;
  };
  const t0 = performance.now();
  await import(pathToFileURL(join(bundle.dir, 'xs-live-harness.js')).href);
  return {
    relay,
    loadMs: performance.now() - t0,
    run: <T>(scenario: string, params?: Record<string, unknown>) =>
      relay.run<T>(scenario, params).then((r) => new Promise<T>((resolve) => setImmediate(() => resolve(r)))),
    engineCpuMs: () => engineMs,
  };
}
