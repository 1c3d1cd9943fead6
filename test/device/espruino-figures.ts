/**
 * Espruino figures for the engine benchmark (bench/engines.ts calls espruinoFigures(); run
 * alone: `npx tsx test/device/espruino-figures.ts` prints the JSON). Inside the real Espruino
 * binary, bundle loaded from Storage as on a device, over `net`, one run:
 *   load time; handshake times for the device's modes (no verification, verification,
 *   client certificate RSA-1024 and RSA-2048, ticket resumption) against openssl s_server;
 *   MQTT QoS 1 round trip through mosquitto over TLS (MFL 4096);
 *   process.memory().usage after load, the highest seen during a verified handshake (sampled
 *   after every engine step, so a lower bound of the true peak), and after MQTT connects.
 * Desktop runs of a device engine: absolute times are this machine's, not a device's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { enginePath } from '../helpers/engines.js';
import { espruinoBundle, eventOf, runInEspruino, startSServer } from '../helpers/espruino.js';
import { findMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { createTestPki } from '../helpers/pki.js';

export interface EspruinoFigures {
  readonly engine: 'Espruino 2v29 (desktop LINUX build, -Os)';
  /** How the bundle was loaded: from Storage (code stays in flash) or evaluated in RAM, pretokenised. */
  readonly load: 'storage' | 'ram';
  readonly bundle: { readonly minifiedBytes: number; readonly gzipBytes: number };
  readonly loadMs: number;
  readonly handshakeMs: Readonly<Record<'noVerify' | 'verify' | 'clientCert1024' | 'clientCert2048' | 'ticketResumption', number | null>>;
  readonly mqttQos1RoundTripMs: number | null;
  readonly memory: { readonly afterLoad: number; readonly peakInVerifiedHandshake: number; readonly afterMqttConnect: number | null };
  readonly errors: string[];
}

/** Client certificate and key of `bits` signed by the test CA (PEM). */
function clientCredentials(bits: number): { cert: string; key: string } {
  const pki = createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'microtls-client-'));
  try {
    const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    o(['req', '-new', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', 'c.key', '-out', 'c.csr', '-subj', `/CN=espruino-${bits}`]);
    o(['x509', '-req', '-in', 'c.csr', '-CA', pki.caCertPath, '-CAkey', join(pki.dir, 'ca.key'), '-CAcreateserial', '-out', 'c.crt', '-days', '30', '-sha256']);
    return { cert: readFileSync(join(dir, 'c.crt'), 'utf8'), key: readFileSync(join(dir, 'c.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HANDSHAKES = `
var peak = 0;
var R = microtls.TlsClient.prototype.receive;
microtls.TlsClient.prototype.receive = function (b) { R.call(this, b); var u = process.memory().usage; if (u > peak) peak = u; };
function hs(label, opts, next) {
  peak = process.memory().usage;
  var t0 = Date.now();
  microtls.connect(opts).then(function (s) {
    out({ event: label, ok: true, ms: Date.now() - t0, resumed: s.resumed, peak: peak, clientCert: s.handshake.clientCertificateSent });
    var session = s.getSession();
    s.end();
    setTimeout(function () { next(session); }, 50);
  }, function (e) { out({ event: label, ok: false, name: e.codeName, message: String(e.message) }); setTimeout(function () { next(); }, 50); });
}
var base = { host: '127.0.0.1', port: PORT, servername: 'localhost', ca: CA, timeout: 180000 };
function withOpts(extra) { var o = {}; for (var k in base) o[k] = base[k]; for (var k2 in extra) o[k2] = extra[k2]; return o; }
hs('noVerify', withOpts({ verify: false }), function () {
  hs('verify', withOpts({ verify: true }), function (session) {
    hs('ticketResumption', withOpts({ verify: true, session: session }), function () {
      hs('clientCert1024', withOpts({ verify: true, port: PORT_CC, cert: C1024, key: K1024 }), function () {
        hs('clientCert2048', withOpts({ verify: true, port: PORT_CC, cert: C2048, key: K2048 }), function () { done(); });
      });
    });
  });
});
`;

const MQTT = `
var t0 = Date.now();
var client = microtls.connectMqtt('mqtts://127.0.0.1:' + PORT, { verifyServerCertificate: true, caCertificate: CA, servername: 'localhost',
  clientId: 'espruino-bench', maxFragmentLength: 4096 });
client.on('error', function (e) { out({ event: 'mqtt-error', name: e.codeName, message: String(e.message) }); });
var tPub = 0;
client.on('message', function () {
  out({ event: 'rtt', ms: Date.now() - tPub });
  client.end();
  done();
});
client.on('connect', function () {
  out({ event: 'connected', ms: Date.now() - t0, usage: process.memory().usage });
  client.subscribe('bench/t', { qos: 1 }).then(function () { tPub = Date.now(); return client.publish('bench/t', 'x', { qos: 1 }); });
});
setTimeout(function () { out({ event: 'gave-up' }); done(); }, 60000);
`;

export async function espruinoFigures(load: 'storage' | 'ram' = 'storage'): Promise<EspruinoFigures | undefined> {
  if (!enginePath('espruino')) return undefined;
  const pki = createTestPki();
  const errors: string[] = [];
  const path = await espruinoBundle();
  const code = readFileSync(path);
  const c1024 = clientCredentials(1024);
  const c2048 = clientCredentials(2048);
  const plain = await startSServer();
  const withClientAuth = await startSServer(['-Verify', '1', '-CAfile', pki.caCertPath]);
  let hsRun;
  try {
    hsRun = await runInEspruino(HANDSHAKES, {
      PORT: plain.port, PORT_CC: withClientAuth.port, CA: pki.caCertPem, C1024: c1024.cert, K1024: c1024.key, C2048: c2048.cert, K2048: c2048.key,
    }, 600_000, load);
  } finally {
    await plain.close();
    await withClientAuth.close();
  }
  const ms = (label: string): number | null => {
    const e = hsRun.events.find((x) => x.event === label);
    if (!e || e.ok !== true) {
      errors.push(`${label}: ${e ? String(e.name) + ' ' + String(e.message) : 'no result'}`);
      return null;
    }
    return Math.round(Number(e.ms));
  };
  const loaded = eventOf(hsRun, 'loaded');
  const verify = hsRun.events.find((x) => x.event === 'verify');
  let rtt: number | null = null;
  let afterMqtt: number | null = null;
  if (findMosquitto()) {
    const broker = await startMosquitto({
      plain: false, extraPorts: 1, verbose: false,
      files: { 'ca.pem': pki.caCertPem, 'server.pem': pki.certPem, 'server.key': pki.keyPem },
      extraConfig: (b) => [`listener ${b.extraPorts[0]} 127.0.0.1`, `certfile ${b.dir}/server.pem`, `keyfile ${b.dir}/server.key`, 'tls_version tlsv1.2',
        'ciphers AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA'],
    });
    try {
      const run = await runInEspruino(MQTT, { PORT: broker.extraPorts[0]!, CA: pki.caCertPem }, 90_000, load);
      const r = run.events.find((x) => x.event === 'rtt');
      const c = run.events.find((x) => x.event === 'connected');
      rtt = r ? Math.round(Number(r.ms)) : null;
      afterMqtt = c ? Number(c.usage) : null;
      if (!r) errors.push(`mqtt: ${JSON.stringify(run.events.slice(-2))}`);
    } finally {
      await broker.dispose();
    }
  } else errors.push('mqtt: mosquitto not found');
  return {
    engine: 'Espruino 2v29 (desktop LINUX build, -Os)',
    load,
    bundle: { minifiedBytes: statSync(path).size, gzipBytes: gzipSync(code, { level: 9 }).length },
    loadMs: Math.round(Number(loaded.ms)),
    handshakeMs: {
      noVerify: ms('noVerify'), verify: ms('verify'), clientCert1024: ms('clientCert1024'), clientCert2048: ms('clientCert2048'), ticketResumption: ms('ticketResumption'),
    },
    mqttQos1RoundTripMs: rtt,
    memory: { afterLoad: Number(loaded.usage), peakInVerifiedHandshake: verify ? Number(verify.peak) : NaN, afterMqttConnect: afterMqtt },
    errors,
  };
}

if (process.argv[1] && /espruino-figures\.ts$/.test(process.argv[1])) {
  const load = process.argv.includes('--ram') ? 'ram' : 'storage';
  const f = await espruinoFigures(load);
  console.log(JSON.stringify(f ?? { skipped: 'no Espruino engine (../shared/engines/espruino or ESPRUINO=)' }, null, 2));
}
