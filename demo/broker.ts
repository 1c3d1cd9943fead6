/**
 * The demo's local broker on loopback, with two TLS listeners: one without client
 * certificates, one that requires them and takes the certificate's CN as the user name
 * (the reference device's Mosquitto setup, manual section 3). Mosquitto when its binary is
 * there; otherwise aedes behind Node's TLS server, so `npm start` needs no root and no network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/node/free-port.js';

export interface BrokerPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface DemoBroker {
  kind: string;
  host: string;
  /** TLS, no client certificate requested. */
  tlsPort: number;
  /** TLS, client certificate required. */
  mutualPort: number;
  stop(): Promise<void>;
}

/** RSA key exchange only: the suites the reference device offers. */
const OPENSSL_CIPHERS = 'AES256-GCM-SHA384:AES256-CCM:AES256-SHA256:AES256-SHA:AES256-CCM8:AES128-GCM-SHA256:AES128-CCM:AES128-SHA256:AES128-SHA:AES128-CCM8:@SECLEVEL=0';

const MOSQUITTO_PATHS = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/bin/mosquitto', '/opt/homebrew/sbin/mosquitto'];


async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`broker did not listen on ${port} within ${ms} ms`);
}

async function startMosquitto(bin: string, pki: BrokerPki): Promise<DemoBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-demo-'));
  // mosquitto started as root drops to the 'mosquitto' user: it must be able to read its files.
  chmodSync(dir, 0o755);
  const files: Record<string, string> = { 'ca.pem': pki.caPem, 'server.pem': pki.serverCertPem, 'server.key': pki.serverKeyPem };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body, { mode: 0o644 });
  const [tlsPort, mutualPort] = [await freePort(), await freePort()];
  const tlsLines = (port: number) => [
    `listener ${port} 127.0.0.1`,
    `cafile ${dir}/ca.pem`,
    `certfile ${dir}/server.pem`,
    `keyfile ${dir}/server.key`,
    'tls_version tlsv1.2',
    `ciphers ${OPENSSL_CIPHERS}`,
  ];
  const conf = [
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    ...tlsLines(tlsPort),
    ...tlsLines(mutualPort),
    'require_certificate true',
    'use_identity_as_username true',
  ].join('\n');
  writeFileSync(join(dir, 'mosquitto.conf'), conf + '\n', { mode: 0o644 });
  const child: ChildProcess = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await Promise.race([
      Promise.all([waitForPort(tlsPort, 5000), waitForPort(mutualPort, 5000)]),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr.trim()}`)))),
      new Promise((_, reject) => child.once('error', (e) => reject(new Error(`mosquitto could not be started: ${e.message}`)))),
    ]);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    kind: `mosquitto (${bin})`,
    host: '127.0.0.1',
    tlsPort,
    mutualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }).finally(() => rmSync(dir, { recursive: true, force: true })),
  };
}

async function startAedes(pki: BrokerPki): Promise<DemoBroker> {
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const base: tls.TlsOptions = {
    key: pki.serverKeyPem,
    cert: pki.serverCertPem,
    ca: pki.caPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
    ciphers: OPENSSL_CIPHERS,
  };
  const plain = tls.createServer(base, (s) => broker.handle(s));
  const mutual = tls.createServer({ ...base, requestCert: true, rejectUnauthorized: true }, (s) => broker.handle(s));
  // As mosquitto's use_identity_as_username: the user name is the client certificate's CN.
  broker.authenticate = (client, _user, _pass, done) => {
    const stream = (client as unknown as { conn?: tls.TLSSocket }).conn;
    const cn = stream instanceof tls.TLSSocket ? stream.getPeerCertificate()?.subject?.CN : undefined;
    if (cn) (client as unknown as { user?: string }).user = String(cn);
    done(null, true);
  };
  const listen = (srv: tls.Server) => new Promise<number>((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as net.AddressInfo).port)));
  const [tlsPort, mutualPort] = [await listen(plain), await listen(mutual)];
  return {
    kind: 'aedes behind Node tls (mosquitto not found)',
    host: '127.0.0.1',
    tlsPort,
    mutualPort,
    stop: async () => {
      await Promise.all([plain, mutual].map((s) => new Promise<void>((r) => s.close(() => r()))));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

/** DEMO_BROKER=aedes forces the in-process broker; MOSQUITTO=/path picks a mosquitto binary. */
export async function startDemoBroker(pki: BrokerPki): Promise<DemoBroker> {
  const bin = process.env.DEMO_BROKER === 'aedes' ? undefined : [process.env.MOSQUITTO, ...MOSQUITTO_PATHS].find((p) => p && existsSync(p));
  if (bin) {
    try {
      return await startMosquitto(bin, pki);
    } catch (e) {
      console.warn(`mosquitto failed to start (${(e as Error).message}); using aedes instead`);
    }
  }
  return startAedes(pki);
}
