/**
 * Mbed TLS 3.6's ssl_server2 (the reference device's own TLS stack) from ../shared/peers, or
 * SSL_SERVER2=path, as a loopback peer. It answers each connection's request with an HTTP
 * response and then waits for the next connection, so one server serves a test's reconnects.
 * Tests that need it are skipped (counted) where it is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestPki } from './pki.js';
import { freePort } from '../../src/node/free-port.js';
import { spawnProgram } from './programs.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SSL_SERVER2 = process.env['SSL_SERVER2'] ?? join(ROOT, '..', 'shared', 'peers', 'ssl_server2');
export const HAVE_SSL_SERVER2 = existsSync(SSL_SERVER2);
export const SSL_SERVER2_ABSENT = 'needs ../shared/peers/ssl_server2 (Mbed TLS 3.6) or SSL_SERVER2=path, absent here';

export interface Peer {
  readonly port: number;
  log(): string;
  close(): Promise<void>;
}

/**
 * A server process on a pre-picked free port: a path (ssl_server2) or a system program
 * (through spawnProgram, so .ci/apt-packages lists it). Output kept (last 20 KB) for failures.
 * With `ready`, resolves only once the output matches it (the server listens): a client that
 * does not retry, such as an MQTT client with reconnectPeriod 0, would otherwise race the
 * server's start and meet ECONNREFUSED on a loaded machine.
 */
export async function startPeer(cmd: string, args: (port: number) => string[], ready?: RegExp): Promise<Peer> {
  const port = await freePort();
  const child: ChildProcess = cmd.includes('/')
    ? spawn(cmd, args(port), { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawnProgram(cmd, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => { log = (log + d.toString()).slice(-20_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (ready) {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready.test(log)) return;
        cleanup();
        resolve();
      };
      const gone = () => { cleanup(); reject(new Error(`${cmd} exited before it listened:\n${log}`)); };
      const timer = setTimeout(() => { cleanup(); child.kill('SIGKILL'); reject(new Error(`${cmd} did not listen within 20 s:\n${log}`)); }, 20_000);
      const cleanup = () => { clearTimeout(timer); child.stdout!.off('data', check); child.stderr!.off('data', check); child.off('exit', gone); };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', gone);
      check();
    });
  }
  return {
    port,
    log: () => log,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** ssl_server2 with the test PKI's RSA server certificate; `extra` as ssl_server2's key=value options. */
export function startSslServer2(extra: readonly string[] = []): Promise<Peer> {
  const pki = createTestPki();
  return startPeer(SSL_SERVER2, (port) => ['server_addr=127.0.0.1', `server_port=${port}`, `crt_file=${pki.chainPath}`, `key_file=${pki.keyPath}`, ...extra],
    /Waiting for a remote connection/);
}
