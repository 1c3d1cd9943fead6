/**
 * `npm start`: the self-contained demo. A PKI made on the fly, a local broker on loopback,
 * then microtls in each of the reference device's modes (manual sections 1 and 2.5): one
 * message published and received back per mode, and a table beside the device's figures:
 * the device cost model's predictions for the device profiles (bench/model: one handshake per
 * mode counted here, times each profile's cited unit costs -- a model, not a measurement),
 * then the desktop handshake times of microtls and Node's own tls measured in this run.
 */
import * as tls from 'node:tls';
import { connect as tlsConnect } from '../src/node/connect.js';
import { connectAsync, type MqttClient } from '../src/mqtt/index.js';
import { issueCertificate, rsaKeyPkcs1Pem, type Issued } from '../src/node/pki.js';
import { describeCertificate, describeKey } from '../src/x509/describe.js';
import { MicroTlsError, describeError, formatCode } from '../src/errors.js';
import { completeProvider } from '../hw/index.js';
import { coldVerifier, countHandshake, deviceCountingProvider, MODEL_SUITE, type WorkCounts } from '../bench/model/count-modes.js';
import { loadProfiles, type DeviceProfile } from '../bench/model/profile.js';
import { predict } from '../bench/model/predict.js';
import { startDemoBroker, type DemoBroker } from './broker.js';

const ROUNDS = Number(process.env.DEMO_ROUNDS ?? 5);

interface Mode {
  name: string;
  deviceMs: string;
  port: (b: DemoBroker) => number;
  verify: boolean;
  client?: Issued;
  resume?: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Model predictions: whole milliseconds, or seconds above 10 s. */
function fmtModel(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 10 ? ms.toFixed(0) : ms.toFixed(1);
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

async function microtlsHandshake(broker: DemoBroker, mode: Mode, ca: string): Promise<number> {
  const options: Record<string, unknown> = { host: broker.host, port: mode.port(broker), servername: 'localhost', verify: mode.verify };
  if (mode.verify) options.ca = ca;
  if (mode.client) Object.assign(options, { cert: mode.client.certPem, key: rsaKeyPkcs1Pem(mode.client.key) });
  if (mode.resume) {
    const first = await tlsConnect(options as never);
    const session = (first as unknown as { getSession?(): unknown }).getSession?.();
    first.end();
    if (!session) throw new MicroTlsError('SSL_FEATURE_UNAVAILABLE', 'the server issued no session to resume');
    options.session = session;
  }
  const t0 = performance.now();
  const socket = await tlsConnect(options as never);
  const ms = performance.now() - t0;
  if (mode.resume && !(socket as unknown as { resumed?: boolean }).resumed) {
    socket.destroy();
    throw new MicroTlsError('SSL_BAD_HS_SERVER_HELLO', 'the server did not resume the session');
  }
  socket.end();
  return ms;
}

/**
 * One handshake in `mode` through the counting provider (cold verifier: the CA parsed and the
 * signature checked, as a device without cached verdicts), for the cost model.
 */
async function countedHandshake(broker: DemoBroker, mode: Mode, ca: string): Promise<WorkCounts> {
  const counting = deviceCountingProvider();
  const provider = completeProvider(counting.provider);
  const options = {
    host: broker.host, port: mode.port(broker), servername: 'localhost', cipherSuites: [MODEL_SUITE], provider,
    verify: mode.verify ? coldVerifier(ca, provider) : false,
    ...(mode.client ? { cert: mode.client.certPem, key: rsaKeyPkcs1Pem(mode.client.key) } : {}),
  };
  let session: unknown;
  if (mode.resume) {
    const first = await tlsConnect(options as never);
    session = first.getSession();
    first.end();
  }
  const work = await countHandshake(counting, { ...options, ...(session ? { session } : {}) } as never, mode.verify ? ca : undefined);
  if (work.resumed !== Boolean(mode.resume)) throw new MicroTlsError('SSL_BAD_HS_SERVER_HELLO', 'the counted handshake did not resume as expected');
  return work;
}

async function nodeHandshake(broker: DemoBroker, mode: Mode, ca: string, session?: Buffer): Promise<{ ms: number; session?: Buffer }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ticket: Buffer | undefined;
    const s = tls.connect({
      host: broker.host,
      port: mode.port(broker),
      servername: 'localhost',
      ca: mode.verify ? ca : undefined,
      rejectUnauthorized: mode.verify,
      maxVersion: 'TLSv1.2',
      ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384:@SECLEVEL=0',
      ...(mode.client ? { cert: mode.client.certPem, key: mode.client.keyPem } : {}),
      ...(session ? { session } : {}),
    });
    s.on('session', (b: Buffer) => (ticket = b));
    s.once('secureConnect', () => {
      const ms = performance.now() - t0;
      // TLS 1.2 tickets arrive with the server's Finished, before secureConnect resolves here.
      setImmediate(() => {
        s.end();
        resolve({ ms, session: ticket ?? s.getSession() });
      });
    });
    s.once('error', reject);
  });
}

async function nodeTimes(broker: DemoBroker, mode: Mode, ca: string): Promise<number> {
  const times: number[] = [];
  await nodeHandshake(broker, { ...mode, resume: false }, ca); // untimed, as for microtls
  for (let i = 0; i < ROUNDS; i++) {
    if (mode.resume) {
      const first = await nodeHandshake(broker, { ...mode, resume: false }, ca);
      times.push((await nodeHandshake(broker, mode, ca, first.session)).ms);
    } else {
      times.push((await nodeHandshake(broker, mode, ca)).ms);
    }
  }
  return median(times);
}

async function mqttRoundTrip(broker: DemoBroker, mode: Mode, ca: string): Promise<MqttClient> {
  const client = await connectAsync({
    protocol: 'mqtts',
    host: broker.host,
    port: mode.port(broker),
    servername: 'localhost',
    verifyServerCertificate: mode.verify,
    caCertificate: mode.verify ? ca : undefined,
    clientCertificate: mode.client?.certPem,
    privateKey: mode.client ? rsaKeyPkcs1Pem(mode.client.key) : undefined,
    reconnectPeriod: 0,
    connectTimeout: 15_000,
  });
  const topic = `microtls/demo/${mode.name.replace(/\W+/g, '-')}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const got = new Promise<string>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('message not received back within 5 s')), 5000);
    client.on('message', (t: string, payload: Uint8Array) => {
      if (t !== topic) return;
      clearTimeout(timer);
      resolve(new TextDecoder().decode(payload));
    });
  });
  // Awaited below; if subscribe or publish fails first, its later rejection must not be unhandled (that kills the demo).
  got.catch(() => {});
  try {
    await client.subscribe(topic, { qos: 1 });
    const sent = `hello from microtls (${mode.name})`;
    await client.publish(topic, sent, { qos: 1 });
    const back = await got;
    if (back !== sent) throw new Error(`received ${JSON.stringify(back)}, sent ${JSON.stringify(sent)}`);
    return client;
  } catch (e) {
    clearTimeout(timer);
    await client.end(true);
    throw e;
  }
}

function errorText(e: unknown): string {
  if (e instanceof MicroTlsError) return e.label;
  return (e as Error).message ?? String(e);
}

async function main(): Promise<number> {
  console.log('microtls demo: TLS 1.2 + MQTT 3.1.1 against a local broker, in the reference device\'s modes\n');
  const ca = issueCertificate({ subject: [['O', 'microtls demo'], ['CN', 'Demo Mosquitto CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']],
    issuer: ca,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    extKeyUsage: ['serverAuth'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
  });
  const client1024 = issueCertificate({ subject: [['CN', 'device-1024']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
  const client2048 = issueCertificate({ subject: [['CN', 'device-2048']], issuer: ca, key: { type: 'rsa', bits: 2048 }, extKeyUsage: ['clientAuth'] });

  const broker = await startDemoBroker({ caPem: ca.certPem, serverCertPem: server.certPem, serverKeyPem: rsaKeyPkcs1Pem(server.key) });
  // Ctrl-C or a supervisor's SIGTERM: stop the broker (a child process) and remove its temp
  // dir, which holds the server's private key, instead of leaving both behind.
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping the broker`);
    const code = signal === 'SIGINT' ? 130 : 143;
    setTimeout(() => process.exit(code), 3000).unref(); // aedes' close waits for open connections
    void broker.stop().finally(() => process.exit(code));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`broker: ${broker.kind} on ${broker.host}, TLS port ${broker.tlsPort}, client-certificate port ${broker.mutualPort}\n`);

  console.log('Certificates, as the device describes them:');
  console.log(`  CA certificate      ${describeCertificate(ca.certPem)}`);
  console.log(`  Client certificate  ${describeCertificate(client2048.certPem)}`);
  console.log(`  Private key         ${describeKey(rsaKeyPkcs1Pem(client2048.key))}\n`);

  const modes: Mode[] = [
    { name: 'without certificate verification', deviceMs: '275', port: (b) => b.tlsPort, verify: false },
    { name: 'with certificate verification', deviceMs: '460', port: (b) => b.tlsPort, verify: true },
    { name: 'client certificate (1024 bit)', deviceMs: '1400', port: (b) => b.mutualPort, verify: true, client: client1024 },
    { name: 'client certificate (2048 bit)', deviceMs: '~6000', port: (b) => b.mutualPort, verify: true, client: client2048 },
    { name: 'session ticket resumption', deviceMs: '55', port: (b) => b.tlsPort, verify: true, resume: true },
  ];

  // Engine profiles whose costs no bench run has filled in yet cannot predict.
  const profiles: DeviceProfile[] = loadProfiles().filter((p) => Object.values(p.costsUs.modMul).some((v) => v > 1));
  const rows: string[][] = [];
  let failures = 0;
  try {
    for (const mode of modes) {
      let ours: number | undefined;
      let node: number | undefined;
      let model: string[] = profiles.map(() => '-');
      let mqtt = 'ok';
      try {
        const times: number[] = [];
        // One untimed handshake first: the first connection of a mode also loads and compiles its code paths.
        await microtlsHandshake(broker, mode, ca.certPem);
        for (let i = 0; i < ROUNDS; i++) times.push(await microtlsHandshake(broker, mode, ca.certPem));
        ours = median(times);
        const work = await countedHandshake(broker, mode, ca.certPem);
        model = profiles.map((p) => fmtModel(predict(work, p).totalMs));
        const client = await mqttRoundTrip(broker, mode, ca.certPem);
        await client.end();
      } catch (e) {
        mqtt = `FAILED ${errorText(e)}`;
        failures++;
      }
      try {
        node = await nodeTimes(broker, mode, ca.certPem);
      } catch (e) {
        node = undefined;
        mqtt += ` (Node tls: ${errorText(e)})`;
      }
      const ratio = ours !== undefined && node !== undefined ? `${(ours / node).toFixed(2)}x` : '-';
      rows.push([mode.name, mode.deviceMs, ...model, fmt(ours), fmt(node), ratio, mqtt]);
    }

    // What the device's "Status codes" field shows after a failed connection: a broker
    // certificate from a CA we did not load.
    const stranger = issueCertificate({ subject: [['CN', 'Some Other CA']], ca: true, keyUsage: ['keyCertSign'] });
    let statusLine = '';
    try {
      await connectAsync({
        protocol: 'mqtts', host: broker.host, port: broker.tlsPort, servername: 'localhost',
        verifyServerCertificate: true, caCertificate: stranger.certPem, reconnectPeriod: 0, connectTimeout: 10_000,
      });
      statusLine = 'UNEXPECTED: a broker certificate from an unknown CA was accepted';
      failures++;
    } catch (e) {
      const code = e instanceof MicroTlsError ? e.code : undefined;
      statusLine = code === undefined ? errorText(e) : `${formatCode(code)} ${describeError(code)?.name ?? ''}`;
    }

    const head = ['mode', 'device ms', ...profiles.map((p) => `model ${p.short}`), 'microtls ms', 'Node tls ms', 'ratio', 'publish + receive'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i >= 1 && i < r.length - 1 ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
    console.log('Handshake times. device: the reference device\'s table (ClientHello to first MQTT frame).');
    console.log('model columns: a MODEL, not a measurement -- one handshake per mode counted here (hash blocks, AES blocks,');
    console.log('  modular multiplications, bytes, round trips) times the unit costs of each device profile');
    console.log(`  (bench/model/profiles/*.json, every figure with its source): ${profiles.map((p) => `${p.short} = ${p.name}`).join('; ')}.`);
    console.log(`microtls / Node tls: measured on this machine, median of ${ROUNDS} after one untimed handshake (TCP connect to handshake complete); ratio = microtls / Node.`);
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log(`\nStatus codes after connecting with the wrong CA certificate: ${statusLine}`);
  } finally {
    await broker.stop();
  }
  console.log(failures ? `\n${failures} mode(s) failed` : '\nall modes ok');
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(errorText(e));
    process.exit(1);
  },
);
