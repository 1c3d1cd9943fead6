/**
 * Private mosquitto brokers for tests: a free loopback port, a generated config in a temp
 * dir, start/stop/restart on the same port. Shared by the MQTT and TLS suites.
 *
 *   const broker = await startMosquitto();            // plain listener on broker.port
 *   const tls = await startMosquitto({ plain: false, files: { 'ca.pem': caPem, ... },
 *     extraConfig: (b) => [`listener ${b.extraPorts[0]} 127.0.0.1`, `cafile ${b.dir}/ca.pem`, ...], extraPorts: 1 });
 *   test.after(() => broker.stop());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sleep } from './async.js';
import { freePort } from '../../src/node/free-port.js';
import { canConnect } from './ports.js';
export { freePort };

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/bin/mosquitto', '/opt/homebrew/sbin/mosquitto'];

export function findMosquitto(): string | undefined {
  if (process.env.MOSQUITTO && existsSync(process.env.MOSQUITTO)) return process.env.MOSQUITTO;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * True when the broker binary is there. Otherwise prints a banner nobody can miss and,
 * under CI, throws: there the real-broker tests must run, never be skipped quietly.
 */
export function mosquittoAvailable(suite: string): boolean {
  if (findMosquitto()) return true;
  const line = '!'.repeat(78);
  const msg = `mosquitto NOT FOUND: ${suite} real-broker tests are SKIPPED (install the Debian package 'mosquitto' or set MOSQUITTO=/path)`;
  console.warn(`\n${line}\n!!! ${msg}\n${line}\n`);
  if (process.env.CI) throw new Error(msg + ' -- and CI is set, so this is a failure');
  return false;
}




export interface MosquittoOptions {
  /** A plain `listener PORT 127.0.0.1` with anonymous access (default true). */
  plain?: boolean;
  /**
   * Keep sessions and queued messages in a db across stop/start (default false). true saves
   * on SIGTERM; 'every-change' also saves after each change, so the db survives SIGKILL.
   */
  persistence?: boolean | 'every-change';
  /** More free ports to reserve, e.g. for a TLS listener (default 0). */
  extraPorts?: number;
  /** Files written into the broker's dir before start (certs, ACL, password file). */
  files?: Record<string, string | Uint8Array>;
  /** Extra config lines; a function receives the broker (dir, ports) to build paths. */
  extraConfig?: string[] | ((b: { dir: string; port: number; extraPorts: number[] }) => string[]);
  /** Log every connection and packet to broker.log() (default true). */
  verbose?: boolean;
}

export interface Mosquitto {
  readonly host: '127.0.0.1';
  /** The plain listener's port (0 when `plain: false`, then the listeners are in extraPorts). */
  readonly port: number;
  readonly extraPorts: number[];
  readonly url: string;
  readonly dir: string;
  /** Broker log so far (stdout + stderr). */
  log(): string;
  running(): boolean;
  /** SIGTERM (the db is saved when persistence is on), wait for exit; kill after 5 s. SIGKILL: a crash. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Sends a signal without waiting (SIGSTOP / SIGCONT: a broker that hangs and comes back). */
  signal(signal: NodeJS.Signals): void;
  /** Starts again on the same ports with the same config. */
  start(): Promise<void>;
  /** stop() then start(), and removes the temp dir when done with `dispose`. */
  restart(): Promise<void>;
  /** stop() and delete the temp dir. */
  dispose(): Promise<void>;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const bin = findMosquitto();
  if (!bin) throw new Error('mosquitto binary not found');
  const plain = options.plain ?? true;
  const port = plain ? await freePort() : 0;
  const extraPorts: number[] = [];
  for (let i = 0; i < (options.extraPorts ?? 0); i++) extraPorts.push(await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'microtls-mosquitto-'));
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  const extra = typeof options.extraConfig === 'function' ? options.extraConfig({ dir, port, extraPorts }) : options.extraConfig ?? [];
  const lines = [
    // As root, mosquitto drops to user 'mosquitto', which cannot read a private temp dir;
    // naming the current user keeps it as is (and the line is ignored when not root).
    `user ${userInfo().username}`,
    // stderr: unbuffered, so log() is current when a test reads it.
    'log_dest stderr',
    ...(options.verbose ?? true ? ['log_type all', 'connection_messages true'] : []),
    ...(options.persistence ? ['persistence true', `persistence_location ${dir}/`] : []),
    ...(options.persistence === true ? ['autosave_interval 0'] : []),
    ...(options.persistence === 'every-change' ? ['autosave_on_changes true', 'autosave_interval 1'] : []),
    // Per-listener settings (allow_anonymous) apply to every listener below.
    'per_listener_settings false',
    'allow_anonymous true',
    ...(plain ? [`listener ${port} 127.0.0.1`] : []),
    ...extra,
  ];
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, lines.join('\n') + '\n');

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let log = '';
  const readyPort = plain ? port : extraPorts[0]!;

  async function start(): Promise<void> {
    if (child) return;
    for (let tries = 0; tries < 3; tries++) {
      const c = spawn(bin!, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let gone = false;
      // A broker that cannot be started is reported by the readiness wait below, not by an unhandled 'error'.
      c.once('error', (err) => {
        log += `\nspawn ${bin}: ${err.message}`;
        gone = true;
        if (child === c) child = undefined;
      });
      exited = new Promise((resolve) => c.once('exit', () => {
        gone = true;
        if (child === c) child = undefined;
        resolve();
      }));
      c.stdout!.on('data', (d: Buffer) => (log += d.toString()));
      c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      for (let i = 0; i < 100 && !gone; i++) {
        if (await canConnect(readyPort)) return;
        await sleep(50);
      }
      if (!gone) {
        await stop();
        throw new Error(`mosquitto did not listen on ${readyPort} within 5 s:\n${log}`);
      }
      // The port may still be held by the previous instance's closing sockets: try again shortly.
      await sleep(200);
    }
    throw new Error(`mosquitto failed to start:\n${log}`);
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const c = child;
    if (!c) return;
    c.kill('SIGCONT'); // a stopped broker cannot handle SIGTERM
    c.kill(signal);
    const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    host: '127.0.0.1',
    port,
    extraPorts,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    log: () => log,
    running: () => child !== undefined,
    stop,
    signal: (sig) => void child?.kill(sig),
    start,
    restart: async () => {
      await stop();
      await start();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
