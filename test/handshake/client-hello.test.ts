/** The ClientHello on the wire: what the reference device offers (manual 2.3, 2.4), and the options that narrow it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from '../../src/node/index.js';
import type { ConnectOptions } from '../../src/node/connect.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { asciiDecode } from '../../src/encoding/bytes.js';
import { hostileServer, type HostileRun } from '../helpers/hostile.js';
import { withTimeout } from '../helpers/async.js';

const runs: HostileRun[] = [];
test.after(async () => { await Promise.all(runs.map((r) => r.close())); });

interface Hello {
  recordVersion: number;
  version: number;
  sessionId: number;
  suites: number[];
  compression: number[];
  extensions: Map<number, Uint8Array>;
  extensionOrder: number[];
}

async function captureHello(opts: Partial<ConnectOptions>): Promise<Hello> {
  const run = await hostileServer((s) => s.end());
  runs.push(run);
  await withTimeout(connect({ host: '127.0.0.1', port: run.port, verify: false, timeout: 2000, ...opts }).catch(() => undefined), 4000, 'connect');
  const rec = new ByteReader(run.clientHello());
  assert.is(rec.u8(), 22);
  const recordVersion = rec.u16();
  const hs = new ByteReader(rec.vec16());
  assert.is(hs.u8(), 1);
  const body = new ByteReader(hs.vec24());
  const version = body.u16();
  body.bytes(32);
  const sessionId = body.vec8().length;
  const s = body.sub16();
  const suites: number[] = [];
  while (!s.done) suites.push(s.u16());
  const compression = [...body.vec8()];
  const extensions = new Map<number, Uint8Array>();
  const extensionOrder: number[] = [];
  const e = body.sub16();
  while (!e.done) {
    const t = e.u16();
    extensions.set(t, e.vec16());
    extensionOrder.push(t);
  }
  body.end();
  return { recordVersion, version, sessionId, suites, compression, extensions, extensionOrder };
}

test('default offer: TLS 1.2, the ten suites in the manual\'s order + SCSV, null compression, SNI, sig algs, ETM, EMS, empty ticket', async () => {
  const h = await captureHello({ host: 'localhost', servername: 'broker.example' });
  assert.is(h.recordVersion, 0x0303);
  assert.is(h.version, 0x0303);
  assert.is(h.sessionId, 0);
  assert.equal(h.suites, [0x009d, 0xc09d, 0x003d, 0x0035, 0xc0a1, 0x009c, 0xc09c, 0x003c, 0x002f, 0xc0a0, 0x00ff]);
  assert.equal(h.compression, [0]);
  assert.equal(h.extensionOrder, [0, 13, 22, 23, 35]);
  assert.is(h.extensions.get(22)!.length, 0, 'encrypt_then_mac is empty');
  assert.is(h.extensions.get(23)!.length, 0, 'extended_master_secret is empty');
  const sni = new ByteReader(h.extensions.get(0)!);
  const list = sni.sub16();
  assert.is(list.u8(), 0);
  assert.is(asciiDecode(list.vec16()), 'broker.example');
  const sig = new ByteReader(h.extensions.get(13)!).sub16();
  const algs: number[] = [];
  while (!sig.done) algs.push(sig.u16());
  assert.equal(algs, [0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301, 0x0203, 0x0201]);
  assert.is(h.extensions.get(35)!.length, 0);
});

test('IP literal host: no server_name (RFC 6066)', async () => {
  const h = await captureHello({});
  assert.not.ok(h.extensions.has(0));
});

test('cipherSuites narrows the offer and keeps the manual\'s order; sessionTickets: false drops the extension', async () => {
  const h = await captureHello({ cipherSuites: ['TLS_RSA_WITH_AES_128_CCM_8', 'AES256-GCM-SHA384', 0x002f], sessionTickets: false });
  assert.equal(h.suites, [0x009d, 0x002f, 0xc0a0, 0x00ff]);
  assert.not.ok(h.extensions.has(35));
});

test.run();
